//! Properties: any bytes parse without panicking, lenient parsing is lossless, built lists
//! parse back to what was built, and structured mutations of valid files never verify.

mod common;

use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::tlv::{HeaderItems, Item};
use itl::verify::{verify, Status};
use itl::{json, show, Digest, Kind, Mode, Role, TrustList};
use proptest::prelude::*;

/// Runs every entry point on `b`; none may panic.
fn exercise(b: &[u8]) {
    let strict = TrustList::parse(b);
    if let Ok(l) = TrustList::parse_with(b, Mode::Lenient) {
        assert_eq!(l.to_bytes(), b, "lenient parsing must be lossless");
        let v = verify(&l);
        let _ = show::Show::new(&l, &v).to_string();
        let _ = json::to_string(&json::ShowJson::new("x", l.kind(None), &l, &v));
        if let Ok(s) = &strict {
            assert_eq!(s.records.len(), l.records.len());
            assert!(l.warnings.is_empty());
        }
    } else {
        assert!(strict.is_err());
    }
}

fn seed_file() -> Vec<u8> {
    std::fs::read(common::testdata().join("itl-11x-cm-sha1.tlv")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&b);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_start_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..400), hl in 10u16..400) {
        let mut b = vec![1, 0, 2, 1, 2, 2, 0, 2];
        b.extend_from_slice(&hl.to_be_bytes());
        b.extend_from_slice(&tail);
        exercise(&b);
    }
}

#[derive(Debug, Clone)]
struct Rec {
    dns: String,
    subject: String,
    role: u16,
    serial: Vec<u8>,
    key: Vec<u8>,
    cert: Option<Vec<u8>>,
    ip: Option<[u8; 4]>,
    hash: Option<Vec<u8>>,
}

fn rec_strategy() -> impl Strategy<Value = Rec> {
    (
        "[a-z0-9.]{0,20}",
        "CN=[A-Za-z0-9_.-]{1,30};O=[a-z]{1,8}",
        prop_oneof![Just(0u16), Just(1), Just(2), Just(3), Just(4), Just(7), Just(21), any::<u16>()],
        proptest::collection::vec(any::<u8>(), 1..20),
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..900)),
        proptest::option::of(any::<[u8; 4]>()),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 20..=20)),
    )
        .prop_map(|(dns, subject, role, serial, key, cert, ip, hash)| Rec {
            dns,
            subject,
            role,
            serial,
            key,
            cert,
            ip,
            hash,
        })
}

fn to_builder(r: &Rec) -> RecordBuilder {
    let mut b = RecordBuilder::new()
        .dns_name(&r.dns)
        .subject(&r.subject)
        .role(Role(r.role))
        .issuer(&r.subject)
        .serial(&r.serial)
        .public_key(&r.key);
    if let Some(c) = &r.cert {
        b = b.certificate(c);
    }
    if let Some(ip) = r.ip {
        b = b.ip(ip.into());
    }
    if let Some(h) = &r.hash {
        b = b.cert_hash(Digest::Sha1, h);
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn parse_of_build_gives_what_was_built(
        recs in proptest::collection::vec(rec_strategy(), 0..8),
        digest in prop_oneof![Just(Digest::Sha1), Just(Digest::Sha256), Just(Digest::Sha512)],
        sig_len in prop_oneof![Just(64usize), Just(128), Just(256), Just(512)],
        ctl in any::<bool>(),
        ts in any::<u32>(),
    ) {
        let kind = if ctl { Kind::Ctl } else { Kind::Itl };
        let b = Builder { digest, timestamp: ts, records: recs.iter().map(to_builder).collect(), ..Builder::new(kind) };
        let id = SignerId { name: "CN=signer;O=x".into(), serial: vec![1, 2, 3], issuer: "CN=ca".into() };
        let sign = |data: &[u8]| Ok(data.iter().cycle().take(sig_len).copied().collect());
        let bytes = b.build(&Signing::external(&id, sig_len, &sign)).unwrap();
        let l = TrustList::parse(&bytes).unwrap();
        prop_assert_eq!(l.header.length() % 4, 0);
        prop_assert_eq!(l.kind(None), kind);
        prop_assert_eq!(l.header.digest(), Some(digest));
        prop_assert_eq!(l.header.timestamp(), Some(ts));
        prop_assert_eq!(l.header.signer_name(), Some("CN=signer;O=x"));
        prop_assert_eq!(l.header.signature_bytes().map(<[u8]>::len), Some(sig_len));
        prop_assert_eq!(l.records.len(), recs.len());
        for (r, want) in l.records.iter().zip(&recs) {
            prop_assert_eq!(r.dns_name(), Some(want.dns.as_str()));
            prop_assert_eq!(r.subject(), Some(want.subject.as_str()));
            prop_assert_eq!(r.role(), Some(Role(want.role)));
            prop_assert_eq!(r.serial(), Some(want.serial.as_slice()));
            prop_assert_eq!(r.public_key(), Some(want.key.as_slice()));
            prop_assert_eq!(r.certificate_der(), want.cert.as_deref());
            prop_assert_eq!(r.ip_address(), want.ip.map(std::net::IpAddr::from));
            prop_assert_eq!(r.cert_hash(), want.hash.as_deref());
        }
        prop_assert_eq!(l.to_bytes(), bytes);
    }

    #[test]
    fn bit_flips_of_a_valid_file_never_verify(i in 0usize..5312, bit in 0u8..8) {
        let mut b = seed_file();
        b[i] ^= 1 << bit;
        exercise(&b);
        if let Ok(l) = TrustList::parse_with(&b, Mode::Lenient) {
            prop_assert_ne!(verify(&l).status, Status::Valid);
        }
    }

    #[test]
    fn truncations_never_verify(n in 0usize..5312) {
        let b = seed_file();
        exercise(&b[..n]);
        if let Ok(l) = TrustList::parse_with(&b[..n], Mode::Lenient) {
            prop_assert_ne!(verify(&l).status, Status::Valid);
        }
    }
}

/// Offsets of every length field (header TLVs and record TLVs) of a valid file.
fn length_fields(b: &[u8]) -> Vec<usize> {
    let l = TrustList::parse(b).unwrap();
    let mut v: Vec<usize> = HeaderItems::new(b, 0, l.header.length())
        .filter_map(|i| match i {
            Ok(Item::Tlv(t)) => Some(t.offset + 1),
            _ => None,
        })
        .collect();
    for r in &l.records {
        v.extend(r.tlvs().flatten().map(|t| t.offset + 1));
    }
    v
}

#[test]
fn length_fields_set_to_edge_values_never_verify() {
    for name in ["itl-11x-cm-sha1.tlv", "ctl-etoken.tlv", "itl-12x-itlrecovery-sha512.tlv"] {
        let b = std::fs::read(common::testdata().join(name)).unwrap();
        for at in length_fields(&b) {
            let orig = u16::from_be_bytes([b[at], b[at + 1]]);
            for val in
                [0u16, 1, u16::MAX, orig.wrapping_add(1), orig.wrapping_sub(1)].into_iter().filter(|&v| v != orig)
            {
                let mut m = b.clone();
                m[at..at + 2].copy_from_slice(&val.to_be_bytes());
                exercise(&m);
                if let Ok(l) = TrustList::parse_with(&m, Mode::Lenient) {
                    assert_ne!(verify(&l).status, Status::Valid, "{name}: length at {at} = {val}");
                }
            }
        }
    }
}

#[test]
fn records_duplicated_removed_or_reordered_never_verify() {
    let b = seed_file();
    let l = TrustList::parse(&b).unwrap();
    let hl = l.header.length();
    let recs: Vec<&[u8]> = l.records.iter().map(|r| r.raw).collect();
    let assemble = |order: &[usize]| {
        let mut m = b[..hl].to_vec();
        for &i in order {
            m.extend_from_slice(recs[i]);
        }
        m
    };
    let mut variants =
        vec![assemble(&[0, 1, 2, 3, 4, 5, 5]), assemble(&[0, 1, 2, 3, 4]), assemble(&[1, 0, 2, 3, 4, 5])];
    variants.push(assemble(&[0, 1, 2, 3, 5, 4]));
    variants.push(assemble(&[0, 0, 1, 2, 3, 4, 5]));
    for m in variants {
        exercise(&m);
        let l = TrustList::parse(&m).unwrap();
        assert_ne!(verify(&l).status, Status::Valid);
    }
}
