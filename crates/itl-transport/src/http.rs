//! The HTTP(S) client: a whole file in one GET, size-capped, with retries for failed
//! connections. CUCM's TFTP service serves the same files over HTTP on port 6970.

use std::time::Duration;

use crate::{Error, ErrorKind};

/// Timeout, tries and limit of a download.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The longest a whole request (connect, headers, body) may take.
    pub timeout: Duration,
    /// Tries when the connection fails (an HTTP status is never retried).
    pub tries: u32,
    /// Refuse bodies larger than this.
    pub max_bytes: usize,
}

/// Downloads `url` (`http://` or `https://`) byte for byte.
pub fn get(url: &str, opts: Options) -> Result<Vec<u8>, Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(opts.timeout)).build().into();
    let mut last = String::new();
    for _ in 0..opts.tries.max(1) {
        match agent.get(url).call() {
            Ok(mut resp) => {
                return resp.body_mut().with_config().limit(opts.max_bytes as u64).read_to_vec().map_err(|e| {
                    let kind = match e {
                        ureq::Error::BodyExceedsLimit(_) => ErrorKind::TooLarge,
                        _ => ErrorKind::Network,
                    };
                    Error::new(kind, format!("download failed: {e}"))
                });
            }
            Err(ureq::Error::StatusCode(code)) => {
                let hint = if code == 404 {
                    "; check the file name (the TFTP service serves ITLFile.tlv over HTTP on port 6970)"
                } else {
                    ""
                };
                return Err(Error::new(ErrorKind::Server, format!("HTTP {code}{hint}")));
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(Error::new(
        ErrorKind::Network,
        format!("cannot download: {last}; check the host and port (CUCM serves HTTP on 6970)"),
    ))
}
