//! Signed and encrypted config files and certificates for a PBX: files certutils made
//! (testdata/pbx/README.md) read, decrypt and verify; files made here are judged by openssl
//! (`dgst -verify`, `pkeyutl -decrypt`, `enc -d -aes-128-cbc`, `x509`), and round trip.

use std::path::{Path, PathBuf};
use std::process::Command;

use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::cert::{load_certificate, load_private_key};
use itl::encrypted::{companion_config, decrypt, encrypt, encrypt_with, DecryptError};
use itl::sgn::{sign, verify, SignedFile};
use itl::verify::Status;
use itl::{Digest, Kind, Role, TrustList};
use proptest::prelude::*;
use rsa::RsaPrivateKey;

fn pbx(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pbx").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(pbx(name)).unwrap()
}

fn key(name: &str) -> RsaPrivateKey {
    load_private_key(&String::from_utf8(read(name)).unwrap()).unwrap()
}

fn cert(name: &str) -> Vec<u8> {
    load_certificate(&read(name)).unwrap()
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("itl-pbx-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl").args(args).output().expect("openssl")
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A trust list that holds tftp.pem as SAST and TFTP, signed with it.
fn trust_list() -> Vec<u8> {
    let der = cert("tftp.pem");
    let b = Builder::new(Kind::Itl)
        .record(RecordBuilder::from_certificate(Role::SAST, &der, "").unwrap())
        .record(RecordBuilder::from_certificate(Role::TFTP, &der, "").unwrap());
    b.build(&Signing::rsa(&SignerId::from_certificate(&der).unwrap(), &key("tftp.pem"))).unwrap()
}

/// `openssl dgst -verify` of a signed file with the signer certificate `cert_pem`.
fn openssl_verifies(bytes: &[u8], cert_pem: &Path, digest: &str, dir: &Path) -> bool {
    let f = SignedFile::parse(bytes).unwrap();
    let sig = f.header.signature.unwrap();
    let mut data = bytes[..sig.offset].to_vec();
    data.extend_from_slice(&bytes[sig.end()..]);
    std::fs::write(dir.join("data"), &data).unwrap();
    std::fs::write(dir.join("sig"), sig.value).unwrap();
    let pk = openssl(&["x509", "-in", p(cert_pem), "-pubkey", "-noout"]);
    std::fs::write(dir.join("pub"), pk.stdout).unwrap();
    let o = openssl(&[
        "dgst",
        digest,
        "-verify",
        p(&dir.join("pub")),
        "-signature",
        p(&dir.join("sig")),
        p(&dir.join("data")),
    ]);
    o.status.success()
}

/// The line `Label: value` of certutils' `enccnf --parse` output.
fn parse_line(text: &str, label: &str) -> String {
    text.lines().find_map(|l| l.strip_prefix(label)?.strip_prefix(':')).unwrap().trim().to_owned()
}

#[test]
fn certutils_encrypted_files_show_every_field() {
    for (dir, digest) in [("certutils-sha1", Digest::Sha1), ("certutils-sha512", Digest::Sha512)] {
        let b = read(&format!("{dir}/SEP001122334455.cnf.xml.enc.sgn"));
        let parsed = String::from_utf8(read(&format!("{dir}/enccnf-parse.txt"))).unwrap();
        let f = SignedFile::parse(&b).unwrap();
        assert_eq!(f.header.version(), Some((2, 0)));
        assert_eq!(f.header.length().to_string(), parse_line(&parsed, "Header Length").replace(" bytes", ""));
        let e = f.encryption().expect("encryption fields");
        assert_eq!(e.iv.unwrap().len(), 16);
        assert_eq!(format!("{} bytes", e.wrapped_key.unwrap().len()), parse_line(&parsed, "Encryption Key"));
        assert_eq!(hex::encode(e.hash.unwrap()), parse_line(&parsed, "Encryption Digest"));
        assert_eq!(e.hash_digest(), Some(digest));
        assert_eq!(e.key_algorithm_name().as_deref(), Some("AES-128-CBC"));
        // Every header tag is known and has a name.
        assert_eq!(f.header.unknown, 0);
        assert_eq!(f.header.unknown_tags().count(), 0);
        for item in f.header.items() {
            if let Ok(itl::tlv::Item::Tlv(t)) = item {
                assert!(itl::tag::header_name(t.tag).is_some(), "tag {} has no name", t.tag);
            }
        }
        let text = itl::show::ShowSigned::new(&f).to_string();
        assert!(!text.contains("UNKNOWN"), "{text}");
        assert!(text.contains("encrypted for one phone"));
        assert!(text.contains(&parse_line(&parsed, "Encryption Digest")));
        let json = itl::json::to_string(&itl::json::SignedJson::new("x", &f));
        assert!(json.contains("\"encrypted\": true"));
        assert!(json.contains(&format!("\"hash\": \"{}\"", parse_line(&parsed, "Encryption Digest"))));
        assert!(json.contains("\"wrapped_key_length\": 256"));
        // A plain signed file says it is not encrypted.
        let plain = read("dialplan.xml.sgn");
        let pf = SignedFile::parse(&plain).unwrap();
        assert!(pf.encryption().is_none());
        assert!(itl::json::to_string(&itl::json::SignedJson::new("x", &pf)).contains("\"encryption\": null"));
    }
}

#[test]
fn certutils_encrypted_files_decrypt_to_the_original() {
    let original = read("SEP001122334455.cnf.xml");
    for dir in ["certutils-sha1", "certutils-sha512"] {
        let b = read(&format!("{dir}/SEP001122334455.cnf.xml.enc.sgn"));
        let f = SignedFile::parse(&b).unwrap();
        assert_eq!(decrypt(&f, &key("phone.pem")).unwrap(), original);
        // The TFTP key is RSA 2048 too, but not the phone's.
        assert!(matches!(decrypt(&f, &key("tftp.pem")), Err(DecryptError::KeyDoesNotFit(_))));
        // One changed byte of the ciphertext: the hash no longer matches, no text comes out.
        let mut bad = b.clone();
        let last = bad.len() - 20;
        bad[last] ^= 0x01;
        let f = SignedFile::parse(&bad).unwrap();
        assert!(matches!(decrypt(&f, &key("phone.pem")), Err(DecryptError::HashMismatch { .. })));
        // A plain signed file is not encrypted.
        let plain = read("dialplan.xml.sgn");
        let f = SignedFile::parse(&plain).unwrap();
        assert!(matches!(decrypt(&f, &key("phone.pem")), Err(DecryptError::NotEncrypted(_))));
    }
}

#[test]
fn certutils_signed_files_verify() {
    // certutils' own ITL of the same certificate (SAST and TFTP).
    let itl = read("ITLFile.tlv");
    let trust = TrustList::parse(&itl).unwrap();
    for name in [
        "dialplan.xml.sgn",
        "firmware.bin.sgn",
        "certutils-sha1/SEP001122334455.cnf.xml.enc.sgn",
        "certutils-sha512/SEP001122334455.cnf.xml.enc.sgn",
        "certutils-sha1/SEP001122334455.cnf.xml.sgn",
    ] {
        let b = read(name);
        let f = SignedFile::parse(&b).unwrap();
        assert_eq!(verify(&f, &trust).status, Status::Valid, "{name}");
    }
}

#[test]
fn the_companion_config_is_the_one_certutils_writes() {
    // certutils' companion for the same config and phone certificate, byte for byte.
    let b = read("certutils-sha1/SEP001122334455.cnf.xml.sgn");
    let theirs = SignedFile::parse(&b).unwrap().payload.to_vec();
    let md5 = itl::encrypted::cert_hash_md5(&cert("phone.pem"));
    let ours = companion_config(&read("SEP001122334455.cnf.xml"), &md5).unwrap();
    assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
    // A config that is not a phone's, or not XML, is refused.
    assert!(companion_config(b"<dialTemplate/>", &md5).is_err());
    assert!(companion_config(b"<device><a></device>", &md5).is_err());
    assert!(companion_config(b"not xml", &md5).is_err());
}

#[test]
fn cert_md5_matches_openssl() {
    let dir = tmpdir("md5");
    let o = openssl(&["x509", "-in", p(&pbx("phone.pem")), "-noout", "-fingerprint", "-md5"]);
    let fp = String::from_utf8(o.stdout).unwrap();
    let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase();
    assert_eq!(itl::encrypted::cert_hash_md5(&cert("phone.pem")), fp);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cert_hash_matches_certutils() {
    let der = cert("tftp.pem");
    let want = |n: &str| String::from_utf8(read(n)).unwrap().trim().to_owned();
    assert_eq!(itl::mint::certificate_hash(&der, Digest::Sha1).unwrap(), want("tftp.certhash-sha1.txt"));
    assert_eq!(itl::mint::certificate_hash(&der, Digest::Sha512).unwrap(), want("tftp.certhash-sha512.txt"));
    assert_eq!(itl::mint::certificate_hash(&cert("phone.pem"), Digest::Sha1).unwrap(), want("phone.certhash-sha1.txt"));
}

#[test]
fn signed_files_verify_with_openssl_and_keep_the_payload() {
    let dir = tmpdir("sign");
    let payload = read("firmware.bin");
    for (digest, name) in [(Digest::Sha1, "-sha1"), (Digest::Sha512, "-sha512")] {
        let b = sign(&payload, "firmware.bin", digest, 1_700_000_000, &cert("tftp.pem"), &key("tftp.pem")).unwrap();
        assert!(openssl_verifies(&b, &pbx("tftp.pem"), name, &dir));
        let f = SignedFile::parse(&b).unwrap();
        assert_eq!(f.payload, payload.as_slice());
        assert_eq!(f.header.version(), Some((1, 0)));
        assert_eq!(f.header.file_name(), Some("firmware.bin"));
        assert_eq!(f.header.digest(), Some(digest));
        assert_eq!(f.header.length() % 4, 0);
    }
    // A key that is not the certificate's is refused.
    assert!(sign(b"x", "x", Digest::Sha1, 0, &cert("tftp.pem"), &key("phone.pem")).is_err());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn encrypted_files_decrypt_with_openssl() {
    let dir = tmpdir("enc");
    let xml = read("SEP001122334455.cnf.xml");
    for (digest, name) in [(Digest::Sha1, "-sha1"), (Digest::Sha512, "-sha512")] {
        let pair = encrypt(
            &xml,
            "SEP001122334455.cnf.xml",
            digest,
            1_700_000_000,
            &cert("tftp.pem"),
            &key("tftp.pem"),
            &cert("phone.pem"),
        )
        .unwrap();
        assert!(openssl_verifies(&pair.encrypted, &pbx("tftp.pem"), name, &dir));
        assert!(openssl_verifies(&pair.companion, &pbx("tftp.pem"), name, &dir));
        let f = SignedFile::parse(&pair.encrypted).unwrap();
        assert_eq!(f.header.version(), Some((2, 0)));
        assert_eq!(f.header.file_name(), Some("SEP001122334455.cnf.xml.enc.sgn"));
        let e = f.encryption().unwrap();
        // openssl unwraps the AES key with the phone's private key...
        std::fs::write(dir.join("wrapped"), e.wrapped_key.unwrap()).unwrap();
        let o = openssl(&["pkeyutl", "-decrypt", "-inkey", p(&pbx("phone.pem")), "-in", p(&dir.join("wrapped"))]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.stdout.len(), 16);
        // ...and decrypts the payload with it: the XML, then `\r` padding to 16 bytes.
        std::fs::write(dir.join("payload"), f.payload).unwrap();
        let o = openssl(&[
            "enc",
            "-d",
            "-aes-128-cbc",
            "-nopad",
            "-K",
            &hex::encode(&o.stdout),
            "-iv",
            &hex::encode(e.iv.unwrap()),
            "-in",
            p(&dir.join("payload")),
        ]);
        assert!(o.status.success());
        let pad = 16 - xml.len() % 16;
        assert_eq!(&o.stdout[..xml.len()], xml.as_slice());
        assert_eq!(&o.stdout[xml.len()..], vec![b'\r'; pad].as_slice());
        assert_eq!(e.padding, Some(pad as u16));
        // The plain-text hash is openssl's digest of the XML.
        let o = openssl(&["dgst", name, "-r", p(&pbx("SEP001122334455.cnf.xml"))]);
        let want = String::from_utf8(o.stdout).unwrap();
        assert_eq!(hex::encode(e.hash.unwrap()), want.split(' ').next().unwrap());
        // The companion points to the phone certificate.
        let c = SignedFile::parse(&pair.companion).unwrap();
        assert_eq!(c.header.version(), Some((1, 0)));
        assert_eq!(c.header.file_name(), Some("SEP001122334455.cnf.xml.sgn"));
        let text = String::from_utf8(c.payload.to_vec()).unwrap();
        assert!(text.contains(&format!("<certHash>{}</certHash>", pair.cert_md5)));
        assert!(text.contains("<encrConfig>true</encrConfig>"));
        // And it decrypts back here.
        assert_eq!(decrypt(&f, &key("phone.pem")).unwrap(), xml);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn encrypting_refuses_bad_inputs() {
    let xml = read("SEP001122334455.cnf.xml");
    let (c, k) = (cert("tftp.pem"), key("tftp.pem"));
    // EC phone certificate.
    let e = encrypt(&xml, "x", Digest::Sha1, 0, &c, &k, &cert("ecphone.pem")).unwrap_err();
    assert!(e.to_string().contains("EC key"), "{e}");
    // Signing key not the certificate's.
    assert!(encrypt(&xml, "x", Digest::Sha1, 0, &c, &key("phone.pem"), &cert("phone.pem")).is_err());
    // Not a phone config.
    assert!(encrypt(b"<x/>", "x", Digest::Sha1, 0, &c, &k, &cert("phone.pem")).is_err());
}

#[test]
fn a_block_aligned_config_gets_a_whole_block_of_padding() {
    // As certutils: 16 - len % 16, so 16 bytes when the XML is already aligned.
    let xml = b"<device><a>0123456789012345</a></device>\n\n\n\n\n\n\n\n";
    assert_eq!(xml.len() % 16, 0);
    let pair = encrypt_with(
        xml,
        "x",
        Digest::Sha1,
        0,
        &cert("tftp.pem"),
        &key("tftp.pem"),
        &cert("phone.pem"),
        [7; 16],
        [9; 16],
    )
    .unwrap();
    let f = SignedFile::parse(&pair.encrypted).unwrap();
    assert_eq!(f.encryption().unwrap().padding, Some(16));
    assert_eq!(f.payload.len(), xml.len() + 16);
    assert_eq!(decrypt(&f, &key("phone.pem")).unwrap(), xml);
}

#[test]
fn new_certificates_have_the_usages_phones_expect() {
    use itl::mint::{mint, KeyKind, NewCertificate};
    let dir = tmpdir("mint");
    for kind in [KeyKind::Rsa(2048), KeyKind::P256, KeyKind::P384] {
        let m = mint(&NewCertificate {
            common_name: "pbx.example.com".into(),
            organization: "Example".into(),
            unit: "VoIP".into(),
            locality: Some("Auckland".into()),
            state: Some("AKL".into()),
            country: Some("nz".into()),
            key: kind,
            years: 5,
            digest: None,
        })
        .unwrap();
        let pem = m.pem();
        assert!(pem.find("PRIVATE KEY").unwrap() < pem.find("CERTIFICATE").unwrap());
        let path = dir.join("c.pem");
        std::fs::write(&path, &pem).unwrap();
        let o = openssl(&["x509", "-in", p(&path), "-noout", "-text", "-nameopt", "RFC2253"]);
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains("Digital Signature, Key Encipherment, Data Encipherment, Certificate Sign"), "{text}");
        assert!(text.contains("TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System"));
        assert!(text.contains("Subject: C=NZ,ST=AKL,L=Auckland,OU=VoIP,O=Example,CN=pbx.example.com"), "{text}");
        assert!(text.contains("DNS:pbx.example.com"));
        // Self-signed: openssl verifies it against itself.
        let o = openssl(&["verify", "-CAfile", p(&path), p(&path)]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        // Serial: 16 bytes.
        let o = openssl(&["x509", "-in", p(&path), "-noout", "-serial"]);
        let serial = String::from_utf8(o.stdout).unwrap();
        assert_eq!(serial.trim().trim_start_matches("serial=").len(), 32, "{serial}");
        // The key is the certificate's (openssl derives the same public key from both).
        let a = openssl(&["pkey", "-in", p(&path), "-pubout"]);
        let b = openssl(&["x509", "-in", p(&path), "-noout", "-pubkey"]);
        assert_eq!(a.stdout, b.stdout);
        // Valid for the years asked.
        let o = openssl(&["x509", "-in", p(&path), "-noout", "-checkend", &(4 * 366 * 86400).to_string()]);
        assert!(o.status.success());
        let o = openssl(&["x509", "-in", p(&path), "-noout", "-checkend", &(5 * 366 * 86400).to_string()]);
        assert!(!o.status.success());
        if let KeyKind::Rsa(_) = kind {
            let k = load_private_key(&pem).unwrap();
            assert!(itl::cert::key_matches(&k, &m.cert_der));
        }
    }
    let bad = |f: fn(&mut NewCertificate)| {
        let mut r = NewCertificate {
            common_name: "a".into(),
            organization: "b".into(),
            unit: "c".into(),
            locality: None,
            state: None,
            country: None,
            key: KeyKind::P256,
            years: 1,
            digest: None,
        };
        f(&mut r);
        mint(&r).is_err()
    };
    assert!(bad(|r| r.key = KeyKind::Rsa(1000)));
    assert!(bad(|r| r.country = Some("NZL".into())));
    assert!(bad(|r| r.years = 0));
    assert!(bad(|r| r.digest = Some(Digest::Sha512)));
    assert!(bad(|r| r.common_name = String::new()));
    let _ = std::fs::remove_dir_all(dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify(payload in proptest::collection::vec(any::<u8>(), 0..3000), sha512 in any::<bool>(),
                        name in "[A-Za-z0-9._-]{1,40}") {
        let digest = if sha512 { Digest::Sha512 } else { Digest::Sha1 };
        let itl = trust_list();
        let trust = TrustList::parse(&itl).unwrap();
        let b = sign(&payload, &name, digest, 1, &cert("tftp.pem"), &key("tftp.pem")).unwrap();
        let f = SignedFile::parse(&b).unwrap();
        prop_assert_eq!(f.payload, payload.as_slice());
        prop_assert_eq!(f.header.file_name(), Some(name.as_str()));
        prop_assert_eq!(verify(&f, &trust).status, Status::Valid);
        // Any changed payload byte breaks the signature.
        if !payload.is_empty() {
            let mut bad = b.clone();
            let i = b.len() - 1 - (payload.len() / 2);
            bad[i] ^= 0x80;
            let f = SignedFile::parse(&bad).unwrap();
            prop_assert_eq!(verify(&f, &trust).status, Status::Invalid);
        }
    }

    #[test]
    fn encrypt_then_decrypt(body in "[ -~\n\t]{0,2000}", sha512 in any::<bool>(), flip in any::<usize>()) {
        let digest = if sha512 { Digest::Sha512 } else { Digest::Sha1 };
        let esc = body.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let xml = format!("<device>\n  <loadInformation>{esc}</loadInformation>\n</device>\n").into_bytes();
        let pair = encrypt(&xml, "SEP0.cnf.xml", digest, 1, &cert("tftp.pem"), &key("tftp.pem"), &cert("phone.pem"))
            .unwrap();
        let f = SignedFile::parse(&pair.encrypted).unwrap();
        prop_assert_eq!(decrypt(&f, &key("phone.pem")).unwrap(), xml.clone());
        let itl = trust_list();
        let trust = TrustList::parse(&itl).unwrap();
        prop_assert_eq!(verify(&f, &trust).status, Status::Valid);
        // A changed payload byte never gives text back.
        let mut bad = pair.encrypted.clone();
        let i = f.header.length() + flip % f.payload.len();
        bad[i] ^= 0x01;
        let f = SignedFile::parse(&bad).unwrap();
        let mismatch = matches!(decrypt(&f, &key("phone.pem")), Err(DecryptError::HashMismatch { .. }));
        prop_assert!(mismatch);
        let c = SignedFile::parse(&pair.companion).unwrap();
        let kept = format!("  <loadInformation>{esc}</loadInformation>\n");
        prop_assert!(String::from_utf8_lossy(c.payload).contains(&kept));
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn changed_encrypted_files_never_panic_nor_decrypt(at in any::<usize>(), byte in any::<u8>(), cut in any::<bool>()) {
        let mut b = read("certutils-sha1/SEP001122334455.cnf.xml.enc.sgn");
        let i = at % b.len();
        if cut {
            b.truncate(i);
        } else if b[i] == byte {
            return Ok(());
        } else {
            b[i] = byte;
        }
        if let Ok(f) = SignedFile::parse_with(&b, itl::Mode::Lenient) {
            let _ = itl::show::ShowSigned::new(&f).to_string();
            let _ = itl::json::to_string(&itl::json::SignedJson::new("x", &f));
            // Whatever changed, no text comes out unless it is the original.
            if let Ok(plain) = decrypt(&f, &key("phone.pem")) {
                prop_assert_eq!(plain, read("SEP001122334455.cnf.xml"));
            }
        }
    }
}
