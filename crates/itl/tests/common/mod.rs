//! The fixture recipes: every `.tlv` in `testdata/` is built here from the keys and
//! certificates that `testdata/make-certs.sh` made with openssl.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::path::PathBuf;

use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::{tag, Digest, Kind, Role};
use rsa::pkcs8::DecodePrivateKey;
use rsa::RsaPrivateKey;

/// The workspace's `testdata/` folder.
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// DER certificate `keys/<name>.der`.
pub fn cert(name: &str) -> Vec<u8> {
    std::fs::read(testdata().join(format!("keys/{name}.der"))).expect("certificate")
}

/// Private key `keys/<name>.key`.
pub fn key(name: &str) -> RsaPrivateKey {
    let pem = std::fs::read_to_string(testdata().join(format!("keys/{name}.key"))).expect("key");
    RsaPrivateKey::from_pkcs8_pem(&pem).expect("PKCS#8 key")
}

/// A record as CUCM writes it, with the DNSNAME bytes given.
pub fn rec(role: Role, name: &str, dns: &[u8]) -> RecordBuilder {
    RecordBuilder::from_certificate(role, &cert(name), "").unwrap().set(tag::DNS_NAME, dns)
}

/// A TVS/CAPF record that carries the certificate's SHA-1 instead of the certificate.
pub fn hashed(role: Role, name: &str) -> RecordBuilder {
    let der = cert(name);
    rec(role, name, b"\0\0").without(tag::CERTIFICATE).cert_hash(Digest::Sha1, &itl::hash::sha1(&der))
}

/// Wed Feb 26 10:24:27 PST 2014, the time of the seed 004 listing.
pub const SEED_TIME: u32 = 1_393_439_067;

/// The records of the seed 004 ITL (Cisco document 117598, CUCM 10.0).
pub fn seed004_records() -> Vec<RecordBuilder> {
    vec![
        rec(Role::SAST, "cm10pub", b"\0\0"),
        rec(Role::TFTP, "cm10pub", b"\0\0"),
        hashed(Role::CAPF, "capf10"),
        hashed(Role::TVS, "tvs10pub"),
        rec(Role::SAST, "itlrec10", b"\0\0"),
        hashed(Role::TVS, "tvs10sub"),
    ]
}

fn sign(b: Builder, signer: &str) -> Vec<u8> {
    let id = SignerId::from_certificate(&cert(signer)).unwrap();
    b.build(&Signing::rsa(&id, &key(signer))).unwrap()
}

fn itl(records: Vec<RecordBuilder>, digest: Digest) -> Builder {
    Builder { digest, timestamp: SEED_TIME, records, ..Builder::new(Kind::Itl) }
}

/// The eToken-signed CTL shaped like Cisco document 118892 (names and serials as printed).
pub fn etoken_ctl() -> Vec<u8> {
    let sast = |name: &str, subject: &str| {
        RecordBuilder::from_certificate(Role::SAST, &cert(name), "")
            .unwrap()
            .set(tag::SUBJECT_NAME, format!("{subject}\0").as_bytes())
            .set(tag::ISSUER_NAME, b"cn=Cisco Manufacturing CA;o=Cisco Systems\0")
            .without(tag::RECORD_SIGNATURE)
            .ip(Ipv4Addr::UNSPECIFIED)
    };
    let bare = |ip: Ipv4Addr| RecordBuilder::new().dns_name(&ip.to_string()).role(Role::CCM_TFTP).ip(ip);
    let a = Ipv4Addr::new(10, 48, 47, 153);
    let b = Builder {
        timestamp: 1_424_792_265,
        records: vec![
            sast("etoken1", "cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems"),
            sast("etoken2", "cn=\"SAST-ADN008580ef        \";ou=IPCBU;o=\"Cisco Systems"),
            bare(a),
            RecordBuilder::from_certificate(Role::CAPF, &cert("capf105"), &a.to_string())
                .unwrap()
                .without(tag::RECORD_SIGNATURE)
                .ip(a),
            bare(Ipv4Addr::new(10, 48, 47, 154)),
        ],
        ..Builder::new(Kind::Ctl)
    };
    let id = SignerId {
        name: "cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems".into(),
        serial: vec![0x3C, 0xF9, 0x27, 0, 0, 0, 0xAF, 0xA2, 0xDA, 0x45],
        issuer: "cn=Cisco Manufacturing CA;o=Cisco Systems".into(),
    };
    b.build(&Signing::rsa(&id, &key("etoken1"))).unwrap()
}

/// Every fixture: `(file name in testdata/, bytes)`.
pub fn build_all() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let seed = sign(itl(seed004_records(), Digest::Sha1), "cm10pub");
    out.push(("itl-11x-cm-sha1.tlv", seed.clone()));
    out.push(("itl-11x-reset-itlrecovery.tlv", sign(itl(seed004_records(), Digest::Sha1), "itlrec10")));
    out.push((
        "itl-12x-itlrecovery-sha512.tlv",
        sign(
            itl(
                vec![
                    rec(Role::SAST, "itlrec12", b"\0"),
                    rec(Role::TFTP, "cm12pub", b"cucm12pub.example.com\0"),
                    hashed(Role::CAPF, "capf12"),
                    hashed(Role::TVS, "tvs12pub"),
                ],
                Digest::Sha512,
            ),
            "itlrec12",
        ),
    ));
    out.push(("ctl-etoken.tlv", etoken_ctl()));
    let a = Ipv4Addr::new(10, 48, 47, 153);
    let ctl = Builder {
        digest: Digest::Sha256,
        timestamp: 1_425_675_367,
        records: vec![
            rec(Role::SAST, "cm105pub", b"cucm-1051-a-pub\0").ip(a),
            rec(Role::CCM_TFTP, "cm105pub", b"cucm-1051-a-pub\0").ip(a),
            rec(Role::CAPF, "capf105", b"cucm-1051-a-pub\0").ip(a),
        ],
        ..Builder::new(Kind::Ctl)
    };
    out.push(("ctl-tokenless-sha256.tlv", sign(ctl, "cm105pub")));
    let mut big = vec![rec(Role::SAST, "big4096", b"\0")];
    for i in 1..=38 {
        let name = format!("node{i:02}");
        let role = if i % 2 == 1 { Role::CCM_TFTP } else { Role::TVS };
        big.push(rec(role, &name, format!("{name}.example.com\0").as_bytes()));
    }
    out.push(("itl-39-records.tlv", sign(itl(big, Digest::Sha256), "big4096")));
    out.push((
        "itl-2048-sha1.tlv",
        sign(
            itl(
                vec![
                    rec(Role::SAST, "cm12pub", b"\0\0"),
                    rec(Role::TFTP, "cm12pub", b"\0\0"),
                    hashed(Role::CAPF, "capf12"),
                    hashed(Role::TVS, "tvs12pub"),
                    rec(Role::SAST, "itlrec12", b"\0\0"),
                    hashed(Role::TVS, "tvs10sub"),
                ],
                Digest::Sha1,
            ),
            "cm12pub",
        ),
    ));
    let mut unknown = seed004_records();
    unknown[1] = unknown[1].clone().tlv(42, b"from a newer release");
    out.push(("unknown-tag.tlv", sign(itl(unknown, Digest::Sha1), "cm10pub")));
    out.push(("signed-by-stranger.tlv", {
        let id = SignerId::from_certificate(&cert("stranger")).unwrap();
        itl(seed004_records(), Digest::Sha1).build(&Signing::rsa(&id, &key("stranger"))).unwrap()
    }));

    out.push(("SEP001122334455.cnf.xml.sgn", signed_config()));
    out.extend(scenarios());
    out.extend(lint_fixtures());

    // Broken twins of the seed ITL.
    out.push(("err-truncated.tlv", seed[..seed.len() - 700].to_vec()));
    let mut trailing = seed.clone();
    trailing.extend_from_slice(&[0, 0, 0]);
    out.push(("err-trailing.tlv", trailing));
    let list = itl::TrustList::parse(&seed).unwrap();
    let mut bad_len = seed.clone();
    let r2 = list.records[1].offset;
    bad_len[r2 + 3..r2 + 5].copy_from_slice(&100u16.to_be_bytes());
    out.push(("err-record-length.tlv", bad_len));
    let mut bad_hl = seed.clone();
    bad_hl[8..10].copy_from_slice(&u16::MAX.to_be_bytes());
    out.push(("err-header-length.tlv", bad_hl));
    let sig = list.header.signature.unwrap();
    let mut stripped = seed[..sig.offset].to_vec();
    stripped.extend_from_slice(&seed[sig.end()..]);
    let hl = (list.header.length() - (sig.end() - sig.offset)) as u16;
    stripped[8..10].copy_from_slice(&hl.to_be_bytes());
    out.push(("err-no-signature.tlv", stripped));
    let mut tampered = seed.clone();
    let cert9 = list.records[0].certificate.unwrap();
    tampered[cert9.offset + 40] ^= 0x01;
    out.push(("err-tampered.tlv", tampered));
    out
}

/// The payload of the signed configuration file fixture.
pub const CONFIG_XML: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device><deviceProtocol>SIP</deviceProtocol><sshAccess>1</sshAccess></device>\n";

/// `SEP001122334455.cnf.xml.sgn`, signed by the CallManager (TFTP) key of the seed cluster.
pub fn signed_config() -> Vec<u8> {
    let b = Builder {
        version: (1, 0),
        filename: "SEP001122334455.cnf.xml.sgn".into(),
        timestamp: SEED_TIME,
        ..Builder::new(Kind::Itl)
    };
    let id = SignerId::from_certificate(&cert("cm10pub")).unwrap();
    b.build(&Signing::rsa(&id, &key("cm10pub")).payload(CONFIG_XML)).unwrap()
}

/// A one-node 11.5 cluster (Cisco 117598's "simplest environment"): CallManager `cm`,
/// TVS `tvs`, signed by the CallManager key.
fn one_node(cm: &str, tvs: &str) -> Vec<u8> {
    let recs = vec![
        rec(Role::SAST, cm, b"\0\0"),
        rec(Role::TFTP, cm, b"\0\0"),
        hashed(Role::CAPF, "capf10"),
        hashed(Role::TVS, tvs),
        rec(Role::SAST, "itlrec10", b"\0\0"),
    ];
    sign(itl(recs, Digest::Sha1), cm)
}

/// A 12.x ITL signed by ITLRecovery `rec`, with CallManager `cm`.
fn twelve(rec_name: &str, cm: &str) -> Vec<u8> {
    let recs = vec![
        rec(Role::SAST, rec_name, b"\0"),
        rec(Role::TFTP, cm, b"cucm12pub.example.com\0"),
        hashed(Role::CAPF, "capf12"),
        hashed(Role::TVS, "tvs12pub"),
    ];
    sign(itl(recs, Digest::Sha512), rec_name)
}

/// The certificate regeneration scenarios of the seeds, as (old, new) pairs for `diff`.
pub fn scenarios() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("scenario-11x-before.tlv", one_node("cm10pub", "tvs10pub")),
        ("scenario-11x-cm-regen.tlv", one_node("cm10pub-regen", "tvs10pub")),
        ("scenario-11x-cm-tvs-regen.tlv", one_node("cm10pub-regen", "tvs10pub-regen")),
        ("scenario-12x-cm-regen.tlv", twelve("itlrec12", "cm12pub-regen")),
        ("scenario-12x-itlrecovery-regen.tlv", twelve("itlrec12-regen", "cm12pub")),
    ]
}

/// Files that each trigger one lint finding.
pub fn lint_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let weak =
        vec![rec(Role::SAST, "cm12pub", b"\0"), rec(Role::TFTP, "cm12pub", b"\0"), rec(Role::SAST, "itlrec10", b"\0")];
    let no_recovery = vec![rec(Role::SAST, "cm12pub", b"\0"), rec(Role::TFTP, "cm12pub", b"\0")];
    let mut forty = vec![rec(Role::SAST, "big4096", b"\0")];
    for i in 1..=38 {
        forty.push(rec(Role::CCM_TFTP, &format!("node{i:02}"), b"\0"));
    }
    forty.push(rec(Role::TVS, "node01", b"\0"));
    let mismatch = vec![
        rec(Role::SAST, "cm12pub", b"\0"),
        rec(Role::TFTP, "cm12pub", b"\0").set(tag::RECORD_SERIAL_NUMBER, &[0x12, 0x34]),
        rec(Role::SAST, "itlrec12", b"\0"),
    ];
    let three = vec![
        rec(Role::SAST, "cm12pub", b"\0"),
        rec(Role::SAST, "itlrec12", b"\0"),
        rec(Role::SAST, "tvs12pub", b"\0"),
        rec(Role::TFTP, "cm12pub", b"\0"),
    ];
    vec![
        ("lint-weak-itlrecovery.tlv", sign(itl(weak, Digest::Sha512), "cm12pub")),
        ("lint-no-itlrecovery.tlv", sign(itl(no_recovery, Digest::Sha512), "cm12pub")),
        ("lint-40-records.tlv", sign(itl(forty, Digest::Sha512), "big4096")),
        ("lint-cert-mismatch.tlv", sign(itl(mismatch, Digest::Sha512), "cm12pub")),
        ("lint-3-sast.tlv", sign(itl(three, Digest::Sha512), "cm12pub")),
        ("cucm-cfirst.tlv", sign(itl(cfirst_records(), Digest::Sha1), "cfirst")),
        ("rollback-itl.tlv", sign(itl(rollback_records(), Digest::Sha1), "cm10pub")),
    ]
}

/// CUCM's spelling of the `cfirst` certificate's name (whose RDNs are C, ST, L, O, OU, CN):
/// CN first, then OU, O, L, ST, C, `;`-joined (docs/format.md, section 5.3 "Name strings").
pub const CFIRST_CUCM_NAME: &str = "CN=cucm-cfirst.example.com;OU=tac;O=cisco;L=rtp;ST=nc;C=US";

/// A CUCM-shaped ITL whose certificates hold `C=US` first: SUBJECTNAME and ISSUERNAME are
/// written as CUCM writes them, not by the library's name code.
pub fn cfirst_records() -> Vec<RecordBuilder> {
    let cucm = format!("{CFIRST_CUCM_NAME}\0");
    [Role::SAST, Role::CCM_TFTP]
        .into_iter()
        .map(|role| {
            rec(role, "cfirst", b"\0").set(tag::SUBJECT_NAME, cucm.as_bytes()).set(tag::ISSUER_NAME, cucm.as_bytes())
        })
        .collect()
}

/// The "Prepare Cluster for Rollback to pre-8.0" ITL: the signer's SAST record, then TFTP
/// and TVS records with a role and no certificate (CUCM Security Guide: "empty TVS and TFTP
/// certificate sections").
pub fn rollback_records() -> Vec<RecordBuilder> {
    vec![
        rec(Role::SAST, "cm10pub", b"\0\0"),
        RecordBuilder::new().dns_name("").role(Role::TFTP),
        RecordBuilder::new().dns_name("").role(Role::TVS),
    ]
}
