//! What every integration test of the CLI shares: the built binary, the fixtures, outputs as
//! text, temporary folders that are removed when the test ends.
#![allow(dead_code)]

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `itlctl` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_itlctl");

/// The repository's `testdata/` folder.
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// The path of a fixture under `testdata/`, as an argument.
pub fn t(name: &str) -> String {
    testdata().join(name).to_string_lossy().into_owned()
}

/// A path as an argument.
pub fn s(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// `itlctl ARGS` without `RUST_BACKTRACE` (a panic must not pass for a message); add the
/// environment a test needs, then `.output()`.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args).env_remove("RUST_BACKTRACE");
    c
}

/// Runs `itlctl ARGS` to the end.
pub fn itlctl(args: &[&str]) -> Output {
    command(args).output().unwrap()
}

/// Bytes as text, invalid UTF-8 replaced.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What a run printed on stdout, as text.
pub fn out(o: &Output) -> String {
    text(&o.stdout)
}

/// What a run printed on stderr, as text.
pub fn err(o: &Output) -> String {
    text(&o.stderr)
}

/// A digest by a command-line tool (`sha1sum`, `md5sum`…), the outside reference for
/// checksums: the first word it prints, lower-case hex.
pub fn coreutils(tool: &str, path: &Path) -> String {
    let o = Command::new(tool).arg(path).output().unwrap();
    String::from_utf8(o.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// A fresh temporary folder, removed with everything in it when dropped; it derefs to its
/// path.
pub struct TempDir(tempfile::TempDir);

impl Deref for TempDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

/// A fresh temporary folder named after `tag` (`itlctl-golden-XXXXXX`).
pub fn tmpdir(tag: &str) -> TempDir {
    TempDir(tempfile::Builder::new().prefix(&format!("itlctl-{tag}-")).tempdir().unwrap())
}

/// A file of that name holding `contents`, alone in a fresh temporary folder (removed when
/// dropped); it derefs to its path.
pub struct TempFile {
    path: PathBuf,
    _dir: TempDir,
}

impl Deref for TempFile {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TempFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

/// Writes `contents` to a file called `name` in a fresh temporary folder.
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> TempFile {
    let dir = tmpdir("file");
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    TempFile { path, _dir: dir }
}
