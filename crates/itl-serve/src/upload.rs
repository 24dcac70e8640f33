//! Uploaded files: taken off the request within the limits, then read once, through
//! [`itl::document::Document`], into the typed values the API and the pages both render.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::Response;
use itl::document::Document;
use itl::json::FileErrorJson;
use itl::lint::Finding;
use itl::Kind;

use tokio::sync::Semaphore;

use crate::reply::{bad_request, content_length, too_large, unavailable};

/// Largest trust list (or signed file) accepted.
pub const MAX_FILE: usize = 1024 * 1024;
/// Largest multipart upload (several trust lists).
pub const MAX_UPLOAD: usize = 16 * 1024 * 1024;

/// Bytes of request bodies held at once over every request (uploads and reports), by
/// default: past it a request is answered 503 rather than read.
pub const MAX_BODIES: usize = 96 * 1024 * 1024;

/// A share of the memory for request bodies (KiB permits of the semaphore in
/// [`crate::App`]), held as long as the bytes are.
#[derive(Default)]
pub(crate) struct Budget {
    permits: Vec<tokio::sync::OwnedSemaphorePermit>,
    bytes: usize,
}

impl Budget {
    /// Counts `n` more bytes against `pool`; `Err` is the 503 answer when the pool is spent.
    fn take(&mut self, pool: &Arc<Semaphore>, n: usize) -> Result<(), Response> {
        let before = self.bytes.div_ceil(1024);
        self.bytes += n;
        let more = self.bytes.div_ceil(1024) - before;
        if more == 0 {
            return Ok(());
        }
        let more = u32::try_from(more).map_err(|_| busy())?;
        let p = pool.clone().try_acquire_many_owned(more).map_err(|_| busy())?;
        self.permits.push(p);
        Ok(())
    }
}

fn busy() -> Response {
    let mut r = unavailable("the server holds as many uploads as it takes at once; send again in a moment");
    r.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    r
}

/// Reads `body`, at most `limit` bytes, each chunk counted against `pool`.
pub(crate) async fn read_body(body: Body, limit: usize, pool: &Arc<Semaphore>) -> Result<(Bytes, Budget), Response> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    let mut held = Budget::default();
    while let Some(chunk) = stream.next().await {
        let c = chunk.map_err(|e| bad_request(&e.to_string()))?;
        if buf.len() + c.len() > limit {
            return Err(too_large(limit));
        }
        held.take(pool, c.len())?;
        buf.extend_from_slice(&c);
    }
    Ok((buf.into(), held))
}

/// An uploaded file: its name (when multipart gave one), its form field, and its bytes.
pub(crate) struct Upload {
    /// The file name the browser sent, if any.
    pub name: Option<String>,
    /// The multipart field (`file`, `old`, `new`); `file` for a raw body.
    pub field: String,
    /// The bytes.
    pub bytes: Bytes,
    /// Their share of the memory for request bodies.
    _held: Budget,
}

/// An upload read once: what it is, and (for a trust list) what lint finds in it.
pub(crate) struct Reading<'a> {
    /// The upload.
    pub upload: &'a Upload,
    /// What the file is.
    pub doc: Document<'a>,
    /// Lint findings, for a trust list.
    pub findings: Option<Vec<Finding>>,
}

impl Upload {
    /// The name shown for it: the file name, or `upload`.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("upload")
    }

    /// Reads the file once; with `lint_days` (lint's certificate-expiry horizon) lint runs
    /// over a trust list too.
    pub fn read(&self, lint_days: Option<i64>) -> Reading<'_> {
        let doc = Document::read(&self.bytes, self.name.as_deref());
        let findings = match (&doc, lint_days) {
            (Document::TrustList(list, _), Some(lint_days)) => {
                let opts = itl::lint::Options {
                    now: jiff::Timestamp::now().as_second(),
                    days: lint_days,
                    kind: list.kind(self.name.as_deref()),
                };
                Some(itl::lint::lint(list, &opts))
            }
            _ => None,
        };
        Reading { upload: self, doc, findings }
    }
}

impl<'a> Reading<'a> {
    /// ITL or CTL wording.
    pub fn kind(&self) -> Kind {
        self.doc.kind(self.upload.name.as_deref())
    }

    /// The trust list, or why this file is none: `{"file","error"}` as `diff --json` and
    /// `lint --json` write it.
    pub fn trust_list(&self) -> Result<&itl::TrustList<'a>, FileErrorJson> {
        let label = self.upload.name.as_deref().unwrap_or(&self.upload.field);
        match &self.doc {
            Document::TrustList(list, _) => Ok(list),
            Document::Broken { error, .. } => Err(FileErrorJson::new(label, error)),
            Document::Signed(_) => Err(FileErrorJson::unreadable(
                label,
                "a signed file, not a trust list: check it with `itlctl sgn verify FILE --itl ITLFile.tlv`",
            )),
            Document::Image(_) => Err(FileErrorJson::unreadable(
                label,
                "a Cisco phone image, not a trust list: check it with `itlctl sgn verify FILE`",
            )),
        }
    }
}

/// `diff` of two uploads, or why one of them is no trust list.
pub(crate) fn diff(old: &Upload, new: &Upload) -> Result<itl::diff::Diff, FileErrorJson> {
    let (a, b) = (old.read(None), new.read(None));
    Ok(itl::diff::diff(a.trust_list()?, b.trust_list()?))
}

/// Whether the request carries a multipart form.
fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Takes the request's files: multipart fields (each at most [`MAX_FILE`], together at most
/// [`MAX_UPLOAD`]), or the whole body as one file. `Err` is the answer to send (413, 400).
pub(crate) async fn uploads(req: Request, pool: &Arc<Semaphore>) -> Result<Vec<Upload>, Response> {
    let multipart = is_multipart(&req);
    let limit = if multipart { MAX_UPLOAD } else { MAX_FILE };
    if content_length(req.headers()).is_some_and(|n| n > limit) {
        return Err(too_large(MAX_FILE));
    }
    if !multipart {
        let (bytes, held) = read_body(req.into_body(), MAX_FILE, pool).await?;
        return Ok(vec![Upload { name: None, field: "file".into(), bytes, _held: held }]);
    }
    let mut mp = Multipart::from_request(req, &()).await.map_err(|e| bad_request(&e.to_string()))?;
    let mut out = Vec::new();
    let mut total = 0usize;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(MAX_FILE)),
            Err(e) => return Err(bad_request(&e.to_string())),
        };
        let name = field.file_name().map(str::to_owned).filter(|n| !n.is_empty());
        let fname = field.name().unwrap_or("").to_owned();
        let mut buf = Vec::new();
        let mut held = Budget::default();
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    if buf.len() + c.len() > MAX_FILE {
                        return Err(too_large(MAX_FILE));
                    }
                    held.take(pool, c.len())?;
                    total += c.len();
                    if total > MAX_UPLOAD {
                        return Err(too_large(MAX_UPLOAD));
                    }
                    buf.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(e) => return Err(bad_request(&e.to_string())),
            }
        }
        // A form's empty file input sends a nameless empty part: not a file.
        if name.is_none() && buf.is_empty() {
            continue;
        }
        out.push(Upload { name, field: fname, bytes: buf.into(), _held: held });
    }
    Ok(out)
}

/// The upload sent as field `field` (or the only one). `Err` is a 400 answer.
pub(crate) fn take(mut us: Vec<Upload>, field: &str) -> Result<Upload, Response> {
    let i = us.iter().position(|u| u.field == field).or(if us.len() == 1 { Some(0) } else { None });
    match i {
        Some(i) => Ok(us.swap_remove(i)),
        None => Err(bad_request(&format!("send the file's bytes, or a multipart field `{field}`"))),
    }
}

/// The two uploads of a comparison (fields `old` and `new`), if both were sent.
pub(crate) fn pair(us: &[Upload]) -> Option<(&Upload, &Upload)> {
    Some((us.iter().find(|u| u.field == "old")?, us.iter().find(|u| u.field == "new")?))
}
