//! Files named by URL: `tftp://host[:port]/path`, `http://…`, `https://…`.

use std::time::Duration;

use crate::tftp;

/// The largest file fetched: far above any trust list (64 KiB) or signed config file.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Whether `arg` is a URL this tool fetches.
pub fn is_url(arg: &str) -> bool {
    ["tftp://", "http://", "https://"]
        .iter()
        .any(|p| arg.len() > p.len() && arg.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

/// Per-packet (TFTP) or whole-request (HTTP) timeout: `ITLCTL_TIMEOUT_MS`, else 2 s.
fn timeout() -> Duration {
    let ms = std::env::var("ITLCTL_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    Duration::from_millis(ms)
}

/// Downloads `url`, byte for byte.
pub fn get(url: &str) -> Result<Vec<u8>, String> {
    let u = url::Url::parse(url).map_err(|e| format!("not a valid URL ({e})"))?;
    let host = u.host_str().ok_or("the URL names no host")?.trim_matches(['[', ']']).to_owned();
    match u.scheme() {
        "tftp" => {
            let path = percent_decode(u.path().trim_start_matches('/'));
            let opts = tftp::Options { timeout: timeout(), retries: 5, max_bytes: MAX_BYTES };
            tftp::get(&host, u.port().unwrap_or(69), &path, opts)
        }
        _ => http_get(url),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn http_get(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(timeout() * 5)).build().into();
    let mut last = String::new();
    for _ in 0..3 {
        match agent.get(url).call() {
            Ok(mut resp) => {
                return resp
                    .body_mut()
                    .with_config()
                    .limit(MAX_BYTES as u64)
                    .read_to_vec()
                    .map_err(|e| format!("download failed: {e}"));
            }
            Err(ureq::Error::StatusCode(code)) => {
                let hint = if code == 404 {
                    "; check the file name (the TFTP service serves ITLFile.tlv over HTTP on port 6970)"
                } else {
                    ""
                };
                return Err(format!("HTTP {code}{hint}"));
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!("cannot download: {last}; check the host and port (CUCM serves HTTP on 6970)"))
}

/// The file name a URL ends in (`ITLFile.tlv`).
pub fn file_name(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(percent_decode)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "download.tlv".into())
}

/// The host a URL names.
pub fn host(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
}
