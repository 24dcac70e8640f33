//! Files named by URL: `tftp://host[:port]/path`, `http://…`, `https://…`, fetched by the
//! transport the scheme names.

use std::time::Duration;

use percent_encoding::percent_decode_str;

use crate::{http, tftp, Error, ErrorKind};

/// The largest file fetched: far above any trust list (64 KiB) or signed config file.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

/// The schemes [`download`] fetches.
const SCHEMES: [&str; 3] = ["tftp://", "http://", "https://"];

/// Whether `arg` is a URL [`download`] fetches: `tftp://`, `http://` or `https://` (any case)
/// followed by something.
pub fn is_url(arg: &str) -> bool {
    SCHEMES.iter().any(|p| arg.len() > p.len() && arg.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
}

/// Per-packet (TFTP) timeout, a fifth of the whole-request (HTTP) one: the environment
/// variable `ITLCTL_TIMEOUT_MS`, else 2 s.
pub fn timeout() -> Duration {
    let ms = std::env::var("ITLCTL_TIMEOUT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    Duration::from_millis(ms)
}

/// Downloads `url` byte for byte, at most [`MAX_BYTES`], with the [`timeout`]: over TFTP
/// (5 retries a packet, port 69 by default) or HTTP(S) (3 tries).
pub fn download(url: &str) -> Result<Vec<u8>, Error> {
    let u = url::Url::parse(url).map_err(|e| Error::new(ErrorKind::Url, format!("not a valid URL ({e})")))?;
    let host = u.host_str().ok_or_else(|| Error::new(ErrorKind::Url, "the URL names no host"))?;
    let host = host.trim_matches(['[', ']']);
    match u.scheme() {
        "tftp" => {
            let path = percent_decode(u.path().trim_start_matches('/'));
            let opts = tftp::Options { timeout: timeout(), retries: 5, max_bytes: MAX_BYTES };
            tftp::get(host, u.port().unwrap_or(69), &path, opts)
        }
        "http" | "https" => http::get(url, http::Options { timeout: timeout() * 5, tries: 3, max_bytes: MAX_BYTES }),
        other => Err(Error::new(ErrorKind::Url, format!("{other}:// is not a tftp://, http:// or https:// URL"))),
    }
}

fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The file name a URL ends in (`ITLFile.tlv`), percent-decoded; `download.tlv` when it
/// names none.
pub fn file_name(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back().map(percent_decode)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "download.tlv".into())
}

/// The host a URL names; empty when it names none.
pub fn host(url: &str) -> String {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_the_three_schemes_in_any_case() {
        assert!(is_url("tftp://cucm/ITLFile.tlv"));
        assert!(is_url("HTTP://cucm:6970/ITLFile.tlv"));
        assert!(is_url("https://x"));
        assert!(!is_url("https://"));
        assert!(!is_url("ftp://cucm/ITLFile.tlv"));
        assert!(!is_url("ITLFile.tlv"));
        assert!(!is_url("tftp:/cucm/ITLFile.tlv"));
    }

    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(file_name("tftp://cucm/ITL%20File.tlv"), "ITL File.tlv");
        assert_eq!(file_name("http://cucm:6970/dir/ITLSEP001122334455.tlv"), "ITLSEP001122334455.tlv");
        assert_eq!(file_name("http://cucm:6970/"), "download.tlv");
        assert_eq!(host("http://[::1]:6970/ITLFile.tlv"), "[::1]");
    }

    #[test]
    fn bad_urls_are_url_errors() {
        assert_eq!(download("tftp://").unwrap_err().kind(), ErrorKind::Url);
        assert_eq!(download("http://:80/x").unwrap_err().kind(), ErrorKind::Url);
    }
}
