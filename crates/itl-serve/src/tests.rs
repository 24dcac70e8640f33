//! Router tests: requests handed to the router with `tower::ServiceExt::oneshot`, an
//! in-memory database and the real writer thread, no socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use crate::{http, ingest, refs, store, App, Shared};

/// A router over a fresh in-memory database; dropping it stops the writer (joined).
pub(crate) struct TestApp {
    pub router: Router,
    pub shared: Arc<Shared>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The router holds the last senders: replace it, then wait for the writer to stop.
        self.router = Router::new();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

fn testdata(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(name)).unwrap()
}

/// The reference ITL given as `--itl cucm-pub=…`.
fn itl_ref() -> String {
    format!("cucm-pub={}/../../testdata/itl-11x-cm-sha1.tlv", env!("CARGO_MANIFEST_DIR"))
}

impl TestApp {
    pub fn new(token: Option<&str>, itl: &[String]) -> TestApp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let loc = store::Location::Memory(format!(
            "/itlctl-router-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let conn = store::open_writer(&loc).unwrap();
        let sources: Vec<refs::Source> = itl.iter().map(|a| refs::Source::parse("ITL", a)).collect();
        let shared = Arc::new(Shared {
            refs: RwLock::new(Arc::new(refs::load(&sources))),
            pool: store::Pool::new(loc),
            token: token.map(str::to_owned),
            db_label: ":memory:".into(),
            writer: ingest::WriterState::default(),
        });
        let (tx, rx) = std::sync::mpsc::sync_channel(64);
        let s2 = shared.clone();
        let writer = std::thread::spawn(move || ingest::run(conn, rx, s2, 90));
        let hosts = http::Hosts::new("127.0.0.1:8080".parse().unwrap(), &["itl.example.net".to_owned()]);
        let app = App { shared: shared.clone(), tx, hosts: Arc::new(hosts), limits: crate::Limits::default() };
        let router = http::router(app);
        TestApp { router, shared, writer: Some(writer) }
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024).await.unwrap();
        (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        self.send(Request::get(uri).header(header::HOST, "127.0.0.1:8080").body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, uri: &str, ct: &str, body: Vec<u8>) -> (StatusCode, axum::http::HeaderMap, String) {
        let req = Request::post(uri)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}

/// A multipart body with the given (field, file name, bytes) parts.
pub(crate) fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let b = "itlctl-test-boundary";
    let mut body = Vec::new();
    for (field, name, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

/// SHA-1 of testdata/itl-11x-cm-sha1.tlv (`sha1sum`; CUCM's `show itl` prints it too).
const ITL_SHA1: &str = "280ad91ccb978f073a149cba9163c1a0ed4e7d13";

#[tokio::test]
async fn one_upload_gives_show_json_and_the_page_the_same_verdict() {
    let app = TestApp::new(None, &[]);
    let bytes = testdata("itl-11x-cm-sha1.tlv");
    let (s, h, body) = app.post("/api/show", "application/octet-stream", bytes.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(h.get(header::CONTENT_SECURITY_POLICY).unwrap(), "default-src 'self'");
    let v = json(&body);
    assert_eq!(v["file"], serde_json::Value::Null);
    assert_eq!(v["checksums"]["sha1"], ITL_SHA1);
    assert_eq!(v["size"], 5312, "CUCM's show itl: Length of ITL file: 5312");
    assert_eq!(v["verification"]["status"], "valid");
    // The page: the verdict, the token, the show text CUCM printed for this file.
    let (ct, mp) = multipart(&[("file", "ITLFile.tlv", &bytes)]);
    let (s, _, page) = app.post("/", &ct, mp).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"data-verdict="valid""#), "{page}");
    assert!(page.contains("signed by <b>CallManager</b>"));
    assert!(page.contains("Length of ITL file: 5312"));
    assert!(page.contains("28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13"));
    assert!(page.contains("No findings.") || page.contains(r#"class="sev "#));
}

#[tokio::test]
async fn lint_hash_and_diff_answer_the_cli_shapes() {
    let app = TestApp::new(None, &[]);
    let bytes = testdata("lint-40-records.tlv");
    let (s, _, body) = app.post("/api/lint", "application/octet-stream", bytes).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v = json(&body);
    let codes: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"too-many-records"), "{codes:?}");
    // Not a trust list: 422 with the error's kind and offset.
    let (s, _, body) = app.post("/api/lint", "application/octet-stream", b"\x01\x00\x02garbage".to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(json(&body)["error"]["kind"].is_string());
    let (s, _, body) = app.post("/api/hash", "application/octet-stream", testdata("itl-11x-cm-sha1.tlv")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(json(&body)["sha1"], ITL_SHA1);
    let (ct, mp) = multipart(&[
        ("old", "old.tlv", &testdata("scenario-11x-before.tlv")),
        ("new", "new.tlv", &testdata("scenario-11x-cm-regen.tlv")),
    ]);
    let (s, _, body) = app.post("/api/diff", &ct, mp.clone()).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let d = json(&body);
    let (_, _, page) = app.post("/diff", &ct, mp).await;
    assert!(page.contains(&format!(r#"data-verdict="{}""#, d["phone_trust"].as_str().unwrap())), "{page}");
}

#[tokio::test]
async fn reports_then_fleet_devices_and_history() {
    let app = TestApp::new(None, &[itl_ref()]);
    let body = b"[DeviceName=SEP001122334455][IPv4Address=10.0.0.7][ITL_Signature=28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13][ITL_TFTP_Server=cucm-pub]\n\
[DeviceName=SEP00112233AAAA][ITL_Signature=11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 66 77 88 99 00][ITL_TFTP_Server=cucm-pub]\n";
    let (s, _, r) = app.post("/api/reports", "text/plain", body.to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(json(&r)["read"], 2);
    let (_, _, d) = app.get("/api/devices?status=Mismatch").await;
    let d = json(&d);
    assert_eq!(d["devices"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["devices"][0]["device"], "SEP00112233AAAA");
    let (s, _, page) = app.get("/fleet").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(r#"data-status="Match" data-count="1""#), "{page}");
    let (s, _, h) = app.get("/api/devices/SEP001122334455").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(json(&h)["reports"][0]["itl_status"], "Match");
    let (s, _, _) = app.get("/api/devices/SEPNOPE").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, _, health) = app.get("/api/health").await;
    let health = json(&health);
    assert_eq!((health["status"].as_str(), health["phones"].as_i64()), (Some("ok"), Some(2)));
    assert_eq!(health["references"][0]["sha1"], ITL_SHA1);
}

#[tokio::test]
async fn token_origin_and_headers_on_every_answer() {
    let app = TestApp::new(Some("s3cret"), &[]);
    let (s, h, _) = app.get("/nowhere").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");
    let req = |origin: &str| {
        Request::post("/api/reports")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::AUTHORIZATION, "Bearer s3cret")
            .header(header::ORIGIN, origin)
            .body(Body::from("[DeviceName=SEP1][ITL_Signature=00]"))
            .unwrap()
    };
    assert_eq!(app.send(req("http://evil.example")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.send(req("http://127.0.0.1:8080")).await.0, StatusCode::OK);
    let (s, h, _) = app
        .send(
            Request::get("/nowhere")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::AUTHORIZATION, "Bearer s3cret")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(h.get(header::CONTENT_SECURITY_POLICY).unwrap(), "default-src 'self'");
}
