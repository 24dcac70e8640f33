//! Writing the user's files: through a temporary file in the same folder, renamed when
//! complete, so an output is never half-written.

use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &str, bytes: &[u8]) -> Result<(), String> {
    let p = Path::new(path);
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = p.file_name().ok_or("the output path names no file")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.itlctl-{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, p)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write: {e}; check that the folder exists and is writable")
    })
}
