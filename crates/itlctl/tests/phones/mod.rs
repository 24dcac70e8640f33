//! Fake phones for `devices --probe`: small HTTP servers on loopback addresses (127.0.0.x,
//! one port for all, as `--phone-port` is one for all), each answering every GET with one
//! page or one error status, and counting the requests and their methods. Each stops when
//! dropped, and by itself after a minute at most.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a fake phone answers.
#[derive(Clone)]
pub enum Answer {
    /// 200 with this HTML (`text/html; charset=utf-8`).
    Page(String),
    /// This HTTP status, empty body (web access disabled).
    Status(u16),
}

/// Running fake phones; stopped when dropped.
pub struct Phones {
    /// The port every phone listens on.
    pub port: u16,
    /// Each request's first line (`GET /path HTTP/1.1`), from every phone.
    pub requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Phones {
    /// The port as an argument.
    pub fn port_arg(&self) -> String {
        self.port.to_string()
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Phones {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Starts one fake phone per (loopback address, answer), all on one free port.
pub fn start(phones: &[(&str, Answer)]) -> Phones {
    for _ in 0..50 {
        if let Some(listeners) = bind_all(phones.iter().map(|(ip, _)| *ip)) {
            let port = listeners[0].local_addr().unwrap().port();
            let stop = Arc::new(AtomicBool::new(false));
            let requests = Arc::new(Mutex::new(Vec::new()));
            let threads = listeners
                .into_iter()
                .zip(phones.iter().map(|(_, a)| a.clone()))
                .map(|(l, answer)| {
                    let (stop, requests) = (stop.clone(), requests.clone());
                    std::thread::spawn(move || serve(&l, &answer, &stop, &requests))
                })
                .collect();
            return Phones { port, requests, stop, threads };
        }
    }
    panic!("no common free port on the loopback addresses");
}

/// Binds every address on one port (the first one's, chosen by the system).
fn bind_all<'a>(ips: impl Iterator<Item = &'a str>) -> Option<Vec<TcpListener>> {
    let mut out: Vec<TcpListener> = Vec::new();
    for ip in ips {
        let ip: std::net::IpAddr = ip.parse().unwrap();
        assert!(ip.is_loopback(), "tests bind loopback only");
        let port = out.first().map_or(0, |l| l.local_addr().unwrap().port());
        let l = TcpListener::bind(SocketAddr::new(ip, port)).ok()?;
        l.set_nonblocking(true).unwrap();
        out.push(l);
    }
    Some(out)
}

fn serve(l: &TcpListener, answer: &Answer, stop: &AtomicBool, requests: &Mutex<Vec<String>>) {
    let end = Instant::now() + Duration::from_secs(60);
    while !stop.load(Ordering::Relaxed) && Instant::now() < end {
        match l.accept() {
            Ok((s, _)) => {
                let _ = one(s, answer, requests);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn one(mut s: TcpStream, answer: &Answer, requests: &Mutex<Vec<String>>) -> std::io::Result<()> {
    s.set_nonblocking(false)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") && req.len() < 64 * 1024 {
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        req.extend_from_slice(&buf[..n]);
    }
    let first = String::from_utf8_lossy(&req).lines().next().unwrap_or("").to_owned();
    requests.lock().unwrap().push(first);
    let (status, body) = match answer {
        Answer::Page(html) => (200, html.as_bytes()),
        Answer::Status(code) => (*code, &b""[..]),
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        if status == 200 { "OK" } else { "Error" },
        body.len()
    );
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    s.flush()
}

/// A phone's page in the 7800 layout (docs: phones.md): label and value rows in bold cells,
/// `Not Installed` or the signature as the phone shows it (`93 B6 …`).
pub fn page_7800(host: &str, model: &str, itl: &str, ctl: &str, tvs: &[&str], tftp: &str) -> String {
    let row = |label: &str, value: &str| {
        format!("<TR><TD><B>{label}</B></TD><td width=20></TD><TD><B>{value}</B></TD></TR>\n")
    };
    let mut rows = String::new();
    rows += &row("Model number", model);
    rows += &row("Host name", host);
    rows += &row("TFTP server 1", tftp);
    rows += &row("CTL file", if ctl == "Not Installed" { "Not Installed" } else { "Installed" });
    if ctl != "Not Installed" {
        rows += &row("CTL signature", ctl);
    }
    rows += &row("ITL file", if itl == "Not Installed" { "Not Installed" } else { "Installed" });
    if itl != "Not Installed" {
        rows += &row("ITL signature", itl);
    }
    rows += &row("CAPF server", "CAPF-1e55d2d1");
    for t in tvs {
        rows += &row("TVS", t);
    }
    format!(
        "<HTML><HEAD><TITLE>Cisco IP Phone {model} ( {host} )</TITLE></HEAD>\n<BODY>\n\
         <TABLE cellpadding=0 cellspacing=0 border=0>\n{rows}</TABLE>\n</BODY></HTML>\n"
    )
}
