//! Uploaded files: taken off the request within the limits, then read once, through
//! [`itl::document::Document`], into the typed values the API and the pages both render.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::Response;
use itl::document::Document;
use itl::json::FileErrorJson;
use itl::lint::Finding;
use itl::Kind;

use crate::reply::{bad_request, content_length, too_large};

/// Largest trust list (or signed file) accepted.
pub const MAX_FILE: usize = 1024 * 1024;
/// Largest multipart upload (several trust lists).
pub const MAX_UPLOAD: usize = 16 * 1024 * 1024;

/// An uploaded file: its name (when multipart gave one), its form field, and its bytes.
pub(crate) struct Upload {
    /// The file name the browser sent, if any.
    pub name: Option<String>,
    /// The multipart field (`file`, `old`, `new`); `file` for a raw body.
    pub field: String,
    /// The bytes.
    pub bytes: Bytes,
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
pub(crate) async fn uploads(req: Request) -> Result<Vec<Upload>, Response> {
    let multipart = is_multipart(&req);
    let limit = if multipart { MAX_UPLOAD } else { MAX_FILE };
    if content_length(req.headers()).is_some_and(|n| n > limit) {
        return Err(too_large(MAX_FILE));
    }
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_FILE).await.map_err(|_| too_large(MAX_FILE))?;
        return Ok(vec![Upload { name: None, field: "file".into(), bytes }]);
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
                Err(e) => return Err(bad_request(&e.to_string())),
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
