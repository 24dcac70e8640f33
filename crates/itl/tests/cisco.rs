//! Cisco's own signed files, read from real firmware manifests (testdata/cisco/README says
//! where each came from): the placeholder image signer, COP names, the newer image format.
//! Expected values come from the files themselves (hex dumps, `sha256sum` of the payload),
//! not from the code under test.

mod common;

use itl::cisco::CiscoSigner;
use itl::document::Document;
use itl::image::Image;
use itl::sgn::SignedFile;
use itl::verify::{Reason, Status, Token};
use itl::{Mode, TrustList};

fn cisco(name: &str) -> Vec<u8> {
    std::fs::read(common::testdata().join("cisco").join(name)).expect(name)
}

fn trust() -> Vec<u8> {
    std::fs::read(common::testdata().join("itl-11x-cm-sha1.tlv")).unwrap()
}

/// The real manifests with the trust-list header, and the PADDING bytes each header ends
/// with (read off a hex dump: the bytes `0d` between FILENAME's NUL and HEADERLENGTH).
const MANIFESTS: [(&str, usize, usize); 5] = [
    ("SIP11.9-4-2SR1-1S.loads", 0x198, 0),
    ("P0030801SR02.loads", 0x194, 1),
    ("SCCP69xx.9-4-1-3SR2.loads", 0x19c, 2),
    ("term06.default.loads", 0x198, 3),
    ("CP7921G-1.4.6.3.LOADS", 0x198, 2),
];

#[test]
fn real_manifests_parse_strictly_with_0_to_3_padding_bytes() {
    for (name, header_length, padding) in MANIFESTS {
        let b = cisco(name);
        let f = SignedFile::parse(&b).unwrap_or_else(|e| panic!("{name}: {}", e.located()));
        assert_eq!(f.header.length(), header_length, "{name}");
        assert_eq!(f.header.padding, padding, "{name}");
        assert_eq!(f.header.version(), Some((1, 1)), "{name}");
        assert_eq!(f.header.file_name(), Some(name), "{name}");
        assert_eq!(f.header.signer_name(), Some("CN=someSigner;OU=someOrgUnit;O=someOrg"), "{name}");
        assert_eq!(f.header.serial_text().as_deref(), Some("12:34:56:78:90:AB:CD:EF"), "{name}");
        assert_eq!(f.header.ca_name(), Some("CN=someCA;OU=someOrgUnit;O=someOrg"), "{name}");
        assert_eq!(f.header.signature_bytes().map(<[u8]>::len), Some(256), "{name}");
        assert_eq!(CiscoSigner::of(&f.header), Some(CiscoSigner::Image), "{name}");
    }
    // The payload is the manifest text the phone reads.
    let b = cisco("term06.default.loads");
    let f = SignedFile::parse(&b).unwrap();
    assert!(f.payload.windows(21).any(|w| w == b"jar11sip.9-4-2ES9.sbn"));
}

#[test]
fn cisco_signed_files_are_not_invalid() {
    let t = trust();
    let list = TrustList::parse(&t).unwrap();
    for name in ["term06.default.loads", "BOOT69xx.0-0-0-14.zz.sgn", "CP7921G-1.4.6.3.LOADS"] {
        let b = cisco(name);
        let v = itl::sgn::verify(&SignedFile::parse(&b).unwrap(), &list);
        assert_eq!((v.status, v.token, v.signer_record), (Status::CiscoSigned, Token::Cisco, None), "{name}");
        assert!(!v.is_negative() && !v.is_valid(), "{name}");
        assert_eq!(v.reason, Some(Reason::CiscoKey(CiscoSigner::Image)));
        let text = v.reason.unwrap().to_string();
        assert!(text.contains("CN=someSigner;OU=someOrgUnit;O=someOrg, serial 12:34:56:78:90:AB:CD:EF"), "{text}");
        assert!(text.contains("not checked here"), "{text}");
    }
}

#[test]
fn a_cop_package_names_its_key_pt_kt() {
    let b = cisco("synthetic.cop.sgn");
    let f = SignedFile::parse(&b).unwrap();
    assert_eq!(f.header.signer_name(), Some("PT=SYNTHETIC;KT=TEST"));
    let who = CiscoSigner::of(&f.header);
    assert_eq!(who, Some(CiscoSigner::Cop { product: "SYNTHETIC".into(), key: "TEST".into() }));
    let v = itl::sgn::verify(&f, &TrustList::parse(&trust()).unwrap());
    assert_eq!(v.status, Status::CiscoSigned);
    assert!(v.reason.unwrap().to_string().contains("COP-package key (PT=SYNTHETIC;KT=TEST)"));
    // Its payload is the gzip the recipe wrote.
    assert!(f.payload.starts_with(&[0x1f, 0x8b, 0x08]));
}

#[test]
fn config_files_by_unknown_keys_stay_invalid() {
    let t = trust();
    let list = TrustList::parse(&t).unwrap();
    // A config .sgn signed by a key the trust list does not hold (the 12.x list: another
    // cluster than the 11.x one whose CallManager key signed it).
    let other = std::fs::read(common::testdata().join("itl-12x-itlrecovery-sha512.tlv")).unwrap();
    let b = std::fs::read(common::testdata().join("SEP001122334455.cnf.xml.sgn")).unwrap();
    let v = itl::sgn::verify(&SignedFile::parse(&b).unwrap(), &TrustList::parse(&other).unwrap());
    assert_eq!(v.status, Status::SignerNotFound);
    assert!(v.is_negative());
    // A config file that names Cisco's placeholder signer is judged against the trust list:
    // phones check `.xml` files with it, not with their image key. Same length of FILENAME.
    let mut forged = cisco("term06.default.loads");
    let at = forged.windows(20).position(|w| w == b"term06.default.loads").unwrap();
    forged[at..at + 20].copy_from_slice(b"dialplan-abcdefg.xml");
    let f = SignedFile::parse(&forged).unwrap();
    assert_eq!(CiscoSigner::of(&f.header), None);
    let v = itl::sgn::verify(&f, &list);
    assert_eq!(v.status, Status::SignerNotFound);
    // The placeholder name with another serial is no Cisco image either.
    let mut other = cisco("term06.default.loads");
    let at = other.windows(8).position(|w| w == [0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef]).unwrap();
    other[at] = 0x13;
    assert_eq!(CiscoSigner::of(&SignedFile::parse(&other).unwrap().header), None);
}

/// `sha256sum` of bytes 336..1308 of sip78xx.11-0-1-11.loads (Python hashlib, 2026-12-02).
const SIP78XX_PAYLOAD_SHA256: &str = "225ce55d7c8c3f7e1202952e2e888ce917722b697b6c6b6400558bd32b54a428";

#[test]
fn the_newer_image_format_reads_as_cisco_wrote_it() {
    let b = cisco("sip78xx.11-0-1-11.loads");
    let i = Image::parse(&b).unwrap();
    assert_eq!((i.header_length, i.payload.len()), (336, 972));
    assert_eq!(i.file_name(), Some("sip78xx.11-0-1-11.loads"));
    assert_eq!(i.name_padding, 1);
    assert_eq!(i.signature.len(), 256);
    assert_eq!(hex::encode(i.payload_sha256), SIP78XX_PAYLOAD_SHA256);
    assert!(i.payload_matches());
    assert!(i.payload.starts_with(b"#\n# (C) 2013 Cisco Systems"));
    assert!(i.warnings.is_empty());
    let v = i.verify();
    assert_eq!((v.status, v.token, v.digest), (Status::CiscoSigned, Token::Cisco, Some(itl::Digest::Sha256)));
    assert!(v.reason.unwrap().to_string().contains("not checkable here"));
    assert!(matches!(Document::read(&b, Some("sip78xx.11-0-1-11.loads")), Document::Image(_)));
    assert_eq!(itl::sniff::describe(&b), Some(itl::sniff::IMAGE));
}

#[test]
fn a_changed_payload_byte_is_invalid() {
    let b = cisco("sip78xx.11-0-1-11.loads");
    for at in [336, 800, b.len() - 1] {
        let mut m = b.clone();
        m[at] ^= 1;
        let i = Image::parse(&m).unwrap();
        let v = i.verify();
        assert_eq!(v.status, Status::Invalid, "byte {at}");
        assert!(v.is_negative());
        match v.reason {
            Some(Reason::PayloadDigest { header, payload }) => {
                assert_eq!(header, SIP78XX_PAYLOAD_SHA256);
                assert_ne!(payload, header);
            }
            r => panic!("{r:?}"),
        }
    }
    // A changed digest in the header, too.
    let mut m = b.clone();
    m[20] ^= 0x80;
    assert_eq!(Image::parse(&m).unwrap().verify().status, Status::Invalid);
}

#[test]
fn truncated_and_garbage_images_fail_with_offsets() {
    let b = cisco("sip78xx.11-0-1-11.loads");
    for len in 0..b.len() {
        let e = Image::parse(&b[..len]).unwrap_err();
        let at = e.offset().unwrap_or_else(|| panic!("{len}: {e}"));
        assert!(at < 56, "{len}: offset {at}");
        assert!(e.located().contains("at byte"), "{len}");
        assert!(Image::parse_with(&b[..len], Mode::Lenient).is_err());
    }
    let mut extra = b.clone();
    extra.extend_from_slice(b"xyz");
    let e = Image::parse(&extra).unwrap_err();
    assert_eq!((e.kind(), e.offset()), ("trailing-bytes", Some(b.len())));
    let lenient = Image::parse_with(&extra, Mode::Lenient).unwrap();
    assert_eq!((lenient.warnings.len(), lenient.payload.len()), (1, 972));
    let mut huge = b.clone();
    huge[11] = 1; // the upper word of the header length
    let e = Image::parse(&huge).unwrap_err();
    assert_eq!((e.kind(), e.offset()), ("image", Some(4)));
    let mut garbage = itl::image::MAGIC.to_vec();
    garbage.extend(std::iter::repeat_n(0xff, 600));
    assert_eq!(Image::parse(&garbage).unwrap_err().offset(), Some(4));
    // What `itlctl verify` says when given one.
    let why = itl::document::not_a_trust_list(&b, Some("x.loads"), &TrustList::parse(&b).unwrap_err());
    assert!(why.starts_with("a Cisco phone image in the 7800/8800 format"), "{why}");
    let why = itl::document::not_a_trust_list(&huge, Some("x"), &TrustList::parse(&huge).unwrap_err());
    assert!(why.contains("does not add up") && why.contains("at byte 4"), "{why}");
}

#[test]
fn large_signed_files_are_described_not_refused() {
    let mut b = cisco("term06.default.loads");
    b.resize(2 * 1024 * 1024, 0x42);
    assert!(itl::document::may_be_large(&b));
    assert!(matches!(Document::read(&b, Some("GUI.SBN")), Document::Signed(_)));
    let why = itl::document::too_large(&b, 1024 * 1024);
    assert!(why.starts_with("larger than 1 MiB, the most itlctl reads: the signed file term06.default.loads, signed by Cisco's image-signing key"), "{why}");
    let img = cisco("sip78xx.11-0-1-11.loads");
    assert!(itl::document::may_be_large(&img[..400]));
    assert!(itl::document::too_large(&img[..400], 1 << 26).contains("(sip78xx.11-0-1-11.loads)"));
    // A trust list is never large, nor a ZIP archive.
    assert!(!itl::document::may_be_large(&trust()));
    let zip = b"PK\x03\x04rest";
    assert!(!itl::document::may_be_large(zip));
    assert!(itl::document::too_large(zip, 1 << 20).starts_with("larger than 1 MiB: a ZIP archive, not a trust list"));
}
