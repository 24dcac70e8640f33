//! The report model: one DeviceTLInfo report (owned or borrowing the text read), its
//! parameters by wire name, and the events the reader hands out.

use std::borrow::Cow;

/// One DeviceTLInfo report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Line where the report starts (1-based).
    pub line: usize,
    /// `DeviceName` (`SEP…`).
    pub device_name: Option<String>,
    /// `IPv4Address`.
    pub ipv4: Option<String>,
    /// `IPv6Address`.
    pub ipv6: Option<String>,
    /// `CTL_Signature`: a hash, `Not Installed`, …
    pub ctl_signature: Option<String>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<String>,
    /// `ITL_Signature`.
    pub itl_signature: Option<String>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<String>,
    /// `StatusCode`.
    pub status_code: Option<String>,
}

/// A report's parameter, named once here by its wire name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Param {
    DeviceName,
    Ipv4,
    Ipv6,
    CtlSignature,
    CtlTftpServer,
    ItlSignature,
    ItlTftpServer,
    StatusCode,
}

impl Param {
    /// The parameter a wire name (spaces around it ignored) names.
    pub(crate) fn of(name: &str) -> Option<Param> {
        Some(match name.trim() {
            "DeviceName" => Param::DeviceName,
            "IPv4Address" => Param::Ipv4,
            "IPv6Address" => Param::Ipv6,
            "CTL_Signature" => Param::CtlSignature,
            "CTL_TFTP_Server" => Param::CtlTftpServer,
            "ITL_Signature" => Param::ItlSignature,
            "ITL_TFTP_Server" => Param::ItlTftpServer,
            "StatusCode" => Param::StatusCode,
            _ => return None,
        })
    }
}

/// The field of a [`Report`] or [`ReportRef`] that holds parameter `$p`.
macro_rules! field {
    ($r:expr, $p:expr) => {
        match $p {
            Param::DeviceName => &mut $r.device_name,
            Param::Ipv4 => &mut $r.ipv4,
            Param::Ipv6 => &mut $r.ipv6,
            Param::CtlSignature => &mut $r.ctl_signature,
            Param::CtlTftpServer => &mut $r.ctl_tftp_server,
            Param::ItlSignature => &mut $r.itl_signature,
            Param::ItlTftpServer => &mut $r.itl_tftp_server,
            Param::StatusCode => &mut $r.status_code,
        }
    };
}

impl Report {
    /// Sets a parameter by its wire name; unknown names are ignored. Values are trimmed.
    pub fn set(&mut self, name: &str, value: &str) {
        if let Some(p) = Param::of(name) {
            *field!(self, p) = Some(value.trim().to_owned());
        }
    }

    /// The same report, borrowing its values.
    pub fn as_ref(&self) -> ReportRef<'_> {
        fn b(v: &Option<String>) -> Option<Cow<'_, str>> {
            v.as_deref().map(Cow::Borrowed)
        }
        ReportRef {
            line: self.line,
            device_name: b(&self.device_name),
            ipv4: b(&self.ipv4),
            ipv6: b(&self.ipv6),
            ctl_signature: b(&self.ctl_signature),
            ctl_tftp_server: b(&self.ctl_tftp_server),
            itl_signature: b(&self.itl_signature),
            itl_tftp_server: b(&self.itl_tftp_server),
            status_code: b(&self.status_code),
        }
    }
}

/// A [`Report`] whose values borrow from the text read (no allocation per report), as
/// [`Reader::next_ref`](super::Reader::next_ref) gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportRef<'a> {
    /// Line where the report starts (1-based).
    pub line: usize,
    /// `DeviceName`.
    pub device_name: Option<Cow<'a, str>>,
    /// `IPv4Address`.
    pub ipv4: Option<Cow<'a, str>>,
    /// `IPv6Address`.
    pub ipv6: Option<Cow<'a, str>>,
    /// `CTL_Signature`.
    pub ctl_signature: Option<Cow<'a, str>>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<Cow<'a, str>>,
    /// `ITL_Signature`.
    pub itl_signature: Option<Cow<'a, str>>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<Cow<'a, str>>,
    /// `StatusCode`.
    pub status_code: Option<Cow<'a, str>>,
}

impl<'a> ReportRef<'a> {
    /// Sets a parameter by its wire name, as [`Report::set`] does.
    pub fn set(&mut self, name: &str, value: &'a str) {
        self.set_cow(name, Cow::Borrowed(value));
    }

    /// Sets a parameter by its wire name to an owned or borrowed value.
    pub(super) fn set_cow(&mut self, name: &str, value: Cow<'a, str>) {
        if let Some(p) = Param::of(name) {
            self.set_param(p, value);
        }
    }

    /// Sets parameter `p` to `value`, trimmed.
    pub(crate) fn set_param(&mut self, p: Param, value: Cow<'a, str>) {
        *field!(self, p) = Some(match value {
            Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
            Cow::Owned(s) if s.trim().len() == s.len() => Cow::Owned(s),
            Cow::Owned(s) => Cow::Owned(s.trim().to_owned()),
        });
    }

    /// The owned report.
    pub fn into_owned(self) -> Report {
        let o = |v: Option<Cow<'a, str>>| v.map(Cow::into_owned);
        Report {
            line: self.line,
            device_name: o(self.device_name),
            ipv4: o(self.ipv4),
            ipv6: o(self.ipv6),
            ctl_signature: o(self.ctl_signature),
            ctl_tftp_server: o(self.ctl_tftp_server),
            itl_signature: o(self.itl_signature),
            itl_tftp_server: o(self.itl_tftp_server),
            status_code: o(self.status_code),
        }
    }
}

impl From<Report> for ReportRef<'static> {
    /// The report's strings, moved.
    fn from(r: Report) -> Self {
        let o = |v: Option<String>| v.map(Cow::Owned);
        ReportRef {
            line: r.line,
            device_name: o(r.device_name),
            ipv4: o(r.ipv4),
            ipv6: o(r.ipv6),
            ctl_signature: o(r.ctl_signature),
            ctl_tftp_server: o(r.ctl_tftp_server),
            itl_signature: o(r.itl_signature),
            itl_tftp_server: o(r.itl_tftp_server),
            status_code: o(r.status_code),
        }
    }
}

/// What the reader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A report with a device name.
    Report(Report),
    /// A report without `DeviceName`: skipped.
    MissingDeviceName {
        /// Line where it starts.
        line: usize,
    },
    /// A line that mentions DeviceTLInfo parameters but could not be read.
    NotUnderstood {
        /// The line.
        line: usize,
        /// Why.
        why: &'static str,
    },
    /// The start of an alarm that never closed (cut off, rotated away, or a stray
    /// `<x-cisco-alarm>`), skipped up to the next report of any format or the end; or a
    /// CiscoLog message split into `[part=SEQ.i/n]` pieces whose other parts never came
    /// (`first` and `last` are then the line of its first part).
    Fragment {
        /// Its first line.
        first: usize,
        /// Its last line.
        last: usize,
        /// Why.
        why: &'static str,
    },
}

/// An [`Event`] whose report borrows from the text read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventRef<'a> {
    /// A report with a device name.
    Report(ReportRef<'a>),
    /// A report without `DeviceName`: skipped.
    MissingDeviceName {
        /// Line where it starts.
        line: usize,
    },
    /// A line that mentions DeviceTLInfo parameters but could not be read.
    NotUnderstood {
        /// The line.
        line: usize,
        /// Why.
        why: &'static str,
    },
    /// The start of an alarm that never closed; see [`Event::Fragment`].
    Fragment {
        /// Its first line.
        first: usize,
        /// Its last line.
        last: usize,
        /// Why.
        why: &'static str,
    },
}

impl EventRef<'_> {
    /// The same event, its report owned (kept past the reader's buffer).
    pub(super) fn into_static(self) -> EventRef<'static> {
        match self {
            EventRef::Report(r) => EventRef::Report(r.into_owned().into()),
            EventRef::MissingDeviceName { line } => EventRef::MissingDeviceName { line },
            EventRef::NotUnderstood { line, why } => EventRef::NotUnderstood { line, why },
            EventRef::Fragment { first, last, why } => EventRef::Fragment { first, last, why },
        }
    }

    /// The owned event.
    pub fn into_owned(self) -> Event {
        match self {
            EventRef::Report(r) => Event::Report(r.into_owned()),
            EventRef::MissingDeviceName { line } => Event::MissingDeviceName { line },
            EventRef::NotUnderstood { line, why } => Event::NotUnderstood { line, why },
            EventRef::Fragment { first, last, why } => Event::Fragment { first, last, why },
        }
    }
}
