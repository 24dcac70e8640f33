//! Zero-copy reader, writer and verifier for Cisco Unified CM trust lists: the ITL
//! (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`) and the CTL (`CTLFile.tlv`).
//!
//! Layers, each depending only on those above it:
//! - [`tlv`]: the TLV reader (nom, borrowed slices);
//! - [`Header`], [`Record`], [`TrustList`]: typed views over the TLVs;
//! - [`build`]: lays out and signs a file as CUCM does;
//! - [`verify`]: which token signed a file, and whether the signature holds;
//! - [`show`] and [`json`]: CUCM's `show itl` / `show ctl` text and a JSON model;
//! - [`sgn`]: signed `.sgn` files (the same header, then a payload);
//! - [`diff`] and [`lint`]: will phones accept a new list, and what needs attention;
//! - [`devicetlinfo`]: the hashes phones report, streamed out of any text and compared.
//!
//! ```
//! # fn main() -> Result<(), itl::Error> {
//! let bytes = include_bytes!("../../../testdata/itl-11x-cm-sha1.tlv");
//! let list = itl::TrustList::parse(bytes)?;
//! let verdict = itl::verify::verify(&list);
//! assert!(verdict.is_valid());
//! print!("{}", itl::show::Show::new(&list, &verdict));
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
#![doc(test(attr(deny(warnings))))]

pub mod build;
pub mod devicetlinfo;
pub mod diff;
mod error;
pub mod hash;
mod header;
pub mod json;
pub mod key;
pub mod lint;
mod record;
mod role;
pub mod sgn;
pub mod show;
pub mod syslog;
pub mod tag;
pub mod text;
pub mod tlv;
mod trustlist;
pub mod verify;

pub use error::{Error, Result};
pub use header::Header;
pub use record::Record;
pub use role::{Digest, Role};
pub use trustlist::{Kind, Mode, TrustList};
