//! One line of the devices report: a phone's statuses against the reference files, and the
//! counts of ITL statuses. [`DeviceRow::of`] makes one straight from one report, for callers
//! that keep the latest reports themselves (`itlctl serve` keeps them in SQLite) and stream
//! them out in order.

use serde::Serialize;

use super::compare::{compare_reported, lower_hex, normalize, Reported, Served, Status};
use super::page::Reason;
use super::report::ReportRef;

/// One line of the devices report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    /// `DeviceName`.
    pub device: String,
    /// `IPv4Address`.
    pub ipv4: Option<String>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<String>,
    /// The reported ITL hash, lower-case hex (or the phone's words when it is not a hash).
    pub itl_hash: Option<String>,
    /// ITL status.
    pub itl_status: Status,
    /// The file compared with.
    pub itl_file: Option<String>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<String>,
    /// The reported CTL hash.
    pub ctl_hash: Option<String>,
    /// CTL status.
    pub ctl_status: Status,
    /// The file compared with.
    pub ctl_file: Option<String>,
    /// Where the values come from: a DeviceTLInfo report or the phone's own page.
    pub source: Source,
    /// What was asked, for a probed phone.
    pub address: Option<String>,
    /// The phone's model (`CP-8845`), when its page says.
    pub model: Option<String>,
    /// Why a probed phone could not be read (its statuses are then `Unknown`).
    pub reason: Option<Reason>,
    /// The TVS rows of a probed phone's page.
    pub tvs: Vec<String>,
}

/// A row as `itlctl devices --csv` writes it: the columns of [`DeviceRow`] in order, `reason`
/// as its word, and the TVS names joined by `;`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRow<'a> {
    /// `DeviceName`.
    pub device: &'a str,
    /// `IPv4Address`.
    pub ipv4: Option<&'a str>,
    /// `ITL_TFTP_Server`.
    pub itl_tftp_server: Option<&'a str>,
    /// The reported ITL hash.
    pub itl_hash: Option<&'a str>,
    /// ITL status.
    pub itl_status: &'static str,
    /// The ITL file compared with.
    pub itl_file: Option<&'a str>,
    /// `CTL_TFTP_Server`.
    pub ctl_tftp_server: Option<&'a str>,
    /// The reported CTL hash.
    pub ctl_hash: Option<&'a str>,
    /// CTL status.
    pub ctl_status: &'static str,
    /// The CTL file compared with.
    pub ctl_file: Option<&'a str>,
    /// `report` or `probe`.
    pub source: &'static str,
    /// What was asked, for a probed phone.
    pub address: Option<&'a str>,
    /// The phone's model.
    pub model: Option<&'a str>,
    /// Why a probed phone could not be read.
    pub reason: Option<&'static str>,
    /// The TVS names, separated by `;`.
    pub tvs: String,
}

impl CsvRow<'_> {
    /// The header row: the field names, in order (what serde writes for a [`CsvRow`]).
    pub const HEADER: [&'static str; 15] = [
        "device",
        "ipv4",
        "itl_tftp_server",
        "itl_hash",
        "itl_status",
        "itl_file",
        "ctl_tftp_server",
        "ctl_hash",
        "ctl_status",
        "ctl_file",
        "source",
        "address",
        "model",
        "reason",
        "tvs",
    ];

    /// The cells in [`Self::HEADER`]'s order, empty for a missing value (for writers that
    /// change cells, such as `serve`'s, which makes formulas inert).
    pub fn cells(&self) -> [&str; 15] {
        fn o(v: Option<&str>) -> &str {
            v.unwrap_or("")
        }
        [
            self.device,
            o(self.ipv4),
            o(self.itl_tftp_server),
            o(self.itl_hash),
            self.itl_status,
            o(self.itl_file),
            o(self.ctl_tftp_server),
            o(self.ctl_hash),
            self.ctl_status,
            o(self.ctl_file),
            self.source,
            o(self.address),
            o(self.model),
            o(self.reason),
            &self.tvs,
        ]
    }
}

impl DeviceRow {
    /// The row as a CSV record.
    pub fn csv(&self) -> CsvRow<'_> {
        CsvRow {
            device: &self.device,
            ipv4: self.ipv4.as_deref(),
            itl_tftp_server: self.itl_tftp_server.as_deref(),
            itl_hash: self.itl_hash.as_deref(),
            itl_status: self.itl_status.as_str(),
            itl_file: self.itl_file.as_deref(),
            ctl_tftp_server: self.ctl_tftp_server.as_deref(),
            ctl_hash: self.ctl_hash.as_deref(),
            ctl_status: self.ctl_status.as_str(),
            ctl_file: self.ctl_file.as_deref(),
            source: self.source.as_str(),
            address: self.address.as_deref(),
            model: self.model.as_deref(),
            reason: self.reason.map(Reason::as_str),
            tvs: self.tvs.join(";"),
        }
    }
}

/// Where a row's values come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A DeviceTLInfo report (a log, a syslog message).
    #[default]
    Report,
    /// The phone's own web page, asked by `--probe` or `--ris`.
    Probe,
}

impl Source {
    /// The JSON and CSV word.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Report => "report",
            Source::Probe => "probe",
        }
    }
}

/// Counts of ITL statuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `Match`.
    #[serde(rename = "Match")]
    pub matched: usize,
    /// `Mismatch`.
    #[serde(rename = "Mismatch")]
    pub mismatch: usize,
    /// `Not Installed`.
    #[serde(rename = "Not Installed")]
    pub not_installed: usize,
    /// `Unknown`.
    #[serde(rename = "Unknown")]
    pub unknown: usize,
}

impl Summary {
    /// Counts one row's ITL status.
    pub fn count(&mut self, s: Status) {
        match s {
            Status::Match => self.matched += 1,
            Status::Mismatch => self.mismatch += 1,
            Status::NotInstalled => self.not_installed += 1,
            Status::Unknown => self.unknown += 1,
        }
    }
}

/// The status of a reported value against `served`, and the value as the output shows it:
/// lower-case hex for a hash, the phone's words otherwise (none when empty).
fn judge<'s>(
    served: &'s [Served],
    server: Option<&str>,
    value: Option<&str>,
) -> (Status, Option<&'s str>, Option<String>) {
    let reported = normalize(value);
    let (status, file) = compare_reported(served, server, &reported);
    let shown = match &reported {
        Reported::Hash(h) => Some(lower_hex(h)),
        _ => Some(value.map_or("", str::trim)).filter(|t| !t.is_empty()).map(str::to_owned),
    };
    (status, file, shown)
}

impl DeviceRow {
    /// The row [`super::Latest`] gives for `r` when `r` is the phone's latest report, with
    /// the statuses against the files `itl` and `ctl`: the same values, without keeping
    /// the report.
    pub fn of(r: &ReportRef<'_>, itl: &[Served], ctl: &[Served]) -> DeviceRow {
        let itl_server = r.itl_tftp_server.as_deref();
        let ctl_server = r.ctl_tftp_server.as_deref();
        let (itl_status, itl_file, itl_hash) = judge(itl, itl_server, r.itl_signature.as_deref());
        let (ctl_status, ctl_file, ctl_hash) = judge(ctl, ctl_server, r.ctl_signature.as_deref());
        DeviceRow {
            device: r.device_name.as_deref().unwrap_or("").to_owned(),
            ipv4: r.ipv4.as_deref().filter(|v| !v.is_empty()).map(str::to_owned),
            itl_tftp_server: itl_server.map(str::to_owned),
            itl_hash,
            itl_status,
            itl_file: itl_file.map(str::to_owned),
            ctl_tftp_server: ctl_server.map(str::to_owned),
            ctl_hash,
            ctl_status,
            ctl_file: ctl_file.map(str::to_owned),
            source: Source::Report,
            address: None,
            model: None,
            reason: None,
            tvs: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Latest, Report};
    use super::*;
    use crate::hash::Checksums;

    #[test]
    fn the_row_is_the_one_latest_gives() {
        let file = b"an ITL file";
        let served = vec![
            Served { host: Some("PUB".into()), label: "pub.tlv".into(), checksums: Checksums::of(file) },
            Served { host: None, label: "any.tlv".into(), checksums: Checksums::of(b"other") },
        ];
        let sha1 = hex::encode(Checksums::of(file).sha1);
        let spaced =
            sha1.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap().to_uppercase()).collect::<Vec<_>>();
        let values = [
            None,
            Some(String::new()),
            Some("Not Installed".to_owned()),
            Some("not installed".to_owned()),
            Some("N/A".to_owned()),
            Some(spaced.join(" ")),
            Some(spaced.join(":")),
            Some("00112233445566778899aabbccddeeff".to_owned()),
        ];
        let servers = [None, Some("pub"), Some("PUB"), Some("sub"), Some("")];
        let ips = [None, Some(""), Some("10.1.2.3"), Some("010.1.2.3"), Some("fe80::1")];
        let mut n = 0;
        for v in &values {
            for s in servers {
                for ip in ips {
                    n += 1;
                    let r = Report {
                        line: 1,
                        device_name: Some(if n % 2 == 0 { format!("SEP{n:012X}") } else { format!("ATA-{n}") }),
                        ipv4: ip.map(str::to_owned),
                        itl_signature: v.clone(),
                        itl_tftp_server: s.map(str::to_owned),
                        ctl_signature: values[n % values.len()].clone(),
                        ctl_tftp_server: servers[n % servers.len()].map(str::to_owned),
                        ..Report::default()
                    };
                    let mut latest = Latest::default();
                    latest.add(r.clone());
                    let (rows, _) = latest.rows(&served, &served);
                    assert_eq!(rows, vec![DeviceRow::of(&r.as_ref(), &served, &served)], "{r:?}");
                }
            }
        }
    }

    #[test]
    fn csv_cells_follow_the_serde_header() {
        // serde names the columns from the struct's fields; `HEADER` and `cells` must say the same.
        let mut row =
            DeviceRow::of(&Report { device_name: Some("SEP1".into()), ..Report::default() }.as_ref(), &[], &[]);
        row.tvs = vec!["a".into(), "b".into()];
        row.model = Some("CP-8845".into());
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row.csv()).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), CsvRow::HEADER.join(","));
        assert_eq!(lines.next().unwrap(), row.csv().cells().join(","));
    }
}
