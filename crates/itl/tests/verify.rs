//! Security of the verifier: every fixture kind verifies with the right token, any change
//! to a signed file is rejected, and signatures agree with openssl in both directions.

mod common;

use std::process::Command;

use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::verify::{verify, verify_with_anchor, Anchor, Status, Token};
use itl::{Digest, Kind, Mode, Role, TrustList};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::testdata().join(name)).unwrap()
}

/// Verdict on arbitrary bytes: `None` when strict parsing rejects them.
fn status_of(bytes: &[u8]) -> Option<Status> {
    TrustList::parse(bytes).ok().map(|l| verify(&l).status)
}

#[test]
fn fixtures_verify_with_their_token() {
    let cases = [
        ("itl-11x-cm-sha1.tlv", Token::CallManager, 1, Digest::Sha1),
        ("itl-11x-reset-itlrecovery.tlv", Token::ItlRecovery, 5, Digest::Sha1),
        ("itl-12x-itlrecovery-sha512.tlv", Token::ItlRecovery, 1, Digest::Sha512),
        ("ctl-etoken.tlv", Token::EToken, 1, Digest::Sha1),
        ("ctl-tokenless-sha256.tlv", Token::CallManager, 1, Digest::Sha256),
        ("itl-39-records.tlv", Token::ItlRecovery, 1, Digest::Sha256),
        ("unknown-tag.tlv", Token::CallManager, 1, Digest::Sha1),
    ];
    for (name, token, record, digest) in cases {
        let b = fixture(name);
        let l = TrustList::parse(&b).unwrap();
        let v = verify(&l);
        assert_eq!(v.status, Status::Valid, "{name}: {:?}", v.reason);
        assert_eq!(v.token, token, "{name}");
        assert_eq!(v.signer_record, Some(record), "{name}");
        assert_eq!(v.digest, Some(digest), "{name}");
        assert_eq!(v.is_legacy_digest(), digest == Digest::Sha1);
    }
}

#[test]
fn key_sizes_cover_1024_to_4096() {
    let bits = |name: &str, rec: usize| {
        let b = fixture(name);
        let l = TrustList::parse(&b).unwrap();
        itl::key::PublicKey::from_record(&l.records[rec]).unwrap().bits()
    };
    assert_eq!(bits("itl-11x-cm-sha1.tlv", 0), Some(1024));
    assert_eq!(bits("itl-12x-itlrecovery-sha512.tlv", 0), Some(2048));
    assert_eq!(bits("itl-39-records.tlv", 0), Some(4096));
}

#[test]
fn every_single_byte_change_is_rejected_exhaustively() {
    // The smallest fixture, every byte, two different changes each.
    let b = fixture("ctl-etoken.tlv");
    assert_eq!(status_of(&b), Some(Status::Valid));
    let mut m = b.clone();
    for i in 0..b.len() {
        for x in [0x01u8, 0x80] {
            m[i] ^= x;
            assert_ne!(status_of(&m), Some(Status::Valid), "byte {i} ^ {x:#x} accepted");
            if let Ok(l) = TrustList::parse_with(&m, Mode::Lenient) {
                assert_ne!(verify(&l).status, Status::Valid, "lenient: byte {i} ^ {x:#x} accepted");
            }
            m[i] ^= x;
        }
    }
}

#[test]
fn sampled_byte_changes_are_rejected_in_every_fixture() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for name in [
        "itl-11x-cm-sha1.tlv",
        "itl-11x-reset-itlrecovery.tlv",
        "itl-12x-itlrecovery-sha512.tlv",
        "ctl-tokenless-sha256.tlv",
        "itl-39-records.tlv",
    ] {
        let b = fixture(name);
        let mut m = b.clone();
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % b.len();
            let x = ((seed >> 32) as u8) | 1;
            m[i] ^= x;
            assert_ne!(status_of(&m), Some(Status::Valid), "{name}: byte {i} ^ {x:#x} accepted");
            m[i] ^= x;
        }
    }
}

#[test]
fn swapping_the_header_signer_is_rejected() {
    // Same records, signed by the CallManager key, but the header names the ITLRecovery
    // record as signer.
    let recovery = SignerId::from_certificate(&common::cert("itlrec10")).unwrap();
    let b = Builder { records: common::seed004_records(), ..Builder::new(Kind::Itl) }
        .build(&Signing::rsa(&recovery, &common::key("cm10pub")))
        .unwrap();
    let l = TrustList::parse(&b).unwrap();
    let v = verify(&l);
    assert_eq!(v.status, Status::Invalid);
    assert_eq!(v.signer_record, Some(5));
}

#[test]
fn stripped_or_truncated_signature_is_rejected() {
    let b = fixture("err-no-signature.tlv");
    assert!(TrustList::parse(&b).is_err());
    let l = TrustList::parse_with(&b, Mode::Lenient).unwrap();
    assert_eq!(verify(&l).status, Status::Invalid);
    // A 127-byte signature, header lengths adjusted so that the file parses.
    let b = fixture("itl-11x-cm-sha1.tlv");
    let l = TrustList::parse(&b).unwrap();
    let s = l.header.signature.unwrap();
    let mut t = b[..s.offset].to_vec();
    t.extend_from_slice(&[12, 0, 127]);
    t.extend_from_slice(&s.value[..127]);
    t.extend_from_slice(&b[s.end()..l.header.length()]);
    t.push(13);
    t.extend_from_slice(&b[l.header.length()..]);
    let v = verify(&TrustList::parse(&t).unwrap());
    assert_eq!(v.status, Status::Invalid);
    assert!(v.reason.unwrap().to_string().contains("127 bytes"));
}

#[test]
fn a_key_not_in_the_file_is_never_valid() {
    let b = fixture("signed-by-stranger.tlv");
    let v = verify(&TrustList::parse(&b).unwrap());
    assert_eq!(v.status, Status::SignerNotFound);
    assert_eq!(v.token, Token::Unknown);
    assert!(v.reason.unwrap().to_string().contains("stranger.example.com"));
}

#[test]
fn anchors_judge_as_a_phone_would() {
    let old = fixture("itl-11x-cm-sha1.tlv");
    let old = TrustList::parse(&old).unwrap();
    // After `utils itl reset localkey` the ITLRecovery key signs; a phone holding the old
    // ITL has the ITLRecovery SAST record, so it accepts.
    let reset = fixture("itl-11x-reset-itlrecovery.tlv");
    let reset = TrustList::parse(&reset).unwrap();
    assert_eq!(verify_with_anchor(&reset, Anchor::TrustList(&old)).status, Status::Valid);
    // A 12.x list is signed by a recovery key the old list does not hold.
    let new = fixture("itl-12x-itlrecovery-sha512.tlv");
    let new = TrustList::parse(&new).unwrap();
    assert_eq!(verify_with_anchor(&new, Anchor::TrustList(&old)).status, Status::SignerNotFound);
    // A certificate anchor: the CallManager certificate signs the first, not the second.
    let cm = common::cert("cm10pub");
    assert_eq!(verify_with_anchor(&old, Anchor::Certificate(&cm)).status, Status::Valid);
    // The second names another signer: a phone holding only that certificate does not
    // find its signer (not a tampered file).
    assert_eq!(verify_with_anchor(&reset, Anchor::Certificate(&cm)).status, Status::SignerNotFound);
    // The right signer over changed bytes is a bad signature.
    let tampered = fixture("err-tampered.tlv");
    let tampered = TrustList::parse(&tampered).unwrap();
    assert_eq!(verify_with_anchor(&tampered, Anchor::Certificate(&cm)).status, Status::Invalid);
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl").args(args).output().expect("openssl on PATH")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("itl-verify-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

#[test]
fn our_signatures_verify_with_openssl() {
    for (name, signer, dgst) in [
        ("itl-11x-cm-sha1.tlv", "cm10pub", "-sha1"),
        ("itl-12x-itlrecovery-sha512.tlv", "itlrec12", "-sha512"),
        ("ctl-tokenless-sha256.tlv", "cm105pub", "-sha256"),
        ("itl-39-records.tlv", "big4096", "-sha256"),
    ] {
        let b = fixture(name);
        // Locate SIGNATURE by CUCM's fixed header layout, independently of the parser:
        // 1 VERSION (5) + 2 HEADERLENGTH (5) + SIGNERID (3 + n) + SIGNATUREINFO (3 + 15).
        let sid = u16::from_be_bytes([b[11], b[12]]) as usize;
        let at = 13 + sid + 18;
        assert_eq!(b[at], 12, "{name}");
        let len = u16::from_be_bytes([b[at + 1], b[at + 2]]) as usize;
        let mut data = b[..at].to_vec();
        data.extend_from_slice(&b[at + 3 + len..]);
        let (d, s, p) = (tmp(&format!("{name}.data")), tmp(&format!("{name}.sig")), tmp(&format!("{name}.pub")));
        std::fs::write(&d, &data).unwrap();
        std::fs::write(&s, &b[at + 3..at + 3 + len]).unwrap();
        let cert = common::testdata().join(format!("keys/{signer}.pem"));
        let out = openssl(&["x509", "-in", cert.to_str().unwrap(), "-pubkey", "-noout", "-out", p.to_str().unwrap()]);
        assert!(out.status.success());
        let out = openssl(&[
            "dgst",
            dgst,
            "-verify",
            p.to_str().unwrap(),
            "-signature",
            s.to_str().unwrap(),
            d.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stdout));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");
    }
}

/// Builds a trust list whose signature openssl makes.
fn signed_by_openssl(signer: &str, digest: Digest, flag: &str, sig_len: usize, records: Vec<RecordBuilder>) -> Vec<u8> {
    let id = SignerId::from_certificate(&common::cert(signer)).unwrap();
    let b = Builder { digest, records, ..Builder::new(Kind::Itl) };
    let sign = |data: &[u8]| {
        let d = tmp(&format!("{signer}{flag}.in"));
        std::fs::write(&d, data).unwrap();
        let key = common::testdata().join(format!("keys/{signer}.key"));
        let out = openssl(&["dgst", flag, "-sign", key.to_str().unwrap(), d.to_str().unwrap()]);
        assert!(out.status.success());
        Ok(out.stdout)
    };
    b.build(&Signing::external(&id, sig_len, &sign)).unwrap()
}

#[test]
fn openssl_signatures_verify_here() {
    let b = signed_by_openssl("cm10pub", Digest::Sha1, "-sha1", 128, common::seed004_records());
    let l = TrustList::parse(&b).unwrap();
    assert_eq!(verify(&l).status, Status::Valid);
    let recs = vec![common::rec(Role::SAST, "itlrec12", b"\0"), common::rec(Role::TFTP, "cm12pub", b"\0")];
    let b = signed_by_openssl("itlrec12", Digest::Sha512, "-sha512", 256, recs);
    assert_eq!(verify(&TrustList::parse(&b).unwrap()).status, Status::Valid);
}

#[test]
fn ecdsa_p256_signer_verifies_and_tampering_fails() {
    // ECDSA signatures vary in length; ask openssl until it gives the usual 71-72 bytes.
    let recs = || vec![common::rec(Role::SAST, "ec256", b"\0")];
    let id = SignerId::from_certificate(&common::cert("ec256")).unwrap();
    let key = common::testdata().join("keys/ec256.key");
    let (b, sig_len) = (70..=72)
        .find_map(|want| {
            let sign = |data: &[u8]| {
                let d = tmp("ec.in");
                std::fs::write(&d, data).unwrap();
                for _ in 0..64 {
                    let out = openssl(&["dgst", "-sha256", "-sign", key.to_str().unwrap(), d.to_str().unwrap()]);
                    if out.stdout.len() == want {
                        return Ok(out.stdout);
                    }
                }
                Err(itl::CryptoError::Signing("no signature of that length".into()).into())
            };
            Builder { digest: Digest::Sha256, records: recs(), ..Builder::new(Kind::Itl) }
                .build(&Signing::external(&id, want, &sign))
                .ok()
                .map(|b| (b, want))
        })
        .expect("an ECDSA signature");
    assert!((70..=72).contains(&sig_len));
    let l = TrustList::parse(&b).unwrap();
    let v = verify(&l);
    assert_eq!(v.status, Status::Valid, "{:?}", v.reason);
    let mut t = b.clone();
    let last = t.len() - 1;
    t[last] ^= 1;
    assert_eq!(status_of(&t), Some(Status::Invalid));
}

#[test]
fn a_multibyte_character_in_a_signer_name_does_not_panic() {
    // Found by review: the ITLRECOVERY prefix test once sliced the CN at byte 11.
    let name = "CN=ITLRECOVERé_pub;O=x";
    let r = RecordBuilder::new().subject(name).role(Role::SAST).issuer(name).serial(&[1]).public_key(&[0x30, 0]);
    let id = SignerId { name: name.into(), serial: vec![1], issuer: name.into() };
    let b = Builder { records: vec![r], ..Builder::new(Kind::Itl) }
        .build(&Signing::external(&id, 128, &|_| Ok(vec![7; 128])))
        .unwrap();
    let l = TrustList::parse(&b).unwrap();
    let v = verify(&l);
    assert_eq!(v.token, Token::Sast);
    assert_ne!(v.status, Status::Valid);
    let _ = itl::lint::lint(&l, &itl::lint::Options { now: 0, days: 90, kind: Kind::Itl });
}
