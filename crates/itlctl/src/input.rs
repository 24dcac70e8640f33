//! Reading the user's files, and the one-line error format of `cli.md`.

use std::time::SystemTime;

/// Exit code: every file read and every verdict positive.
pub const OK: u8 = 0;
/// Exit code: a negative verdict.
pub const NEGATIVE: u8 = 1;
/// Exit code: an unreadable or malformed file, or a bad command line.
pub const FAILED: u8 = 2;

/// A file's bytes and modification time.
pub struct Input {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// mtime, when the file system gives one.
    pub modified: Option<SystemTime>,
}

/// Reads `path`, or prints `itlctl: PATH: cannot read: …` and returns `None`.
pub fn read(path: &str) -> Option<Input> {
    if crate::fetch::is_url(path) {
        return match crate::fetch::get(path) {
            Ok(bytes) => Some(Input { bytes, modified: None }),
            Err(e) => {
                fail(path, &e);
                None
            }
        };
    }
    let res = if path == "-" {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut v).map(|_| (v, None))
    } else {
        std::fs::read(path).map(|b| (b, std::fs::metadata(path).and_then(|m| m.modified()).ok()))
    };
    match res {
        Ok((bytes, modified)) => Some(Input { bytes, modified }),
        Err(e) => {
            fail(path, &format!("cannot read: {e}; check the path and permissions"));
            None
        }
    }
}

/// Prints the one-line error `itlctl: FILE: message` on stderr.
pub fn fail(path: &str, message: &str) {
    crate::term::report(path, message);
}

/// CUCM's "last modified" text: Java's `Date.toString()` in the local time zone,
/// `Wed Feb 26 10:24:27 PST 2014`.
pub fn cucm_date(t: SystemTime) -> Option<String> {
    let ts = jiff::Timestamp::try_from(t).ok()?;
    let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
    Some(zoned.strftime("%a %b %d %H:%M:%S %Z %Y").to_string())
}

/// Reads a file or URL, returning the error text instead of printing it.
pub fn read_quiet(path: &str) -> Result<Vec<u8>, String> {
    if crate::fetch::is_url(path) {
        crate::fetch::get(path)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read: {e}; check the path and permissions"))
    }
}
