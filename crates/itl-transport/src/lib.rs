//! How itlctl reaches a Cisco Unified CM and the phones around it: downloads by URL over
//! TFTP and HTTP(S), and the date text CUCM prints.
//!
//! The CLI, the Python package and the server share this crate; none of them opens a socket
//! of its own. It holds no trust-list format logic (that is the `itl` crate).
//!
//! Modules, one transport each:
//! - [`tftp`]: an RFC 1350 TFTP client (read requests, octet mode);
//! - [`http`]: the HTTP(S) client (CUCM's TFTP service also serves files on port 6970);
//! - [`ris`]: CUCM's RisPort70 service, every phone and its address;
//! - [`fetch`]: a file named by URL (`tftp://`, `http://`, `https://`), whatever carries it;
//! - [`date`]: CUCM's "last modified" text in the local time zone;
//! - [`fleet`]: the phones one run asks (`--probe` values and RIS's list), each once.
//!
//! Clients of other CUCM and phone services (a phone's web pages, the RIS API) belong here
//! too, each in a module of its own beside [`http`].
#![forbid(unsafe_code)]

pub mod date;
pub mod fetch;
pub mod fleet;
pub mod http;
pub mod probe;
pub mod ris;
pub mod tftp;

mod error;

pub use date::cucm_date;
pub use error::{Error, ErrorKind};
pub use fetch::{download, is_url};
