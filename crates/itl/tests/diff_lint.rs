//! The regeneration scenarios of the seeds through `diff`, and one fixture per lint code
//! that triggers it and one that does not.

mod common;

use itl::diff::{diff, PhoneTrust};
use itl::lint::{lint, Options, Severity};
use itl::{Kind, TrustList};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::testdata().join(name)).unwrap()
}

fn verdict(old: &str, new: &str) -> itl::diff::Diff {
    let (a, b) = (fixture(old), fixture(new));
    diff(&TrustList::parse(&a).unwrap(), &TrustList::parse(&b).unwrap())
}

#[test]
fn callmanager_regenerated_on_11x_is_accepted_through_tvs() {
    let d = verdict("scenario-11x-before.tlv", "scenario-11x-cm-regen.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::AcceptViaTvs, "{}", d.reason);
    assert!(d.signer_changed);
    assert!(d.added.is_empty() && d.removed.is_empty());
    let changed: Vec<(usize, &str)> = d.changed.iter().map(|c| (c.new.index, c.new.role.as_str())).collect();
    assert_eq!(changed, [(1, "System Administrator Security Token"), (2, "TFTP")]);
    assert!(d.changed[0].what.contains(&"certificate") && d.changed[0].what.contains(&"serial"));
}

#[test]
fn callmanager_and_tvs_regenerated_together_are_rejected() {
    let d = verdict("scenario-11x-before.tlv", "scenario-11x-cm-tvs-regen.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Reject);
    assert!(d.reason.contains("Trust List Update Failed") && d.reason.contains("utils itl reset"), "{}", d.reason);
    assert_eq!(d.changed.len(), 3);
}

#[test]
fn callmanager_regenerated_on_12x_is_accepted_because_itlrecovery_signs() {
    let d = verdict("itl-12x-itlrecovery-sha512.tlv", "scenario-12x-cm-regen.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Accept, "{}", d.reason);
    assert!(!d.signer_changed);
    assert_eq!(d.changed.len(), 1);
}

#[test]
fn itlrecovery_regenerated_is_rejected_until_the_reset() {
    let d = verdict("itl-12x-itlrecovery-sha512.tlv", "scenario-12x-itlrecovery-regen.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Reject);
    assert!(d.reason.contains("ITLRecovery") && d.reason.contains("localkey"), "{}", d.reason);
}

#[test]
fn itl_reset_localkey_is_accepted_and_identical_lists_too() {
    let d = verdict("itl-11x-cm-sha1.tlv", "itl-11x-reset-itlrecovery.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Accept);
    assert!(d.signer_changed && d.changed.is_empty());
    let d = verdict("itl-11x-cm-sha1.tlv", "itl-11x-cm-sha1.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Accept);
    assert!(!d.signer_changed);
    // A file that does not verify is never accepted.
    let d = verdict("itl-11x-cm-sha1.tlv", "err-tampered.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Reject);
    let d = verdict("itl-11x-cm-sha1.tlv", "itl-12x-itlrecovery-sha512.tlv");
    assert_eq!(d.phone_trust, PhoneTrust::Reject);
    assert_eq!((d.added.len(), d.removed.len()), (4, 6));
}

/// Codes found in a fixture at a given time (Unix seconds).
fn codes(name: &str, now: i64) -> Vec<&'static str> {
    let b = fixture(name);
    let l = TrustList::parse(&b).unwrap();
    let kind = l.kind(Some(name));
    lint(&l, &Options { now, days: 90, kind }).into_iter().map(|f| f.code).collect()
}

const NOW: i64 = 1_795_000_000; // 2026-11-18, while the fixtures' certificates are valid.

#[test]
fn each_lint_code_triggers_on_its_fixture_only() {
    let cases = [
        ("itlrecovery-weak-key", "lint-weak-itlrecovery.tlv", "itl-12x-itlrecovery-sha512.tlv"),
        ("missing-itlrecovery", "lint-no-itlrecovery.tlv", "itl-11x-cm-sha1.tlv"),
        ("too-many-records", "lint-40-records.tlv", "itl-39-records.tlv"),
        ("sha1-digest", "itl-11x-cm-sha1.tlv", "itl-12x-itlrecovery-sha512.tlv"),
        ("signer-not-in-file", "signed-by-stranger.tlv", "itl-11x-cm-sha1.tlv"),
        ("record-cert-mismatch", "lint-cert-mismatch.tlv", "ctl-etoken.tlv"),
        ("too-many-sast", "lint-3-sast.tlv", "itl-11x-cm-sha1.tlv"),
    ];
    for (code, yes, no) in cases {
        assert!(codes(yes, NOW).contains(&code), "{code} not found in {yes}: {:?}", codes(yes, NOW));
        assert!(!codes(no, NOW).contains(&code), "{code} found in {no}");
    }
    // A CTL is not expected to carry ITLRecovery.
    assert!(!codes("ctl-etoken.tlv", NOW).contains(&"missing-itlrecovery"));
}

#[test]
fn expiry_follows_not_after_and_the_window() {
    // testdata/keys certificates are valid for 3650 days from 2026-11-23.
    let b = fixture("itl-12x-itlrecovery-sha512.tlv");
    let l = TrustList::parse(&b).unwrap();
    let o = |now: i64, days: i64| lint(&l, &Options { now, days, kind: Kind::Itl });
    let ten_years = NOW + 3650 * 86_400;
    assert!(o(NOW, 90).iter().all(|f| f.severity != Severity::Error));
    let soon = o(ten_years - 30 * 86_400, 90);
    assert_eq!(soon.iter().filter(|f| f.code == "expiring-certificate").count(), 2, "{soon:?}");
    assert!(soon.iter().all(|f| f.code != "expired-certificate"));
    assert!(o(ten_years - 30 * 86_400, 10).iter().all(|f| f.code != "expiring-certificate"));
    let late = o(ten_years + 30 * 86_400, 90);
    let expired: Vec<_> = late.iter().filter(|f| f.code == "expired-certificate").collect();
    assert_eq!(expired.len(), 2);
    assert_eq!(expired[0].record, Some(1));
    assert!(expired[0].message.contains("set cert regen"));
}

#[test]
fn a_digest_that_cannot_be_checked_is_a_finding() {
    // The 12.x fixture with its DIGESTALGORTITHM (tag 8, length 1) set to an unknown code.
    let mut b = fixture("itl-12x-itlrecovery-sha512.tlv");
    let at = b.windows(3).position(|w| w == [8, 0, 1]).unwrap() + 3;
    b[at] = 9;
    let l = TrustList::parse(&b).unwrap();
    let found = lint(&l, &Options { now: 1_800_000_000, days: 90, kind: Kind::Itl });
    let f = found.iter().find(|f| f.code == "unsupported-signature").expect("finding");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("unknown digest code 9"), "{}", f.message);
}
