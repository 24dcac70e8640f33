//! A phone's own web pages ("Network setup" / "Network Configuration", "Device information"):
//! what they say of the phone's trust lists, read with an HTML tokenizer.
//!
//! [`read_page`] decodes the body in its character set (the `Content-Type` charset, else a
//! `<meta charset>` in the first 1024 bytes, else UTF-8 when the bytes are UTF-8, else
//! Windows-1252, the WHATWG reading of Latin-1), tokenizes it, cuts it into lines of cells
//! (a table row, or the text between `<br>`s and block tags), and reads the known labels
//! (`Host name`, `Model number`, `CTL file`, `CTL signature`, `ITL file`, `ITL signature`,
//! `TVS`, `TFTP server 1`) in any case, with or without a colon, as a row's first cell or at
//! the start of a line (`<B>Host name</B> SEP…`). [`PAGE_PATHS`] lists, per model family, the
//! pages a probe asks for.
//!
//! Parser: `html5gum`, a WHATWG-conformant HTML tokenizer (it passes html5lib's tokenizer
//! tests), no unsafe code, one dependency, maintained and used by link checkers on arbitrary
//! tag soup. Reading label/value rows needs tokens (tags, decoded text, character references
//! such as `&#x2D;` and `&nbsp;` resolved as browsers do), not a DOM: a tree builder
//! (`scraper`/`html5ever`) would cost more to build and run for no extra information, and
//! `lol_html` hands out text with its entities undecoded. Character sets come from
//! `encoding_rs`, the WHATWG Encoding Standard's implementation.
//!
//! One idea a file: `charset` (bytes to text), `lines` (tokens to lines of cells), `fields`
//! (labels to a [`PhonePage`]), `paths` (the pages to ask for).

mod charset;
mod fields;
mod lines;
mod paths;

pub use paths::{PagePaths, PAGE_PATHS};

use super::compare::{normalize, Reported};
use super::report::Report;

/// The most `TVS` rows kept from one page (a cluster has a few TVS servers; a hostile page
/// cannot make a row grow without bound).
pub const MAX_TVS: usize = 16;

/// The longest value read from a page; a longer one (no device name, model, server name or
/// hash is that long) is skipped as not this page's.
pub const MAX_VALUE_BYTES: usize = 255;

/// What one or more of a phone's pages say (the probe merges the pages it reads).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhonePage {
    /// `Host name` (`SEP…`): the device name.
    pub device_name: Option<String>,
    /// `Model number` (`CP-8845`), when a page says.
    pub model: Option<String>,
    /// `ITL signature` as shown (`93 B6 …`), or the words shown instead (`Not Installed`).
    pub itl_signature: Option<String>,
    /// `CTL signature`, likewise; `CTL file Not Installed` gives `Not Installed`.
    pub ctl_signature: Option<String>,
    /// `TVS` rows, in page order.
    pub tvs: Vec<String>,
    /// `TFTP server 1` (a name or an address).
    pub tftp_server: Option<String>,
}

impl PhonePage {
    /// Whether the page held trust rows (an ITL or CTL row).
    pub fn has_trust_rows(&self) -> bool {
        self.itl_signature.is_some() || self.ctl_signature.is_some()
    }

    /// Whether the trust rows say something comparable: at least one is a hash or
    /// `Not Installed`, and none is redacted (`****`, as phones that hide their hashes show
    /// them). A bare `Installed` with no signature row is not comparable either.
    pub fn trust_readable(&self) -> bool {
        let rows = [&self.itl_signature, &self.ctl_signature];
        let redacted = |v: &str| v.contains(['*', '\u{2022}']);
        rows.iter().any(|v| v.is_some() && normalize(v.as_deref()) != Reported::Unusable)
            && !rows.iter().any(|v| v.as_deref().is_some_and(redacted))
    }

    /// Fills what `self` lacks from `other` (the values of `self` win).
    pub fn merge(&mut self, other: PhonePage) {
        fn keep(a: &mut Option<String>, b: Option<String>) {
            if a.is_none() {
                *a = b;
            }
        }
        keep(&mut self.device_name, other.device_name);
        keep(&mut self.model, other.model);
        keep(&mut self.itl_signature, other.itl_signature);
        keep(&mut self.ctl_signature, other.ctl_signature);
        keep(&mut self.tftp_server, other.tftp_server);
        if self.tvs.is_empty() {
            self.tvs = other.tvs;
        }
    }

    /// The page as a DeviceTLInfo report, so `devices` compares it as it compares reports;
    /// `address` is what was asked.
    pub fn to_report(&self, address: &str) -> Report {
        Report {
            line: 0,
            device_name: self.device_name.clone(),
            ipv4: Some(address.to_owned()),
            ipv6: None,
            ctl_signature: self.ctl_signature.clone(),
            ctl_tftp_server: self.tftp_server.clone(),
            itl_signature: self.itl_signature.clone(),
            itl_tftp_server: self.tftp_server.clone(),
            status_code: None,
        }
    }
}

/// Reads one page (`content_type`: the HTTP `Content-Type`, for its charset). Never fails:
/// what it cannot read is left `None`; memory is linear in the body.
///
/// ```
/// use itl::devicetlinfo::read_page;
/// let html = b"<table><tr><td><b>ITL signature</b></td><td></td><td><b>93 B6 4C</b></td></tr>\
///              <tr><td>Host Name:</td><td>SEP5006AB806306</td></tr></table>";
/// let page = read_page(html, Some("text/html"));
/// assert_eq!(page.itl_signature.as_deref(), Some("93 B6 4C"));
/// assert_eq!(page.device_name.as_deref(), Some("SEP5006AB806306"));
/// ```
pub fn read_page(body: &[u8], content_type: Option<&str>) -> PhonePage {
    let text = charset::decode(body, content_type);
    fields::read(&lines::lines(&text))
}

/// Why a probed phone gave no trust rows (`devices --json`'s `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No connection, refused, timed out.
    Unreachable,
    /// An HTTP error status (web access disabled).
    NoWebAccess,
    /// An answer without trust rows, a redacted signature, a redirect elsewhere, or over the
    /// size limit.
    NotUnderstood,
}

impl Reason {
    /// The JSON and CSV word.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unreachable => "unreachable",
            Reason::NoWebAccess => "no-web-access",
            Reason::NotUnderstood => "not-understood",
        }
    }
}

/// One phone asked: the address asked, when it answered (Unix seconds), and its page or why
/// there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    /// What was asked (an address or host name).
    pub address: String,
    /// When the answer came (or the attempt ended), Unix seconds.
    pub at: i64,
    /// The page read, or why none was.
    pub page: Result<PhonePage, Reason>,
}
