//! Reading the user's files (bounded), folders, and the one-line error format.

use std::io::Read as _;
use std::time::SystemTime;

/// Exit code: every file read and every verdict positive.
pub const OK: u8 = 0;
/// Exit code: a negative verdict.
pub const NEGATIVE: u8 = 1;
/// Exit code: an unreadable or malformed file, or a bad command line.
pub const FAILED: u8 = 2;

/// A file's bytes and modification time.
pub struct Input {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// mtime, when the file system gives one.
    pub modified: Option<SystemTime>,
}

/// The most a trust list may take: phones refuse files over 64 KiB, so a file over 1 MiB
/// is not one (and `/dev/zero` or an endless stdin is never read into memory).
pub const MAX_TRUST_LIST: u64 = 1024 * 1024;

/// The most a signed file (`.sgn`, `.sha512`, `.enc.sgn`) may take: firmware images are
/// signed too, and run to tens of megabytes.
pub const MAX_SIGNED: u64 = 64 * 1024 * 1024;

/// Reads `path` (a file, `-` for stdin, or a URL), at most `limit` bytes; the error says
/// what to do.
pub fn read_limited(path: &str, limit: u64) -> Result<Input, String> {
    read_bounded(path, limit, limit)
}

/// Reads a file `show` describes: a trust list (at most [`MAX_TRUST_LIST`]), or a signed
/// file or Cisco image (at most [`MAX_SIGNED`]); a file past the first bound is read on
/// only when its first bytes are one of those.
pub fn read_document(path: &str) -> Option<Input> {
    read_bounded(path, MAX_TRUST_LIST, MAX_SIGNED).map_err(|e| fail(path, &e)).ok()
}

/// Reads at most `limit` bytes, or `signed_limit` when the first bytes are a signed file
/// or a Cisco image; the error for a larger file says what it is.
fn read_bounded(path: &str, limit: u64, signed_limit: u64) -> Result<Input, String> {
    let bound = |bytes: &[u8]| {
        if bytes.len() as u64 > limit && itl::document::may_be_large(bytes) {
            signed_limit
        } else {
            limit
        }
    };
    if crate::fetch::is_url(path) {
        let bytes = crate::fetch::get(path)?;
        let max = bound(&bytes);
        if bytes.len() as u64 > max {
            return Err(itl::document::too_large(&bytes, max));
        }
        return Ok(Input { bytes, modified: None });
    }
    let cannot = |e: std::io::Error| format!("cannot read: {e}; check the path and permissions");
    let (reader, modified): (Box<dyn std::io::Read>, _) = if path == "-" {
        (Box::new(std::io::stdin()), None)
    } else {
        let f = std::fs::File::open(path).map_err(cannot)?;
        let meta = f.metadata().map_err(cannot)?;
        if meta.is_dir() {
            return Err(
                "is a folder; give a file, or use a command that reads folders (show, verify, lint, hash)".into()
            );
        }
        (Box::new(f), meta.modified().ok())
    };
    let mut bytes = Vec::new();
    let mut reader = std::io::Read::take(reader, limit + 1);
    std::io::Read::read_to_end(&mut reader, &mut bytes).map_err(cannot)?;
    let max = bound(&bytes);
    if max > limit {
        reader.set_limit(max - limit);
        std::io::Read::read_to_end(&mut reader, &mut bytes).map_err(cannot)?;
    }
    if bytes.len() as u64 > max {
        return Err(itl::document::too_large(&bytes, max));
    }
    Ok(Input { bytes, modified })
}

/// Reads a trust list (at most [`MAX_TRUST_LIST`]), or prints `itlctl: PATH: …` and returns
/// `None`.
pub fn read(path: &str) -> Option<Input> {
    read_with(path, MAX_TRUST_LIST)
}

/// Reads a trust list for `verify`, `lint` or `hash` over many files. When it cannot be
/// read, prints why and gives the exit code with, for `--json`, the array's entry
/// `{"file","error":{"kind":"read",…}}`, so that every file argument has its entry.
pub fn read_entry(path: &str, json: bool) -> Result<Input, (u8, Option<serde_json::Value>)> {
    read_limited(path, MAX_TRUST_LIST).map_err(|e| {
        fail(path, &e);
        let entry =
            json.then(|| serde_json::to_value(itl::json::FileErrorJson::unreadable(path, &e)).unwrap_or_default());
        (FAILED, entry)
    })
}

/// Reads a file of at most `limit` bytes, or prints the error and returns `None`.
pub fn read_with(path: &str, limit: u64) -> Option<Input> {
    match read_limited(path, limit) {
        Ok(i) => Some(i),
        Err(e) => {
            fail(path, &e);
            None
        }
    }
}

/// Whether a file name is a trust list a TFTP folder holds: `ITL*.tlv` or `CTL*.tlv` (also
/// `ext_ITL*.tlv`), any case.
fn is_trust_list_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_prefix("ext_").unwrap_or(&n);
    (n.starts_with("itl") || n.starts_with("ctl")) && n.ends_with(".tlv")
}

/// Turns folder arguments into the trust lists they hold (sorted by name; `recursive`
/// descends into sub-folders); other arguments pass through. Prints an error for a folder
/// that cannot be read or holds no trust list, and says so in the second value.
pub fn expand(args: &[String], recursive: bool) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut ok = true;
    for a in args {
        if crate::fetch::is_url(a) || a == "-" || !std::path::Path::new(a).is_dir() {
            out.push(a.clone());
            continue;
        }
        let before = out.len();
        if let Err(e) = walk(std::path::Path::new(a), recursive, &mut out) {
            fail(a, &format!("cannot read the folder: {e}"));
            ok = false;
        } else if out.len() == before {
            let hint = if recursive { "" } else { " (--recursive descends into sub-folders)" };
            fail(a, &format!("holds no ITL*.tlv or CTL*.tlv file{hint}"));
            ok = false;
        }
    }
    (out, ok)
}

fn walk(dir: &std::path::Path, recursive: bool, out: &mut Vec<String>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if recursive {
                walk(&p, recursive, out)?;
            }
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(is_trust_list_name) {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

/// Prints the one-line error `itlctl: FILE: message` on stderr.
pub fn fail(path: &str, message: &str) {
    crate::term::report(path, message);
}

/// CUCM's "last modified" text: Java's `Date.toString()` in the local time zone,
/// `Wed Feb 26 10:24:27 PST 2014`.
pub fn cucm_date(t: SystemTime) -> Option<String> {
    let ts = jiff::Timestamp::try_from(t).ok()?;
    let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
    Some(zoned.strftime("%a %b %d %H:%M:%S %Z %Y").to_string())
}

/// Reads a file or URL (at most [`MAX_TRUST_LIST`]), returning the error text instead of
/// printing it.
pub fn read_quiet(path: &str) -> Result<Vec<u8>, String> {
    read_limited(path, MAX_TRUST_LIST).map(|i| i.bytes)
}

/// Hashes a file, stdin or URL as a stream: constant memory whatever its size.
pub fn hash_stream(path: &str) -> Result<itl::hash::Checksums, String> {
    let mut h = itl::hash::Hasher::new();
    if crate::fetch::is_url(path) {
        h.update(&crate::fetch::get(path)?);
        return Ok(h.finish());
    }
    let cannot = |e: std::io::Error| format!("cannot read: {e}; check the path and permissions");
    let mut reader: Box<dyn std::io::Read> =
        if path == "-" { Box::new(std::io::stdin()) } else { Box::new(std::fs::File::open(path).map_err(cannot)?) };
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot(e)),
        }
    }
    Ok(h.finish())
}
