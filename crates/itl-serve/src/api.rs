//! The JSON API (`/api/...`): the shapes of `itlctl show|lint|hash|diff|devices --json`.

use std::io::BufReader;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use itl::devicetlinfo::{Event, Reader};
use itl::document::Document;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ingest::{self, Batch};
use crate::reply::{bad_request, content_length, json, too_large, unavailable};
use crate::store;
use crate::upload::{self, uploads, Reading, Upload};
use crate::{App, DevicesQuery};

/// Largest report body accepted.
pub const MAX_REPORTS: usize = 64 * 1024 * 1024;

/// `show --json` of one reading, `"file"` being the uploaded name or null: (status, JSON).
pub(crate) fn show_json(r: &Reading<'_>) -> (StatusCode, Value) {
    let name = r.upload.name.as_deref();
    let mut v = serde_json::to_value(r.doc.json(Some(r.upload.label()))).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("file".into(), name.map_or(Value::Null, |n| Value::String(n.to_owned())));
    }
    let status =
        if matches!(r.doc, Document::Broken { .. }) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    (status, v)
}

/// `{"file","findings"}` of `lint --json` (the file being the uploaded name or null).
#[derive(Serialize)]
struct LintAnswer<'a> {
    file: Option<&'a str>,
    findings: &'a [itl::lint::Finding],
}

async fn one(app: &App, req: Request) -> Result<Upload, Response> {
    uploads(req, &app.bodies).await.and_then(|u| upload::take(u, "file"))
}

async fn show(State(app): State<App>, req: Request) -> Response {
    match one(&app, req).await {
        Ok(u) => {
            let (s, v) = show_json(&u.read(None));
            json(s, &v)
        }
        Err(r) => r,
    }
}

/// `?days=` of `/api/lint`.
#[derive(Deserialize, Default)]
pub(crate) struct LintQuery {
    days: Option<i64>,
}

async fn lint(State(app): State<App>, Query(q): Query<LintQuery>, req: Request) -> Response {
    let u = match one(&app, req).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let r = u.read(Some(q.days.unwrap_or(90)));
    match (&r.findings, r.trust_list()) {
        (Some(f), _) => json(StatusCode::OK, &LintAnswer { file: u.name.as_deref(), findings: f }),
        (None, Err(e)) => json(StatusCode::UNPROCESSABLE_ENTITY, &e),
        (None, Ok(_)) => json(StatusCode::OK, &LintAnswer { file: u.name.as_deref(), findings: &[] }),
    }
}

/// `hash --json` of one upload (the file being the uploaded name or null).
#[derive(Serialize)]
struct HashAnswer<'a> {
    file: Option<&'a str>,
    #[serde(flatten)]
    checksums: itl::json::ChecksumsJson,
}

async fn hash(State(app): State<App>, req: Request) -> Response {
    match one(&app, req).await {
        Ok(u) => json(
            StatusCode::OK,
            &HashAnswer { file: u.name.as_deref(), checksums: itl::json::ChecksumsJson::of(&u.bytes) },
        ),
        Err(r) => r,
    }
}

async fn diff(State(app): State<App>, req: Request) -> Response {
    let us = match uploads(req, &app.bodies).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some((old, new)) = upload::pair(&us) else {
        return bad_request("send multipart fields `old` and `new`");
    };
    match upload::diff(old, new) {
        Ok(d) => json(StatusCode::OK, &d),
        Err(e) => json(StatusCode::UNPROCESSABLE_ENTITY, &e),
    }
}

/// `GET /api/health`: `status` is `ok`, or `degraded` with the `problems` in words.
#[derive(Serialize)]
struct Health<'a> {
    status: &'a str,
    phones: i64,
    reports: i64,
    other: i64,
    skipped: i64,
    /// Reports dropped because the database could not be written.
    lost: i64,
    /// Reports held for retry while writes fail.
    held: u64,
    /// Write attempts that failed since start.
    write_failures: u64,
    references: Vec<Reference<'a>>,
    problems: Vec<String>,
    /// The scheduled probes (null when nothing is probed).
    probe: Option<crate::probe::Status>,
}

/// One reference file in force.
#[derive(Serialize)]
struct Reference<'a> {
    kind: &'a str,
    host: Option<&'a str>,
    file: &'a str,
    sha1: &'a str,
}

async fn health(State(app): State<App>) -> Response {
    let refs = app.shared.refs();
    let shared = app.shared.clone();
    let h = tokio::task::spawn_blocking(move || shared.pool.with(|c| Ok((store::health(c)?, store::lost(c)?)))).await;
    let Ok(Ok(((phones, reports, other, skipped), lost))) = h else {
        return unavailable("the database cannot be read");
    };
    let w = &app.shared.writer;
    let lost = lost + i64::try_from(w.lost_unsaved()).unwrap_or(i64::MAX);
    let problems = app.shared.problems();
    let references = refs
        .loaded
        .iter()
        .map(|l| Reference { kind: l.kind, host: l.host.as_deref(), file: &l.file, sha1: &l.sha1 })
        .collect();
    let status = if problems.is_empty() { "ok" } else { "degraded" };
    let (held, write_failures) = (w.held(), w.failures());
    let probe = app.shared.probe.status();
    let h = Health { status, phones, reports, other, skipped, lost, held, write_failures, references, problems, probe };
    json(StatusCode::OK, &h)
}

/// Reads reports in any `devices` format from `bytes`: (reports, lines skipped).
fn read_reports(bytes: &[u8]) -> (Vec<(itl::devicetlinfo::Report, &'static str)>, u64) {
    let mut out = Vec::new();
    let mut skipped = 0;
    for ev in Reader::new(BufReader::new(bytes)).flatten() {
        match ev {
            Event::Report(mut r) => {
                if crate::check::report(&mut r) {
                    out.push((r, "http"));
                } else {
                    skipped += 1;
                }
            }
            Event::MissingDeviceName { .. } | Event::NotUnderstood { .. } | Event::Fragment { .. } => skipped += 1,
        }
    }
    (out, skipped)
}

/// `{"read","skipped"}` of `POST /api/reports`.
#[derive(Serialize)]
struct Received {
    read: usize,
    skipped: u64,
}

async fn reports(State(app): State<App>, req: Request) -> Response {
    if content_length(req.headers()).is_some_and(|n| n > MAX_REPORTS) {
        return too_large(MAX_REPORTS);
    }
    let (body, held) = match upload::read_body(req.into_body(), MAX_REPORTS, &app.bodies).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let read = tokio::task::spawn_blocking(move || read_reports(&body)).await;
    drop(held);
    let Ok((reports, skipped)) = read else {
        return crate::reply::plain(StatusCode::INTERNAL_SERVER_ERROR, "500: reading failed");
    };
    let read = reports.len();
    let b = Batch { reports, other: 0, skipped, ack: None, retry: false };
    match ingest::commit(&app.tx, b).await {
        Ok(()) => json(StatusCode::OK, &Received { read, skipped }),
        Err(e) => unavailable(&e),
    }
}

/// Bytes handed to the response body at once.
const BODY_CHUNK: usize = 64 * 1024;

/// A writer into the response body: full chunks go to the body as they fill; an error once
/// the client has gone (which stops the rows being read).
struct BodyWriter {
    buf: Vec<u8>,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl BodyWriter {
    fn send(&mut self) -> std::io::Result<()> {
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(BODY_CHUNK + 4096));
        self.tx.blocking_send(Ok(Bytes::from(chunk))).map_err(|_| std::io::Error::other("the client has gone"))
    }
}

impl std::io::Write for BodyWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= BODY_CHUNK {
            self.send()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Streams `devices --json` (the library's writer, as the CLI prints it) or `--csv` of the
/// stored phones: rows are read, rendered and sent as they come, so memory does not grow
/// with the fleet.
fn stream_devices(app: App, q: DevicesQuery, csv_out: bool) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let refs = app.shared.refs();
    tokio::task::spawn_blocking(move || {
        let mut out = BodyWriter { buf: Vec::with_capacity(BODY_CHUNK + 4096), tx: tx.clone() };
        let res: Result<(), String> = app
            .shared
            .pool
            .with(|c| {
                let f = q.filter();
                if csv_out {
                    let mut w = csv::Writer::from_writer(&mut out);
                    let mut ok = true;
                    let mut first = true;
                    store::each_device_row(c, &f, &refs.itl, &refs.ctl, |r| {
                        ok = write_inert(&mut w, &r, std::mem::take(&mut first)).is_ok();
                        ok
                    })?;
                    Ok(if ok { w.flush().map_err(|e| e.to_string()) } else { Err("the client has gone".to_owned()) })
                } else {
                    // The counts `devices --json` carries: here, of everything received.
                    let (reports, skipped) = store::health(c).map(|h| (h.1, h.3))?;
                    let counts = itl::devicetlinfo::Counts {
                        reports_read: usize::try_from(reports).unwrap_or(0),
                        fragments_skipped: usize::try_from(skipped).unwrap_or(0),
                    };
                    Ok(store::write_devices_json(c, &f, &refs.itl, &refs.ctl, counts, &mut out).map(|_| ()))
                }
            })
            .map_err(|e| e.to_string())
            .and_then(|r| r);
        match res {
            Ok(()) => {
                let _ = out.send();
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(std::io::Error::other(e)));
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    Body::from_stream(stream)
}

/// Writes `row` as `devices --csv` does (with the header row when `header`), every cell that
/// a spreadsheet would take for a formula made inert ([`crate::check::inert`]).
fn write_inert<W: std::io::Write>(
    w: &mut csv::Writer<W>,
    row: &itl::devicetlinfo::DeviceRow,
    header: bool,
) -> Result<(), csv::Error> {
    use itl::devicetlinfo::CsvRow;
    if header {
        w.write_record(CsvRow::HEADER)?;
    }
    let r = row.csv();
    w.write_record(r.cells().map(crate::check::inert).iter().map(|c| c.as_bytes()))
}

async fn devices(State(app): State<App>, Query(q): Query<DevicesQuery>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], stream_devices(app, q, false)).into_response()
}

async fn devices_csv(State(app): State<App>, Query(q): Query<DevicesQuery>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"devices.csv\""),
        ],
        stream_devices(app, q, true),
    )
        .into_response()
}

/// `2026-12-02T00:51:15Z`.
fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.round(jiff::Unit::Second).unwrap_or(t).to_string())
        .unwrap_or_default()
}

/// One stored report of `GET /api/devices/{device}`.
#[derive(Serialize)]
struct HistoryJson<'a> {
    received: String,
    source: Option<&'a str>,
    ipv4: Option<&'a str>,
    ipv6: Option<&'a str>,
    itl_tftp_server: Option<&'a str>,
    itl_signature: Option<&'a str>,
    itl_status: &'static str,
    ctl_tftp_server: Option<&'a str>,
    ctl_signature: Option<&'a str>,
    ctl_status: &'static str,
    status_code: Option<&'a str>,
    /// What was asked (a probe).
    address: Option<&'a str>,
    /// The page's model (a probe).
    model: Option<&'a str>,
    /// Why the phone could not be read (a failed probe).
    reason: Option<&'a str>,
    /// The page's TVS rows (a probe).
    tvs: &'a [String],
}

impl<'a> HistoryJson<'a> {
    fn new(h: &'a store::HistoryRow, refs: &crate::refs::Refs) -> Self {
        let r = &h.report;
        let (itl_status, ctl_status) = store::statuses(r, &refs.itl, &refs.ctl);
        HistoryJson {
            received: rfc3339(h.received),
            source: h.source.as_deref(),
            ipv4: r.ipv4.as_deref(),
            ipv6: r.ipv6.as_deref(),
            itl_tftp_server: r.itl_tftp_server.as_deref(),
            itl_signature: r.itl_signature.as_deref(),
            itl_status,
            ctl_tftp_server: r.ctl_tftp_server.as_deref(),
            ctl_signature: r.ctl_signature.as_deref(),
            ctl_status,
            status_code: r.status_code.as_deref(),
            address: h.probe.address.as_deref(),
            model: h.probe.model.as_deref(),
            reason: h.probe.reason.as_deref(),
            tvs: &h.probe.tvs,
        }
    }
}

/// `{"device","reports"}`.
#[derive(Serialize)]
struct DeviceJson<'a> {
    device: &'a str,
    reports: Vec<HistoryJson<'a>>,
}

async fn device(State(app): State<App>, Path(device): Path<String>) -> Response {
    let refs = app.shared.refs();
    let d = device.clone();
    let res = tokio::task::spawn_blocking(move || app.shared.pool.with(|c| store::history(c, &d, 10_000))).await;
    match res {
        Ok(Ok(rows)) => {
            let reports: Vec<HistoryJson<'_>> = rows.iter().map(|h| HistoryJson::new(h, &refs)).collect();
            let status = if rows.is_empty() { StatusCode::NOT_FOUND } else { StatusCode::OK };
            json(status, &DeviceJson { device: &device, reports })
        }
        _ => unavailable("the database cannot be read"),
    }
}

/// The API's routes.
pub(crate) fn routes() -> axum::Router<App> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/api/health", get(health))
        .route("/api/show", post(show))
        .route("/api/lint", post(lint))
        .route("/api/hash", post(hash))
        .route("/api/diff", post(diff))
        .route("/api/reports", post(reports))
        .route("/api/devices", get(devices))
        .route("/api/devices.csv", get(devices_csv))
        .route("/api/devices/{device}", get(device))
}
