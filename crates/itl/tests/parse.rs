//! Structure checks against the arithmetic of real CUCM output, lossless round trips, and
//! located errors on the broken twins.

mod common;

use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::{tag, Error, Kind, Mode, Role, TrustList};
use std::net::Ipv4Addr;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::testdata().join(name)).unwrap()
}

#[test]
fn seed004_header_and_record_arithmetic() {
    // Cisco document 117598 prints HeaderLength 324 and SIGNERID 139 for the CallManager
    // signer, 344 and 157 after `utils itl reset`; CAPF 439, TVS 455 and 2048-bit TVS 713
    // (these records carry no certificate, so their lengths do not depend on ours).
    let b = fixture("itl-11x-cm-sha1.tlv");
    let l = TrustList::parse(&b).unwrap();
    assert_eq!(l.header.length(), 324);
    assert_eq!(l.header.signer_id.unwrap().len(), 139);
    assert_eq!(l.records.len(), 6);
    let lens: Vec<_> = l.records.iter().map(|r| r.length()).collect();
    assert_eq!((lens[2], lens[3], lens[5]), (439, 455, 713));
    assert_eq!(l.records[0].public_key.unwrap().len(), 140);
    assert_eq!(l.records[0].signature.unwrap().len(), 128);
    assert_eq!(l.records[5].public_key.unwrap().len(), 270);
    assert_eq!(l.header.serial_text().unwrap(), "61:40:52:E9:1E:E9:7C:77:9B:7B:5E:81:0A:B1:46:A5");
    assert_eq!(l.header.signer_name().unwrap(), "CN=test10pub.joemar2.lab;OU=tac;O=cisco;L=rtp;ST=nc;C=US");
    assert_eq!(l.header.signer_name.unwrap().len(), 57);
    assert_eq!(l.records[2].cert_hash.unwrap().len(), 20);
    assert_eq!(l.records[2].hash_algorithm(), Some(itl::Digest::Sha1));
    // After the reset the seed prints SIGNERNAME 66 / SIGNERID 157 / HeaderLength 344, yet
    // the name it prints has 68 characters (the document's host names were edited). The
    // same arithmetic with the printed name: 3*3 + 69 + 16 + 69 = 163, and 348 = 341 + 6
    // (the 3-byte longer name twice) rounded up to a multiple of 4.
    let reset = fixture("itl-11x-reset-itlrecovery.tlv");
    let r = TrustList::parse(&reset).unwrap();
    assert_eq!(r.header.signer_name.unwrap().len(), 69);
    assert_eq!(r.header.signer_id.unwrap().len(), 157 + 6);
    assert_eq!(r.header.length(), 348);
}

#[test]
fn cucm_118892_layout_arithmetic() {
    // Cisco document 118892 (CUCM 10.0.1, eToken CTL): SIGNERID 117, HeaderLength 304,
    // records 1186/1186/33/1004/33, file 3746. Certificates stand in as blobs of the sizes
    // the sample prints (CERTIFICATE 902 and 680, PUBLICKEY 140).
    let sast = |subject: &str, serial: &[u8]| {
        RecordBuilder::new()
            .dns_name("")
            .subject(subject)
            .role(Role::SAST)
            .issuer("cn=Cisco Manufacturing CA;o=Cisco Systems")
            .serial(serial)
            .public_key(&[0x30; 140])
            .certificate(&[0x30; 902])
            .ip(Ipv4Addr::UNSPECIFIED)
    };
    let bare = |ip: &str| RecordBuilder::new().dns_name(ip).role(Role::CCM_TFTP).ip(ip.parse().unwrap());
    let s1 = [0x3C, 0xF9, 0x27, 0, 0, 0, 0xAF, 0xA2, 0xDA, 0x45];
    let b = Builder::new(Kind::Ctl)
        .record(sast("cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems", &s1))
        .record(sast(
            "cn=\"SAST-ADN008580ef        \";ou=IPCBU;o=\"Cisco Systems",
            &[0x83, 0xE9, 8, 0, 0, 0, 0x55, 0x45, 0xAF, 0x31],
        ))
        .record(bare("10.48.47.153"))
        .record(
            RecordBuilder::new()
                .dns_name("10.48.47.153")
                .subject("CN=CAPF-e9037b69;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL")
                .role(Role::CAPF)
                .issuer("CN=CAPF-e9037b69;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL")
                .serial(&[0x79; 16])
                .public_key(&[0x30; 140])
                .certificate(&[0x30; 680])
                .ip(Ipv4Addr::new(10, 48, 47, 153)),
        )
        .record(bare("10.48.47.154"));
    let id = SignerId {
        name: "cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems".into(),
        serial: s1.to_vec(),
        issuer: "cn=Cisco Manufacturing CA;o=Cisco Systems".into(),
    };
    let bytes = b.build(&Signing::external(&id, 128, &|_| Ok(vec![0x45; 128]))).unwrap();
    assert_eq!(bytes.len(), 3746);
    let l = TrustList::parse(&bytes).unwrap();
    assert_eq!(l.header.signer_id.unwrap().len(), 117);
    assert_eq!(l.header.length(), 304);
    assert_eq!(l.header.padding, 3);
    let lens: Vec<_> = l.records.iter().map(|r| r.length()).collect();
    assert_eq!(lens, [1186, 1186, 33, 1004, 33]);
    assert_eq!(l.header.signer_name.unwrap().len(), 56);
    assert_eq!(l.header.ca_name.unwrap().len(), 42);
    assert_eq!(l.records[2].dns_name.unwrap().len(), 13);
    assert_eq!(l.kind(None), Kind::Ctl);
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    for (name, _) in common::build_all() {
        let b = fixture(name);
        if let Ok(l) = TrustList::parse_with(&b, Mode::Lenient) {
            assert_eq!(l.to_bytes(), b, "{name}");
        }
    }
}

#[test]
fn unknown_tags_are_kept_with_their_offset() {
    let b = fixture("unknown-tag.tlv");
    let l = TrustList::parse(&b).unwrap();
    let u: Vec<_> = l.records[1].unknown_tags().collect();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].tag, 42);
    assert_eq!(u[0].value, b"from a newer release");
    assert_eq!(&b[u[0].offset..u[0].offset + 3], &[42, 0, 20]);
    assert_eq!(l.records[1].tlvs().count(), 10);
}

#[test]
fn broken_twins_give_located_errors() {
    let hl = 324;
    let e = TrustList::parse(&fixture("err-truncated.tlv")).unwrap_err();
    assert!(matches!(e, Error::LengthOverrun { container: "file", tag: tag::RECORD_LENGTH, .. }), "{e:?}");
    let e = TrustList::parse(&fixture("err-trailing.tlv")).unwrap_err();
    assert_eq!(e, Error::TrailingBytes { offset: 5312, length: 3 });
    let e = TrustList::parse(&fixture("err-header-length.tlv")).unwrap_err();
    assert_eq!(e, Error::HeaderLength { offset: 5, header_length: 65535, file_length: 5312 });
    let e = TrustList::parse(&fixture("err-record-length.tlv")).unwrap_err();
    assert!(matches!(e, Error::LengthOverrun { container: "record", .. }), "{e:?}");
    assert!(e.offset().unwrap() > hl);
    let e = TrustList::parse(&fixture("err-no-signature.tlv")).unwrap_err();
    assert!(matches!(e, Error::MissingTag { tag: 12, .. }), "{e:?}");
    assert!(e.located().contains("(tag 12)"));
}

#[test]
fn lenient_mode_recovers_and_reports() {
    let b = fixture("err-trailing.tlv");
    let l = TrustList::parse_with(&b, Mode::Lenient).unwrap();
    assert_eq!(l.records.len(), 6);
    assert_eq!(l.trailing, &[0, 0, 0]);
    assert_eq!(l.warnings, vec![Error::TrailingBytes { offset: 5312, length: 3 }]);
    let b = fixture("err-truncated.tlv");
    let l = TrustList::parse_with(&b, Mode::Lenient).unwrap();
    assert_eq!(l.warnings.len(), 2, "{:?}", l.warnings);
    let b = fixture("err-no-signature.tlv");
    let l = TrustList::parse_with(&b, Mode::Lenient).unwrap();
    assert!(l.header.signature.is_none());
    assert_eq!(l.records.len(), 6);
}

#[test]
fn kind_from_header_then_name_then_itl() {
    let b = fixture("ctl-etoken.tlv");
    assert_eq!(TrustList::parse(&b).unwrap().kind(Some("ITLFile.tlv")), Kind::Ctl);
    let b = fixture("itl-11x-cm-sha1.tlv");
    assert_eq!(TrustList::parse(&b).unwrap().kind(None), Kind::Itl);
    assert_eq!(Kind::from_file_name("/tftp/CTLSEP0011.tlv"), Some(Kind::Ctl));
    assert_eq!(Kind::from_file_name("x.tlv"), None);
}

#[test]
fn record_accessors() {
    let b = fixture("ctl-etoken.tlv");
    let l = TrustList::parse(&b).unwrap();
    assert_eq!(l.records[2].ip_address(), Some("10.48.47.153".parse().unwrap()));
    assert_eq!(l.records[2].dns_name(), Some("10.48.47.153"));
    assert_eq!(l.records[2].role(), Some(Role::CCM_TFTP));
    assert!(l.records[2].certificate.is_none());
    assert_eq!(l.records[1].serial_text().unwrap(), "83:E9:08:00:00:00:55:45:AF:31");
    assert!(l.records[0].signature.is_none());
}
