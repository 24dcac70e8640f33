//! `itlctl serve` end to end: the built binary on 127.0.0.1 with a temporary database,
//! spoken to over HTTP, UDP, TCP and TLS syslog, killed with SIGKILL and restarted.
#![cfg(all(unix, feature = "serve"))]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{testdata, tmpdir};

/// The SHA-1 of the reference ITL, as a phone writes it (checked with `sha1sum`).
const ITL_SHA1: &str = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
const OTHER_SHA1: &str = "11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 66 77 88 99 00";

struct Server {
    child: Child,
    http: String,
    udp: Option<String>,
    tcp: Option<String>,
    tls: Option<String>,
}

impl Server {
    /// Starts `itlctl serve` on free ports (port 0) and reads the ports it prints.
    fn start(db: &Path, extra: &[&str]) -> Server {
        Server::start_logged(db, extra, None)
    }

    /// As [`Server::start`], its log lines (stderr) written to `log`.
    fn start_logged(db: &Path, extra: &[&str], log: Option<&Path>) -> Server {
        let stderr = match log {
            Some(p) => Stdio::from(std::fs::File::create(p).unwrap()),
            None => Stdio::null(),
        };
        let mut child = Command::new(common::BIN)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env_remove("ITLCTL_TOKEN")
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let first = lines.next().unwrap().unwrap();
        let http = first.split("http://").nth(1).unwrap().split('/').next().unwrap().to_owned();
        let (mut udp, mut tcp, mut tls) = (None, None, None);
        let want = extra.iter().filter(|a| a.contains("://")).count();
        for _ in 0..want {
            let l = lines.next().unwrap().unwrap();
            let addr = l.split("://").nth(1).unwrap().to_owned();
            if l.contains("udp://") {
                udp = Some(addr);
            } else if l.contains("tcp://") {
                tcp = Some(addr);
            } else {
                tls = Some(addr);
            }
        }
        Server { child, http, udp, tcp, tls }
    }

    fn kill9(&mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    fn get(&self, path: &str) -> Resp {
        http(&self.http, "GET", path, &[], b"")
    }

    fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }

    fn udp(&self, msgs: &[&[u8]]) {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        for m in msgs {
            s.send_to(m, self.udp.as_deref().unwrap()).unwrap();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Resp {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

impl Resp {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A plain HTTP/1.1 request (Connection: close), so every header is under the test's control.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[end + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    Resp { status, headers: head, body }
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 4 + n..];
    }
    out
}

fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----itlctltestboundary7MA4YWxk";
    let mut body = Vec::new();
    for (field, file, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// CUCM's own shape: `<PRI>SEQ: HOST: time : %FAC-SEV-Name: %[tags]: text`.
fn tlinfo(seq: u32, device: &str, hash: &str) -> String {
    format!(
        "<190>{seq}: cucm-pub: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName={device}][IPv4Address=10.1.1.{}][ITL_Signature={hash}][ITL_TFTP_Server=cucm-pub][CTL_Signature=Not Installed][AppID=Cisco CallManager][ClusterID=StandAloneCluster][NodeID=cucm-pub]: Device trust list information",
        seq % 250
    )
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn itl_arg() -> String {
    testdata().join("itl-11x-cm-sha1.tlv").to_string_lossy().into_owned()
}

#[test]
fn non_loopback_needs_a_token() {
    let d = tmpdir("token-needed");
    let out = Command::new(common::BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--db"])
        .arg(d.join("x.db"))
        .env_remove("ITLCTL_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token"), "{err}");
}

#[test]
fn a_foreign_database_is_refused_not_wiped() {
    let d = tmpdir("foreign");
    let db = d.join("other.db");
    // An SQLite database of another program.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES(1);").unwrap();
    drop(c);
    let before = std::fs::read(&db).unwrap();
    let out = Command::new(common::BIN).args(["serve", "--listen", "127.0.0.1:0", "--db"]).arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another program"));
    assert!(std::fs::read(&db).unwrap() == before, "the file was changed");
}

#[test]
fn token_cookie_headers_and_origin() {
    let d = tmpdir("token");
    let s = Server::start(&d.join("t.db"), &["--token", "s3cret"]);
    let r = s.get("/api/health");
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-security-policy").as_deref(), Some("default-src 'self'"));
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(http(&s.http, "GET", "/api/health", &[("Authorization", "Bearer wrong")], b"").status, 401);
    assert_eq!(http(&s.http, "GET", "/api/health", &[("Authorization", "Bearer s3cret")], b"").status, 200);
    assert_eq!(s.get("/?token=nope").status, 401);
    let r = s.get("/?token=s3cret");
    assert_eq!(r.status, 303);
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let c = cookie.split(';').next().unwrap();
    let r = http(&s.http, "GET", "/fleet", &[("Cookie", c)], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-security-policy").as_deref(), Some("default-src 'self'"));
    // A page on another site cannot post reports, even with the browser's cookie.
    let report = b"[DeviceName=SEPEVIL00000001][ITL_Signature=11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 66 77 88 99 00][ITL_TFTP_Server=x]";
    let r = http(
        &s.http,
        "POST",
        "/api/reports",
        &[("Cookie", c), ("Origin", "http://evil.example"), ("Content-Type", "text/plain")],
        report,
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    let own = format!("http://{}", s.http);
    let r = http(&s.http, "POST", "/api/reports", &[("Cookie", c), ("Origin", &own)], report);
    assert_eq!(r.status, 200, "{}", r.text());
    let h: Value = serde_json::from_slice(&http(&s.http, "GET", "/api/health", &[("Cookie", c)], b"").body).unwrap();
    assert_eq!(h["phones"], 1);
}

#[test]
fn syslog_reports_devices_and_pages() {
    let d = tmpdir("syslog");
    let s = Server::start(
        &d.join("f.db"),
        &["--itl", &itl_arg(), "--syslog", "udp://127.0.0.1:0", "--syslog", "tcp://127.0.0.1:0"],
    );
    let mut msgs: Vec<Vec<u8>> = Vec::new();
    for i in 0..20u32 {
        let hash = if i % 4 == 0 { OTHER_SHA1 } else { ITL_SHA1 };
        msgs.push(tlinfo(100 + i, &format!("SEP0000000000{i:02}"), hash).into_bytes());
    }
    // The same alarm twice (two syslog paths): refreshes last-seen only.
    msgs.push(tlinfo(101, "SEP000000000001", ITL_SHA1).into_bytes());
    // A device name with markup, relayed as StationAlarm with loose spacing: not a name CUCM
    // allows, so it is counted as skipped and never stored.
    msgs.push(
        format!("<187>7: *Jul 2 06:22:31.48 UTC: %UC_CALLMANAGER-3-StationAlarm : %[DeviceName=<script>alert(1)</script>] [ITL_Signature = {ITL_SHA1} ][ITL_TFTP_Server=cucm-pub]: relayed").into_bytes(),
    );
    // Another alarm, junk, an empty and an oversize datagram.
    msgs.push(b"31 uc-ucm-01 local7 3 : 41679: uc-ucm-01.pcce.local Jul 02 2015 06:22:31 UTC :   %UC_CALLMANAGER-3-EndPointUnregistered: %[DeviceName=SEPE0D1730A8137][IPAddress=10.60.98.210]: An endpoint has unregistered".to_vec());
    msgs.push(b"\x00\xffjunk".to_vec());
    msgs.push(Vec::new());
    msgs.push(vec![b'x'; 65_000]);
    // A report split in two parts, parts sent out of order.
    let p1 = "<190>500: cucm-pub: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[part=500.1/2][DeviceName=SEPSPLIT00001][IPv4Address=10.9.9.9]: Device trust";
    let p2 = format!("<190>501: cucm-pub: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[part=500.2/2][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=cucm-pub]:  list information");
    msgs.push(p2.into_bytes());
    msgs.push(p1.as_bytes().to_vec());
    let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
    s.udp(&refs);
    // TCP: newline framing on one connection, octet counting on another.
    let mut t = TcpStream::connect(s.tcp.as_deref().unwrap()).unwrap();
    t.write_all(
        format!("{}\n{}\n", tlinfo(900, "SEPTCPNL00001", ITL_SHA1), tlinfo(901, "SEPTCPNL00002", OTHER_SHA1))
            .as_bytes(),
    )
    .unwrap();
    drop(t);
    let mut t = TcpStream::connect(s.tcp.as_deref().unwrap()).unwrap();
    let m = tlinfo(902, "SEPTCPOC00001", ITL_SHA1);
    t.write_all(format!("{} {m}", m.len()).as_bytes()).unwrap();
    drop(t);
    let start = Instant::now();
    while s.json("/api/health")["phones"] != 24 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let h = s.json("/api/health");
    assert_eq!(h["phones"], 24, "{h}");
    assert_eq!(h["reports"], 25, "{h}");
    assert_eq!(h["other"], 1, "{h}");
    assert_eq!(h["skipped"], 4, "{h}");
    assert_eq!(h["references"][0]["sha1"], "280ad91ccb978f073a149cba9163c1a0ed4e7d13");
    // The duplicate added no history row.
    let one = s.json("/api/devices/SEP000000000001");
    assert_eq!(one["device"], "SEP000000000001");
    assert_eq!(one["reports"].as_array().unwrap().len(), 1);
    let split = s.json("/api/devices/SEPSPLIT00001");
    assert_eq!(split["reports"][0]["ipv4"], "10.9.9.9");
    assert_eq!(split["reports"][0]["itl_status"], "Match");

    // The API's devices JSON is `itlctl devices --json` over the same reports.
    let text: String = (0..20u32)
        .map(|i| {
            let hash = if i % 4 == 0 { OTHER_SHA1 } else { ITL_SHA1 };
            format!("{}\n", tlinfo(100 + i, &format!("SEP0000000000{i:02}"), hash))
        })
        .collect::<String>()
        + &format!(
            "[DeviceName=SEPSPLIT00001][IPv4Address=10.9.9.9][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=cucm-pub]\n"
        )
        + &format!(
            "{}\n{}\n{}\n",
            tlinfo(900, "SEPTCPNL00001", ITL_SHA1),
            tlinfo(901, "SEPTCPNL00002", OTHER_SHA1),
            tlinfo(902, "SEPTCPOC00001", ITL_SHA1)
        );
    let f = d.join("reports.txt");
    std::fs::write(&f, text).unwrap();
    let cli = Command::new(common::BIN).args(["devices", "--json", "--itl", &itl_arg()]).arg(&f).output().unwrap();
    let mut want: Value = serde_json::from_slice(&cli.stdout).unwrap();
    // The devices the two carry differ only in the IPv4 the file lines gave.
    let mut got = s.json("/api/devices");
    for v in [&mut want, &mut got] {
        for d in v["devices"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("ipv4");
        }
        // The counts are of what each read: one file here, everything received there.
        for k in ["reports_read", "fragments_skipped"] {
            assert!(v.as_object_mut().unwrap().remove(k).is_some_and(|n| n.is_u64()), "{k}");
        }
    }
    assert_eq!(got, want);
    let mism = s.json("/api/devices?status=Mismatch");
    let names: Vec<&str> = mism["devices"].as_array().unwrap().iter().map(|d| d["device"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "SEP000000000000",
            "SEP000000000004",
            "SEP000000000008",
            "SEP000000000012",
            "SEP000000000016",
            "SEPTCPNL00002"
        ]
    );
    assert_eq!(mism["summary"]["Mismatch"], 6);
    let csv = s.get("/api/devices.csv?q=TCP").text();
    assert!(csv.starts_with("device,ipv4,itl_tftp_server,itl_hash,itl_status"), "{csv}");
    assert_eq!(csv.lines().count(), 4, "{csv}");

    // Markup that phones send never reaches the page.
    let page = s.get("/fleet").text();
    assert!(!page.contains("<script>alert") && !page.contains("&lt;script&gt;alert"));
    assert!(page.contains("data-status=\"Mismatch\" data-count=\"6\""), "bar chart");
    // The line chart's current hour is the live share at once, not the last 10 s snapshot.
    let sum = &got["summary"];
    let phones: u64 = ["Match", "Mismatch", "Not Installed", "Unknown"].iter().map(|k| sum[k].as_u64().unwrap()).sum();
    let share = format!("class=\"big\">{:.0}%", sum["Match"].as_u64().unwrap() as f64 * 100.0 / phones as f64);
    assert!(page.contains(&share), "line chart: {share}");
    assert!(page.contains("28 0A D9 1C"), "hash in the phone's format");
    let filtered = s.get("/fleet?status=Mismatch&q=TCP").text();
    assert!(filtered.contains("SEPTCPNL00002") && !filtered.contains("SEPTCPNL00001"));
    let phone = s.get("/fleet/SEPSPLIT00001").text();
    assert!(phone.contains("10.9.9.9"));
}

#[test]
fn uploads_show_lint_hash_diff_and_limits() {
    let d = tmpdir("uploads");
    let s = Server::start(&d.join("u.db"), &[]);
    let path = testdata().join("itl-11x-cm-sha1.tlv");
    let bytes = std::fs::read(&path).unwrap();
    // show: the body as it is, then as multipart; the JSON is `itlctl show --json`'s.
    let cli = Command::new(common::BIN).args(["show", "--json"]).arg(&path).output().unwrap();
    let mut want: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let r = http(&s.http, "POST", "/api/show", &[], &bytes);
    assert_eq!(r.status, 200);
    let got: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(got["file"], Value::Null);
    want["file"] = Value::Null;
    assert_eq!(got, want);
    let (ct, body) = multipart(&[("file", "ITLFile.tlv", &bytes)]);
    let got: Value =
        serde_json::from_slice(&http(&s.http, "POST", "/api/show", &[("Content-Type", &ct)], &body).body).unwrap();
    assert_eq!(got["file"], "ITLFile.tlv");
    assert_eq!(got["verification"]["status"], "valid");
    // hash: checked against sha1sum's digest of the fixture.
    let h: Value =
        serde_json::from_slice(&http(&s.http, "POST", "/api/hash", &[("Content-Type", &ct)], &body).body).unwrap();
    assert_eq!(h["sha1"], "280ad91ccb978f073a149cba9163c1a0ed4e7d13");
    assert_eq!(h["file"], "ITLFile.tlv");
    // lint: the element of `itlctl lint --json`.
    let l: Value =
        serde_json::from_slice(&http(&s.http, "POST", "/api/lint", &[("Content-Type", &ct)], &body).body).unwrap();
    assert_eq!(l["file"], "ITLFile.tlv");
    assert!(l["findings"].as_array().unwrap().iter().any(|f| f["code"] == "sha1-digest"), "{l}");
    // diff: `itlctl diff --json`.
    let old = std::fs::read(testdata().join("scenario-11x-before.tlv")).unwrap();
    let new = std::fs::read(testdata().join("scenario-11x-cm-regen.tlv")).unwrap();
    let cli = Command::new(common::BIN)
        .args(["diff", "--json"])
        .arg(testdata().join("scenario-11x-before.tlv"))
        .arg(testdata().join("scenario-11x-cm-regen.tlv"))
        .output()
        .unwrap();
    let want: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let (ct2, body2) = multipart(&[("old", "a.tlv", &old), ("new", "b.tlv", &new)]);
    let got: Value =
        serde_json::from_slice(&http(&s.http, "POST", "/api/diff", &[("Content-Type", &ct2)], &body2).body).unwrap();
    assert_eq!(got, want);
    // The page: verdict and the exact show text.
    let page = http(&s.http, "POST", "/", &[("Content-Type", &ct)], &body).text();
    assert!(page.contains("data-verdict=\"valid\""));
    let show = Command::new(common::BIN).arg("show").arg(&path).output().unwrap();
    let show = String::from_utf8(show.stdout).unwrap();
    // The CLI adds the file's mtime line; an upload has none.
    let show: String = show.lines().filter(|l| !l.contains("last modified")).map(|l| format!("{l}\n")).collect();
    let esc = show.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    assert!(page.contains(&esc), "the show text, exactly");
    let dp = http(&s.http, "POST", "/diff", &[("Content-Type", &ct2)], &body2).text();
    assert!(dp.contains(&format!("data-verdict=\"{}\"", want["phone_trust"].as_str().unwrap())));
    // 413 without reading the body whole: over 1 MiB per trust list, 64 MiB per report body.
    let big = vec![0u8; 1024 * 1024 + 1];
    assert_eq!(http(&s.http, "POST", "/api/show", &[], &big).status, 413);
    let (ct3, body3) = multipart(&[("file", "big.tlv", &big)]);
    assert_eq!(http(&s.http, "POST", "/api/lint", &[("Content-Type", &ct3)], &body3).status, 413);
    let r = http(&s.http, "POST", "/api/reports", &[("Content-Length", "70000000")], b"[DeviceName=x]");
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-security-policy").as_deref(), Some("default-src 'self'"));
    assert_eq!(s.get("/no/such/page").header("x-content-type-options").as_deref(), Some("nosniff"));
}

#[test]
fn sigkill_and_restart_lose_nothing() {
    let d = tmpdir("kill");
    let db = d.join("k.db");
    let mut s = Server::start(&db, &["--itl", &itl_arg(), "--syslog", "udp://127.0.0.1:0"]);
    let msgs: Vec<String> = (0..500u32).map(|i| tlinfo(i, &format!("SEPK{i:011}"), ITL_SHA1)).collect();
    let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_bytes()).collect();
    s.udp(&refs);
    // Committed within a second of arrival.
    std::thread::sleep(Duration::from_millis(1200));
    // An HTTP report is committed before it is answered.
    let r = http(
        &s.http,
        "POST",
        "/api/reports",
        &[],
        b"DeviceName=SEPHTTP0000001 ITL_Signature=1122334455667788990011223344556677889900 ITL_TFTP_Server=x\n",
    );
    assert_eq!(serde_json::from_slice::<Value>(&r.body).unwrap()["read"], 1);
    s.kill9();
    let s = Server::start(&db, &["--itl", &itl_arg()]);
    let h = s.json("/api/health");
    assert_eq!(h["phones"], 501, "{h}");
    assert_eq!(s.json("/api/devices?status=Match")["summary"]["Match"], 500);
}

#[test]
fn statuses_follow_a_new_reference_file() {
    let d = tmpdir("refs");
    let tftp = d.join("tftp");
    std::fs::create_dir_all(&tftp).unwrap();
    std::fs::copy(testdata().join("itl-11x-cm-sha1.tlv"), tftp.join("ITLFile.tlv")).unwrap();
    let s = Server::start(&d.join("r.db"), &["--itl", tftp.to_str().unwrap()]);
    let r = http(
        &s.http,
        "POST",
        "/api/reports",
        &[],
        format!("[DeviceName=SEPREF000001][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=cucm]\n").as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.json("/api/devices")["devices"][0]["itl_status"], "Match");
    // Byte for byte what `itlctl devices --json` prints for the same report and file.
    let f = d.join("one.txt");
    std::fs::write(&f, format!("[DeviceName=SEPREF000001][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=cucm]\n")).unwrap();
    let cli = Command::new(common::BIN)
        .args(["devices", "--json", "--itl"])
        .arg(tftp.join("ITLFile.tlv"))
        .arg(&f)
        .output()
        .unwrap();
    // The same text, but for the counts of what each read.
    let counts = |t: String| -> String {
        t.lines().filter(|l| !l.contains("\"reports_read\"") && !l.contains("\"fragments_skipped\"")).collect()
    };
    assert_eq!(counts(s.get("/api/devices").text()), counts(String::from_utf8(cli.stdout).unwrap()));
    let cli = Command::new(common::BIN)
        .args(["devices", "--csv", "--itl"])
        .arg(tftp.join("ITLFile.tlv"))
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(s.get("/api/devices.csv").text(), String::from_utf8(cli.stdout).unwrap());
    assert_eq!(s.get("/api/devices?status=Unknown").text(), "{\n  \"devices\": [],\n  \"fragments_skipped\": 0,\n  \"reports_read\": 1,\n  \"summary\": {\n    \"Match\": 0,\n    \"Mismatch\": 0,\n    \"Not Installed\": 0,\n    \"Unknown\": 0\n  }\n}\n");
    // A new ITL in the TFTP folder: the phone now holds the old one.
    let tmp = tftp.join("new.tmp");
    std::fs::copy(testdata().join("itl-12x-itlrecovery-sha512.tlv"), &tmp).unwrap();
    std::fs::rename(&tmp, tftp.join("ITLFile.tlv")).unwrap();
    wait_for("the new reference", || s.json("/api/devices?status=Mismatch")["summary"]["Mismatch"] == 1);
    assert_eq!(
        s.json("/api/health")["references"][0]["file"].as_str().unwrap(),
        tftp.join("ITLFile.tlv").to_str().unwrap()
    );
}

#[test]
fn tls_syslog() {
    let d = tmpdir("tls");
    let pem = d.join("syslog.pem");
    let ok = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout"])
        .arg(&pem)
        .arg("-out")
        .arg(d.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("openssl not found: TLS test skipped");
        return;
    }
    let cert = std::fs::read(d.join("cert.pem")).unwrap();
    std::fs::OpenOptions::new().append(true).open(&pem).unwrap().write_all(&cert).unwrap();
    // A TLS handshake must finish within a second here.
    let cfg = d.join("serve.toml");
    std::fs::write(&cfg, "[limits]\nhandshake-timeout = 1\n").unwrap();
    let s = Server::start(
        &d.join("tls.db"),
        &[
            "--itl",
            &itl_arg(),
            "--syslog",
            "tls://127.0.0.1:0",
            "--syslog-cert",
            pem.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
    );
    let m = tlinfo(7, "SEPTLS0000001", ITL_SHA1);
    let mut c = Command::new("openssl")
        .args(["s_client", "-quiet", "-connect", s.tls.as_deref().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(format!("{} {m}", m.len()).as_bytes()).unwrap();
    wait_for("the TLS report", || s.json("/api/health")["phones"] == 1);
    let _ = c.kill();
    let _ = c.wait();
    assert_eq!(s.json("/api/devices/SEPTLS0000001")["reports"][0]["source"], "tls");
    // A connection that never sends its ClientHello is closed after the handshake timeout.
    let mut idle = TcpStream::connect(s.tls.as_deref().unwrap()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(6))).unwrap();
    let t = Instant::now();
    let mut b = [0u8; 8];
    let r = idle.read(&mut b);
    assert!(
        matches!(r, Ok(0)) || r.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
        "{r:?} after {:?}",
        t.elapsed()
    );
    assert!(t.elapsed() < Duration::from_secs(4), "open {:?} without a handshake", t.elapsed());
}

// ---- issue 28: a hostile or broken network, on loopback, each bounded in count and time ----

/// The server's resident memory, in KiB (`/proc/PID/status`).
fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `/api/health` answers, and within `ms` milliseconds.
fn health_within(s: &Server, ms: u128) -> Value {
    let t = Instant::now();
    let v = s.json("/api/health");
    let took = t.elapsed().as_millis();
    assert!(took < ms, "/api/health took {took} ms");
    v
}

#[test]
fn a_locked_database_holds_reports_shows_it_and_loses_none() {
    let d = tmpdir("locked");
    let db = d.join("l.db");
    let s = Server::start(&db, &["--syslog", "udp://127.0.0.1:0"]);
    // Another process takes the write lock for longer than the busy timeout (5 s).
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let msgs: Vec<String> = (0..50).map(|i| tlinfo(i, &format!("SEPLOCK{i:08}"), ITL_SHA1)).collect();
    let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_bytes()).collect();
    s.udp(&refs);
    // HTTP is told why, not "the writer stopped".
    let r = http(&s.http, "POST", "/api/reports", &[], tlinfo(99, "SEPLOCKHTTP0", ITL_SHA1).as_bytes());
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("locked"), "{}", r.text());
    let h = health_within(&s, 100);
    assert_eq!(h["status"], "degraded", "{h}");
    assert!(h["problems"][0].as_str().unwrap().contains("cannot be stored"), "{h}");
    let fleet = s.get("/fleet").text();
    assert!(fleet.contains("cannot be stored"), "/fleet says why");
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    wait_for("the held reports committed", || s.json("/api/health")["phones"] == 50);
    let h = s.json("/api/health");
    assert_eq!((h["status"].as_str(), h["lost"].as_i64()), (Some("ok"), Some(0)), "{h}");
}

#[test]
fn a_lock_shorter_than_the_busy_timeout_is_waited_for() {
    let d = tmpdir("busy");
    let db = d.join("b.db");
    let s = Server::start(&db, &[]);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        other.execute_batch("COMMIT").unwrap();
    });
    let r = http(&s.http, "POST", "/api/reports", &[], tlinfo(1, "SEPBUSY00001", ITL_SHA1).as_bytes());
    t.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.json("/api/health")["write_failures"], 0);
}

#[test]
fn tcp_digits_without_framing_end_the_connection() {
    let d = tmpdir("digits");
    let s = Server::start(&d.join("d.db"), &["--syslog", "tcp://127.0.0.1:0"]);
    let mut c = TcpStream::connect(s.tcp.as_deref().unwrap()).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let digits = vec![b'7'; 64 * 1024];
    let mut sent = 0;
    for _ in 0..64 {
        if c.write_all(&digits).is_err() {
            break;
        }
        sent += digits.len();
        health_within(&s, 100);
    }
    let mut b = [0u8; 16];
    let end = c.read(&mut b);
    assert!(
        matches!(end, Ok(0))
            || end
                .is_err_and(|e| e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut),
        "the server keeps a framing-less stream open ({sent} bytes sent)"
    );
    assert!(s.json("/api/health")["skipped"].as_i64().unwrap() >= 1);
}

#[test]
fn split_messages_that_never_complete_stay_bounded() {
    let d = tmpdir("parts");
    let s = Server::start(&d.join("p.db"), &["--syslog", "tcp://127.0.0.1:0"]);
    let pid = s.child.id();
    let before = rss_kib(pid);
    let pad = "x".repeat(50 * 1024);
    let mut c = TcpStream::connect(s.tcp.as_deref().unwrap()).unwrap();
    // 1,200 first parts of 2 (50 KiB each, 60 MB): none ever completes.
    for seq in 0..1200u32 {
        let m = format!(
            "<190>{seq}: cucm-pub: Dec 02 2026 01:32:45 AM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[part={seq}.1/2][DeviceName=SEPPART{seq:05}]: {pad}\n"
        );
        c.write_all(m.as_bytes()).unwrap();
        if seq % 200 == 0 {
            health_within(&s, 100);
        }
    }
    c.flush().unwrap();
    wait_for("the parts read", || s.json("/api/health")["skipped"].as_i64().unwrap() >= 1000);
    let grown = rss_kib(pid).saturating_sub(before);
    assert!(grown < 40 * 1024, "memory grew by {grown} KiB while parts waited");
}

#[test]
fn host_allow_list_without_a_token() {
    let d = tmpdir("host");
    let s = Server::start(&d.join("h.db"), &["--host", "itl.example.net"]);
    let get = |host: &str| {
        let mut c = TcpStream::connect(&s.http).unwrap();
        write!(c, "GET /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        out
    };
    assert!(get("evil.example").starts_with("HTTP/1.1 421"), "DNS rebinding: a foreign Host is refused");
    let r = http(
        &s.http,
        "POST",
        "/api/reports",
        &[("Host", "evil.example"), ("Origin", "http://evil.example")],
        tlinfo(1, "SEPEVIL00001", ITL_SHA1).as_bytes(),
    );
    assert_ne!(r.status, 200);
    assert!(get("localhost:8080").starts_with("HTTP/1.1 200"));
    assert!(get("itl.example.net").starts_with("HTTP/1.1 200"));
    assert!(get(&s.http).starts_with("HTTP/1.1 200"));
}

#[test]
fn csv_cells_are_inert_and_report_fields_are_checked() {
    let d = tmpdir("csv");
    let s = Server::start(&d.join("c.db"), &[]);
    let body = format!(
        "[DeviceName==HYPERLINK(\"http://x\";\"y\")][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=a]\n\
         [DeviceName=SEPCSV000001][ITL_Signature={ITL_SHA1}][ITL_TFTP_Server=-cucm]\n\
         [DeviceName={}][ITL_Signature={ITL_SHA1}]\n\
         [DeviceName=SEPNUL\u{0}0001][ITL_Signature={ITL_SHA1}]\n\
         [DeviceName=SEPHASH00001][ITL_Signature={}]\n",
        "S".repeat(10_000),
        "A".repeat(15_000)
    );
    let r = http(&s.http, "POST", "/api/reports", &[], body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!((v["read"].as_i64(), v["skipped"].as_i64()), (Some(1), Some(4)), "{v}");
    let csv = s.get("/api/devices.csv").text();
    for cell in csv.lines().flat_map(|l| l.split(',')) {
        let c = cell.trim_start_matches('"');
        assert!(!c.starts_with(['=', '+', '-', '@']), "a formula cell: {cell}");
    }
    assert!(csv.contains("'-cucm"), "{csv}");
    // A 64 KB search answers, and matches nothing.
    // (hyper refuses a URI this long with 414 before the page is asked: with the headers.)
    let r = s.get(&format!("/fleet?q={}", "a".repeat(64 * 1024)));
    assert!(r.status == 200 || r.status == 414, "{} {}", r.status, r.text());
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    // hyper's own answers to an oversize request carry the security headers too.
    let r = http(&s.http, "GET", &format!("/{}", "a".repeat(1024 * 1024)), &[], b"");
    assert!(r.status >= 400, "{}", r.status);
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"), "{}", r.headers);
}

#[test]
fn sigterm_stops_within_the_deadline_despite_a_half_sent_request() {
    let d = tmpdir("term");
    let mut s = Server::start(&d.join("t.db"), &[]);
    let mut c = TcpStream::connect(&s.http).unwrap();
    write!(c, "POST /api/reports HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000\r\n\r\n[DeviceName=", s.http).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let t = Instant::now();
    let ok = Command::new("kill").args(["-TERM", &s.child.id().to_string()]).status().unwrap().success();
    assert!(ok);
    loop {
        if s.child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(12), "still running 12 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// CPU time of process `pid` so far, in clock ticks (`/proc/PID/stat`, utime + stime).
fn cpu_ticks(pid: u32) -> u64 {
    let st = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let f: Vec<&str> = st.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    f.get(11).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
        + f.get(12).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0)
}

/// Up to `n` connections to `addr`, each given 1 s: once the server's cap is reached and
/// the kernel's queue of the listener is full, a new connection's SYN goes unanswered and
/// a blocking connect would wait minutes (the SYN retries), so the first that times out
/// ends the count.
fn idle_connections(addr: &str, n: usize) -> Vec<TcpStream> {
    let a: std::net::SocketAddr = addr.parse().unwrap();
    (0..n).map_while(|_| TcpStream::connect_timeout(&a, Duration::from_secs(1)).ok()).collect()
}

#[test]
fn the_file_limit_reached_by_idle_connections_leaves_http_answering() {
    let d = tmpdir("nofile");
    let log = d.join("serve.log");
    // The server under a file limit of 128: 200 idle syslog connections would exceed it.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 128 && exec '{}' serve --listen 127.0.0.1:0 --db '{}' --syslog tcp://127.0.0.1:0",
            common::BIN,
            d.join("n.db").display()
        ))
        .env_remove("ITLCTL_TOKEN")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let http_addr = first.split("http://").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let tcp = lines.next().unwrap().unwrap().split("://").nth(1).unwrap().to_owned();
    let s = Server { child, http: http_addr, udp: None, tcp: Some(tcp.clone()), tls: None };
    let pid = s.child.id();
    let mut conns = idle_connections(&tcp, 200);
    // The connections past the cap wait in the kernel's queue (128 deep at least, so over
    // 128 in all): the server keeps room for HTTP and its database.
    assert!(conns.len() > 128, "{} connections", conns.len());
    let c0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(pid) - c0;
    assert!(used < 50, "{used} ticks of CPU in 2 s with the limit reached: the accept loop spins");
    health_within(&s, 100);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("the limit of open connections is reached"), "{text}");
    // The last connection waits, not refused: once the others close, it is read.
    let mut last = conns.pop().unwrap();
    last.write_all((tlinfo(1, "SEPNOFILE001", ITL_SHA1) + "\n").as_bytes()).unwrap();
    drop(conns);
    wait_for("the waiting connection read", || s.json("/api/health")["phones"] == 1);
    drop(last);
}

#[test]
fn accept_errors_at_the_file_limit_back_off_instead_of_spinning() {
    let d = tmpdir("emfile");
    let log = d.join("serve.log");
    let s = Server::start_logged(&d.join("e.db"), &["--syslog", "tcp://127.0.0.1:0"], Some(&log));
    let pid = s.child.id();
    health_within(&s, 1000);
    // The file limit lowered under the running server to what it has open and 4 more
    // (another program using the descriptors up): accepting fails with EMFILE.
    let open = std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count();
    if !prlimit(pid, &format!("--nofile={}:", open + 4)) {
        eprintln!("skipped: prlimit (util-linux) cannot set the server's file limit here");
        return;
    }
    let conns = idle_connections(s.tcp.as_deref().unwrap(), 20);
    assert!(conns.len() >= 10, "{} connections", conns.len());
    std::thread::sleep(Duration::from_millis(500));
    let c0 = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(pid) - c0;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(prlimit(pid, "--nofile=1024:"));
    assert!(used < 50, "{used} ticks of CPU in 2 s while accept fails: the accept loop spins");
    assert!(text.contains("cannot accept a connection") && text.contains("retrying in"), "{text}");
    // The limit raised again: within the longest backoff (1 s), HTTP answers again.
    std::thread::sleep(Duration::from_millis(1200));
    health_within(&s, 100);
    drop(conns);
}

#[test]
fn a_damaged_database_is_refused_at_start() {
    let d = tmpdir("damaged");
    let db = d.join("x.db");
    {
        let s = Server::start(&db, &[]);
        let body: String = (0..3000).map(|i| tlinfo(i, &format!("SEPDMG{i:06}"), ITL_SHA1) + "\n").collect();
        assert_eq!(http(&s.http, "POST", "/api/reports", &[], body.as_bytes()).status, 200);
    }
    rusqlite::Connection::open(&db).unwrap().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 64 * 1024, "{}", bytes.len());
    // Pages in the middle overwritten, the header intact.
    for b in &mut bytes[16 * 1024..48 * 1024] {
        *b = 0x5A;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_itlctl"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged"), "{err}");
}

#[test]
fn config_file_gives_the_same_settings_as_the_flags() {
    let d = tmpdir("config");
    let cfg = d.join("serve.toml");
    std::fs::write(&cfg, "host = [\"cfg.example\"]\nkeep-days = 7\n[limits]\nheader-timeout = 2\n").unwrap();
    let s = Server::start(&d.join("c.db"), &["--config", cfg.to_str().unwrap()]);
    let mut c = TcpStream::connect(&s.http).unwrap();
    write!(c, "GET /api/health HTTP/1.1\r\nHost: cfg.example\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    let _ = c.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    // header-timeout = 2: a request whose headers never end is dropped within a few seconds.
    let mut slow = TcpStream::connect(&s.http).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    write!(slow, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
    let t = Instant::now();
    let mut b = Vec::new();
    let _ = slow.read_to_end(&mut b);
    assert!(t.elapsed() < Duration::from_secs(6), "the connection stayed open {:?}", t.elapsed());
    let bad = d.join("bad.toml");
    std::fs::write(&bad, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_itlctl")).args(["serve", "--config"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Sets a resource limit of the running process `pid` with util-linux's `prlimit`
/// (`--fsize=SOFT:` changes the soft limit only, which any user may raise again up to
/// the hard one); false where the tool is missing.
fn prlimit(pid: u32, arg: &str) -> bool {
    Command::new("prlimit")
        .arg(format!("--pid={pid}"))
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

/// The words SQLite gives a failed write (`sqlite3_errstr` of SQLITE_FULL, SQLITE_IOERR,
/// SQLITE_READONLY), as documented at sqlite.org/rescode.html.
fn says_write_failed(text: &str) -> bool {
    ["database or disk is full", "disk I/O error", "attempt to write a readonly database"]
        .iter()
        .any(|w| text.contains(w))
}

#[test]
fn a_full_disk_holds_reports_shows_it_and_loses_none() {
    let d = tmpdir("full");
    let db = d.join("f.db");
    let log = d.join("serve.log");
    let s = Server::start_logged(&db, &["--syslog", "tcp://127.0.0.1:0"], Some(&log));
    let pid = s.child.id();
    let first: String = (0..100).map(|i| tlinfo(i, &format!("SEPFULLA{i:04}"), ITL_SHA1) + "\n").collect();
    assert_eq!(http(&s.http, "POST", "/api/reports", &[], first.as_bytes()).status, 200);
    // The disk fills: no file of the server may grow past 64 KiB more than the largest now
    // (RLIMIT_FSIZE: a write past it fails, as one on a full disk does).
    let limit = file_len(&db).max(file_len(&d.join("f.db-wal"))) + 64 * 1024;
    if !prlimit(pid, &format!("--fsize={limit}:")) {
        eprintln!("skipped: prlimit (util-linux) cannot set the server's file size limit here");
        return;
    }
    // 3,000 reports over TCP syslog (about 1 MB to store): they stop fitting.
    let tcp = s.tcp.clone().unwrap();
    let sender = std::thread::spawn(move || {
        let mut c = TcpStream::connect(&tcp).unwrap();
        c.set_write_timeout(Some(Duration::from_secs(30))).unwrap();
        let body: String = (0..3000).map(|i| tlinfo(i, &format!("SEPFULLB{i:04}"), ITL_SHA1) + "\n").collect();
        c.write_all(body.as_bytes()).unwrap();
    });
    wait_for("writes to fail", || s.json("/api/health")["write_failures"].as_u64().unwrap() > 0);
    let h = health_within(&s, 100);
    assert_eq!(h["status"], "degraded", "{h}");
    let problems = h["problems"].to_string();
    assert!(problems.contains("cannot be stored") && says_write_failed(&problems), "{problems}");
    assert!(h["held"].as_u64().unwrap() > 0, "{h}");
    assert!(s.get("/fleet").text().contains("cannot be stored"), "/fleet says why");
    // HTTP is answered at once, with the reason (its sender still holds the report).
    let r = http(&s.http, "POST", "/api/reports", &[], tlinfo(1, "SEPFULLHTTP1", ITL_SHA1).as_bytes());
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(says_write_failed(&r.text()), "{}", r.text());
    // Space again: everything held is stored, nothing lost.
    assert!(prlimit(pid, "--fsize=unlimited:"));
    sender.join().unwrap();
    wait_for("the held reports stored", || s.json("/api/health")["phones"] == 3100);
    let h = s.json("/api/health");
    assert_eq!((h["status"].as_str(), h["lost"].as_i64(), h["held"].as_u64()), (Some("ok"), Some(0), Some(0)), "{h}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("cannot store reports") && text.contains("takes reports again"), "{text}");
}

/// Makes `p` read-only for this process: without write permission, or (for root, whom
/// permissions do not stop) immutable with `chattr +i`. False where neither works here.
fn make_read_only(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o444));
    if std::fs::OpenOptions::new().write(true).open(p).is_err() {
        return true;
    }
    let _ = Command::new("chattr").arg("+i").arg(p).stderr(Stdio::null()).status();
    std::fs::OpenOptions::new().write(true).open(p).is_err()
}

fn make_writable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = Command::new("chattr").arg("-i").arg(p).stderr(Stdio::null()).status();
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644));
}

#[test]
fn a_read_only_database_is_refused_at_start() {
    let d = tmpdir("readonly");
    let db = d.join("r.db");
    drop(Server::start(&db, &[]));
    rusqlite::Connection::open(&db).unwrap().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let _ = std::fs::remove_file(d.join("r.db-wal"));
    let _ = std::fs::remove_file(d.join("r.db-shm"));
    if !make_read_only(&db) {
        make_writable(&db);
        eprintln!("skipped: the file cannot be made read-only here");
        return;
    }
    let out = Command::new(common::BIN).args(["serve", "--listen", "127.0.0.1:0", "--db"]).arg(&db).output().unwrap();
    make_writable(&db);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("read-only"), "{err}");
}

#[test]
fn a_database_made_read_only_while_running_holds_reports_and_loses_none() {
    let d = tmpdir("ro-live");
    let db = d.join("r.db");
    let log = d.join("serve.log");
    let s = Server::start_logged(&db, &["--syslog", "udp://127.0.0.1:0"], Some(&log));
    // The file system turns read-only under the server (as ext4 does after an error): the
    // files it has open refuse writes.
    let files = [db.clone(), d.join("r.db-wal")];
    let done = files.iter().all(|f| make_read_only(f));
    if !done {
        files.iter().for_each(|f| make_writable(f));
        eprintln!("skipped: the files cannot be made read-only here");
        return;
    }
    let msgs: Vec<String> = (0..40).map(|i| tlinfo(i, &format!("SEPRO{i:07}"), ITL_SHA1)).collect();
    let refs: Vec<&[u8]> = msgs.iter().map(|m| m.as_bytes()).collect();
    s.udp(&refs);
    let writable_again = || files.iter().for_each(|f| make_writable(f));
    let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for("writes to fail", || s.json("/api/health")["write_failures"].as_u64().unwrap() > 0);
        let h = health_within(&s, 100);
        assert_eq!(h["status"], "degraded", "{h}");
        assert!(says_write_failed(&h["problems"].to_string()), "{h}");
        assert!(s.get("/fleet").text().contains("cannot be stored"), "/fleet says why");
    }));
    writable_again();
    if let Err(e) = ok {
        std::panic::resume_unwind(e);
    }
    wait_for("the held reports stored", || s.json("/api/health")["phones"] == 40);
    let h = s.json("/api/health");
    assert_eq!((h["status"].as_str(), h["lost"].as_i64()), (Some("ok"), Some(0)), "{h}");
}

/// Holds a write lease on a file (Linux `F_SETLEASE`) from a Python child: whoever else
/// opens the file then blocks until the lease is given up or the kernel's lease-break time
/// (45 s by default) passes, as a read on a network share that stopped answering does. The
/// child also moves the file's time, so a watcher sees a change. `None` where Python or
/// leases are missing.
fn hold_lease(file: &Path) -> Option<Child> {
    const HOLD: &str = "import fcntl, os, signal, sys, time
signal.signal(signal.SIGIO, signal.SIG_IGN)
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
st = os.stat(sys.argv[1])
os.utime(sys.argv[1], ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
print('held', flush=True)
time.sleep(60)
";
    let mut child = Command::new("python3")
        .args(["-c", HOLD])
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    if line.trim() == "held" {
        Some(child)
    } else {
        let _ = child.kill();
        let _ = child.wait();
        None
    }
}

#[test]
fn a_reference_read_that_hangs_is_timed_out_shown_and_recovered() {
    let d = tmpdir("hung-ref");
    let itl = d.join("ITLFile.tlv");
    std::fs::copy(testdata().join("itl-11x-cm-sha1.tlv"), &itl).unwrap();
    let log = d.join("serve.log");
    let s = Server::start_logged(&d.join("h.db"), &["--itl", &itl.to_string_lossy()], Some(&log));
    assert_eq!(s.json("/api/health")["status"], "ok");
    let r = http(&s.http, "POST", "/api/reports", &[], tlinfo(1, "SEPHUNG00001", ITL_SHA1).as_bytes());
    assert_eq!(r.status, 200);
    let Some(mut holder) = hold_lease(&itl) else {
        eprintln!("skipped: no python3 or no file leases here");
        return;
    };
    let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The watcher sees the change, its read hangs: within the read timeout (5 s) plus
        // its round (1 s), the problem is logged and shown, and the old ITL stays in force.
        wait_for("the hung read shown", || s.json("/api/health")["problems"].to_string().contains("took more than"));
        let h = health_within(&s, 100);
        assert_eq!(h["status"], "degraded", "{h}");
        assert_eq!(h["references"].as_array().map(Vec::len), Some(1), "{h}");
        assert!(s.get("/fleet").text().contains("took more than"), "/fleet says why");
        let devices = s.json("/api/devices");
        assert!(devices.to_string().contains("\"Match\""), "{devices}");
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("took more than"), "{text}");
    }));
    let _ = holder.kill();
    let _ = holder.wait();
    if let Err(e) = ok {
        std::panic::resume_unwind(e);
    }
    // The lease given up, the read finishes: the file is loaded and the problem goes.
    wait_for("the reference read again", || s.json("/api/health")["status"] == "ok");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("can be read again"), "{text}");
}
