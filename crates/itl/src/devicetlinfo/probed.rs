//! Phones asked directly (`devices --probe`, `--ris`): the row of a probed phone, the counts of
//! what the probes gave, and the one devices report that reports and probes make together.
//!
//! A probed phone is compared as a report is, by `devices`' own rule: its TFTP server is its
//! page's `TFTP server 1` (a name or an address), matched against `HOST=`; without a matching
//! `HOST=`, a reference given without one applies.
//!
//! One row per phone, by device name, the newest information winning. A probe is as new as
//! the moment it answered; the reports `itlctl` reads carry no time it keeps (a log line was
//! written before the run that reads it), so a probe that read the phone's page replaces
//! every report row of that device name, whatever its TFTP server. A probe that could not read
//! the page carries no values and replaces nothing: its row stands alone, keyed by the
//! address asked (or the name RIS gave for that address). Of two probes of one phone, the
//! later answer (`at`) wins, the later in the list on a tie.

use std::collections::HashMap;

use serde::Serialize;

use super::compare::{Served, Status};
use super::page::{Probed, Reason};
use super::row::{DeviceRow, Source};

/// What the probes of one run gave: `devices --json`'s `probe` object. The four outcomes add
/// up to `asked`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProbeCounts {
    /// Addresses tried.
    pub asked: usize,
    /// Phones whose page gave trust rows.
    pub answered: usize,
    /// No connection, refused, timed out.
    pub unreachable: usize,
    /// An HTTP error status (web access disabled).
    pub no_web_access: usize,
    /// An answer without trust rows, a redacted signature, a redirect elsewhere, or over the
    /// size limit.
    pub not_understood: usize,
}

/// What one probe gave: its page's trust rows, or why there are none.
pub fn outcome(p: &Probed) -> Result<(), Reason> {
    match &p.page {
        Ok(page) if page.has_trust_rows() => Ok(()),
        Ok(_) => Err(Reason::NotUnderstood),
        Err(r) => Err(*r),
    }
}

impl ProbeCounts {
    /// Counts one probe.
    pub fn count(&mut self, p: &Probed) {
        self.asked += 1;
        match outcome(p) {
            Ok(()) => self.answered += 1,
            Err(Reason::Unreachable) => self.unreachable += 1,
            Err(Reason::NoWebAccess) => self.no_web_access += 1,
            Err(Reason::NotUnderstood) => self.not_understood += 1,
        }
    }

    /// The counts of `probes`.
    pub fn of<'a>(probes: impl IntoIterator<Item = &'a Probed>) -> ProbeCounts {
        let mut c = ProbeCounts::default();
        for p in probes {
            c.count(p);
        }
        c
    }

    /// Phones asked that could not be read.
    pub fn failed(&self) -> usize {
        self.asked - self.answered
    }
}

impl DeviceRow {
    /// The row of a probed phone, compared with the files `itl` and `ctl` as a report is.
    /// `name`: the device name known for the address (from RIS), used when the page gives
    /// none; without either, the row is keyed by the address asked. A phone that could not be
    /// read is `Unknown`/`Unknown` with its `reason`.
    pub fn of_probe(p: &Probed, name: Option<&str>, itl: &[Served], ctl: &[Served]) -> DeviceRow {
        let ipv4 = p.address.parse::<std::net::Ipv4Addr>().ok().map(|a| a.to_string());
        let named = |page_name: Option<&str>| {
            page_name.or(name).map(str::trim).filter(|n| !n.is_empty()).unwrap_or(p.address.as_str()).to_owned()
        };
        let page = match (&p.page, outcome(p)) {
            (Ok(page), Ok(())) => page,
            (page, reason) => {
                let page = page.as_ref().ok();
                return DeviceRow {
                    device: named(page.and_then(|g| g.device_name.as_deref())),
                    ipv4,
                    itl_tftp_server: page.and_then(|g| g.tftp_server.clone()),
                    itl_hash: None,
                    itl_status: Status::Unknown,
                    itl_file: None,
                    ctl_tftp_server: page.and_then(|g| g.tftp_server.clone()),
                    ctl_hash: None,
                    ctl_status: Status::Unknown,
                    ctl_file: None,
                    source: Source::Probe,
                    address: Some(p.address.clone()),
                    model: page.and_then(|g| g.model.clone()),
                    // `outcome` is Ok only for a page with trust rows.
                    reason: Some(reason.err().unwrap_or(Reason::NotUnderstood)),
                    tvs: page.map(|g| g.tvs.clone()).unwrap_or_default(),
                };
            }
        };
        let report = page.to_report(&p.address);
        let mut row = DeviceRow::of(&report.as_ref(), itl, ctl);
        row.device = named(page.device_name.as_deref());
        row.ipv4 = ipv4;
        row.source = Source::Probe;
        row.address = Some(p.address.clone());
        row.model = page.model.clone();
        row.tvs = page.tvs.clone();
        row
    }
}

/// The rows of probed phones and the counts of what the probes gave: one row per device name
/// (the latest answer of a phone probed twice), sorted by device name as report rows are.
/// `names` maps an address to the device name RIS gave for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProbeRows {
    /// One row per phone, by device name.
    pub rows: Vec<DeviceRow>,
    /// What the probes gave.
    pub counts: ProbeCounts,
}

impl ProbeRows {
    /// The rows of `probes` against the files `itl` and `ctl`.
    pub fn new(probes: &[Probed], names: &HashMap<String, String>, itl: &[Served], ctl: &[Served]) -> ProbeRows {
        let counts = ProbeCounts::of(probes);
        let mut by_name: HashMap<String, (i64, DeviceRow)> = HashMap::with_capacity(probes.len());
        for p in probes {
            let row = DeviceRow::of_probe(p, names.get(&p.address).map(String::as_str), itl, ctl);
            match by_name.get_mut(&row.device) {
                // A read page beats a failed probe; otherwise the later answer wins.
                Some((at, old)) if newer(p.at, &row, *at, old) => {
                    *at = p.at;
                    *old = row;
                }
                Some(_) => {}
                None => {
                    by_name.insert(row.device.clone(), (p.at, row));
                }
            }
        }
        let mut rows: Vec<DeviceRow> = by_name.into_values().map(|(_, r)| r).collect();
        rows.sort_unstable_by(|a, b| a.device.cmp(&b.device));
        ProbeRows { rows, counts }
    }

    /// Every row of the devices report: `reports` (report rows sorted by device, as
    /// [`super::Latest::sorted_rows`] gives them) and these probe rows, one row per phone
    /// (see the module's doc), sorted by device. Streams the report rows.
    pub fn merge<I: Iterator<Item = DeviceRow>>(self, reports: I) -> Merged<I> {
        Merged { reports: reports.peekable(), probes: self.rows.into_iter().peekable(), skip: None }
    }
}

/// Whether a probe row made at `at` replaces `old`, made at `old_at`.
fn newer(at: i64, row: &DeviceRow, old_at: i64, old: &DeviceRow) -> bool {
    match (row.reason.is_none(), old.reason.is_none()) {
        (true, false) => true,
        (false, true) => false,
        _ => at >= old_at,
    }
}

/// The rows of [`ProbeRows::merge`].
pub struct Merged<I: Iterator<Item = DeviceRow>> {
    reports: std::iter::Peekable<I>,
    probes: std::iter::Peekable<std::vec::IntoIter<DeviceRow>>,
    /// A device whose report rows a probe replaced.
    skip: Option<String>,
}

impl<I: Iterator<Item = DeviceRow>> Iterator for Merged<I> {
    type Item = DeviceRow;

    fn next(&mut self) -> Option<DeviceRow> {
        loop {
            if let (Some(r), Some(s)) = (self.reports.peek(), &self.skip) {
                if r.device == *s {
                    self.reports.next();
                    continue;
                }
            }
            let take_probe = match (self.reports.peek(), self.probes.peek()) {
                (None, None) => return None,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some(r), Some(p)) => p.device <= r.device,
            };
            if !take_probe {
                return self.reports.next();
            }
            let p = self.probes.next()?;
            let reported = self.reports.peek().is_some_and(|r| r.device == p.device);
            if !reported {
                return Some(p);
            }
            if p.reason.is_none() {
                // A read page is newer than any report: it replaces them.
                self.skip = Some(p.device.clone());
                return Some(p);
            }
            // A failed probe of a phone that reported: the report's values stand.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::page::PhonePage;
    use super::super::{Latest, Report};
    use super::*;
    use crate::hash::Checksums;

    fn page(name: Option<&str>, itl: Option<&str>, tftp: Option<&str>) -> PhonePage {
        PhonePage {
            device_name: name.map(str::to_owned),
            model: Some("CP-8845".into()),
            itl_signature: itl.map(str::to_owned),
            ctl_signature: Some("Not Installed".into()),
            tvs: vec!["cucm1.example.com".into()],
            tftp_server: tftp.map(str::to_owned),
        }
    }

    fn probed(addr: &str, at: i64, page: Result<PhonePage, Reason>) -> Probed {
        Probed { address: addr.into(), at, page }
    }

    /// The SHA-1 of `data` as a phone shows it (`1B A1 …`), from `sha1sum`-independent bytes:
    /// the checksum is the crate's own, checked against openssl elsewhere; here only the
    /// spelling matters.
    fn shown(data: &[u8]) -> String {
        Checksums::of(data).sha1.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_probe_is_compared_by_the_host_rule() {
        let served = vec![
            Served { host: Some("172.19.74.90".into()), label: "pub.tlv".into(), checksums: Checksums::of(b"pub") },
            Served { host: None, label: "any.tlv".into(), checksums: Checksums::of(b"any") },
        ];
        // TFTP server 1 names the HOST= reference: compared with pub.tlv.
        let p = probed("10.0.0.5", 1, Ok(page(Some("SEP5006AB806306"), Some(&shown(b"pub")), Some("172.19.74.90"))));
        let r = DeviceRow::of_probe(&p, None, &served, &served);
        assert_eq!((r.itl_status, r.itl_file.as_deref()), (Status::Match, Some("pub.tlv")));
        assert_eq!(r.ctl_status, Status::NotInstalled);
        assert_eq!(
            (r.device.as_str(), r.address.as_deref(), r.ipv4.as_deref()),
            ("SEP5006AB806306", Some("10.0.0.5"), Some("10.0.0.5"))
        );
        assert_eq!((r.source, r.model.as_deref(), r.reason), (Source::Probe, Some("CP-8845"), None));
        assert_eq!(r.tvs, ["cucm1.example.com"]);
        // Another server: the reference without HOST= applies.
        let p = probed("10.0.0.6", 1, Ok(page(Some("SEP1"), Some(&shown(b"pub")), Some("cucm2"))));
        let r = DeviceRow::of_probe(&p, None, &served, &served);
        assert_eq!((r.itl_status, r.itl_file.as_deref()), (Status::Mismatch, Some("any.tlv")));
        // A host name is asked: no IPv4.
        let p = probed("phone.example.com", 1, Ok(page(None, Some(&shown(b"any")), None)));
        let r = DeviceRow::of_probe(&p, None, &served, &served);
        assert_eq!((r.device.as_str(), r.ipv4, r.itl_status), ("phone.example.com", None, Status::Match));
    }

    #[test]
    fn a_phone_that_could_not_be_read_is_unknown_with_its_reason() {
        for (page, reason) in [
            (Err(Reason::Unreachable), Reason::Unreachable),
            (Err(Reason::NoWebAccess), Reason::NoWebAccess),
            (Ok(PhonePage { device_name: Some("SEP2".into()), ..PhonePage::default() }), Reason::NotUnderstood),
        ] {
            let r = DeviceRow::of_probe(&probed("10.0.0.7", 1, page), Some("SEPRIS"), &[], &[]);
            assert_eq!((r.itl_status, r.ctl_status, r.reason), (Status::Unknown, Status::Unknown, Some(reason)));
            assert!(r.device == "SEPRIS" || r.device == "SEP2", "{r:?}");
        }
        let r = DeviceRow::of_probe(&probed("10.0.0.7", 1, Err(Reason::Unreachable)), None, &[], &[]);
        assert_eq!(r.device, "10.0.0.7");
    }

    #[test]
    fn counts_add_up_to_asked() {
        let probes = [
            probed("a", 1, Ok(page(Some("SEP1"), Some("Not Installed"), None))),
            probed("b", 1, Err(Reason::Unreachable)),
            probed("c", 1, Err(Reason::Unreachable)),
            probed("d", 1, Err(Reason::NoWebAccess)),
            probed("e", 1, Ok(PhonePage::default())),
        ];
        let c = ProbeCounts::of(&probes);
        assert_eq!(c, ProbeCounts { asked: 5, answered: 1, unreachable: 2, no_web_access: 1, not_understood: 1 });
        assert_eq!(c.failed(), 4);
    }

    #[test]
    fn one_row_a_phone_the_newest_winning() {
        let mut latest = Latest::default();
        for (name, server) in [("SEP1", "a"), ("SEP1", "b"), ("SEP2", "a"), ("SEP4", "a")] {
            latest.add(Report {
                device_name: Some(name.into()),
                itl_signature: Some("Not Installed".into()),
                itl_tftp_server: Some(server.into()),
                ..Report::default()
            });
        }
        let probes = [
            // SEP1 read twice: the later answer wins, and it replaces both report rows.
            probed("10.0.0.1", 5, Ok(page(Some("SEP1"), Some("11 22"), None))),
            probed("10.0.0.9", 7, Ok(page(Some("SEP1"), Some("33 44"), None))),
            probed("10.0.0.1", 9, Err(Reason::Unreachable)),
            // SEP2 could not be read (RIS named it): its report stands.
            probed("10.0.0.2", 5, Err(Reason::NoWebAccess)),
            // A page without a name: keyed by its address.
            probed("10.0.0.3", 5, Ok(page(None, Some("Not Installed"), None))),
        ];
        let names = HashMap::from([("10.0.0.2".to_owned(), "SEP2".to_owned())]);
        let pr = ProbeRows::new(&probes, &names, &[], &[]);
        assert_eq!(pr.counts.asked, 5);
        let rows: Vec<DeviceRow> = pr.merge(latest.sorted_rows(&[], &[])).collect();
        let got: Vec<(&str, Source, Option<&str>)> =
            rows.iter().map(|r| (r.device.as_str(), r.source, r.itl_hash.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("10.0.0.1", Source::Probe, None),
                ("10.0.0.3", Source::Probe, Some("Not Installed")),
                ("SEP1", Source::Probe, Some("33 44")),
                ("SEP2", Source::Report, Some("Not Installed")),
                ("SEP4", Source::Report, Some("Not Installed")),
            ]
        );
    }
}
