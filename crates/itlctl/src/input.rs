//! Reading the user's files (bounded), folders, and the one-line error format.

use std::io::Read as _;
use std::time::SystemTime;

use itl_transport::is_url;

use crate::exit::FAILED;

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
    if is_url(path) {
        let bytes = itl_transport::download(path)?;
        let max = bound(&bytes);
        if bytes.len() as u64 > max {
            return Err(itl::document::too_large(&bytes, max));
        }
        return Ok(Input { bytes, modified: None });
    }
    let cannot = |e: std::io::Error| format!("cannot read: {e}; check the path and permissions");
    let (reader, modified, len): (Box<dyn std::io::Read>, _, _) = if path == "-" {
        (Box::new(std::io::stdin()), None, None)
    } else {
        let f = std::fs::File::open(path).map_err(cannot)?;
        let meta = f.metadata().map_err(cannot)?;
        if meta.is_dir() {
            return Err(
                "is a folder; give a file, or use a command that reads folders (show, verify, lint, hash)".into()
            );
        }
        (Box::new(f), meta.modified().ok(), Some(meta.len()))
    };
    // Sized from the file's length (bounded): a trust list of up to 8 KiB is read in one call
    // and the end-of-file read, a larger one in a few (std reads 8 KiB, then doubles), not in
    // the reads from 32 bytes up that an empty `Vec` would start with.
    let hint = len.map_or(0, |n| n.min(limit) as usize + 1);
    let mut bytes = Vec::with_capacity(hint);
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

/// Turns folder arguments into the trust lists they hold ([`itl::folder::trust_lists`]: sorted
/// by name; `recursive` descends into sub-folders); other arguments pass through. Prints an
/// error for a folder that cannot be read or holds no trust list, and says so in the second value.
pub fn expand(args: &[String], recursive: bool) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut ok = true;
    for a in args {
        if is_url(a) || a == "-" || !std::path::Path::new(a).is_dir() {
            out.push(a.clone());
            continue;
        }
        match itl::folder::trust_lists(std::path::Path::new(a), recursive) {
            Err(e) => {
                fail(a, &format!("cannot read the folder: {e}"));
                ok = false;
            }
            Ok(files) if files.is_empty() => {
                let hint = if recursive { "" } else { " (--recursive descends into sub-folders)" };
                fail(a, &format!("holds no ITL*.tlv or CTL*.tlv file{hint}"));
                ok = false;
            }
            Ok(files) => out.extend(files.iter().map(|p| p.to_string_lossy().into_owned())),
        }
    }
    (out, ok)
}

/// Prints the one-line error `itlctl: FILE: message` on stderr.
pub fn fail(path: &str, message: &str) {
    crate::term::report(path, message);
}

/// Reads a file or URL (at most [`MAX_TRUST_LIST`]), returning the error text instead of
/// printing it.
pub fn read_quiet(path: &str) -> Result<Vec<u8>, String> {
    read_limited(path, MAX_TRUST_LIST).map(|i| i.bytes)
}

/// Hashes a file, stdin or URL as a stream: constant memory whatever its size.
pub fn hash_stream(path: &str) -> Result<itl::hash::Checksums, String> {
    let mut h = itl::hash::Hasher::new();
    if is_url(path) {
        h.update(&itl_transport::download(path)?);
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
