//! `itlctl serve --probe`: phones asked on their own web pages on a schedule, end to end.
//! The built binary on 127.0.0.1 with a temporary database; the phones are fakes on other
//! loopback addresses (127.0.0.2, 127.0.0.3), or addresses where nothing listens.
#![cfg(all(unix, feature = "serve"))]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{testdata, tmpdir};

/// The SHA-1 of the reference ITL, as a phone shows it (`sha1sum testdata/itl-11x-cm-sha1.tlv`).
const ITL_SHA1: &str = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
const OTHER_SHA1: &str = "11 22 33 44 55 66 77 88 99 00 11 22 33 44 55 66 77 88 99 00";

struct Server {
    child: Child,
    http: String,
    /// Its standard output, kept open: it prints more lines after the first.
    _out: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl Server {
    fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(common::BIN)
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--db"])
            .arg(db)
            .args(extra)
            .env_remove("ITLCTL_TOKEN")
            .env_remove("ITLCTL_RIS_PASSWORD")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut lines = BufReader::new(out).lines();
        let first = lines.next().unwrap().unwrap();
        let http = first.split("http://").nth(1).unwrap().split('/').next().unwrap().to_owned();
        Server { child, http, _out: lines }
    }

    fn get(&self, path: &str) -> (u16, String) {
        http(&self.http, "GET", path, b"")
    }

    fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// `/api/health` once the first probe run has ended (at most 20 s).
    fn probed(&self) -> Value {
        let start = Instant::now();
        loop {
            let h = self.json("/api/health");
            if !h["probe"]["last"].is_null() {
                return h;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no probe run ended: {h}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `/api/devices.csv` as rows of cells by column name.
    fn csv(&self) -> Vec<std::collections::HashMap<String, String>> {
        let (status, body) = self.get("/api/devices.csv");
        assert_eq!(status, 200, "{body}");
        let mut r = csv::Reader::from_reader(body.as_bytes());
        let head: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
        r.records().map(|rec| head.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect()).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP/1.1 request (Connection: close): (status, body).
fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[end + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    (status, String::from_utf8_lossy(&body).into_owned())
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

/// A port on `ip` where nothing listens (bound, then closed): a connection is refused.
fn closed_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0)).unwrap().local_addr().unwrap().port()
}

/// A fake phone on `ip`: every GET gets `page` (a 7841's "Network setup", ISO-8859-1);
/// the request lines are kept. It stops when dropped, and after 60 s in any case.
struct Phone {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Phone {
    fn start(ip: &str, page: Vec<u8>) -> Phone {
        let l = TcpListener::bind((ip, 0)).unwrap();
        l.set_nonblocking(true).unwrap();
        let port = l.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (req, st) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            let start = Instant::now();
            while !st.load(Ordering::Relaxed) && start.elapsed() < Duration::from_secs(60) {
                let Ok((mut c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                let _ = c.set_nonblocking(false);
                let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
                let mut head = Vec::new();
                let mut b = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                    match c.read(&mut b) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&b[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_owned();
                req.lock().unwrap().push(line);
                let _ = write!(
                    c,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    page.len()
                );
                let _ = c.write_all(&page);
            }
        });
        Phone { port, requests, stop }
    }
}

impl Drop for Phone {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn itl_arg() -> String {
    testdata().join("itl-11x-cm-sha1.tlv").to_string_lossy().into_owned()
}

fn row<'a>(
    rows: &'a [std::collections::HashMap<String, String>],
    device: &str,
) -> &'a std::collections::HashMap<String, String> {
    rows.iter().find(|r| r["device"] == device).unwrap_or_else(|| panic!("no row {device}: {rows:?}"))
}

/// A probe that cannot reach a phone (nothing listens) stores the failure: a phone known at
/// that address by an earlier report keeps its values and shows the failure; an address no
/// phone is known at gets an `Unknown` row with the reason. `/api/health` and `/metrics`
/// count them. (The page reader plays no part: nothing answers.)
#[test]
fn unreachable_phones_are_stored_with_their_reason_and_good_values_are_kept() {
    let d = tmpdir("probe-fail");
    let db = d.join("fleet.db");
    let itl = itl_arg();
    {
        // A phone that reported by syslog, at 127.0.0.1, on the current ITL.
        let s = Server::start(&db, &["--itl", &itl]);
        let report = format!("[DeviceName=SEP00000000AAAA][IPv4Address=127.0.0.1][ITL_Signature={ITL_SHA1}]\n");
        let (status, body) = http(&s.http, "POST", "/api/reports", report.as_bytes());
        assert_eq!(status, 200, "{body}");
    }
    let port = closed_port("127.0.0.1").to_string();
    let s = Server::start(
        &db,
        &["--itl", &itl, "--probe", "127.0.0.1", "--probe", "127.0.0.3", "--phone-port", &port, "--probe-every", "0"],
    );
    let h = s.probed();
    let last = &h["probe"]["last"];
    assert_eq!(last["asked"], 2, "{h}");
    assert_eq!(last["answered"], 0, "{h}");
    assert_eq!(last["unreachable"], 2, "{h}");
    assert_eq!((last["no_web_access"].as_u64(), last["not_understood"].as_u64()), (Some(0), Some(0)), "{h}");
    assert!(h["probe"]["every_s"].is_null(), "--probe-every 0: once: {h}");
    assert_eq!(h["phones"], 2, "the known phone and the unknown address: {h}");
    let rows = s.csv();
    let known = row(&rows, "SEP00000000AAAA");
    assert_eq!(known["itl_status"], "Match", "a failed probe keeps the good values: {known:?}");
    assert_eq!(known["source"], "report");
    let unknown = row(&rows, "127.0.0.3");
    assert_eq!(unknown["itl_status"], "Unknown", "{unknown:?}");
    assert_eq!((unknown["source"].as_str(), unknown["reason"].as_str()), ("probe", "unreachable"));
    assert_eq!(unknown["address"], "127.0.0.3");
    // The failure is in the known phone's history and on /fleet beside its values.
    let hist = s.json("/api/devices/SEP00000000AAAA");
    let reports = hist["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2, "{hist}");
    assert_eq!((reports[0]["source"].as_str(), reports[0]["reason"].as_str()), (Some("probe"), Some("unreachable")));
    assert_eq!(reports[1]["itl_status"], "Match", "{hist}");
    let (_, fleet) = s.get("/fleet");
    assert!(fleet.contains("probe failed: unreachable"), "{fleet}");
    assert!(fleet.contains(r#"data-probe="asked"><b>2</b>"#), "{fleet}");
    let (_, metrics) = s.get("/metrics");
    assert!(metrics.contains(r#"itlctl_probe_results_total{result="unreachable"} 2"#), "{metrics}");
    assert!(metrics.contains(r#"itlctl_probe_results_total{result="answered"} 0"#), "{metrics}");
}

/// A fake 7841 on 127.0.0.2 serving its "Network setup" page: the phone is stored from its
/// page (source `probe`, the address asked, the TVS rows) and compared with the reference:
/// the page's `ITL signature` is the SHA-1 of the reference file (sha1sum), so `Match`. The
/// same phone reported earlier by syslog with another hash is one row: the probe, newer,
/// wins. Only GET requests reach the phone.
#[test]
fn a_phone_page_is_probed_and_merged_with_its_report() {
    let page = std::fs::read(testdata().join("phone-pages/serve-7841-network-setup.html")).unwrap();
    let read = itl::devicetlinfo::read_page(&page, Some("text/html; charset=iso-8859-1"));
    assert!(read.has_trust_rows(), "the reader finds the trust rows of the 7841 page: {read:?}");
    let d = tmpdir("probe-page");
    let db = d.join("fleet.db");
    let itl = format!("cucm-pub={}", itl_arg());
    {
        let s = Server::start(&db, &["--itl", &itl]);
        let report = format!(
            "[DeviceName=SEP5006AB806306][IPv4Address=127.0.0.2][ITL_Signature={OTHER_SHA1}][ITL_TFTP_Server=cucm-pub.example.com]\n"
        );
        let (status, body) = http(&s.http, "POST", "/api/reports", report.as_bytes());
        assert_eq!(status, 200, "{body}");
        let rows = s.csv();
        assert_eq!(row(&rows, "SEP5006AB806306")["itl_status"], "Unknown", "no reference for that server");
    }
    let phone = Phone::start("127.0.0.2", page);
    let port = phone.port.to_string();
    let s = Server::start(&db, &["--itl", &itl, "--probe", "127.0.0.2", "--phone-port", &port, "--probe-every", "0"]);
    let h = s.probed();
    assert_eq!(
        (h["probe"]["last"]["asked"].as_u64(), h["probe"]["last"]["answered"].as_u64()),
        (Some(1), Some(1)),
        "{h}"
    );
    assert_eq!(h["phones"], 1, "a report and a probe of one phone are one phone: {h}");
    let rows = s.csv();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let r = row(&rows, "SEP5006AB806306");
    assert_eq!(r["source"], "probe");
    assert_eq!(r["address"], "127.0.0.2");
    assert_eq!(r["itl_tftp_server"], "cucm-pub");
    assert_eq!(r["itl_hash"], ITL_SHA1.replace(' ', "").to_lowercase());
    assert_eq!(r["itl_status"], "Match", "{r:?}");
    assert_eq!(r["ctl_status"], "Not Installed", "{r:?}");
    assert_eq!(r["tvs"], "cucm-pub.example.com;cucm-sub1.example.com");
    assert!(r["reason"].is_empty());
    let (_, fleet) = s.get("/fleet");
    assert!(fleet.contains(r#"<span class="src probe">probe</span>"#), "{fleet}");
    let reqs = phone.requests.lock().unwrap().clone();
    assert!(!reqs.is_empty() && reqs.iter().all(|l| l.starts_with("GET ")), "read-only: {reqs:?}");
}

/// `--ris` without a password source is refused at start (exit 2), naming the variable.
#[test]
fn ris_without_a_password_is_refused() {
    let d = tmpdir("probe-ris");
    let o = common::command(&["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(d.join("x.db"))
        .args(["--ris", "https://127.0.0.1:1", "--ris-user", "u"])
        .env_remove("ITLCTL_RIS_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(common::err(&o).contains("ITLCTL_RIS_PASSWORD"), "{}", common::err(&o));
}
