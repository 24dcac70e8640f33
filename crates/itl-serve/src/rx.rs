//! Syslog receivers: UDP (one message per datagram), TCP and TLS (newline-framed or
//! octet-counted, RFC 6587, one framing per connection).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use itl::devicetlinfo::syslog::{Joiner, Outcome, MAX_MESSAGE_BYTES};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::TcpListener;

use crate::ingest::{self, Batch, Cmd};

/// Incomplete split messages the UDP receiver keeps (each at most [`MAX_MESSAGE_BYTES`]:
/// 32 MiB at worst), and for how long (seconds).
const PENDING: usize = 512;
const PART_TIMEOUT: u64 = 30;

fn add(b: &mut Batch, outs: Vec<Outcome>, source: &'static str) {
    for o in outs {
        match o {
            Outcome::Report(mut r) => {
                if crate::check::report(&mut r) {
                    b.reports.push((r, source));
                } else {
                    b.skipped += 1;
                }
            }
            Outcome::Other => b.other += 1,
            Outcome::Pending => {}
            Outcome::Skipped(_) => b.skipped += 1,
        }
    }
}

/// Reads one message's bytes into `b`.
fn message<K: std::hash::Hash + Eq + Clone>(
    j: &mut Joiner<K>,
    from: &K,
    bytes: &[u8],
    now: u64,
    b: &mut Batch,
    source: &'static str,
) {
    if bytes.len() > MAX_MESSAGE_BYTES {
        b.skipped += 1;
        return;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => add(b, j.push(from, text, now), source),
        Err(_) => add(b, j.push(from, &String::from_utf8_lossy(bytes), now), source),
    }
}

/// Binds a UDP socket with a large receive buffer, blocking with a short read timeout (the
/// receiving thread checks whether to stop between datagrams).
pub fn bind_udp(addr: SocketAddr) -> std::io::Result<std::net::UdpSocket> {
    let s = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::DGRAM, None)?;
    let _ = s.set_recv_buffer_size(32 * 1024 * 1024);
    s.bind(&addr.into())?;
    let s: std::net::UdpSocket = s.into();
    s.set_read_timeout(Some(Duration::from_millis(200)))?;
    Ok(s)
}

/// Datagrams as received, before they are read: their bytes one after another.
#[derive(Default)]
struct Datagrams {
    bytes: Vec<u8>,
    /// Sender, end offset in `bytes`.
    each: Vec<(SocketAddr, usize)>,
    /// Datagrams over [`MAX_MESSAGE_BYTES`].
    oversize: u64,
}

/// The receiving thread only copies datagrams; while the reading thread is busy they wait
/// in user space rather than overflow the kernel's socket buffer: up to [`HANDOVERS`]
/// handovers queued, each at most [`HOLD_BYTES`] (so at most 64 MiB in all). Each turn takes
/// at most [`TURN_BYTES`] off the socket before trying to hand over.
const TURN_BYTES: usize = 1024 * 1024;
const HOLD_BYTES: usize = 4 * 1024 * 1024;
const HANDOVERS: usize = 16;

/// Starts the threads that receive datagrams on `sock` and read them (one message per
/// datagram) into batches for the writer, until `stop` is set; join the handle to wait
/// until what was received is queued for the writer.
pub fn udp(
    sock: std::net::UdpSocket,
    tx: SyncSender<Cmd>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let (hand, take) = std::sync::mpsc::sync_channel::<Datagrams>(HANDOVERS);
    let reader = std::thread::Builder::new().name("itlctl-udp-read".into()).spawn(move || read_datagrams(take, tx));
    std::thread::Builder::new().name("itlctl-udp".into()).spawn(move || {
        receive(&sock, &hand, &stop);
        drop(hand);
        if let Ok(r) = reader {
            let _ = r.join();
        }
    })
}

/// Receives datagrams: blocks for the first, then takes what else is queued without
/// waiting, and hands them over together.
fn receive(sock: &std::net::UdpSocket, hand: &SyncSender<Datagrams>, stop: &AtomicBool) {
    let mut buf = vec![0u8; MAX_MESSAGE_BYTES + 2];
    let mut d = Datagrams::default();
    let keep = |d: &mut Datagrams, n: usize, from: SocketAddr, buf: &[u8]| {
        if n > MAX_MESSAGE_BYTES {
            d.oversize += 1;
        } else {
            d.bytes.extend_from_slice(&buf[..n]);
            d.each.push((from, d.bytes.len()));
        }
    };
    while !stop.load(Ordering::Relaxed) {
        // The timeout, ICMP errors and the like: nothing to read this time.
        if let Ok((n, from)) = sock.recv_from(&mut buf) {
            keep(&mut d, n, from, &buf);
            if sock.set_nonblocking(true).is_ok() {
                let until = d.bytes.len() + TURN_BYTES;
                while d.bytes.len() < until {
                    match sock.recv_from(&mut buf) {
                        Ok((n, from)) => keep(&mut d, n, from, &buf),
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(_) => continue,
                    }
                }
                let _ = sock.set_nonblocking(false);
            }
        }
        if d.each.is_empty() && d.oversize == 0 {
            continue;
        }
        // Hand over without waiting; when the queue is full keep what came, up to a limit.
        match hand.try_send(std::mem::take(&mut d)) {
            Ok(()) => {}
            Err(TrySendError::Full(back)) => {
                d = back;
                if d.bytes.len() >= HOLD_BYTES && hand.send(std::mem::take(&mut d)).is_err() {
                    return;
                }
            }
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
    if !d.each.is_empty() || d.oversize > 0 {
        let _ = hand.send(d);
    }
}

/// Reads handed-over datagrams into batches for the writer, until the receiver stops.
fn read_datagrams(take: Receiver<Datagrams>, tx: SyncSender<Cmd>) {
    let start = Instant::now();
    let mut joiner: Joiner<SocketAddr> = Joiner::new(PENDING, PART_TIMEOUT);
    let mut last_expire = 0;
    let mut open = true;
    while open {
        let mut b = Batch { retry: true, ..Batch::default() };
        match take.recv_timeout(Duration::from_secs(1)) {
            Ok(d) => {
                let now = start.elapsed().as_secs();
                read_into(&mut joiner, d, now, &mut b);
                // Whatever else is waiting goes in the same batch.
                while b.reports.len() < 8192 {
                    match take.try_recv() {
                        Ok(d) => read_into(&mut joiner, d, now, &mut b),
                        Err(_) => break,
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => open = false,
        }
        let now = start.elapsed().as_secs();
        if now > last_expire || !open {
            last_expire = now;
            b.skipped += joiner.expire(if open { now } else { u64::MAX }) as u64;
        }
        if !b.is_empty() && tx.send(Cmd::Batch(b)).is_err() {
            return;
        }
    }
}

fn read_into(joiner: &mut Joiner<SocketAddr>, d: Datagrams, now: u64, b: &mut Batch) {
    b.skipped += d.oversize;
    let mut at = 0;
    for (from, end) in d.each {
        message(joiner, &from, &d.bytes[at..end], now, b, "udp");
        at = end;
    }
}

/// What the TCP/TLS receivers share: the cap on their connections, the split messages
/// waiting in all of them, their limits.
pub struct TcpShared {
    /// Open connections allowed (all TCP/TLS listeners together).
    pub cap: Arc<tokio::sync::Semaphore>,
    /// Split messages waiting for their parts, over every connection.
    pub pending: AtomicUsize,
    /// Seconds a connection may stay silent, and to finish a TLS handshake.
    pub limits: crate::listen::Limits,
}

impl TcpShared {
    /// For `limits`.
    pub fn new(limits: crate::listen::Limits) -> Arc<Self> {
        Arc::new(TcpShared {
            cap: Arc::new(tokio::sync::Semaphore::new(limits.syslog_connections.max(1))),
            pending: AtomicUsize::new(0),
            limits,
        })
    }
}

/// Accepts TCP (or, with `tls`, TLS) connections until the process ends, within the cap
/// and the timeouts of `shared`.
pub async fn tcp(
    listener: TcpListener,
    tx: SyncSender<Cmd>,
    tls: Option<Arc<tokio_rustls::TlsAcceptor>>,
    shared: Arc<TcpShared>,
) {
    let what = format!(
        "syslog {}://{}",
        if tls.is_some() { "tls" } else { "tcp" },
        listener.local_addr().map(|a| a.to_string()).unwrap_or_default()
    );
    let cap = shared.cap.clone();
    crate::listen::accept_loop(listener, cap, what, move |stream, from, permit| {
        let tx = tx.clone();
        let tls = tls.clone();
        let shared = shared.clone();
        async move {
            let _permit = permit;
            let idle = Duration::from_secs(shared.limits.syslog_idle_timeout);
            let stream = crate::listen::Idle::new(stream, idle, false);
            match tls {
                None => stream_messages(stream, from, tx, "tcp", &shared).await,
                Some(acc) => {
                    let hs = Duration::from_secs(shared.limits.handshake_timeout);
                    if let Ok(Ok(s)) = tokio::time::timeout(hs, acc.accept(stream)).await {
                        stream_messages(s, from, tx, "tls", &shared).await;
                    }
                }
            }
        }
    })
    .await;
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Framing {
    Unknown,
    Newline,
    Octets,
}

/// Split messages one connection keeps waiting for their parts (each at most
/// [`MAX_MESSAGE_BYTES`]), and all connections together.
const PENDING_PER_CONNECTION: usize = 16;
const PENDING_TOTAL: usize = 512;
/// The longest octet count read: a message is at most [`MAX_MESSAGE_BYTES`] (5 digits).
const MAX_COUNT_DIGITS: usize = 9;

/// Splits what arrives into messages; each read's reports are committed before the next
/// read (so what a sender wrote is stored before the connection takes more).
///
/// The framing is decided by the first byte: a digit starts an octet count (RFC 6587
/// octet counting), anything else a line. Every buffer is bounded: a line or message over
/// [`MAX_MESSAGE_BYTES`] is counted as skipped and dropped as it streams by, an octet
/// count longer than [`MAX_COUNT_DIGITS`] ends the connection, and split messages wait
/// within [`PENDING_PER_CONNECTION`] here and [`PENDING_TOTAL`] over all connections.
async fn stream_messages<S: AsyncRead + Unpin>(
    mut s: S,
    from: SocketAddr,
    tx: SyncSender<Cmd>,
    source: &'static str,
    shared: &TcpShared,
) {
    let start = Instant::now();
    let mut joiner: Joiner<SocketAddr> = Joiner::new(PENDING_PER_CONNECTION, PART_TIMEOUT);
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut framing = Framing::Unknown;
    let mut discarding = false;
    // Bytes of `buf` already searched for a newline.
    let mut scanned = 0;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut waiting = 0usize;
    loop {
        let n = match s.read(&mut chunk).await {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let eof = n == 0;
        buf.extend_from_slice(&chunk[..n]);
        let now = start.elapsed().as_secs();
        let mut b = Batch { retry: true, ..Batch::default() };
        if framing == Framing::Unknown {
            if let Some(c) = buf.first() {
                framing = if c.is_ascii_digit() { Framing::Octets } else { Framing::Newline };
            }
        }
        let mut used = 0;
        let mut lost_framing = false;
        match framing {
            Framing::Newline => {
                while let Some(i) = memchr_at(&buf[scanned..]) {
                    let end = scanned + i;
                    let line = &buf[used..end];
                    if discarding {
                        discarding = false;
                    } else if !line.iter().all(|c| c.is_ascii_whitespace()) {
                        message(&mut joiner, &from, line, now, &mut b, source);
                    }
                    used = end + 1;
                    scanned = used;
                }
                scanned = buf.len();
                if buf.len() - used > MAX_MESSAGE_BYTES {
                    // Too long: count it once, drop up to the next newline.
                    if !discarding {
                        b.skipped += 1;
                    }
                    discarding = true;
                    used = buf.len();
                }
                if eof && used < buf.len() && !discarding {
                    message(&mut joiner, &from, &buf[used..], now, &mut b, source);
                    used = buf.len();
                }
            }
            Framing::Octets => loop {
                let rest = &buf[used..];
                let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > MAX_COUNT_DIGITS || (digits < rest.len() && (digits == 0 || rest[digits] != b' ')) {
                    // Lost the framing: nothing more can be read on this connection.
                    lost_framing = true;
                    break;
                }
                if digits == rest.len() {
                    break;
                }
                let len: usize = std::str::from_utf8(&rest[..digits]).ok().and_then(|d| d.parse().ok()).unwrap_or(0);
                if rest.len() < digits + 1 + len {
                    if len > MAX_MESSAGE_BYTES {
                        // Skip it as it streams by.
                        b.skipped += 1;
                        let mut left = digits + 1 + len - rest.len();
                        used = buf.len();
                        while left > 0 {
                            let m = match s.read(&mut chunk[..left.min(64 * 1024)]).await {
                                Ok(0) | Err(_) => {
                                    lost_framing = true;
                                    break;
                                }
                                Ok(m) => m,
                            };
                            left -= m;
                        }
                    }
                    break;
                }
                let msg = &rest[digits + 1..digits + 1 + len];
                message(&mut joiner, &from, msg, now, &mut b, source);
                used += digits + 1 + len;
            },
            Framing::Unknown => {}
        }
        buf.drain(..used);
        scanned = scanned.saturating_sub(used);
        b.skipped += joiner.expire(now) as u64;
        // The split messages of every connection together stay bounded: over the total,
        // this connection's wait no longer.
        let mine = joiner.pending();
        let total = if mine >= waiting {
            shared.pending.fetch_add(mine - waiting, Ordering::Relaxed) + (mine - waiting)
        } else {
            shared.pending.fetch_sub(waiting - mine, Ordering::Relaxed) - (waiting - mine)
        };
        waiting = mine;
        let end = eof || lost_framing;
        if end || total > PENDING_TOTAL {
            b.skipped += joiner.expire(u64::MAX) as u64;
            shared.pending.fetch_sub(waiting, Ordering::Relaxed);
            waiting = 0;
        }
        if end && !buf.is_empty() {
            b.skipped += 1;
        }
        if !b.is_empty() && ingest::commit(&tx, b).await.is_err() {
            shared.pending.fetch_sub(waiting, Ordering::Relaxed);
            return;
        }
        if end {
            return;
        }
    }
}

fn memchr_at(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}
