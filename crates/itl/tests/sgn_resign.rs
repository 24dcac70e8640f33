//! Re-signing (what `utils itl reset localkey` does) and signed `.sgn` files.

mod common;

use itl::build::resign;
use itl::sgn::{self, SignedFile};
use itl::verify::{verify, Status, Token};
use itl::{Digest, TrustList};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::testdata().join(name)).unwrap()
}

#[test]
fn resign_with_the_recovery_key_matches_the_reset_file() {
    let b = fixture("itl-11x-cm-sha1.tlv");
    let l = TrustList::parse(&b).unwrap();
    let out = resign(&l, &common::cert("itlrec10"), &common::key("itlrec10"), None).unwrap();
    // Built independently from the same records by the fixture recipe.
    assert_eq!(out, fixture("itl-11x-reset-itlrecovery.tlv"));
    let r = TrustList::parse(&out).unwrap();
    let v = verify(&r);
    assert_eq!((v.status, v.token, v.signer_record), (Status::Valid, Token::ItlRecovery, Some(5)));
    // Records byte-identical.
    let old: Vec<_> = l.records.iter().map(|x| x.raw).collect();
    let new: Vec<_> = r.records.iter().map(|x| x.raw).collect();
    assert_eq!(old, new);
    // And a digest change.
    let out = resign(&l, &common::cert("itlrec10"), &common::key("itlrec10"), Some(Digest::Sha512)).unwrap();
    let v = verify(&TrustList::parse(&out).unwrap());
    assert_eq!((v.status, v.digest), (Status::Valid, Some(Digest::Sha512)));
}

#[test]
fn resign_refuses_a_wrong_key_or_a_foreign_certificate() {
    let b = fixture("itl-11x-cm-sha1.tlv");
    let l = TrustList::parse(&b).unwrap();
    let e = resign(&l, &common::cert("itlrec10"), &common::key("cm10pub"), None).unwrap_err();
    assert!(e.to_string().contains("does not belong"), "{e}");
    let e = resign(&l, &common::cert("stranger"), &common::key("stranger"), None).unwrap_err();
    assert!(e.to_string().contains("no record"), "{e}");
}

#[test]
fn signed_config_verifies_against_the_trust_list() {
    let b = fixture("SEP001122334455.cnf.xml.sgn");
    let f = SignedFile::parse(&b).unwrap();
    assert_eq!(f.payload, common::CONFIG_XML);
    assert_eq!(f.header.version(), Some((1, 0)));
    let itl11 = fixture("itl-11x-cm-sha1.tlv");
    let v = sgn::verify(&f, &TrustList::parse(&itl11).unwrap());
    assert_eq!(v.status, Status::Valid, "{:?}", v.reason);
    assert_eq!(v.token, Token::CallManager);
    let itl12 = fixture("itl-12x-itlrecovery-sha512.tlv");
    assert_eq!(sgn::verify(&f, &TrustList::parse(&itl12).unwrap()).status, Status::SignerNotFound);
    let mut t = b.clone();
    let last = t.len() - 2;
    t[last] ^= 0x20;
    let f = SignedFile::parse(&t).unwrap();
    assert_eq!(sgn::verify(&f, &TrustList::parse(&itl11).unwrap()).status, Status::Invalid);
}
