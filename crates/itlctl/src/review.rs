//! `itlctl diff` and `itlctl lint`: before the phones reset.

use itl::diff::{diff, PhoneTrust};
use itl::lint::{lint, Options, Severity};
use itl::TrustList;

use crate::input::{fail, read, FAILED, NEGATIVE, OK};

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
        println!("phones holding {old}: {}: {}", d.phone_trust.as_str(), d.reason);
    }
    if d.phone_trust == PhoneTrust::Reject {
        NEGATIVE
    } else {
        OK
    }
}

/// `itlctl lint FILE... [--json] [--days N] [--now RFC3339]`; folders give their trust lists.
pub fn lint_cmd(args: &[String], json_out: bool, days: i64, now: Option<&str>, recursive: bool) -> u8 {
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
    let (paths, expanded) = crate::input::expand(args, recursive);
    let mut code = if expanded { OK } else { FAILED };
    let mut out = Vec::new();
    for path in &paths {
        let Some(inp) = read(path) else {
            code = FAILED;
            continue;
        };
        let list = match TrustList::parse(&inp.bytes) {
            Ok(l) => l,
            Err(e) => {
                fail(path, &e.located());
                code = FAILED;
                continue;
            }
        };
        let findings = lint(&list, &Options { now, days, kind: list.kind(Some(path)) });
        if findings.iter().any(|f| f.severity == Severity::Error) {
            code = code.max(NEGATIVE);
        }
        if json_out {
            let j = itl::json::LintJson { file: path, findings: &findings };
            out.push(serde_json::to_value(j).unwrap_or_default());
            continue;
        }
        if findings.is_empty() {
            println!("{path}: no findings");
        }
        for f in &findings {
            let sev =
                serde_json::to_value(f.severity).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
            let rec = f.record.map(|r| format!(" record #{r}")).unwrap_or_default();
            println!("{path}: {sev} {}{rec}: {}", f.code, f.message);
        }
    }
    if json_out {
        println!("{}", itl::json::to_string(&out));
    }
    code
}
