//! Phones asked directly (`--probe`, `--ris`): their answers stored beside the reports.
//!
//! A phone is one row by its device name, whatever told us of it: an answer that read the
//! phone's page replaces the phone's row (under any TFTP server), a later report replaces a
//! probe's. A probe that could not read a phone (a `reason`) never overwrites good values:
//! the row of the phone last known at that address (by the address asked or the reported
//! IPv4 address) keeps its values and records the failure (`reason`, `probe_failed`); an
//! address no phone is known at gets a row of its own, named by the address, with `Unknown`
//! statuses and the reason, removed as soon as a phone at that address answers or reports.
//! An answer (or failure) that repeats what the row already holds only refreshes its times
//! and adds no history row, so a fleet probed every few hours does not fill the history
//! with copies.

use std::collections::{HashMap, HashSet};

use itl::devicetlinfo::{DeviceRow, PhonePage, Probed, Reason, Report, Served, Source};
use rusqlite::{params, OptionalExtension, Transaction};

use super::statuses;

/// What a stored row says beyond the report: where its values come from, what was asked,
/// the model and TVS names of the page, the last failed probe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    /// `report` or `probe` for a phone; for a history row, how it came (`udp`, …, `probe`).
    pub source: Option<String>,
    /// The address asked.
    pub address: Option<String>,
    /// The page's model (`CP-7841`).
    pub model: Option<String>,
    /// Why the last probe could not read the phone (`unreachable`, …).
    pub reason: Option<String>,
    /// The page's TVS rows.
    pub tvs: Vec<String>,
    /// When that probe failed (Unix ms).
    pub probe_failed: Option<i64>,
}

impl Extra {
    /// Reads `source, address, model, reason, tvs, probe_failed` from column `at` on.
    pub fn read(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Extra> {
        Ok(Extra {
            source: r.get(at)?,
            address: r.get(at + 1)?,
            model: r.get(at + 2)?,
            reason: r.get(at + 3)?,
            tvs: tvs_of(r.get::<_, Option<String>>(at + 4)?.as_deref()),
            probe_failed: r.get(at + 5)?,
        })
    }

    /// Whether the values come from the phone's own page.
    pub fn is_probe(&self) -> bool {
        self.source.as_deref() == Some("probe")
    }
}

/// The TVS names stored as a JSON array (none for anything else).
fn tvs_of(s: Option<&str>) -> Vec<String> {
    s.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}

fn tvs_text(tvs: &[String]) -> Option<String> {
    if tvs.is_empty() {
        None
    } else {
        serde_json::to_string(tvs).ok()
    }
}

/// The reason a stored word names.
pub fn reason_of(s: &str) -> Option<Reason> {
    [Reason::Unreachable, Reason::NoWebAccess, Reason::NotUnderstood].into_iter().find(|r| r.as_str() == s)
}

/// Sets the fields of `row` that `devices --json` gains for probes, from the columns
/// `source, address, model, reason, tvs` at `at` on. `reason` is given only when the row
/// holds no values (a phone never read): a row that keeps a good earlier answer keeps its
/// statuses, and its failed probe shows on `/fleet` and in its history.
pub fn fill_row(row: &mut DeviceRow, r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<()> {
    let source: Option<String> = r.get(at)?;
    row.source = if source.as_deref() == Some("probe") { Source::Probe } else { Source::Report };
    row.address = r.get(at + 1)?;
    row.model = r.get(at + 2)?;
    let reason: Option<String> = r.get(at + 3)?;
    row.reason = reason.as_deref().and_then(reason_of).filter(|_| row.itl_hash.is_none() && row.ctl_hash.is_none());
    row.tvs = tvs_of(r.get::<_, Option<String>>(at + 4)?.as_deref());
    Ok(())
}

/// The statements that keep a phone one row when a report is stored.
pub struct OnePhone<'t> {
    probe_rows: rusqlite::CachedStatement<'t>,
    placeholder: rusqlite::CachedStatement<'t>,
}

const DELETE_PLACEHOLDER: &str =
    "DELETE FROM phones WHERE device=?1 AND source='probe' AND itl_signature IS NULL AND ctl_signature IS NULL";

impl<'t> OnePhone<'t> {
    /// Prepares them in `tx`.
    pub fn new(tx: &'t Transaction<'_>) -> rusqlite::Result<Self> {
        Ok(OnePhone {
            probe_rows: tx
                .prepare_cached("DELETE FROM phones WHERE device=?1 AND server_key<>?2 AND source='probe'")?,
            placeholder: tx.prepare_cached(DELETE_PLACEHOLDER)?,
        })
    }

    /// A report of `device` under `server` was stored: a probe's row of it under another TFTP
    /// server, and the row of a failed probe of its address, go.
    pub fn reported(&mut self, device: &str, server: &str, ipv4: Option<&str>) -> rusqlite::Result<()> {
        self.probe_rows.execute(params![device, server])?;
        if let Some(ip) = ipv4.filter(|ip| !ip.is_empty() && *ip != device) {
            self.placeholder.execute(params![ip])?;
        }
        Ok(())
    }
}

/// What one batch of probe answers did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ProbeAdded {
    /// New history rows.
    pub stored: usize,
    /// Answers that repeated the phone's row (its times refreshed only).
    pub unchanged: usize,
}

const INSERT_HISTORY: &str = "INSERT INTO reports(device, server_key, received, source, ipv4, ipv6, itl_tftp_server,
     itl_signature, ctl_tftp_server, ctl_signature, status_code, address, model, reason, tvs)
     VALUES(?1,?2,?3,'probe',?4,NULL,?5,?6,?7,?8,NULL,?9,?10,?11,?12)";

const UPSERT_PROBED: &str = "INSERT INTO phones(device, server_key, ipv4, ipv6, itl_tftp_server, itl_signature,
     ctl_tftp_server, ctl_signature, status_code, itl_status, ctl_status, first_seen, last_seen, changed, last_report,
     source, address, model, reason, tvs, probe_failed)
     VALUES(?1,?2,?3,NULL,?4,?5,?6,?7,NULL,?8,?9,?10,?10,?10,?11,'probe',?12,?13,?14,?15,?16)
     ON CONFLICT(device, server_key) DO UPDATE SET ipv4=excluded.ipv4, ipv6=NULL,
     itl_tftp_server=excluded.itl_tftp_server, itl_signature=excluded.itl_signature,
     ctl_tftp_server=excluded.ctl_tftp_server, ctl_signature=excluded.ctl_signature, status_code=NULL,
     itl_status=excluded.itl_status, ctl_status=excluded.ctl_status, last_seen=excluded.last_seen,
     changed=excluded.changed, last_report=excluded.last_report, source='probe', address=excluded.address,
     model=excluded.model, reason=excluded.reason, tvs=excluded.tvs, probe_failed=excluded.probe_failed";

/// The page of an answer with trust rows, or why there is none.
fn page_of(p: &Probed) -> Result<&PhonePage, Reason> {
    match &p.page {
        Ok(page) if page.has_trust_rows() => Ok(page),
        Ok(_) => Err(Reason::NotUnderstood),
        Err(r) => Err(*r),
    }
}

/// Stores the answers `probes`, asked up to `now` (Unix ms), in `tx`.
pub fn add_probes(
    tx: &Transaction<'_>,
    probes: &[Probed],
    now: i64,
    itl: &[Served],
    ctl: &[Served],
) -> rusqlite::Result<ProbeAdded> {
    let mut out = ProbeAdded::default();
    // The phones known at each address that could not be read: one pass over the fleet.
    let failed: HashSet<&str> = probes.iter().filter(|p| page_of(p).is_err()).map(|p| p.address.as_str()).collect();
    let known = if failed.is_empty() { HashMap::new() } else { known_at(tx, &failed)? };
    for p in probes {
        match page_of(p) {
            Ok(page) => answered(tx, p, page, now, itl, ctl, &mut out)?,
            Err(reason) => {
                let named = known.get(p.address.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                not_read(tx, p, reason, named, now, itl, ctl, &mut out)?
            }
        }
    }
    Ok(out)
}

/// (device, server key) of the phones with values known at each address of `addrs`.
fn known_at(tx: &Transaction<'_>, addrs: &HashSet<&str>) -> rusqlite::Result<HashMap<String, Vec<(String, String)>>> {
    let mut st = tx.prepare_cached(
        "SELECT device, server_key, address, ipv4 FROM phones
         WHERE NOT (source='probe' AND itl_signature IS NULL AND ctl_signature IS NULL)",
    )?;
    let mut rows = st.query([])?;
    let mut out: HashMap<String, Vec<(String, String)>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (address, ipv4): (Option<String>, Option<String>) = (r.get(2)?, r.get(3)?);
        for a in [address, ipv4].into_iter().flatten() {
            if addrs.contains(a.as_str()) {
                let key = (r.get(0)?, r.get(1)?);
                let v = out.entry(a).or_default();
                if !v.contains(&key) {
                    v.push(key);
                }
                break;
            }
        }
    }
    Ok(out)
}

fn answered(
    tx: &Transaction<'_>,
    p: &Probed,
    page: &PhonePage,
    now: i64,
    itl: &[Served],
    ctl: &[Served],
    out: &mut ProbeAdded,
) -> rusqlite::Result<()> {
    let report: Report = page.to_report(&p.address);
    let device = page.device_name.as_deref().map(str::trim).filter(|d| !d.is_empty()).unwrap_or(&p.address);
    let server = page.tftp_server.as_deref().unwrap_or("").trim().to_ascii_lowercase();
    // One phone: its rows under other TFTP servers (reports or probes) and the row of an
    // earlier failed probe of this address go; this answer is the newest.
    tx.prepare_cached("DELETE FROM phones WHERE device=?1 AND server_key<>?2")?.execute(params![device, server])?;
    if p.address != device {
        tx.prepare_cached(DELETE_PLACEHOLDER)?.execute(params![p.address])?;
    }
    let tvs = tvs_text(&page.tvs);
    type Prev =
        (Option<String>, Option<String>, Option<String>, String, Option<String>, Option<String>, Option<String>);
    let prev: Option<Prev> = tx
        .prepare_cached(
            "SELECT itl_signature, ctl_signature, itl_tftp_server, source, address, model, tvs
             FROM phones WHERE device=?1 AND server_key=?2 AND reason IS NULL",
        )?
        .query_row(params![device, server], |x| {
            Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?, x.get(5)?, x.get(6)?))
        })
        .optional()?;
    let same = prev.is_some_and(|(is, cs, it, src, addr, model, t)| {
        is == report.itl_signature
            && cs == report.ctl_signature
            && it == report.itl_tftp_server
            && src == "probe"
            && addr.as_deref() == Some(p.address.as_str())
            && model == page.model
            && t == tvs
    });
    if same {
        tx.prepare_cached("UPDATE phones SET last_seen=?3 WHERE device=?1 AND server_key=?2")?
            .execute(params![device, server, now])?;
        out.unchanged += 1;
        return Ok(());
    }
    tx.prepare_cached(INSERT_HISTORY)?.execute(params![
        device,
        server,
        now,
        report.ipv4,
        report.itl_tftp_server,
        report.itl_signature,
        report.ctl_tftp_server,
        report.ctl_signature,
        p.address,
        page.model,
        Option::<String>::None,
        tvs
    ])?;
    let id = tx.last_insert_rowid();
    let (is, cs) = statuses(&report, itl, ctl);
    tx.prepare_cached(UPSERT_PROBED)?.execute(params![
        device,
        server,
        report.ipv4,
        report.itl_tftp_server,
        report.itl_signature,
        report.ctl_tftp_server,
        report.ctl_signature,
        is,
        cs,
        now,
        id,
        p.address,
        page.model,
        Option::<String>::None,
        tvs,
        Option::<i64>::None
    ])?;
    out.stored += 1;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn not_read(
    tx: &Transaction<'_>,
    p: &Probed,
    reason: Reason,
    named: &[(String, String)],
    now: i64,
    itl: &[Served],
    ctl: &[Served],
    out: &mut ProbeAdded,
) -> rusqlite::Result<()> {
    let word = reason.as_str();
    let none = Option::<String>::None;
    if !named.is_empty() {
        // A phone known at this address keeps its values; the failure is recorded beside them.
        for (device, server) in named {
            let prev: Option<String> = tx
                .prepare_cached("SELECT reason FROM phones WHERE device=?1 AND server_key=?2")?
                .query_row(params![device, server], |x| x.get(0))
                .optional()?
                .flatten();
            if prev.as_deref() == Some(word) {
                out.unchanged += 1;
            } else {
                tx.prepare_cached(INSERT_HISTORY)?
                    .execute(params![device, server, now, none, none, none, none, none, p.address, none, word, none])?;
                out.stored += 1;
            }
            tx.prepare_cached("UPDATE phones SET reason=?3, probe_failed=?4 WHERE device=?1 AND server_key=?2")?
                .execute(params![device, server, word, now])?;
        }
        return Ok(());
    }
    // No phone known at this address: a row of its own, named by the address.
    let device = p.address.as_str();
    let prev: Option<Option<String>> = tx
        .prepare_cached("SELECT reason FROM phones WHERE device=?1 AND server_key=''")?
        .query_row(params![device], |x| x.get(0))
        .optional()?;
    if prev.as_ref().is_some_and(|r| r.as_deref() == Some(word)) {
        tx.prepare_cached("UPDATE phones SET last_seen=?2, probe_failed=?2 WHERE device=?1 AND server_key=''")?
            .execute(params![device, now])?;
        out.unchanged += 1;
        return Ok(());
    }
    tx.prepare_cached(INSERT_HISTORY)?
        .execute(params![device, "", now, none, none, none, none, none, p.address, none, word, none])?;
    let id = tx.last_insert_rowid();
    let (is, cs) = statuses(&Report::default(), itl, ctl);
    tx.prepare_cached(UPSERT_PROBED)?.execute(params![
        device, "", none, none, none, none, none, is, cs, now, id, p.address, none, word, none, now
    ])?;
    out.stored += 1;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{add_reports, history, open_writer, phones, Filter, Location};
    use super::*;
    use rusqlite::Connection;

    /// The schema of itlctl's first `serve` (user_version 1), as it created databases.
    const SCHEMA_1: &str = "
CREATE TABLE phones(
  device TEXT NOT NULL, server_key TEXT NOT NULL,
  ipv4 TEXT, ipv6 TEXT, itl_tftp_server TEXT, itl_signature TEXT,
  ctl_tftp_server TEXT, ctl_signature TEXT, status_code TEXT,
  itl_status TEXT NOT NULL, ctl_status TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  changed INTEGER NOT NULL, last_report INTEGER NOT NULL,
  PRIMARY KEY(device, server_key)) WITHOUT ROWID;
CREATE INDEX phones_status ON phones(itl_status, device, server_key);
CREATE TABLE reports(
  id INTEGER PRIMARY KEY, device TEXT NOT NULL, server_key TEXT NOT NULL,
  received INTEGER NOT NULL, source TEXT,
  ipv4 TEXT, ipv6 TEXT, itl_tftp_server TEXT, itl_signature TEXT,
  ctl_tftp_server TEXT, ctl_signature TEXT, status_code TEXT);
CREATE INDEX reports_device ON reports(device, received);
CREATE TABLE hourly(
  hour INTEGER PRIMARY KEY, total INTEGER NOT NULL, matched INTEGER NOT NULL,
  mismatch INTEGER NOT NULL, not_installed INTEGER NOT NULL, unknown INTEGER NOT NULL);
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters VALUES('reports', 0), ('other', 0), ('skipped', 0);
INSERT INTO reports VALUES(1, 'SEPOLD000001', 'cucm-pub', 1000, 'udp', '10.0.0.9', NULL, 'cucm-pub', 'AA BB', NULL,
  'Not Installed', NULL);
INSERT INTO phones VALUES('SEPOLD000001', 'cucm-pub', '10.0.0.9', NULL, 'cucm-pub', 'AA BB', NULL, 'Not Installed',
  NULL, 'Unknown', 'Not Installed', 1000, 1000, 1000, 1);
PRAGMA application_id=1230261315;
PRAGMA user_version=1;
";

    fn mem(name: &str) -> Connection {
        open_writer(&Location::Memory(format!("/itlctl-test-probe-{name}"))).unwrap()
    }

    fn page(device: &str, itl: &str, tftp: &str) -> PhonePage {
        PhonePage {
            device_name: Some(device.into()),
            model: Some("CP-7841".into()),
            itl_signature: Some(itl.into()),
            ctl_signature: Some("Not Installed".into()),
            tvs: vec!["cucm-pub.example.com".into()],
            tftp_server: Some(tftp.into()),
        }
    }

    fn probe(c: &mut Connection, ps: &[Probed], now: i64) -> ProbeAdded {
        let tx = c.transaction().unwrap();
        let a = add_probes(&tx, ps, now, &[], &[]).unwrap();
        tx.commit().unwrap();
        a
    }

    fn ok(address: &str, p: PhonePage) -> Probed {
        Probed { address: address.into(), at: 0, page: Ok(p) }
    }

    fn failed(address: &str, r: Reason) -> Probed {
        Probed { address: address.into(), at: 0, page: Err(r) }
    }

    /// (device, itl_signature, source, reason) of every phone, by device.
    fn fleet(c: &Connection) -> Vec<(String, Option<String>, String, Option<String>)> {
        phones(c, &Filter::default(), 0, 100)
            .unwrap()
            .into_iter()
            .map(|p| (p.report.device_name.unwrap(), p.report.itl_signature, p.probe.source.unwrap(), p.probe.reason))
            .collect()
    }

    #[test]
    fn a_schema_1_database_is_upgraded_and_keeps_its_phones() {
        let dir = std::env::temp_dir().join(format!("itlctl-schema1-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        let _ = std::fs::remove_file(&path);
        Connection::open(&path).unwrap().execute_batch(SCHEMA_1).unwrap();
        let loc = Location::File(path.clone());
        let mut c = open_writer(&loc).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 2);
        assert_eq!(fleet(&c), [("SEPOLD000001".to_owned(), Some("AA BB".to_owned()), "report".to_owned(), None)]);
        let h = history(&c, "SEPOLD000001", 10).unwrap();
        assert_eq!((h.len(), h[0].source.as_deref(), h[0].probe.reason.as_deref()), (1, Some("udp"), None));
        // The upgraded database takes probes and reports, and opens again as it is.
        probe(&mut c, &[failed("10.0.0.9", Reason::NoWebAccess)], 2000);
        drop(c);
        let c = open_writer(&loc).unwrap();
        assert_eq!(
            fleet(&c),
            [(
                "SEPOLD000001".to_owned(),
                Some("AA BB".to_owned()),
                "report".to_owned(),
                Some("no-web-access".to_owned())
            )]
        );
        drop(c);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_probe_never_overwrites_good_values() {
        let mut c = mem("keep");
        let a = probe(&mut c, &[ok("10.0.0.1", page("SEP1", "AA BB", "pub"))], 1000);
        assert_eq!(a, ProbeAdded { stored: 1, unchanged: 0 });
        // Unreachable now: the row keeps AA BB, records the reason; one history row.
        assert_eq!(probe(&mut c, &[failed("10.0.0.1", Reason::Unreachable)], 2000).stored, 1);
        assert_eq!(
            fleet(&c),
            [("SEP1".to_owned(), Some("AA BB".to_owned()), "probe".to_owned(), Some("unreachable".to_owned()))]
        );
        // The same failure again adds no history row.
        assert_eq!(probe(&mut c, &[failed("10.0.0.1", Reason::Unreachable)], 3000).unchanged, 1);
        assert_eq!(history(&c, "SEP1", 10).unwrap().len(), 2);
        // The devices row shows no reason: its statuses come from the values kept.
        let mut rows = Vec::new();
        super::super::each_device_row(&c, &Filter::default(), &[], &[], |r| {
            rows.push(r);
            true
        })
        .unwrap();
        assert_eq!((rows[0].source, rows[0].reason, rows[0].model.as_deref()), (Source::Probe, None, Some("CP-7841")));
        assert_eq!(rows[0].tvs, ["cucm-pub.example.com"]);
        // Answering again clears the failure; the same answer later only refreshes.
        probe(&mut c, &[ok("10.0.0.1", page("SEP1", "AA BB", "pub"))], 4000);
        assert_eq!(fleet(&c)[0].3, None);
        assert_eq!(probe(&mut c, &[ok("10.0.0.1", page("SEP1", "AA BB", "pub"))], 5000).unchanged, 1);
    }

    #[test]
    fn an_address_no_phone_is_known_at_gets_its_own_row_until_a_phone_answers_there() {
        let mut c = mem("placeholder");
        probe(&mut c, &[failed("10.0.0.7", Reason::NotUnderstood)], 1000);
        assert_eq!(fleet(&c), [("10.0.0.7".to_owned(), None, "probe".to_owned(), Some("not-understood".to_owned()))]);
        let mut rows = Vec::new();
        super::super::each_device_row(&c, &Filter::default(), &[], &[], |r| {
            rows.push(r);
            true
        })
        .unwrap();
        assert_eq!((rows[0].reason, rows[0].address.as_deref()), (Some(Reason::NotUnderstood), Some("10.0.0.7")));
        probe(&mut c, &[ok("10.0.0.7", page("SEP7", "CC DD", "pub"))], 2000);
        assert_eq!(fleet(&c), [("SEP7".to_owned(), Some("CC DD".to_owned()), "probe".to_owned(), None)]);
        // A report from that address removes such a row too.
        probe(&mut c, &[failed("10.0.0.8", Reason::Unreachable)], 3000);
        let mut r = Report::default();
        r.set("DeviceName", "SEP8");
        r.set("IPv4Address", "10.0.0.8");
        r.set("ITL_Signature", "EE FF");
        let tx = c.transaction().unwrap();
        add_reports(&tx, &[(r, "udp")], 4000, &[], &[]).unwrap();
        tx.commit().unwrap();
        let names: Vec<String> = fleet(&c).into_iter().map(|f| f.0).collect();
        assert_eq!(names, ["SEP7", "SEP8"]);
    }

    #[test]
    fn a_report_and_a_probe_of_one_phone_are_one_row_the_newer_wins() {
        let mut c = mem("one");
        let mut r = Report::default();
        r.set("DeviceName", "SEP1");
        r.set("IPv4Address", "10.0.0.1");
        r.set("ITL_Signature", "AA BB");
        r.set("ITL_TFTP_Server", "cucm-pub.example.com");
        let tx = c.transaction().unwrap();
        add_reports(&tx, &[(r.clone(), "udp")], 1000, &[], &[]).unwrap();
        tx.commit().unwrap();
        // The page names the TFTP server by address: still the same phone.
        probe(&mut c, &[ok("10.0.0.1", page("SEP1", "CC DD", "10.1.1.1"))], 2000);
        assert_eq!(fleet(&c), [("SEP1".to_owned(), Some("CC DD".to_owned()), "probe".to_owned(), None)]);
        // A newer report wins again.
        let tx = c.transaction().unwrap();
        add_reports(&tx, &[(r, "udp")], 3000, &[], &[]).unwrap();
        tx.commit().unwrap();
        assert_eq!(fleet(&c), [("SEP1".to_owned(), Some("AA BB".to_owned()), "report".to_owned(), None)]);
        assert_eq!(history(&c, "SEP1", 10).unwrap().len(), 3);
    }
}
