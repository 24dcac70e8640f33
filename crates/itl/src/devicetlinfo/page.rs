//! A phone's own web page ("Network setup" / "Network Configuration", "Device information"):
//! what it says of the phone's trust lists, read with an HTML parser.
//!
//! STUB (issue 25): the `page` helper fills this in; the types below are the interface the
//! probe engine (`itl_transport::probe`) and the devices rows build on. Keep their names.

use super::report::Report;

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

/// Reads one page (`content_type`: the HTTP `Content-Type`, for its charset).
pub fn read_page(body: &[u8], content_type: Option<&str>) -> PhonePage {
    let _ = (body, content_type);
    PhonePage::default()
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
