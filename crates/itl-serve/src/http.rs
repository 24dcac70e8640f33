//! The router: the pages and the API behind the safety layers (security headers on every
//! answer, the token, the same-origin rule for POSTs).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use subtle::ConstantTimeEq;

use crate::reply::plain;
use crate::{api, metrics, pages, App};

const COOKIE: &str = "itlctl_token";

/// Every route, with its layers.
pub(crate) fn router(app: App) -> Router {
    pages::routes()
        .merge(api::routes())
        .merge(metrics::routes())
        .merge(crate::plan_page::routes())
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(app.clone(), deadline))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(middleware::from_fn(headers))
        .with_state(app)
}

/// The names a request's `Host` may give when no token is set: loopback names, the listen
/// address, and the `--host` names. Anything else is refused, so a page elsewhere cannot
/// reach the server through a name it controls (DNS rebinding).
#[derive(Debug, Clone, Default)]
pub(crate) struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// For a server listening on `listen`, with the `--host` names `extra`.
    pub fn new(listen: std::net::SocketAddr, extra: &[String]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].iter().map(|s| (*s).to_owned()).collect();
        names.push(listen.ip().to_string());
        names.extend(extra.iter().map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase()));
        Hosts { names }
    }

    /// Whether `host` (a `Host` header: name or address, optionally with a port) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        // `[::1]:8080`, `[::1]`, `name:8080`, `name`.
        let name = if let Some(rest) = host.strip_prefix('[') {
            rest.split(']').next().unwrap_or("")
        } else {
            match host.rsplit_once(':') {
                Some((n, port)) if port.bytes().all(|b| b.is_ascii_digit()) => n,
                _ => host,
            }
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        if name.ends_with(".localhost") {
            return true;
        }
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            if ip.is_loopback() {
                return true;
            }
        }
        self.names.contains(&name)
    }
}

/// A request that takes longer than the request timeout (a body sent slowly) gets 408.
async fn deadline(State(app): State<App>, req: Request, next: Next) -> Response {
    let limit = std::time::Duration::from_secs(app.limits.request_timeout);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => plain(StatusCode::REQUEST_TIMEOUT, "408 Request Timeout: the request took too long to arrive"),
    }
}

/// The headers every answer carries.
pub(crate) const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// CSP and nosniff on every response.
async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (k, v) in SECURITY_HEADERS {
        h.insert(k, HeaderValue::from_static(v));
    }
    res
}

fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn cookie_token(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == COOKIE).then(|| v.to_owned())
    })
}

fn query_token(q: Option<&str>) -> Option<String> {
    q?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == "token")
            .then(|| percent_encoding::percent_decode_str(&v.replace('+', " ")).decode_utf8_lossy().into_owned())
    })
}

/// The token (when one is set; without one, the `Host` allow-list) and the same-origin
/// rule for POSTs.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    if app.shared.token.is_none() {
        let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).or(req.uri().host());
        if !host.is_some_and(|h| app.hosts.allows(h)) {
            return plain(
                StatusCode::MISDIRECTED_REQUEST,
                "421 Misdirected Request: this server answers to its own address only (add others with --host NAME)",
            );
        }
    }
    if let Some(token) = &app.shared.token {
        let h = req.headers();
        let bearer = h
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .is_some_and(|t| same(t, token));
        let cookie = cookie_token(h).is_some_and(|t| same(&t, token));
        if !bearer && !cookie {
            let q = query_token(req.uri().query());
            if req.method() == Method::GET && req.uri().path() == "/" && q.as_deref().is_some_and(|t| same(t, token)) {
                let mut res = Redirect::to("/").into_response();
                let c = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
                if let Ok(v) = HeaderValue::from_str(&c) {
                    res.headers_mut().insert(header::SET_COOKIE, v);
                }
                return res;
            }
            let mut res = plain(
                StatusCode::UNAUTHORIZED,
                "401 Unauthorized: send Authorization: Bearer TOKEN, or open /?token=TOKEN once in this browser",
            );
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return res;
        }
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let h = req.headers();
        let cross = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site");
        let origin_ok = match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(o) => {
                let host = h.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
                !host.is_empty() && (o == format!("http://{host}") || o == format!("https://{host}"))
            }
        };
        if cross || !origin_ok {
            return plain(StatusCode::FORBIDDEN, "403 Forbidden: this request comes from another site's page");
        }
    }
    next.run(req).await
}
