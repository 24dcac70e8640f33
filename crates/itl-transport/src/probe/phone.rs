//! Asking one phone: GETs of its pages, in the order of [`PAGE_PATHS`], each bounded in time
//! and size, redirects followed only on the phone's own address.

use std::time::{Duration, Instant};

use itl::devicetlinfo::{read_page, PhonePage, Reason, PAGE_PATHS};

use super::Options;

/// The largest page read; a longer answer is not understood.
pub const MAX_PAGE_BYTES: u64 = 1024 * 1024;
/// Redirects followed for one page (on the phone's own address only).
const MAX_REDIRECTS: usize = 3;
/// The `User-Agent` of every probe request.
pub const USER_AGENT: &str = concat!("itlctl-probe/", env!("CARGO_PKG_VERSION"), " (read-only)");

/// What one GET gave.
enum Fetch {
    /// A 2xx page.
    Page { body: Vec<u8>, content_type: Option<String> },
    /// An HTTP error status (4xx, 5xx, or a 1xx/3xx without a usable target).
    Status,
}

/// Why a GET gave nothing.
enum Fail {
    /// No connection, refused, reset, timed out: worth a second attempt.
    Transport,
    /// An answer that is not a page of this phone's: a redirect elsewhere, too large,
    /// not HTTP.
    NotUnderstood,
}

/// The HTTP client shared by every phone of a run.
pub(super) struct Client {
    agent: ureq::Agent,
    scheme: &'static str,
    port: u16,
    timeout: Duration,
}

impl Client {
    /// A client for `opts`. TLS certificates are not verified: see the module documentation
    /// of [`super`] for why.
    pub(super) fn new(opts: &Options) -> Client {
        let tls = ureq::tls::TlsConfig::builder().disable_verification(true).build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .tls_config(tls)
            .timeout_global(Some(opts.timeout.min(super::MAX_TIMEOUT)))
            .build()
            .into();
        let scheme = if opts.https { "https" } else { "http" };
        Client { agent, scheme, port: opts.port, timeout: opts.timeout.min(super::MAX_TIMEOUT) }
    }

    fn url(&self, host: &str, path: &str) -> String {
        if host.contains(':') {
            format!("{}://[{host}]:{}{path}", self.scheme, self.port)
        } else {
            format!("{}://{host}:{}{path}", self.scheme, self.port)
        }
    }

    /// GETs `path` of `host`, before `deadline` and within the per-request timeout.
    fn get(&self, host: &str, path: &str, deadline: Instant) -> Result<Fetch, Fail> {
        let mut url = self.url(host, path);
        for _ in 0..=MAX_REDIRECTS {
            let left = deadline.saturating_duration_since(Instant::now()).min(self.timeout);
            if left.is_zero() {
                return Err(Fail::Transport);
            }
            let mut resp = self.agent.get(&url).config().timeout_global(Some(left)).build().call().map_err(classify)?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) {
                let location = resp.headers().get("location").and_then(|v| v.to_str().ok());
                match location.and_then(|l| same_phone(&url, l)) {
                    Some(next) => {
                        url = next;
                        continue;
                    }
                    None if location.is_some() => return Err(Fail::NotUnderstood),
                    None => return Ok(Fetch::Status),
                }
            }
            if !(200..300).contains(&status) {
                return Ok(Fetch::Status);
            }
            let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = resp.body_mut().with_config().limit(MAX_PAGE_BYTES).read_to_vec().map_err(classify)?;
            return Ok(Fetch::Page { body, content_type });
        }
        Err(Fail::NotUnderstood)
    }
}

/// A redirect target, when it stays on the phone that sent it (same host; the scheme and
/// port may change, as an HTTP-to-HTTPS redirect does).
fn same_phone(from: &str, location: &str) -> Option<String> {
    let from = url::Url::parse(from).ok()?;
    let to = from.join(location).ok()?;
    (matches!(to.scheme(), "http" | "https") && to.host() == from.host()).then(|| to.into())
}

fn classify(e: ureq::Error) -> Fail {
    match e {
        ureq::Error::BodyExceedsLimit(_)
        | ureq::Error::Protocol(_)
        | ureq::Error::Http(_)
        | ureq::Error::TooManyRedirects
        | ureq::Error::RedirectFailed => Fail::NotUnderstood,
        _ => Fail::Transport,
    }
}

/// Asks one phone: at most two attempts (the second only after a connection failure or a
/// timeout), both within twice the per-request timeout.
pub(super) fn probe(client: &Client, host: &str) -> Result<PhonePage, Reason> {
    let deadline = Instant::now() + client.timeout.saturating_mul(2);
    for _ in 0..2 {
        match attempt(client, host, deadline) {
            Ok(result) => return result,
            Err(Fail::NotUnderstood) => return Err(Reason::NotUnderstood),
            Err(Fail::Transport) if Instant::now() >= deadline => break,
            Err(Fail::Transport) => {}
        }
    }
    Err(Reason::Unreachable)
}

/// One pass over the families' pages: the first network page with trust rows wins (or, for a
/// family that has one, its security page), then that family's device page when the model or
/// host name is still unknown.
fn attempt(client: &Client, host: &str, deadline: Instant) -> Result<Result<PhonePage, Reason>, Fail> {
    let mut page = PhonePage::default();
    let mut answered = false;
    for family in PAGE_PATHS {
        let Fetch::Page { body, content_type } = client.get(host, family.network, deadline)? else { continue };
        answered = true;
        page.merge(read_page(&body, content_type.as_deref()));
        if let (Some(security), false) = (family.security, page.has_trust_rows()) {
            if let Ok(Fetch::Page { body, content_type }) = client.get(host, security, deadline) {
                page.merge(read_page(&body, content_type.as_deref()));
            }
        }
        if !page.has_trust_rows() {
            continue;
        }
        if !page.trust_readable() {
            return Ok(Err(Reason::NotUnderstood));
        }
        if let (Some(device), true) = (family.device, page.model.is_none() || page.device_name.is_none()) {
            // The trust rows are in hand: a failure here costs only the model.
            if let Ok(Fetch::Page { body, content_type }) = client.get(host, device, deadline) {
                page.merge(read_page(&body, content_type.as_deref()));
            }
        }
        return Ok(Ok(page));
    }
    Ok(Err(if answered { Reason::NotUnderstood } else { Reason::NoWebAccess }))
}
