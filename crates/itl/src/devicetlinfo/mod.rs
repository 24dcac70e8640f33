//! DeviceTLInfo reports: the hashes of the trust lists phones hold, pulled out of any
//! text, and compared with the files the TFTP servers serve.
//!
//! [`Reader`] streams text (constant memory) and understands, in any mix:
//! - the phone's `<x-cisco-alarm><Alarm Name="DeviceTLInfo">` XML, also inside SIP traces
//!   and phone console logs whose records wrap the body mid-word;
//! - CUCM alarm/syslog text with `[Name=Value]` brackets or `Name=Value` pairs;
//! - CSV with a header row naming `DeviceName` and `ITL_Signature`.
//!
//! Text that holds no report is skipped with a vectorised substring search, not read line by
//! line. An alarm that never closes (a truncated body, a log rotated mid-message, a stray
//! `<x-cisco-alarm>` in a text line) ends at the next report of any format and comes out as
//! [`Event::Fragment`] with its first and last lines.
//!
//! [`Latest`] keeps the last report of each (DeviceName, ITL_TFTP_Server) in a few dozen bytes
//! a phone, and hands the rows out in order, one at a time; [`compare`] and [`Status`] judge
//! a reported hash against the files a TFTP server serves ([`Served`], named on a command line
//! as a [`Reference`]). [`syslog`] reads CUCM's remote syslog messages, one at a time.
//!
//! One idea a file: `report` (the report model and the reader's events), `reader` (the
//! stream), `format/` (one parser a format, and the one dispatch), `syslog` (CiscoLog
//! messages), `compare` (the statuses), `table` (the latest report a phone), `row`, `json`
//! and `collect` (the devices report), `reference` (`[HOST=]FILE|DIR`), `page` (a phone's
//! own web page), `probed` (the rows of phones asked directly, merged with the reports').
//!
//! ```
//! use itl::devicetlinfo::{Event, Latest, Reader};
//! let text = "x\n%[DeviceName=SEP001122334455][ITL_Signature=1B A1][ITL_TFTP_Server=pub]: TL info\n";
//! let mut latest = Latest::default();
//! for ev in Reader::new(text.as_bytes()) {
//!     if let Event::Report(r) = ev.unwrap() {
//!         assert_eq!(r.line, 2);
//!         latest.add(r);
//!     }
//! }
//! assert_eq!(latest.len(), 1);
//! ```

mod collect;
mod compare;
mod format;
mod json;
pub mod page;
mod probed;
mod reader;
mod reference;
mod report;
mod row;
pub mod syslog;
mod table;

pub use collect::{collect, Collected, Counts, LISTED};
pub use compare::{compare, normalize, Reported, Served, Status};
pub use json::{write_json, write_json_probed, DevicesJson};
pub use page::{read_page, PagePaths, PhonePage, Probed, Reason, PAGE_PATHS};
pub use probed::{outcome, Merged, ProbeCounts, ProbeRows};
pub use reader::Reader;
pub use reference::{reference_files, Reference};
pub use report::{Event, EventRef, Report, ReportRef};
pub use row::{CsvRow, DeviceRow, Source, Summary};
pub use table::Latest;

/// The longest line read; the rest of a longer one is skipped.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The most XML one alarm may take before it is dropped as not understood.
pub const MAX_ALARM_BYTES: usize = 64 * 1024;
