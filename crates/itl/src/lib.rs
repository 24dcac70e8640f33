//! Zero-copy reader, writer and verifier for Cisco Unified CM trust lists: the ITL
//! (`ITLFile.tlv`, `ITLSEP<MAC>.tlv`) and the CTL (`CTLFile.tlv`).
//!
//! Layers, each depending only on those above it:
//! - [`tlv`] (the TLV reader and writer, borrowed slices), [`tag`], [`sniff`];
//! - [`Header`], [`Record`], [`TrustList`] with [`Mode`]: typed views over the TLVs;
//!   [`name`] and [`text`]: names and byte strings as CUCM spells them; [`hash`];
//! - [`key`] and [`cert`]: public keys and the one signature check; certificate and key
//!   files, CUCM's name order;
//! - [`verify`]: which token signed a file, and whether the signature holds; [`sgn`]:
//!   signed `.sgn` files (the same header, then a payload);
//! - [`build`]: lays out and signs a file as CUCM does; [`encrypted`] and [`mint`]:
//!   encrypted config files and new certificates for a PBX;
//! - [`lint`] and [`diff`]: what needs attention, and will phones accept a new list;
//! - [`show`], [`json`] and [`document`]: CUCM's `show itl` / `show ctl` text, the JSON
//!   model, and what a file is;
//! - [`devicetlinfo`]: the hashes phones report, streamed out of any text and compared.
//!
//! Cargo features (all on by default): `verify` (RSA, ECDSA, X.509, serde: everything from
//! [`key`] down), `devicetlinfo` (quick-xml, csv-core), `pbx` (AES, rcgen); `ring` and
//! `aws-lc` check RSA with a faster backend. With `--no-default-features` the crate parses
//! and writes trust lists and nothing else.
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

#[cfg(feature = "verify")]
pub mod build;
#[cfg(feature = "verify")]
pub mod cert;
#[cfg(feature = "devicetlinfo")]
pub mod devicetlinfo;
#[cfg(feature = "verify")]
pub mod diff;
#[cfg(feature = "verify")]
pub mod document;
#[cfg(feature = "pbx")]
pub mod encrypted;
mod error;
pub mod hash;
mod header;
#[cfg(feature = "verify")]
pub mod json;
#[cfg(feature = "verify")]
pub mod key;
#[cfg(feature = "verify")]
pub mod lint;
#[cfg(feature = "pbx")]
pub mod mint;
mod mode;
pub mod name;
mod record;
mod role;
#[cfg(feature = "verify")]
pub mod sgn;
#[cfg(feature = "verify")]
pub mod show;
pub mod sniff;
#[cfg(feature = "devicetlinfo")]
pub mod syslog;
pub mod tag;
pub mod text;
pub mod tlv;
mod trustlist;
#[cfg(feature = "verify")]
pub mod verify;

pub use error::{CryptoError, Error, Result};
pub use header::Header;
pub use mode::Mode;
pub use record::Record;
pub use role::{Digest, Role};
pub use trustlist::{Kind, TrustList, ROLLBACK_NOTE};
