//! `itlctl lint FILE... [--json] [--days N] [--now RFC3339] [--jobs N]`: expiring
//! certificates, weak or missing ITLRecovery, size limits; folders give their trust lists.

use clap::Args;
use itl::lint::{lint, Options, Severity};
use itl::TrustList;

use super::FileArgs;
use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::fail;
use crate::term::{self, outln};

// The arguments of `lint` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct LintArgs {
    #[command(flatten)]
    files: FileArgs,
    /// Warn about certificates expiring within this many days.
    #[arg(long, default_value_t = 90)]
    days: i64,
    /// Pretend the time is this (RFC 3339), for reproducible checks.
    #[arg(long)]
    now: Option<String>,
}

/// Runs `lint`.
pub fn run(args: &LintArgs) -> u8 {
    let (f, days, json_out) = (&args.files, args.days, args.files.json);
    let now = match args.now.as_deref() {
        Some(s) => match s.parse::<jiff::Timestamp>() {
            Ok(t) => t.as_second(),
            Err(e) => {
                fail(s, &format!("--now is not an RFC 3339 time ({e}); write it like 2026-11-23T12:00:00Z"));
                return FAILED;
            }
        },
        None => jiff::Timestamp::now().as_second(),
    };
    crate::jobs::each_file(&f.files, f.recursive, f.jobs(), json_out, |path: &String| {
        lint_one(path, json_out, days, now)
    })
}

/// One file of `lint`: prints its findings (or keeps its JSON) and returns its exit code.
fn lint_one(path: &str, json_out: bool, days: i64, now: i64) -> (u8, Option<serde_json::Value>) {
    let inp = match crate::input::read_entry(path, json_out) {
        Ok(i) => i,
        Err(failed) => return failed,
    };
    let list = match TrustList::parse(&inp.bytes) {
        Ok(l) => l,
        Err(e) => {
            fail(path, &e.located());
            let entry =
                json_out.then(|| serde_json::to_value(itl::json::FileErrorJson::new(path, &e)).unwrap_or_default());
            return (FAILED, entry);
        }
    };
    let findings = lint(&list, &Options { now, days, kind: list.kind(Some(path)) });
    let code = if findings.iter().any(|f| f.severity == Severity::Error) { NEGATIVE } else { OK };
    if json_out {
        let j = itl::json::LintJson { file: path, findings: &findings };
        return (code, Some(serde_json::to_value(j).unwrap_or_default()));
    }
    if findings.is_empty() {
        outln!("{path}: no findings");
    }
    for f in &findings {
        let sev = serde_json::to_value(f.severity).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let rec = f.record.map(|r| format!(" record #{r}")).unwrap_or_default();
        outln!("{path}: {} {}{rec}: {}", term::verdict(&sev), f.code, f.message);
    }
    (code, None)
}
