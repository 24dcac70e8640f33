//! The fleet in SQLite (WAL): the latest report of each phone, a bounded history, hourly
//! counts for the line chart, and the counters of `/api/health`.

use std::sync::Mutex;

use std::borrow::Cow;

use itl::devicetlinfo::{compare, write_json, Counts, DeviceRow, Report, ReportRef, Served, Summary};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// `PRAGMA application_id`: "ITLC".
const APP_ID: i64 = 0x4954_4C43;
/// `PRAGMA user_version` this build writes.
const SCHEMA: i64 = 2;

mod probe;
pub use probe::{add_probes, Extra, ProbeAdded};

/// How long the writer waits for another process's lock.
pub const WRITER_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A duplicate within this many milliseconds only refreshes last-seen.
pub const DUPLICATE_MS: i64 = 60_000;

const SCHEMA_SQL: &str = "
CREATE TABLE phones(
  device TEXT NOT NULL, server_key TEXT NOT NULL,
  ipv4 TEXT, ipv6 TEXT, itl_tftp_server TEXT, itl_signature TEXT,
  ctl_tftp_server TEXT, ctl_signature TEXT, status_code TEXT,
  itl_status TEXT NOT NULL, ctl_status TEXT NOT NULL,
  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  changed INTEGER NOT NULL, last_report INTEGER NOT NULL,
  source TEXT NOT NULL DEFAULT 'report', address TEXT, model TEXT, reason TEXT, tvs TEXT, probe_failed INTEGER,
  PRIMARY KEY(device, server_key)) WITHOUT ROWID;
CREATE INDEX phones_status ON phones(itl_status, device, server_key);
CREATE TABLE reports(
  id INTEGER PRIMARY KEY, device TEXT NOT NULL, server_key TEXT NOT NULL,
  received INTEGER NOT NULL, source TEXT,
  ipv4 TEXT, ipv6 TEXT, itl_tftp_server TEXT, itl_signature TEXT,
  ctl_tftp_server TEXT, ctl_signature TEXT, status_code TEXT,
  address TEXT, model TEXT, reason TEXT, tvs TEXT);
CREATE INDEX reports_device ON reports(device, received);
CREATE TABLE hourly(
  hour INTEGER PRIMARY KEY, total INTEGER NOT NULL, matched INTEGER NOT NULL,
  mismatch INTEGER NOT NULL, not_installed INTEGER NOT NULL, unknown INTEGER NOT NULL);
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO counters VALUES('reports', 0), ('other', 0), ('skipped', 0);
";

/// Schema 1 to 2 (issue 25, phones asked directly): where each phone's values come from
/// (`source`: `report` or `probe`), what was asked (`address`), the page's `model` and TVS
/// names (`tvs`, a JSON array), and the last failed probe (`reason`, `probe_failed`, Unix
/// ms) kept beside the last good values. Every column is added with a default, so the rows
/// of a schema-1 database read as reports.
const MIGRATE_1_2: &str = "
ALTER TABLE phones ADD COLUMN source TEXT NOT NULL DEFAULT 'report';
ALTER TABLE phones ADD COLUMN address TEXT;
ALTER TABLE phones ADD COLUMN model TEXT;
ALTER TABLE phones ADD COLUMN reason TEXT;
ALTER TABLE phones ADD COLUMN tvs TEXT;
ALTER TABLE phones ADD COLUMN probe_failed INTEGER;
ALTER TABLE reports ADD COLUMN address TEXT;
ALTER TABLE reports ADD COLUMN model TEXT;
ALTER TABLE reports ADD COLUMN reason TEXT;
ALTER TABLE reports ADD COLUMN tvs TEXT;
";

/// Where the database lives.
#[derive(Debug, Clone)]
pub enum Location {
    /// A file.
    File(std::path::PathBuf),
    /// `:memory:`: an in-process database shared by this process's connections.
    Memory(String),
}

impl Location {
    /// From the `--db` argument.
    pub fn new(arg: &str) -> Self {
        if arg == ":memory:" {
            Location::Memory(format!("/itlctl-{}-{:p}", std::process::id(), &APP_ID))
        } else {
            Location::File(arg.into())
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        use rusqlite::OpenFlags as F;
        let c = match self {
            Location::File(p) => Connection::open(p)?,
            Location::Memory(name) => Connection::open_with_flags(
                format!("file:{name}?vfs=memdb"),
                F::SQLITE_OPEN_READ_WRITE | F::SQLITE_OPEN_CREATE | F::SQLITE_OPEN_URI | F::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        c.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(c)
    }
}

/// Opens (creating on first use) the database at `loc` for writing, checking its schema.
pub fn open_writer(loc: &Location) -> Result<Connection, String> {
    let c = loc.open().map_err(|e| format!("cannot open the database: {e}"))?;
    let err = |e: rusqlite::Error| format!("cannot use the database: {e}");
    // SQLite opens a file it may not write read-only, without saying so: every report
    // would then fail. Refused at start instead.
    if c.is_readonly(rusqlite::MAIN_DB).map_err(err)? {
        return Err("the file is read-only (its permissions, attributes or file system); \
                    make it writable or give another --db"
            .into());
    }
    let app: i64 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(err)?;
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(err)?;
    let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(err)?;
    if app == 0 && version == 0 && tables == 0 {
        let sql = format!("BEGIN; {SCHEMA_SQL} PRAGMA application_id={APP_ID}; PRAGMA user_version={SCHEMA}; COMMIT;");
        c.execute_batch(&sql).map_err(err)?;
    } else if app != APP_ID {
        return Err("the file is a database of another program (not itlctl's); give another --db".into());
    } else if version > SCHEMA {
        return Err(format!(
            "the database has schema version {version}, newer than this itlctl's {SCHEMA}; use a newer itlctl"
        ));
    } else if version == 1 {
        // An older itlctl's database: upgraded in place, in one transaction (all or nothing).
        check(&c)?;
        let sql = format!("BEGIN IMMEDIATE; {MIGRATE_1_2} PRAGMA user_version={SCHEMA}; COMMIT;");
        if let Err(e) = c.execute_batch(&sql) {
            let _ = c.execute_batch("ROLLBACK");
            return Err(format!("cannot upgrade the database from schema 1 to {SCHEMA}: {e}"));
        }
    } else if version < SCHEMA {
        return Err(format!("the database has an unknown schema version {version}"));
    } else {
        check(&c)?;
    }
    if matches!(loc, Location::File(_)) {
        let mode: String = c.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(format!("cannot switch the database to WAL mode (it stays {mode})"));
        }
        c.execute_batch("PRAGMA synchronous=NORMAL").map_err(err)?;
    }
    // A bounded page cache (64 MiB, not growing with the fleet) keeps the latest rows and the
    // indexes' upper pages in memory while reports stream in.
    // Databases made before the history was pruned by id had an index on the time of each
    // report: it only slowed every insert.
    c.execute_batch("DROP INDEX IF EXISTS reports_received").map_err(err)?;
    if matches!(loc, Location::File(_)) {
        c.execute_batch("PRAGMA cache_size=-65536").map_err(err)?;
    }
    // Another process's lock is waited for this long before a write is held for retry.
    c.busy_timeout(WRITER_BUSY_TIMEOUT).map_err(err)?;
    Ok(c)
}

/// `PRAGMA quick_check`: a database damaged in the middle is refused at start, with what
/// to do, rather than failing later on reports and pages.
fn check(c: &Connection) -> Result<(), String> {
    let mut st = c.prepare("PRAGMA quick_check(5)").map_err(|e| damaged(&e.to_string()))?;
    let rows: Vec<String> =
        st.query_map([], |r| r.get::<_, String>(0)).and_then(Iterator::collect).map_err(|e| damaged(&e.to_string()))?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(damaged(&rows.join("; ")))
    }
}

fn damaged(what: &str) -> String {
    format!(
        "the database is damaged ({what}); restore a backup (made with sqlite3 DB \".backup FILE\"), \
         or move the file away to start a new one"
    )
}

/// Read connections, opened as needed and reused.
pub struct Pool {
    loc: Location,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    /// A pool over `loc`.
    pub fn new(loc: Location) -> Self {
        Pool { loc, idle: Mutex::new(Vec::new()) }
    }

    /// Runs `f` with a connection.
    pub fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let conn = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match conn {
            Some(c) => c,
            None => self.loc.open()?,
        };
        let out = f(&conn);
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < 8 {
                v.push(conn);
            }
        }
        out
    }
}

/// The statuses of a report against the references: (ITL, CTL).
pub fn statuses(r: &Report, itl: &[Served], ctl: &[Served]) -> (&'static str, &'static str) {
    let (i, _) = compare(itl, r.itl_tftp_server.as_deref(), r.itl_signature.as_deref());
    let (c, _) = compare(ctl, r.ctl_tftp_server.as_deref(), r.ctl_signature.as_deref());
    (i.as_str(), c.as_str())
}

/// The key of a phone: (DeviceName, lower-cased ITL_TFTP_Server), as `devices` keys it.
pub fn key(r: &Report) -> (String, String) {
    (r.device_name.clone().unwrap_or_default(), r.itl_tftp_server.clone().unwrap_or_default().to_ascii_lowercase())
}

/// What one batch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// New history rows.
    pub stored: usize,
    /// Duplicates that only refreshed last-seen.
    pub duplicates: usize,
}

/// Stores `reports` received at `now` (Unix ms) in `tx`.
pub fn add_reports(
    tx: &Transaction<'_>,
    reports: &[(Report, &str)],
    now: i64,
    itl: &[Served],
    ctl: &[Served],
) -> rusqlite::Result<Added> {
    let mut find = tx.prepare_cached(
        "SELECT itl_signature, ctl_signature, itl_tftp_server, ctl_tftp_server, changed
         FROM phones WHERE device=?1 AND server_key=?2",
    )?;
    let mut touch = tx.prepare_cached("UPDATE phones SET last_seen=?3 WHERE device=?1 AND server_key=?2")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO reports(device, server_key, received, source, ipv4, ipv6, itl_tftp_server, itl_signature,
         ctl_tftp_server, ctl_signature, status_code) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
    )?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO phones(device, server_key, ipv4, ipv6, itl_tftp_server, itl_signature, ctl_tftp_server,
         ctl_signature, status_code, itl_status, ctl_status, first_seen, last_seen, changed, last_report)
         VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12,?12,?13)
         ON CONFLICT(device, server_key) DO UPDATE SET ipv4=excluded.ipv4, ipv6=excluded.ipv6,
         itl_tftp_server=excluded.itl_tftp_server, itl_signature=excluded.itl_signature,
         ctl_tftp_server=excluded.ctl_tftp_server, ctl_signature=excluded.ctl_signature,
         status_code=excluded.status_code, itl_status=excluded.itl_status, ctl_status=excluded.ctl_status,
         last_seen=excluded.last_seen, changed=excluded.changed, last_report=excluded.last_report,
         source='report'",
    )?;
    let mut one_phone = probe::OnePhone::new(tx)?;
    let mut out = Added::default();
    for (r, source) in reports {
        let (device, server) = key(r);
        type Prev = (Option<String>, Option<String>, Option<String>, Option<String>, i64);
        let prev: Option<Prev> = find
            .query_row(params![device, server], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?, x.get(3)?, x.get(4)?)))
            .optional()?;
        if let Some((is, cs, it, ct, changed)) = prev {
            let same = is == r.itl_signature
                && cs == r.ctl_signature
                && it == r.itl_tftp_server
                && ct == r.ctl_tftp_server
                && (now - changed).abs() < DUPLICATE_MS;
            if same {
                touch.execute(params![device, server, now])?;
                out.duplicates += 1;
                continue;
            }
        }
        insert.execute(params![
            device,
            server,
            now,
            source,
            r.ipv4,
            r.ipv6,
            r.itl_tftp_server,
            r.itl_signature,
            r.ctl_tftp_server,
            r.ctl_signature,
            r.status_code
        ])?;
        let id = tx.last_insert_rowid();
        let (is, cs) = statuses(r, itl, ctl);
        upsert.execute(params![
            device,
            server,
            r.ipv4,
            r.ipv6,
            r.itl_tftp_server,
            r.itl_signature,
            r.ctl_tftp_server,
            r.ctl_signature,
            r.status_code,
            is,
            cs,
            now,
            id
        ])?;
        one_phone.reported(&device, &server, r.ipv4.as_deref())?;
        out.stored += 1;
    }
    Ok(out)
}

/// Adds to the counters of `/api/health`.
pub fn count(tx: &Transaction<'_>, reports: u64, other: u64, skipped: u64) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached("UPDATE counters SET value=value+?2 WHERE name=?1")?;
    for (n, v) in [("reports", reports), ("other", other), ("skipped", skipped)] {
        if v > 0 {
            st.execute(params![n, v as i64])?;
        }
    }
    Ok(())
}

/// Adds `n` to the count of reports lost while the database could not be written.
pub fn count_lost(tx: &Transaction<'_>, n: u64) -> rusqlite::Result<()> {
    if n > 0 {
        tx.execute(
            "INSERT INTO counters VALUES('lost', ?1) ON CONFLICT(name) DO UPDATE SET value=value+excluded.value",
            params![n as i64],
        )?;
    }
    Ok(())
}

/// Reports lost while the database could not be written, as counted in it.
pub fn lost(c: &Connection) -> rusqlite::Result<i64> {
    Ok(c.query_row("SELECT value FROM counters WHERE name='lost'", [], |r| r.get(0)).optional()?.unwrap_or(0))
}

/// History rows ever stored (ids only grow, and the newest row is never pruned).
pub fn history_rows(c: &Connection) -> rusqlite::Result<i64> {
    c.query_row("SELECT coalesce(max(id), 0) FROM reports", [], |r| r.get(0))
}

/// Recomputes every phone's statuses after the references changed.
pub fn recompute(tx: &Transaction<'_>, itl: &[Served], ctl: &[Served]) -> rusqlite::Result<usize> {
    let mut sel = tx.prepare(
        "SELECT device, server_key, itl_tftp_server, itl_signature, ctl_tftp_server, ctl_signature,
         itl_status, ctl_status FROM phones",
    )?;
    let mut upd = tx.prepare("UPDATE phones SET itl_status=?3, ctl_status=?4 WHERE device=?1 AND server_key=?2")?;
    let mut rows = sel.query([])?;
    let mut changed = Vec::new();
    while let Some(row) = rows.next()? {
        let r = Report {
            itl_tftp_server: row.get(2)?,
            itl_signature: row.get(3)?,
            ctl_tftp_server: row.get(4)?,
            ctl_signature: row.get(5)?,
            ..Report::default()
        };
        let (is, cs) = statuses(&r, itl, ctl);
        let (old_i, old_c): (String, String) = (row.get(6)?, row.get(7)?);
        if old_i != is || old_c != cs {
            changed.push((row.get::<_, String>(0)?, row.get::<_, String>(1)?, is, cs));
        }
    }
    drop(rows);
    for (d, s, is, cs) in &changed {
        upd.execute(params![d, s, is, cs])?;
    }
    Ok(changed.len())
}

/// Records the current counts in the hour containing `now` (Unix ms).
pub fn snapshot(tx: &Transaction<'_>, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO hourly(hour, total, matched, mismatch, not_installed, unknown)
         SELECT ?1, count(*), coalesce(sum(itl_status='Match'),0), coalesce(sum(itl_status='Mismatch'),0),
                coalesce(sum(itl_status='Not Installed'),0), coalesce(sum(itl_status='Unknown'),0) FROM phones",
        params![now.div_euclid(3_600_000) * 3600],
    )?;
    Ok(())
}

/// Deletes history older than `keep_days` (the latest report of each phone stays).
///
/// Ids grow with the time of arrival (one writer), so the cut is found by id, by bisection
/// over the rowid: the history needs no index on the time.
pub fn prune(tx: &Transaction<'_>, now: i64, keep_days: u32) -> rusqlite::Result<usize> {
    let cut = now - i64::from(keep_days) * 86_400_000;
    let mut at = tx.prepare_cached("SELECT id, received FROM reports WHERE id >= ?1 ORDER BY id LIMIT 1")?;
    let (mut lo, mut hi): (i64, i64) =
        tx.query_row("SELECT coalesce(min(id), 0), coalesce(max(id), 0) + 1 FROM reports", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    // The first id received at or after `cut` lies in [lo, hi].
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let row: Option<(i64, i64)> = at.query_row([mid], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        match row {
            Some((id, received)) if received < cut => lo = id + 1,
            _ => hi = mid,
        }
    }
    let n =
        tx.execute("DELETE FROM reports WHERE id < ?1 AND id NOT IN (SELECT last_report FROM phones)", params![lo])?;
    tx.execute("DELETE FROM hourly WHERE hour < ?1", params![cut / 1000])?;
    Ok(n)
}

/// The counters: (phones, reports, other, skipped).
pub fn health(c: &Connection) -> rusqlite::Result<(i64, i64, i64, i64)> {
    let phones: i64 = c.query_row("SELECT count(*) FROM phones", [], |r| r.get(0))?;
    let get = |n: &str| c.query_row("SELECT value FROM counters WHERE name=?1", [n], |r| r.get::<_, i64>(0));
    Ok((phones, get("reports")?, get("other")?, get("skipped")?))
}

/// A filter over the phones: status and device-name substring.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// `Match`, `Mismatch`, `Not Installed` or `Unknown`.
    pub status: Option<String>,
    /// Part of the device name (case-insensitive).
    pub q: Option<String>,
}

impl Filter {
    fn sql(&self) -> (String, Vec<String>) {
        let mut w = Vec::new();
        let mut p = Vec::new();
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty()) {
            p.push(s.to_owned());
            w.push(format!("itl_status=?{}", p.len()));
        }
        if let Some(q) = self.q.as_deref().filter(|s| !s.is_empty()) {
            let esc = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            p.push(format!("%{esc}%"));
            w.push(format!("device LIKE ?{} ESCAPE '\\'", p.len()));
        }
        let w = if w.is_empty() { String::new() } else { format!(" WHERE {}", w.join(" AND ")) };
        (w, p)
    }
}

/// A stored phone row.
pub struct PhoneRow {
    /// The latest report.
    pub report: Report,
    /// When it was last seen (Unix ms).
    pub last_seen: i64,
    /// Where the values come from, what was asked, the model, the TVS names, the last
    /// failed probe.
    pub probe: probe::Extra,
}

const PHONE_COLS: &str = "device, ipv4, ipv6, itl_tftp_server, itl_signature, ctl_tftp_server, ctl_signature, \
     status_code, last_seen, source, address, model, reason, tvs, probe_failed";

fn phone_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PhoneRow> {
    Ok(PhoneRow {
        report: Report {
            line: 0,
            device_name: r.get(0)?,
            ipv4: r.get(1)?,
            ipv6: r.get(2)?,
            itl_tftp_server: r.get(3)?,
            itl_signature: r.get(4)?,
            ctl_tftp_server: r.get(5)?,
            ctl_signature: r.get(6)?,
            status_code: r.get(7)?,
        },
        last_seen: r.get(8)?,
        probe: probe::Extra::read(r, 9)?,
    })
}

/// Counts phones matching `f`.
pub fn count_phones(c: &Connection, f: &Filter) -> rusqlite::Result<i64> {
    let (w, p) = f.sql();
    c.query_row(&format!("SELECT count(*) FROM phones{w}"), rusqlite::params_from_iter(p), |r| r.get(0))
}

/// ITL status counts of the whole fleet.
pub fn summary(c: &Connection) -> rusqlite::Result<Summary> {
    let mut st = c.prepare_cached("SELECT itl_status, count(*) FROM phones GROUP BY itl_status")?;
    let mut s = Summary::default();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let n: i64 = r.get(1)?;
        let n = n as usize;
        match r.get::<_, String>(0)?.as_str() {
            "Match" => s.matched = n,
            "Mismatch" => s.mismatch = n,
            "Not Installed" => s.not_installed = n,
            _ => s.unknown += n,
        }
    }
    Ok(s)
}

/// Phones matching `f`, by device then server, `limit` from `offset`, with their last-seen times.
pub fn phones(c: &Connection, f: &Filter, offset: i64, limit: i64) -> rusqlite::Result<Vec<PhoneRow>> {
    let (w, mut p) = f.sql();
    let n = p.len();
    p.push(limit.to_string());
    p.push(offset.to_string());
    let sql = format!(
        "SELECT {PHONE_COLS} FROM phones{w} ORDER BY device, server_key LIMIT CAST(?{} AS INTEGER) OFFSET CAST(?{} AS INTEGER)",
        n + 1,
        n + 2
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(rusqlite::params_from_iter(p), phone_row)?;
    rows.collect()
}

const ROW_COLS: &str =
    "device, ipv4, itl_tftp_server, itl_signature, ctl_tftp_server, ctl_signature, source, address, model, reason, tvs";

/// Calls `each` with the `devices` row of every phone matching `f`, by device then server,
/// made from the stored row by the library ([`DeviceRow::of`]) without keeping any: memory
/// stays bounded. `each` returns `false` to stop early.
pub fn each_device_row(
    c: &Connection,
    f: &Filter,
    itl: &[Served],
    ctl: &[Served],
    mut each: impl FnMut(DeviceRow) -> bool,
) -> rusqlite::Result<()> {
    let (w, p) = f.sql();
    let mut st = c.prepare_cached(&format!("SELECT {ROW_COLS} FROM phones{w} ORDER BY device, server_key"))?;
    let mut rows = st.query(rusqlite::params_from_iter(p))?;
    while let Some(r) = rows.next()? {
        if !each(device_row(r, itl, ctl)?) {
            break;
        }
    }
    Ok(())
}

/// Rows handed from the reading thread to the writing one at once.
const ROWS_AT_ONCE: usize = 256;

/// Writes `itlctl devices --json` of the phones matching `f` to `out` with the library's
/// writer ([`write_json`]); `counts` are what it says was read. Returns the summary of the
/// rows written. Two threads share the work: this one reads the rows from SQLite (and makes
/// them with [`DeviceRow::of`]), another writes the JSON; a few hundred rows are in
/// flight between them, so memory stays bounded.
pub fn write_devices_json<W: std::io::Write + Send>(
    c: &Connection,
    f: &Filter,
    itl: &[Served],
    ctl: &[Served],
    counts: Counts,
    out: W,
) -> Result<Summary, String> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<DeviceRow>>(4);
    std::thread::scope(|s| {
        let writer = s.spawn(move || write_json(out, rx.into_iter().flatten(), counts));
        let mut batch = Vec::with_capacity(ROWS_AT_ONCE);
        let read = each_device_row(c, f, itl, ctl, |r| {
            batch.push(r);
            if batch.len() < ROWS_AT_ONCE {
                return true;
            }
            // A send fails once the writer stopped (the client has gone): stop reading.
            tx.send(std::mem::replace(&mut batch, Vec::with_capacity(ROWS_AT_ONCE))).is_ok()
        });
        if read.is_ok() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let written = writer.join().map_err(|_| "the JSON writer failed".to_owned())?;
        read.map_err(|e| e.to_string())?;
        written.map_err(|e| e.to_string())
    })
}

/// The `devices` row of one stored phone (columns [`ROW_COLS`]).
fn device_row(r: &rusqlite::Row<'_>, itl: &[Served], ctl: &[Served]) -> rusqlite::Result<DeviceRow> {
    let text = |i: usize| -> rusqlite::Result<Option<Cow<'_, str>>> {
        let v = r
            .get_ref(i)?
            .as_str_or_null()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(v.map(Cow::Borrowed))
    };
    let report = ReportRef {
        device_name: text(0)?,
        ipv4: text(1)?,
        itl_tftp_server: text(2)?,
        itl_signature: text(3)?,
        ctl_tftp_server: text(4)?,
        ctl_signature: text(5)?,
        ..ReportRef::default()
    };
    let mut row = DeviceRow::of(&report, itl, ctl);
    probe::fill_row(&mut row, r, 6)?;
    Ok(row)
}

/// One stored report of a phone.
pub struct HistoryRow {
    /// The report.
    pub report: Report,
    /// When it arrived (Unix ms).
    pub received: i64,
    /// How: `udp`, `tcp`, `tls`, `http`, or `probe` (the phone's page).
    pub source: Option<String>,
    /// What was asked, the model, the TVS names and why the page could not be read (probes).
    pub probe: probe::Extra,
}

/// The reports of `device`, newest first (at most `limit`).
pub fn history(c: &Connection, device: &str, limit: i64) -> rusqlite::Result<Vec<HistoryRow>> {
    let mut st = c.prepare_cached(
        "SELECT device, ipv4, ipv6, itl_tftp_server, itl_signature, ctl_tftp_server, ctl_signature, status_code,
         received, source, address, model, reason, tvs, NULL FROM reports WHERE device=?1
         ORDER BY received DESC, id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![device, limit], |r| {
        let p = phone_row(r)?;
        Ok(HistoryRow { report: p.report, received: p.last_seen, source: r.get(9)?, probe: p.probe })
    })?;
    rows.collect()
}

/// Hourly points (hour as Unix seconds, phones, on the current ITL) since `since` (Unix s).
pub fn hourly(c: &Connection, since: i64) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    let mut st = c.prepare_cached("SELECT hour, total, matched FROM hourly WHERE hour >= ?1 ORDER BY hour")?;
    let rows = st.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(device: &str, hash: &str, ip: &str) -> (Report, &'static str) {
        let mut r = Report::default();
        r.set("DeviceName", device);
        r.set("ITL_Signature", hash);
        r.set("ITL_TFTP_Server", "pub");
        r.set("IPv4Address", ip);
        (r, "udp")
    }

    fn add(c: &mut Connection, rs: &[(Report, &str)], now: i64) -> Added {
        let tx = c.transaction().unwrap();
        let a = add_reports(&tx, rs, now, &[], &[]).unwrap();
        tx.commit().unwrap();
        a
    }

    fn one(c: &Connection, sql: &str) -> (i64, i64) {
        c.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap()
    }

    #[test]
    fn duplicates_within_a_minute_only_refresh_last_seen() {
        let mut c = open_writer(&Location::Memory("/itlctl-test-dup".into())).unwrap();
        let a = report("SEP1", "AA BB", "10.0.0.1");
        let b = report("SEP1", "AA BB", "10.0.0.2");
        assert_eq!(add(&mut c, &[a.clone(), b.clone()], 1_000), Added { stored: 1, duplicates: 1 });
        assert_eq!(add(&mut c, std::slice::from_ref(&a), 1_000 + DUPLICATE_MS - 1), Added { stored: 0, duplicates: 1 });
        let (seen, changed) = one(&c, "SELECT last_seen, changed FROM phones");
        assert_eq!((seen, changed), (1_000 + DUPLICATE_MS - 1, 1_000));
        let ip: String = c.query_row("SELECT ipv4 FROM phones", [], |r| r.get(0)).unwrap();
        assert_eq!(ip, "10.0.0.1", "a duplicate changes nothing but last-seen");
        // A minute after the last change it is a new report; so is another hash at once.
        assert_eq!(add(&mut c, std::slice::from_ref(&b), 1_000 + DUPLICATE_MS), Added { stored: 1, duplicates: 0 });
        let other = report("SEP1", "CC DD", "10.0.0.2");
        assert_eq!(add(&mut c, &[other], 1_000 + DUPLICATE_MS + 1), Added { stored: 1, duplicates: 0 });
        let (rows, last) = one(&c, "SELECT count(*), max(id) FROM reports");
        assert_eq!(rows, 3);
        let (latest, ip_rows) =
            one(&c, "SELECT last_report, (SELECT count(*) FROM reports WHERE ipv4='10.0.0.2') FROM phones");
        assert_eq!((latest, ip_rows), (last, 2));
        let (h, _) = one(&c, "SELECT itl_signature = 'CC DD', 0 FROM phones");
        assert_eq!(h, 1);
    }

    #[test]
    fn prune_keeps_recent_history_and_every_latest_report() {
        let mut c = open_writer(&Location::Memory("/itlctl-test-prune".into())).unwrap();
        let day = 86_400_000;
        // SEP1 reports on days 0, 1, 2 and 5; SEP2 only on day 0.
        add(&mut c, &[report("SEP1", "01", ""), report("SEP2", "01", "")], 0);
        add(&mut c, &[report("SEP1", "02", "")], day);
        add(&mut c, &[report("SEP1", "03", "")], 2 * day);
        add(&mut c, &[report("SEP1", "04", "")], 5 * day);
        let tx = c.transaction().unwrap();
        // Keep 3 days at day 5: days 0 and 1 go, except SEP2's only (latest) report.
        assert_eq!(prune(&tx, 5 * day, 3).unwrap(), 2);
        tx.commit().unwrap();
        let mut st = c.prepare("SELECT device, received FROM reports ORDER BY id").unwrap();
        let left: Vec<(String, i64)> =
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(left, [("SEP2".to_owned(), 0), ("SEP1".to_owned(), 2 * day), ("SEP1".to_owned(), 5 * day)]);
        drop(st);
        let tx = c.transaction().unwrap();
        assert_eq!(prune(&tx, 5 * day, 3).unwrap(), 0);
    }
}
