//! Accepting connections within limits: a cap on open connections (with a log line when it
//! is reached), backoff instead of spinning on accept errors (a full file table), timeouts
//! on headers and idle connections, the security headers even on hyper's own error
//! answers, and a graceful shutdown with a deadline.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The limits of the network side (defaults in [`Limits::default`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Open HTTP connections at most.
    pub http_connections: usize,
    /// Open TCP/TLS syslog connections at most (all listeners together).
    pub syslog_connections: usize,
    /// Seconds to send a request's headers.
    pub header_timeout: u64,
    /// Seconds an HTTP connection may stay silent (between requests, or within a body).
    pub http_idle_timeout: u64,
    /// Seconds a syslog connection may stay silent.
    pub syslog_idle_timeout: u64,
    /// Seconds to finish a TLS handshake.
    pub handshake_timeout: u64,
    /// Seconds a request may take from its headers to its answer.
    pub request_timeout: u64,
    /// Seconds given to open connections when the server stops.
    pub shutdown_timeout: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            http_connections: 256,
            syslog_connections: 256,
            header_timeout: 10,
            http_idle_timeout: 60,
            syslog_idle_timeout: 900,
            handshake_timeout: 10,
            request_timeout: 120,
            shutdown_timeout: 5,
        }
    }
}

impl Limits {
    /// These limits within the process's file limit: the connections of both kinds leave
    /// room for the database, the listeners and the reference files.
    pub fn within_file_limit(mut self) -> Self {
        if let Some(n) = open_file_limit() {
            let room = n.saturating_sub(64) / 2;
            self.http_connections = self.http_connections.min(room.max(4));
            self.syslog_connections = self.syslog_connections.min(room.max(4));
        }
        self
    }
}

/// The soft `nofile` limit (Linux: `/proc/self/limits`).
fn open_file_limit() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..].split_whitespace().next()?.parse().ok()
}

/// Accepts connections from `listener` while fewer than `cap` are open, calling `each` with
/// each one and the permit it holds; logs once when the cap is reached, and backs off (up to
/// a second) on accept errors instead of retrying at once.
pub async fn accept_loop<F, Fut>(listener: TcpListener, cap: Arc<Semaphore>, what: String, mut each: F)
where
    F: FnMut(TcpStream, SocketAddr, OwnedSemaphorePermit) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut backoff = Duration::from_millis(10);
    let mut full_logged = false;
    loop {
        let permit = match cap.clone().try_acquire_owned() {
            Ok(p) => {
                full_logged = false;
                p
            }
            Err(_) => {
                if !full_logged {
                    eprintln!(
                        "itlctl: {what}: the limit of open connections is reached; new ones wait until one closes"
                    );
                    full_logged = true;
                }
                match cap.clone().acquire_owned().await {
                    Ok(p) => p,
                    Err(_) => return,
                }
            }
        };
        match listener.accept().await {
            Ok((stream, from)) => {
                backoff = Duration::from_millis(10);
                let _ = stream.set_nodelay(true);
                tokio::spawn(each(stream, from, permit));
            }
            Err(e) => {
                drop(permit);
                if backoff >= Duration::from_millis(640) {
                    eprintln!(
                        "itlctl: {what}: cannot accept a connection: {e}; retrying in {} ms",
                        backoff.as_millis()
                    );
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// A connection that fails with `TimedOut` after `idle` without any byte read or written.
pub struct Idle<S> {
    inner: S,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    /// Security headers to add to an error answer written without them (hyper's own 400,
    /// 414, 431): the bytes being written instead, and the length the caller gave.
    rewrite: Option<(Vec<u8>, usize, usize)>,
    patch_errors: bool,
}

impl<S> Idle<S> {
    /// Wraps `inner`; with `patch_errors`, hyper's own error answers get the security headers.
    pub fn new(inner: S, idle: Duration, patch_errors: bool) -> Self {
        Idle { inner, idle, timer: Box::pin(tokio::time::sleep(idle)), rewrite: None, patch_errors }
    }

    fn touch(&mut self) {
        let at = Instant::now() + self.idle;
        self.timer.as_mut().reset(at);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.timer.as_mut().poll(cx).is_ready()
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the connection stayed idle too long")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// If `b` is an HTTP error answer of hyper's own (400, 414, 431) without the security
/// headers, the same answer with them.
fn patched(b: &[u8]) -> Option<Vec<u8>> {
    let head = b.get(..13)?;
    if !(head.starts_with(b"HTTP/1.1 4") || head.starts_with(b"HTTP/1.0 4")) {
        return None;
    }
    if !matches!(&head[9..12], b"400" | b"414" | b"431" | b"408") {
        return None;
    }
    let end = b.windows(4).position(|w| w == b"\r\n\r\n")?;
    let lower = b[..end].to_ascii_lowercase();
    if lower.windows(23).any(|w| w == b"content-security-policy") {
        return None;
    }
    let line = b.windows(2).position(|w| w == b"\r\n")?;
    let mut out = Vec::with_capacity(b.len() + 200);
    out.extend_from_slice(&b[..line + 2]);
    for (k, v) in crate::http::SECURITY_HEADERS {
        out.extend_from_slice(k.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(&b[line + 2..]);
    Some(out)
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.rewrite.is_none() && self.patch_errors {
            if let Some(p) = patched(buf) {
                self.rewrite = Some((p, 0, buf.len()));
            }
        }
        if let Some((bytes, mut at, given)) = self.rewrite.take() {
            while at < bytes.len() {
                match Pin::new(&mut self.inner).poll_write(cx, &bytes[at..]) {
                    Poll::Ready(Ok(n)) if n > 0 => at += n,
                    Poll::Ready(Ok(_)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        self.rewrite = Some((bytes, at, given));
                        return Poll::Pending;
                    }
                }
            }
            self.touch();
            return Poll::Ready(Ok(given));
        }
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.touch();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if self.expired(cx) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the peer reads nothing")))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// More connections than can ever be open (a count, not a limit).
const OPEN_MAX: u32 = 1 << 24;

/// Serves HTTP on `listener` with `app` until `stop` turns true; then the open connections
/// finish their request within `limits.shutdown_timeout` seconds, after which they are
/// dropped.
pub async fn serve_http(listener: TcpListener, app: axum::Router, limits: Limits, mut stop: watch::Receiver<bool>) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let cap = Arc::new(Semaphore::new(limits.http_connections.max(1)));
    let open = Arc::new(Semaphore::new(OPEN_MAX as usize));
    let stop_conns = stop.clone();
    let accepting = {
        let open = open.clone();
        accept_loop(listener, cap, "http".into(), move |stream, _from, permit| {
            let app = app.clone();
            let mut stop = stop_conns.clone();
            let open = open.clone();
            async move {
                let _permit = permit;
                let Ok(_alive) = open.acquire_owned().await else { return };
                let svc = hyper_util::service::TowerToHyperService::new(app);
                let io = TokioIo::new(Idle::new(stream, Duration::from_secs(limits.http_idle_timeout), true));
                let mut b = hyper::server::conn::http1::Builder::new();
                b.timer(TokioTimer::new()).header_read_timeout(Duration::from_secs(limits.header_timeout));
                b.writev(false);
                let conn = b.serve_connection(io, svc);
                tokio::pin!(conn);
                tokio::select! {
                    _ = conn.as_mut() => return,
                    _ = stop.wait_for(|s| *s) => {}
                }
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        })
    };
    tokio::select! {
        _ = accepting => {}
        _ = stop.wait_for(|s| *s) => {}
    }
    // Wait for the connections to finish, up to the deadline.
    let _ = tokio::time::timeout(Duration::from_secs(limits.shutdown_timeout), open.acquire_many(OPEN_MAX)).await;
}
