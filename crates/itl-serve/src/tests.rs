//! Router tests: requests handed to the router with `tower::ServiceExt::oneshot`, an
//! in-memory database and the real writer thread, no socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use crate::{http, ingest, refs, store, App, Shared};

/// The memory for request bodies in these tests: 4 MiB.
const BODIES_KIB: usize = 4 * 1024;

/// A router over a fresh in-memory database; dropping it stops the writer (joined).
pub(crate) struct TestApp {
    pub router: Router,
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
            probe: crate::probe::State::default(),
        });
        let (tx, rx) = std::sync::mpsc::sync_channel(64);
        let s2 = shared.clone();
        let writer = std::thread::spawn(move || ingest::run(conn, rx, s2, 90));
        let hosts = http::Hosts::new("127.0.0.1:8080".parse().unwrap(), &["itl.example.net".to_owned()]);
        let bodies = Arc::new(tokio::sync::Semaphore::new(BODIES_KIB));
        let app = App { shared: shared.clone(), tx, hosts: Arc::new(hosts), limits: crate::Limits::default(), bodies };
        let router = http::router(app);
        TestApp { router, writer: Some(writer) }
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
            .body(Body::from("[DeviceName=SEP1][ITL_Signature=Not Installed]"))
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

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let app = TestApp::new(None, &[itl_ref()]);
    let body = format!("[DeviceName=SEP001122334455][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=cucm-pub]\n");
    assert_eq!(app.post("/api/reports", "text/plain", body.into_bytes()).await.0, StatusCode::OK);
    let (s, h, text) = app.get("/metrics").await;
    assert_eq!(s, StatusCode::OK);
    assert!(h.get(header::CONTENT_TYPE).unwrap().to_str().unwrap().contains("openmetrics-text"));
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    let value = |name: &str, label: Option<(&str, &str)>| {
        scrape.samples.iter().find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v))).map(
            |s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            },
        )
    };
    assert_eq!(value("itlctl_phones", Some(("status", "Match"))), Some(1.0), "{text}");
    assert_eq!(value("itlctl_phones", Some(("status", "Mismatch"))), Some(0.0));
    assert_eq!(value("itlctl_reports_received_total", None), Some(1.0), "{text}");
    assert_eq!(value("itlctl_reports_lost_total", None), Some(0.0));
    assert_eq!(value("itlctl_references_loaded", Some(("kind", "ITL"))), Some(1.0));
}

#[tokio::test]
async fn a_garbage_or_special_reference_is_shown_in_health_and_fleet() {
    let dir = std::env::temp_dir().join(format!("itl-serve-refs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("ITLFile.tlv");
    std::fs::write(&garbage, b"\x01\x00\x02not a trust list").unwrap();
    let fifo = dir.join("fifo.tlv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
    let mut args = vec![garbage.display().to_string()];
    if made {
        args.push(fifo.display().to_string());
    }
    // Loading returns at once: the FIFO is refused without being opened (which would block).
    let t = std::time::Instant::now();
    let app = TestApp::new(None, &args);
    assert!(t.elapsed() < std::time::Duration::from_secs(2));
    let (_, _, h) = app.get("/api/health").await;
    let h = json(&h);
    assert_eq!(h["status"], "degraded", "{h}");
    let problems = h["problems"].to_string();
    assert!(problems.contains("not a well-formed trust list"), "{problems}");
    if made {
        assert!(problems.contains("not a regular file"), "{problems}");
    }
    let (_, _, page) = app.get("/fleet").await;
    assert!(page.contains("not a well-formed trust list"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_file_and_flags() {
    let dir = std::env::temp_dir().join(format!("itl-serve-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("serve.toml");
    // The sample shipped in docs/ reads.
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/serve.example.toml");
    let o = crate::Options::from_config(crate::Config::default(), Some(sample.to_str().unwrap())).unwrap();
    assert_eq!(o.syslog, ["udp://0.0.0.0:514", "tcp://0.0.0.0:514"]);
    assert_eq!(o.limits, crate::Limits::default());
    std::fs::write(
        &f,
        "listen = \"127.0.0.1:9000\"\nkeep-days = 7\nhost = [\"a.example\"]\n[limits]\nheader-timeout = 3\n",
    )
    .unwrap();
    let cli = crate::Config { keep_days: Some(30), ..Default::default() };
    let o = crate::Options::from_config(cli, Some(f.to_str().unwrap())).unwrap();
    assert_eq!((o.listen.as_str(), o.keep_days, o.db.as_str()), ("127.0.0.1:9000", 30, "itlctl.db"));
    assert_eq!(o.hosts, ["a.example"]);
    assert_eq!(o.limits.header_timeout, 3);
    std::fs::write(&f, "listen = 1\n").unwrap();
    assert!(crate::Options::from_config(crate::Config::default(), Some(f.to_str().unwrap())).is_err());
    std::fs::write(&f, "lisen = \"x\"\n").unwrap();
    assert!(
        crate::Options::from_config(crate::Config::default(), Some(f.to_str().unwrap())).is_err(),
        "unknown names are refused"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn request_bodies_share_a_bounded_memory() {
    let app = TestApp::new(None, &[]);
    // A report body that arrives slowly holds 3 MiB of the 4 MiB ...
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(4);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    let slow =
        Request::post("/api/reports").header(header::HOST, "127.0.0.1:8080").body(Body::from_stream(stream)).unwrap();
    let first = tokio::spawn(app.router.clone().oneshot(slow));
    for _ in 0..3 {
        tx.send(Ok(vec![b'\n'; 1024 * 1024].into())).await.unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // ... so another of 2 MiB is refused, not read whole.
    let (s, h, _) = app.post("/api/reports", "text/plain", vec![b'\n'; 2 * 1024 * 1024]).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(h.get(header::RETRY_AFTER).is_some());
    drop(tx);
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
    // Once the first is done, the memory is free again.
    let (s, _, _) = app.post("/api/reports", "text/plain", vec![b'\n'; 2 * 1024 * 1024]).await;
    assert_eq!(s, StatusCode::OK);
}

/// The names `itlctl plan --regenerate` takes, as the contract (spec plan.md) lists them.
const PLAN_NAMES: [&str; 8] =
    ["callmanager", "callmanager-ecdsa", "tvs", "capf", "itlrecovery", "tomcat", "tomcat-ecdsa", "ipsec"];

/// The text maud escaped, back (for the JSON shown in the page).
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

#[tokio::test]
async fn plan_page_is_a_get_form_with_the_library_names() {
    let app = TestApp::new(None, &[itl_ref()]);
    let (s, h, page) = app.get("/plan").await;
    assert_eq!(s, StatusCode::OK);
    for (k, v) in http::SECURITY_HEADERS {
        assert_eq!(h.get(k).unwrap(), v);
    }
    assert!(page.contains(r#"<form class="plan-form" method="get" action="/plan">"#), "{page}");
    for name in PLAN_NAMES {
        assert!(page.contains(&format!(r#"type="checkbox" name="regenerate" value="{name}">"#)), "{name}: {page}");
    }
    assert_eq!(page.matches(r#"type="checkbox""#).count(), PLAN_NAMES.len());
    // Not planned before the form is sent; the reference file is named.
    assert!(!page.contains("data-step="));
    assert!(page.contains("itl-11x-cm-sha1.tlv"), "{page}");
    // The fleet page's navigation leads here.
    let (_, _, fleet) = app.get("/fleet").await;
    assert!(fleet.contains(r#"<a href="/plan">Plan</a>"#), "{fleet}");
}

#[tokio::test]
async fn plan_page_pre12_callmanager_and_tvs() {
    // testdata/itl-11x-cm-sha1.tlv: CUCM 10 (TAC 117598), signed by test10pub's CallManager
    // certificate, TVS records of test10pub and test10sub. Expected, from docs/phone-trust.md:
    // CallManager first, TVS last (TAC 214231 "Regenerate this certificate last"; §1.6 never
    // both at once before 12.0). Step 1: the new CallManager signer is not in the phones'
    // ITL, but its TVS records are unchanged and TVS knows its own CallManager certificate
    // (§4 step 5): accept-via-tvs, for online and offline phones alike. Step 2: the signer
    // online phones took in step 1 signs: accept; phones off since the start hold neither
    // the new signer nor the new TVS certificates: reject (§1.6).
    let app = TestApp::new(None, &[itl_ref()]);
    let (s, _, page) = app.get("/plan?regenerate=TVS&regenerate=CallManager").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let step1 = page.find(r#"data-step="1" data-online="accept-via-tvs" data-offline="accept-via-tvs""#);
    let step2 = page.find(r#"data-step="2" data-online="accept" data-offline="reject""#);
    assert!(step1.is_some() && step2.is_some() && step1 < step2, "{page}");
    assert!(page.contains("Step 1 · CallManager") && page.contains("Step 2 · TVS"), "{page}");
    assert!(page.contains(r#"data-verdict="keeps-online-phones""#));
    assert!(page.contains("CUCM 8.x-11.5"));
    // The form keeps what was chosen.
    assert!(page.contains(r#"value="callmanager" checked"#) && page.contains(r#"value="tvs" checked"#));
    assert!(!page.contains(r#"value="capf" checked"#));
    // The same library call as `itlctl plan`: the JSON shown is the library's plan of the
    // same file, and the page names that command.
    let json_text = page.split(r#"<pre class="json">"#).nth(1).unwrap().split("</pre>").next().unwrap();
    let shown: serde_json::Value = serde_json::from_str(&unescape(json_text)).unwrap();
    let file = itl_ref().split_once('=').unwrap().1.to_owned();
    let bytes = std::fs::read(&file).unwrap();
    let list = itl::TrustList::parse(&bytes).unwrap();
    let served = [itl::plan::Served { host: Some("cucm-pub"), file: Some(&file), list: &list }];
    let certs = [itl::plan::Cert::CallManager, itl::plan::Cert::Tvs];
    let lib = itl::plan::plan(&served, None, &certs, None).unwrap();
    assert_eq!(shown, json(&lib.to_json()));
    assert!(page.contains(&format!("itlctl plan --itl cucm-pub={file} --regenerate callmanager,tvs")), "{page}");
}

#[tokio::test]
async fn plan_page_v12_itlrecovery_takes_two_halves() {
    // testdata/itl-12x-itlrecovery-sha512.tlv: CUCM 12.5, signed by ITLRecovery. A new
    // ITLRecovery is unknown to TVS (phone-trust §1.5), so the Security Guide's two halves:
    // `utils itl reset localkey` signs with the CallManager certificate the phones hold
    // (accept), then the new ITLRecovery signs, which online phones took in half 1 (accept)
    // and phones off since the start never saw (reject).
    let itl = format!("{}/../../testdata/itl-12x-itlrecovery-sha512.tlv", env!("CARGO_MANIFEST_DIR"));
    let app = TestApp::new(None, &[itl]);
    let (s, _, page) = app.get("/plan?regenerate=itlrecovery").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains(r#"data-step="1" data-online="accept" data-offline="accept""#), "{page}");
    assert!(page.contains(r#"data-step="2" data-online="accept" data-offline="reject""#), "{page}");
    assert!(page.contains("second half: the new ITLRecovery signs"));
    assert!(page.contains("utils itl reset localkey"));
    assert!(page.contains("CUCM 12.0+"));
}

#[tokio::test]
async fn plan_page_bad_requests_are_escaped_and_say_what_to_do() {
    let app = TestApp::new(None, &[itl_ref()]);
    let (s, _, page) = app.get("/plan?regenerate=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("unknown certificate"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("callmanager, callmanager-ecdsa"), "the message lists the names: {page}");
    let (s, _, page) = app.get("/plan?release=").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("nothing to regenerate"), "{page}");
    let (s, _, page) = app.get("/plan?regenerate=tvs&release=seven").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(page.contains("unknown release"), "{page}");
    // No reference ITL: nothing to plan on, and the page says which option gives one.
    let bare = TestApp::new(None, &[]);
    let (s, _, page) = bare.get("/plan?regenerate=tvs").await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(page.contains("--itl"), "{page}");
}

#[tokio::test]
async fn plan_page_keeps_the_host_and_token_rules() {
    let app = TestApp::new(None, &[itl_ref()]);
    let req = Request::get("/plan?regenerate=tvs").header(header::HOST, "evil.example").body(Body::empty()).unwrap();
    assert_eq!(app.send(req).await.0, StatusCode::MISDIRECTED_REQUEST);
    let locked = TestApp::new(Some("s3cret"), &[itl_ref()]);
    let (s, h, _) = locked.get("/plan?regenerate=tvs").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get(header::CONTENT_SECURITY_POLICY).unwrap(), "default-src 'self'");
    let req = Request::get("/plan")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::COOKIE, "itlctl_token=s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(locked.send(req).await.0, StatusCode::OK);
}
