//! The exit codes every command returns; the worst one of a run wins.

/// Every file read and every verdict positive.
pub const OK: u8 = 0;
/// A negative verdict: an invalid signature, a phone that rejects, a stale device, a lint error.
pub const NEGATIVE: u8 = 1;
/// An unreadable or malformed file, a failed write, or a bad command line.
pub const FAILED: u8 = 2;
