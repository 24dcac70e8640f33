//! `itlctl diff` and `itlctl lint`: before the phones reset.

use itl::diff::{diff, PhoneTrust};
use itl::lint::{lint, Options, Severity};
use itl::TrustList;

use crate::input::{fail, read, FAILED, NEGATIVE, OK};
use crate::term::{self, outln};

fn load<'a>(path: &str, bytes: &'a [u8]) -> Option<TrustList<'a>> {
    match TrustList::parse(bytes) {
        Ok(l) => Some(l),
        Err(e) => {
            fail(path, &e.located());
            None
        }
    }
}

/// `itlctl diff OLD NEW [--json]`.
pub fn diff_cmd(old: &str, new: &str, json_out: bool) -> u8 {
    let (Some(a), Some(b)) = (read(old), read(new)) else { return FAILED };
    let (la, lb) = (load(old, &a.bytes), load(new, &b.bytes));
    let (Some(la), Some(lb)) = (la, lb) else { return FAILED };
    let d = diff(&la, &lb);
    if json_out {
        println!("{}", itl::json::to_string(&d));
    } else {
        println!("{old} -> {new}");
        let signer = |l: &TrustList<'_>| {
            format!("{} (serial {})", l.header.signer_name().unwrap_or("?"), l.header.serial_text().unwrap_or_default())
        };
        if d.signer_changed {
            println!("signer:  changed from {} to {}", signer(&la), signer(&lb));
        } else {
            println!("signer:  unchanged, {}", signer(&lb));
        }
        let line = |r: &itl::diff::RecordRef| {
            format!(
                "#{} {} {} (serial {})",
                r.index,
                r.role,
                r.subject.as_deref().unwrap_or("(no subject)"),
                r.serial.as_deref().unwrap_or("-")
            )
        };
        for r in &d.added {
            println!("added:   {}", line(r));
        }
        for r in &d.removed {
            println!("removed: {}", line(r));
        }
        for c in &d.changed {
            println!("changed: {}: {}", line(&c.new), c.what.join(", "));
        }
        if d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty() {
            println!("records: no change");
        }
        outln!("phones holding {old}: {}: {}", term::verdict(d.phone_trust.as_str()), d.reason);
    }
    if d.phone_trust == PhoneTrust::Reject {
        NEGATIVE
    } else {
        OK
    }
}

/// `itlctl lint FILE... [--json] [--days N] [--now RFC3339] [--jobs N]`; folders give their trust lists.
pub fn lint_cmd(
    args: &[String],
    json_out: bool,
    days: i64,
    now: Option<&str>,
    recursive: bool,
    jobs: Option<usize>,
) -> u8 {
    let now = match now {
        Some(s) => match s.parse::<jiff::Timestamp>() {
            Ok(t) => t.as_second(),
            Err(e) => {
                fail(s, &format!("--now is not an RFC 3339 time ({e}); write it like 2026-11-23T12:00:00Z"));
                return FAILED;
            }
        },
        None => jiff::Timestamp::now().as_second(),
    };
    crate::jobs::each_file(args, recursive, jobs, json_out, |path: &String| lint_one(path, json_out, days, now))
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
