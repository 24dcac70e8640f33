//! Fake phones for the probe tests and bench: one tiny HTTP server thread per loopback
//! address (127.0.0.2, 127.0.0.3, …), all on one port, each behaving as told. They log every
//! request's method, stop when the fleet is dropped, and never bind outside 127.0.0.0/8.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest a fake holds a connection it never answers.
const MAX_HOLD: Duration = Duration::from_secs(20);

/// How one fake phone answers.
#[derive(Clone)]
pub enum Behavior {
    /// These paths answer 200 with (content type, body); any other path 404.
    Pages(Vec<(&'static str, &'static str, Vec<u8>)>),
    /// Nothing listens: connections are refused.
    Refuse,
    /// Accepts, reads the request, never answers.
    Hang,
    /// Every path answers this status.
    Status(u16),
    /// Every path answers 302 with this Location (`{port}` is replaced by the fleet's port).
    Redirect(String),
    /// Every path answers 200 with a body of this many bytes.
    Huge(usize),
    /// Answers bytes that are not HTTP, then closes.
    Garbage,
    /// `from` answers 302 to `to` (`{port}` replaced); other paths as `then`.
    Moved { from: &'static str, to: String, then: Box<Behavior> },
}

struct Shared {
    stop: AtomicBool,
    methods: Mutex<Vec<String>>,
    requests: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    delay: Duration,
}

/// A fleet of fake phones.
pub struct Fleet {
    /// The port every phone listens on.
    pub port: u16,
    /// The phones' addresses, in the order of the behaviours given.
    pub addresses: Vec<String>,
    shared: Arc<Shared>,
    bound: Vec<SocketAddr>,
    threads: Vec<JoinHandle<()>>,
}

/// The loopback address of phone `i`: 127.0.0.2 upwards, last octets 1 to 254 only.
pub fn address(i: usize) -> Ipv4Addr {
    let k = i + 1;
    Ipv4Addr::new(127, 0, u8::try_from(k / 254).expect("at most 65,000 fake phones"), (k % 254 + 1) as u8)
}

impl Fleet {
    /// Starts one phone per behaviour; `delay` is added before every answer.
    pub fn start(behaviors: Vec<Behavior>, delay: Duration) -> Fleet {
        let addrs: Vec<Ipv4Addr> = (0..behaviors.len()).map(address).collect();
        for _ in 0..50 {
            let port = TcpListener::bind((addrs[0], 0)).unwrap().local_addr().unwrap().port();
            let mut listeners = Vec::new();
            let mut ok = true;
            for (a, b) in addrs.iter().zip(&behaviors) {
                if matches!(b, Behavior::Refuse) {
                    listeners.push(None);
                    continue;
                }
                match TcpListener::bind((*a, port)) {
                    Ok(l) => listeners.push(Some(l)),
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            let shared = Arc::new(Shared {
                stop: AtomicBool::new(false),
                methods: Mutex::new(Vec::new()),
                requests: AtomicUsize::new(0),
                in_flight: AtomicUsize::new(0),
                max_in_flight: AtomicUsize::new(0),
                delay,
            });
            let mut bound = Vec::new();
            let mut threads = Vec::new();
            for (l, b) in listeners.into_iter().zip(behaviors.iter().cloned()) {
                let Some(l) = l else { continue };
                bound.push(l.local_addr().unwrap());
                let shared = Arc::clone(&shared);
                threads.push(
                    std::thread::Builder::new()
                        .stack_size(64 * 1024)
                        .spawn(move || serve(l, b, port, &shared))
                        .unwrap(),
                );
            }
            return Fleet { port, addresses: addrs.iter().map(|a| a.to_string()).collect(), shared, bound, threads };
        }
        panic!("no free port common to all the fake phones' addresses");
    }

    /// Methods of every request received, in order.
    pub fn methods(&self) -> Vec<String> {
        self.shared.methods.lock().unwrap().clone()
    }

    /// Requests received.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// The most requests being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for a in &self.bound {
            // Wakes the accept() so the thread sees the stop flag.
            let _ = TcpStream::connect_timeout(a, Duration::from_secs(1));
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn serve(l: TcpListener, b: Behavior, port: u16, shared: &Shared) {
    let started = Instant::now();
    for conn in l.incoming() {
        if shared.stop.load(Ordering::SeqCst) || started.elapsed() > Duration::from_secs(600) {
            return;
        }
        let Ok(mut s) = conn else { continue };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
        let Some((method, path)) = read_head(&mut s) else { continue };
        shared.methods.lock().unwrap().push(method);
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if !shared.delay.is_zero() {
            std::thread::sleep(shared.delay);
        }
        // Out of flight before the answer goes out: the client may send its next request as
        // soon as it has the answer, and that one must not count while this one still does.
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        answer(&mut s, &b, &path, port, shared);
    }
}

fn read_head(s: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    let mut words = head.split_whitespace();
    Some((words.next()?.to_owned(), words.next()?.to_owned()))
}

fn answer(s: &mut TcpStream, b: &Behavior, path: &str, port: u16, shared: &Shared) {
    let reply = |s: &mut TcpStream, status: &str, extra: &str, body: &[u8]| {
        let head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n", body.len());
        let _ = s.write_all(head.as_bytes()).and_then(|()| s.write_all(body));
    };
    match b {
        Behavior::Pages(pages) => match pages.iter().find(|(p, _, _)| *p == path) {
            Some((_, ct, body)) => reply(s, "200 OK", &format!("Content-Type: {ct}\r\n"), body),
            None => reply(s, "404 Not Found", "Content-Type: text/html\r\n", b"<html>Error 404</html>"),
        },
        Behavior::Refuse => {}
        Behavior::Hang => {
            let t = Instant::now();
            while t.elapsed() < MAX_HOLD && !shared.stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        Behavior::Status(code) => reply(s, &format!("{code} Error"), "", b"no"),
        Behavior::Redirect(to) => {
            reply(s, "302 Found", &format!("Location: {}\r\n", to.replace("{port}", &port.to_string())), b"")
        }
        Behavior::Huge(n) => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {n}\r\n\r\n");
            let _ = s.write_all(head.as_bytes());
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = *n;
            while left > 0 {
                let k = left.min(chunk.len());
                if s.write_all(&chunk[..k]).is_err() {
                    break;
                }
                left -= k;
            }
        }
        Behavior::Moved { from, to, then } => {
            if path == *from {
                let to = to.replace("{port}", &port.to_string());
                reply(s, "302 Found", &format!("Location: {to}\r\n"), b"");
            } else {
                answer(s, then, path, port, shared);
            }
        }
        Behavior::Garbage => {
            let _ = s.write_all(b"\x00\x01garbage, not HTTP at all\r\n\r\n\xff\xfe");
        }
    }
}
