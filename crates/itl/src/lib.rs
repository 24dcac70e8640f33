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
//!   signed `.sgn` files (the same header, then a payload), the fields of encrypted ones;
//!   [`cisco`]: the files Cisco signs itself; [`image`]: the newer phone image format
//!   (`cd 34 12 ab`);
//! - [`build`]: lays out and signs a file as CUCM does; [`encrypted`] and [`mint`]:
//!   making and reading encrypted config files, and new certificates, for a PBX;
//! - [`lint`] and [`diff`]: what needs attention, and will phones accept a new list;
//!   `plan` (with `pbx`): a certificate regeneration simulated step by step;
//! - [`show`], [`json`] and [`document`]: CUCM's `show itl` / `show ctl` text, the JSON
//!   model, and what a file is; [`folder`]: which file names are trust lists;
//! - [`devicetlinfo`]: the hashes phones report, streamed out of any text and compared.
//!
//! Cargo features (the first three on by default), each of which builds alone:
//! - `verify` (RSA, ECDSA, X.509, serde): everything from [`key`] down, except what needs
//!   `pbx`;
//! - `devicetlinfo` (quick-xml, csv-core): [`devicetlinfo`] and [`syslog`];
//! - `pbx` (implies `verify`; AES, rcgen, quick-xml): [`encrypted`] and [`mint`];
//! - `ring` or `aws-lc` (imply `verify`): check RSA with a faster backend.
//!
//! With `--no-default-features` the crate parses and writes trust lists and nothing else.
//!
//! ```
//! # fn main() -> Result<(), itl::Error> {
//! let bytes = include_bytes!("../../../testdata/itl-11x-cm-sha1.tlv");
//! let list = itl::TrustList::parse(bytes)?;
//! let verdict = list.verify();
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
pub mod cisco;
#[cfg(feature = "devicetlinfo")]
pub mod devicetlinfo;
#[cfg(feature = "verify")]
pub mod diff;
#[cfg(feature = "verify")]
pub mod document;
#[cfg(feature = "pbx")]
pub mod encrypted;
mod error;
pub mod folder;
pub mod hash;
mod header;
pub mod image;
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
#[cfg(feature = "pbx")]
pub mod plan;
mod record;
mod role;
#[cfg(feature = "verify")]
pub mod sgn;
#[cfg(feature = "verify")]
pub mod show;
pub mod sniff;
/// The former path of [`devicetlinfo::syslog`], which moved there (it reads reports).
#[cfg(feature = "devicetlinfo")]
pub use devicetlinfo::syslog;
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
pub use trustlist::{Kind, TrustList};
