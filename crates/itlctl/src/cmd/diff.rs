//! `itlctl diff OLD NEW [--json]`: what changed between two trust lists, and whether phones
//! holding OLD accept NEW.

use clap::Args;
use itl::diff::{diff, PhoneTrust};
use itl::TrustList;

use super::parse_or_fail;
use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::read;
use crate::term::{self, outln};

// The arguments of `diff` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The trust list the phones hold.
    old: String,
    /// The trust list the TFTP servers will serve.
    new: String,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> u8 {
    let (old, new, json_out) = (args.old.as_str(), args.new.as_str(), args.json);
    let (Some(a), Some(b)) = (read(old), read(new)) else { return FAILED };
    let (la, lb) = (parse_or_fail(old, &a.bytes), parse_or_fail(new, &b.bytes));
    let (Some(la), Some(lb)) = (la, lb) else { return FAILED };
    let d = diff(&la, &lb);
    if json_out {
        outln!("{}", itl::json::to_string(&d));
    } else {
        outln!("{old} -> {new}");
        let signer = |l: &TrustList<'_>| {
            format!("{} (serial {})", l.header.signer_name().unwrap_or("?"), l.header.serial_text().unwrap_or_default())
        };
        if d.signer_changed {
            outln!("signer:  changed from {} to {}", signer(&la), signer(&lb));
        } else {
            outln!("signer:  unchanged, {}", signer(&lb));
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
            outln!("added:   {}", line(r));
        }
        for r in &d.removed {
            outln!("removed: {}", line(r));
        }
        for c in &d.changed {
            outln!("changed: {}: {}", line(&c.new), c.what.join(", "));
        }
        if d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty() {
            outln!("records: no change");
        }
        outln!("phones holding {old}: {}: {}", term::verdict(d.phone_trust.as_str()), d.reason);
    }
    if d.phone_trust == PhoneTrust::Reject {
        NEGATIVE
    } else {
        OK
    }
}
