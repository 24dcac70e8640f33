//! The signing-role rule, guarded by the library itself: a phone accepts as the signer of a
//! trust list or of a signed file only a record whose role is SAST, TFTP or CCM+TFTP
//! (docs/phone-trust.md, from Cisco's Security Guide and migration notes: "SAST role—To
//! authenticate the ITL file signature", "TFTP or the TFTP and CCM role—To authenticate
//! configuration file signature"; a CCM-only, CAPF, SRST, APP-SERVER or TVS record never signs).
//!
//! Every fixture is made with the library's builder from the openssl-made keys in
//! `testdata/keys`, and openssl checks that its signature holds, so that the role is the only
//! thing a verdict can turn on. The expected verdicts are written out from the rule above,
//! not computed by `Role::may_sign`: making a CCM record able to sign fails these tests.

mod common;

use std::path::Path;
use std::process::Command;

use itl::build::{Builder, SignerId, Signing};
use itl::diff::{diff, PhoneTrust};
use itl::sgn::SignedFile;
use itl::verify::{verify, verify_with_anchor, Anchor, Reason, Status};
use itl::{Digest, Kind, Role, TrustList};

/// Every role code a record can have (docs/format.md, section 6.2, certutils' table: 0 SAST, 1 CCM,
/// 2 CCM+TFTP, 3 TFTP, 4 CAPF, 5 SRST, 7 APP-SERVER, 21 TVS; 99 stands for an undocumented
/// code), with whether a phone accepts a record of that role as a signer. Written as codes,
/// not as the library's constants, so that the table does not move with them.
const ROLES: [(Role, bool); 10] = [
    (Role(0), true),
    (Role(1), false),
    (Role(2), true),
    (Role(3), true),
    (Role(4), false),
    (Role(5), false),
    (Role(6), false),
    (Role(7), false),
    (Role(21), false),
    (Role(99), false),
];

/// The signer of every fixture here: the seed cluster's CallManager certificate.
const SIGNER: &str = "cm10pub";

/// An ITL whose only record for the signer has `role`, signed with the signer's key (SHA-1),
/// plus the cluster's ITLRecovery SAST record.
fn list_with_signer_as(role: Role) -> Vec<u8> {
    let b = Builder {
        digest: Digest::Sha1,
        timestamp: common::SEED_TIME,
        records: vec![common::rec(role, SIGNER, b"\0\0"), common::rec(Role::SAST, "itlrec10", b"\0\0")],
        ..Builder::new(Kind::Itl)
    };
    let id = SignerId::from_certificate(&common::cert(SIGNER)).unwrap();
    b.build(&Signing::rsa(&id, &common::key(SIGNER))).unwrap()
}

/// Whether openssl verifies the signature of a file that `parse` reads: the SIGNATURE value
/// against every other byte, with the signer's certificate from `testdata/keys`.
fn openssl_verifies(bytes: &[u8], header: &itl::Header<'_>, dir: &Path) -> bool {
    let sig = header.signature.unwrap();
    let mut data = bytes[..sig.offset].to_vec();
    data.extend_from_slice(&bytes[sig.end()..]);
    let (d, s, p) = (dir.join("data"), dir.join("sig"), dir.join("pub.pem"));
    std::fs::write(&d, &data).unwrap();
    std::fs::write(&s, sig.value).unwrap();
    let cert = common::testdata().join(format!("keys/{SIGNER}.pem"));
    let out = Command::new("openssl")
        .args(["x509", "-in", cert.to_str().unwrap(), "-pubkey", "-noout", "-out", p.to_str().unwrap()])
        .output()
        .expect("openssl on PATH");
    assert!(out.status.success());
    let out = Command::new("openssl")
        .args(["dgst", "-sha1", "-verify", p.to_str().unwrap(), "-signature", s.to_str().unwrap()])
        .arg(&d)
        .output()
        .expect("openssl on PATH");
    out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "Verified OK"
}

#[test]
fn a_list_verifies_only_when_its_signer_record_may_sign() {
    let dir = tempfile::tempdir().unwrap();
    for (role, signs) in ROLES {
        let bytes = list_with_signer_as(role);
        let list = TrustList::parse(&bytes).unwrap();
        assert!(openssl_verifies(&bytes, &list.header, dir.path()), "{role}: the fixture's signature itself is bad");
        let v = verify(&list);
        assert_eq!(v.signer_record, Some(1), "{role}");
        if signs {
            assert_eq!(v.status, Status::Valid, "{role}: {:?}", v.reason);
        } else {
            assert_eq!(v.status, Status::Invalid, "{role} signed a trust list");
            assert_eq!(v.reason, Some(Reason::NotASigningRole { record: 1, role }), "{role}");
        }
        assert_eq!(list.verify(), v, "{role}: the method and the function disagree");
    }
}

#[test]
fn a_held_list_vouches_for_a_new_one_only_through_a_signing_role() {
    // The seed ITL, signed by the CallManager key and valid on its own (openssl agrees).
    let new = std::fs::read(common::testdata().join("itl-11x-cm-sha1.tlv")).unwrap();
    let new = TrustList::parse(&new).unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(openssl_verifies(new.raw(), &new.header, dir.path()));
    for (role, signs) in ROLES {
        let held = list_with_signer_as(role);
        let held = TrustList::parse(&held).unwrap();
        let v = verify_with_anchor(&new, Anchor::TrustList(&held));
        let want = if signs { Status::Valid } else { Status::SignerNotFound };
        assert_eq!(v.status, want, "{role}: {:?}", v.reason);
        // diff says the same of phones holding that list.
        let d = diff(&held, &new);
        assert_eq!(d.phone_trust == PhoneTrust::Accept, signs, "{role}: {:?}: {}", d.phone_trust, d.reason);
    }
}

#[test]
fn a_signed_config_is_accepted_only_from_a_signing_role() {
    // SEP001122334455.cnf.xml.sgn, signed by the same CallManager key.
    let sgn = std::fs::read(common::testdata().join("SEP001122334455.cnf.xml.sgn")).unwrap();
    let file = SignedFile::parse(&sgn).unwrap();
    let dir = tempfile::tempdir().unwrap();
    assert!(openssl_verifies(&sgn, &file.header, dir.path()));
    for (role, signs) in ROLES {
        let held = list_with_signer_as(role);
        let held = TrustList::parse(&held).unwrap();
        let v = file.verify(&held);
        let want = if signs { Status::Valid } else { Status::SignerNotFound };
        assert_eq!(v.status, want, "{role}: {:?}", v.reason);
        assert_eq!(v, itl::sgn::verify(&file, &held), "{role}: the method and the function disagree");
    }
}
