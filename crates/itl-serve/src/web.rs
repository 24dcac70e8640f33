//! The HTTP side: safety layers, the JSON API and the pages' handlers.

use std::io::BufReader;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use itl::devicetlinfo::{Event, Reader};
use serde::Deserialize;
use serde_json::{json, Value};
use subtle::ConstantTimeEq;

use crate::ingest::{self, Batch, Cmd};
use crate::store::{self, Filter};
use crate::{pages, Shared};

/// Largest trust list (or signed file) accepted.
pub const MAX_FILE: usize = 1024 * 1024;
/// Largest report body accepted.
pub const MAX_REPORTS: usize = 64 * 1024 * 1024;
/// Largest multipart upload (several trust lists).
const MAX_UPLOAD: usize = 16 * 1024 * 1024;

const COOKIE: &str = "itlctl_token";

#[derive(Clone)]
pub(crate) struct App {
    pub shared: Arc<Shared>,
    pub tx: SyncSender<Cmd>,
}

pub(crate) fn router(shared: Arc<Shared>, tx: SyncSender<Cmd>) -> Router {
    let app = App { shared, tx };
    Router::new()
        .route("/", get(pages::index).post(pages::index_post))
        .route("/diff", get(pages::diff_page).post(pages::diff_post))
        .route("/fleet", get(pages::fleet))
        .route("/fleet/{device}", get(pages::phone))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/api/health", get(health))
        .route("/api/show", post(api_show))
        .route("/api/lint", post(api_lint))
        .route("/api/hash", post(api_hash))
        .route("/api/diff", post(api_diff))
        .route("/api/reports", post(api_reports))
        .route("/api/devices", get(api_devices))
        .route("/api/devices.csv", get(api_devices_csv))
        .route("/api/devices/{device}", get(api_device))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(middleware::from_fn(headers))
        .with_state(app)
}

/// CSP and nosniff on every response.
async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn cookie_token(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == COOKIE).then(|| v.to_owned())
    })
}

fn query_token(q: Option<&str>) -> Option<String> {
    q?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "token").then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn plain(status: StatusCode, msg: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{msg}\n")).into_response()
}

/// The token (when one is set) and the same-origin rule for POSTs.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    if let Some(token) = &app.shared.token {
        let h = req.headers();
        let bearer = h
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .is_some_and(|t| same(t, token));
        let cookie = cookie_token(h).is_some_and(|t| same(&t, token));
        if !bearer && !cookie {
            let q = query_token(req.uri().query());
            if req.method() == Method::GET && req.uri().path() == "/" && q.as_deref().is_some_and(|t| same(t, token)) {
                let mut res = Redirect::to("/").into_response();
                let c = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
                if let Ok(v) = HeaderValue::from_str(&c) {
                    res.headers_mut().insert(header::SET_COOKIE, v);
                }
                return res;
            }
            let mut res = plain(
                StatusCode::UNAUTHORIZED,
                "401 Unauthorized: send Authorization: Bearer TOKEN, or open /?token=TOKEN once in this browser",
            );
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return res;
        }
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let h = req.headers();
        let cross = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
        let origin_ok = match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(o) => {
                let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
                !host.is_empty() && (o == format!("http://{host}") || o == format!("https://{host}"))
            }
        };
        if cross || !origin_ok {
            return plain(StatusCode::FORBIDDEN, "403 Forbidden: this request comes from another site's page");
        }
    }
    next.run(req).await
}

pub(crate) fn json_response(status: StatusCode, v: &impl serde::Serialize) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], itl::json::to_string(v) + "\n").into_response()
}

fn too_large(limit: usize) -> Response {
    plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("413 Payload Too Large: the limit is {} MiB", limit / (1024 * 1024)))
}

fn content_length(h: &HeaderMap) -> Option<usize> {
    h.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// An uploaded file: its name (when multipart gave one) and bytes.
pub(crate) struct Upload {
    pub name: Option<String>,
    pub field: String,
    pub bytes: Bytes,
}

/// Reads the request's files: multipart fields (each at most `MAX_FILE`), or the whole
/// body as one file. `Err` is the response to send (413, 400).
pub(crate) async fn uploads(req: Request) -> Result<Vec<Upload>, Response> {
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if is_multipart { MAX_UPLOAD } else { MAX_FILE };
    if content_length(req.headers()).is_some_and(|n| n > limit) {
        return Err(too_large(MAX_FILE));
    }
    if !is_multipart {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_FILE).await.map_err(|_| too_large(MAX_FILE))?;
        return Ok(vec![Upload { name: None, field: "file".into(), bytes }]);
    }
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| plain(StatusCode::BAD_REQUEST, &format!("400 Bad Request: {e}")))?;
    let mut out = Vec::new();
    let mut total = 0usize;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large(MAX_FILE)
                } else {
                    plain(StatusCode::BAD_REQUEST, &format!("400 Bad Request: {e}"))
                })
            }
        };
        let name = field.file_name().map(str::to_owned).filter(|n| !n.is_empty());
        let fname = field.name().unwrap_or("").to_owned();
        let mut buf = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    if buf.len() + c.len() > MAX_FILE {
                        return Err(too_large(MAX_FILE));
                    }
                    total += c.len();
                    if total > MAX_UPLOAD {
                        return Err(too_large(MAX_UPLOAD));
                    }
                    buf.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(e) => return Err(plain(StatusCode::BAD_REQUEST, &format!("400 Bad Request: {e}"))),
            }
        }
        // A form's empty file input sends a nameless empty part: not a file.
        if name.is_none() && buf.is_empty() {
            continue;
        }
        out.push(Upload { name, field: fname, bytes: buf.into() });
    }
    Ok(out)
}

fn file_json(v: Value, name: Option<&str>) -> Value {
    let mut v = v;
    if let Some(o) = v.as_object_mut() {
        o.insert("file".into(), name.map_or(Value::Null, |n| Value::String(n.to_owned())));
    }
    v
}

/// `show --json` of one upload: (status, JSON).
pub(crate) fn show_json(u: &Upload) -> (StatusCode, Value) {
    let name = u.name.as_deref();
    let label = name.unwrap_or("upload");
    match itl::TrustList::parse(&u.bytes) {
        Ok(list) => {
            let kind = list.kind(name);
            let v = itl::verify::verify(&list);
            let j = serde_json::to_value(itl::json::ShowJson::new(label, kind, &list, &v)).unwrap_or_default();
            (StatusCode::OK, file_json(j, name))
        }
        Err(e) => {
            if let Ok(f) = itl::sgn::SignedFile::parse(&u.bytes) {
                let j = serde_json::to_value(itl::json::SignedJson::new(label, &f)).unwrap_or_default();
                return (StatusCode::OK, file_json(j, name));
            }
            let j = serde_json::to_value(itl::json::FileErrorJson::new(label, &e)).unwrap_or_default();
            (StatusCode::UNPROCESSABLE_ENTITY, file_json(j, name))
        }
    }
}

/// The `lint --json` element of one upload.
pub(crate) fn lint_json(u: &Upload, days: i64) -> (StatusCode, Value) {
    let name = u.name.as_deref();
    match itl::TrustList::parse(&u.bytes) {
        Ok(list) => {
            let opts = itl::lint::Options { now: jiff::Timestamp::now().as_second(), days, kind: list.kind(name) };
            let findings = itl::lint::lint(&list, &opts);
            (StatusCode::OK, json!({ "file": name, "findings": findings }))
        }
        Err(e) => {
            let j =
                serde_json::to_value(itl::json::FileErrorJson::new(name.unwrap_or("upload"), &e)).unwrap_or_default();
            (StatusCode::UNPROCESSABLE_ENTITY, file_json(j, name))
        }
    }
}

fn first(us: Vec<Upload>, field: &str) -> Result<Upload, Response> {
    let mut us = us;
    let i = us.iter().position(|u| u.field == field).or(if us.len() == 1 { Some(0) } else { None });
    match i {
        Some(i) => Ok(us.swap_remove(i)),
        None => Err(plain(
            StatusCode::BAD_REQUEST,
            &format!("400 Bad Request: send the file's bytes, or a multipart field `{field}`"),
        )),
    }
}

async fn api_show(req: Request) -> Response {
    let u = match uploads(req).await.and_then(|u| first(u, "file")) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (s, v) = show_json(&u);
    json_response(s, &v)
}

#[derive(Deserialize, Default)]
pub(crate) struct LintQuery {
    days: Option<i64>,
}

async fn api_lint(Query(q): Query<LintQuery>, req: Request) -> Response {
    let u = match uploads(req).await.and_then(|u| first(u, "file")) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (s, v) = lint_json(&u, q.days.unwrap_or(90));
    json_response(s, &v)
}

async fn api_hash(req: Request) -> Response {
    let u = match uploads(req).await.and_then(|u| first(u, "file")) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let j = itl::json::HashJson { file: String::new(), checksums: itl::json::ChecksumsJson::of(&u.bytes) };
    let v = file_json(serde_json::to_value(j).unwrap_or_default(), u.name.as_deref());
    json_response(StatusCode::OK, &v)
}

/// `diff --json` of two uploads, or the error response.
pub(crate) fn diff_json(old: &Upload, new: &Upload) -> Result<itl::diff::Diff, (StatusCode, Value)> {
    fn parse(u: &Upload) -> Result<itl::TrustList<'_>, (StatusCode, Value)> {
        itl::TrustList::parse(&u.bytes).map_err(|e| {
            let label = u.name.as_deref().unwrap_or(&u.field);
            let v = serde_json::to_value(itl::json::FileErrorJson::new(label, &e)).unwrap_or_default();
            (StatusCode::UNPROCESSABLE_ENTITY, v)
        })
    }
    let (a, b) = (parse(old)?, parse(new)?);
    Ok(itl::diff::diff(&a, &b))
}

async fn api_diff(req: Request) -> Response {
    let us = match uploads(req).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (Some(old), Some(new)) = (us.iter().find(|u| u.field == "old"), us.iter().find(|u| u.field == "new")) else {
        return plain(StatusCode::BAD_REQUEST, "400 Bad Request: send multipart fields `old` and `new`");
    };
    match diff_json(old, new) {
        Ok(d) => json_response(StatusCode::OK, &d),
        Err((s, v)) => json_response(s, &v),
    }
}

async fn health(State(app): State<App>) -> Response {
    let refs = app.shared.refs();
    let h = tokio::task::spawn_blocking(move || app.shared.pool.with(store::health)).await;
    let Ok(Ok((phones, reports, other, skipped))) = h else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "503: the database cannot be read");
    };
    let references: Vec<Value> =
        refs.loaded.iter().map(|l| json!({ "kind": l.kind, "host": l.host, "file": l.file, "sha1": l.sha1 })).collect();
    json_response(
        StatusCode::OK,
        &json!({ "status": "ok", "phones": phones, "reports": reports, "other": other, "skipped": skipped, "references": references }),
    )
}

/// Reads reports in any `devices` format from `bytes`: (reports, lines skipped).
fn read_reports(bytes: &[u8]) -> (Vec<(itl::devicetlinfo::Report, &'static str)>, u64) {
    let mut out = Vec::new();
    let mut skipped = 0;
    for ev in Reader::new(BufReader::new(bytes)).flatten() {
        match ev {
            Event::Report(r) => out.push((r, "http")),
            Event::MissingDeviceName { .. } | Event::NotUnderstood { .. } | Event::Fragment { .. } => skipped += 1,
        }
    }
    (out, skipped)
}

async fn api_reports(State(app): State<App>, req: Request) -> Response {
    if content_length(req.headers()).is_some_and(|n| n > MAX_REPORTS) {
        return too_large(MAX_REPORTS);
    }
    let body = match axum::body::to_bytes(req.into_body(), MAX_REPORTS).await {
        Ok(b) => b,
        Err(_) => return too_large(MAX_REPORTS),
    };
    let Ok((reports, skipped)) = tokio::task::spawn_blocking(move || read_reports(&body)).await else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "500: reading failed");
    };
    let read = reports.len();
    let b = Batch { reports, other: 0, skipped, ack: None };
    match ingest::commit(&app.tx, b).await {
        Ok(()) => json_response(StatusCode::OK, &json!({ "read": read, "skipped": skipped })),
        Err(e) => plain(StatusCode::SERVICE_UNAVAILABLE, &format!("503: {e}")),
    }
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct DevicesQuery {
    pub status: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
}

impl DevicesQuery {
    pub fn filter(&self) -> Filter {
        Filter { status: self.status.clone().filter(|s| !s.is_empty()), q: self.q.clone().filter(|s| !s.is_empty()) }
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
                    store::each_device_row(c, &f, &refs.itl, &refs.ctl, |r| {
                        ok = w.serialize(&r).is_ok();
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

async fn api_devices(State(app): State<App>, Query(q): Query<DevicesQuery>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], stream_devices(app, q, false)).into_response()
}

async fn api_devices_csv(State(app): State<App>, Query(q): Query<DevicesQuery>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"devices.csv\""),
        ],
        stream_devices(app, q, true),
    )
        .into_response()
}

/// The JSON of one stored report.
pub(crate) fn history_json(h: &store::HistoryRow, refs: &crate::refs::Refs) -> Value {
    let r = &h.report;
    let (is, cs) = store::statuses(r, &refs.itl, &refs.ctl);
    json!({
        "received": pages::rfc3339(h.received),
        "source": h.source,
        "ipv4": r.ipv4, "ipv6": r.ipv6,
        "itl_tftp_server": r.itl_tftp_server, "itl_signature": r.itl_signature, "itl_status": is,
        "ctl_tftp_server": r.ctl_tftp_server, "ctl_signature": r.ctl_signature, "ctl_status": cs,
        "status_code": r.status_code,
    })
}

async fn api_device(State(app): State<App>, Path(device): Path<String>) -> Response {
    let refs = app.shared.refs();
    let d = device.clone();
    let res = tokio::task::spawn_blocking(move || app.shared.pool.with(|c| store::history(c, &d, 10_000))).await;
    match res {
        Ok(Ok(rows)) => {
            let reports: Vec<Value> = rows.iter().map(|h| history_json(h, &refs)).collect();
            let status = if rows.is_empty() { StatusCode::NOT_FOUND } else { StatusCode::OK };
            json_response(status, &json!({ "device": device, "reports": reports }))
        }
        _ => plain(StatusCode::SERVICE_UNAVAILABLE, "503: the database cannot be read"),
    }
}
