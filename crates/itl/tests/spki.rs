//! The key read from a certificate's SubjectPublicKeyInfo (without decoding the rest of the
//! certificate) is the key openssl sees (`openssl x509 -pubkey`), for every certificate in
//! testdata: the DER files, the PEM files and the CERTIFICATE of every trust-list record.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use itl::key::PublicKey;

fn testdata() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// Runs openssl with `input` on stdin; its stdout, or `None` when it fails.
fn openssl(args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl on PATH");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    out.status.success().then_some(out.stdout)
}

/// Every file under `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every DER certificate of testdata, each once.
fn certificates() -> BTreeSet<Vec<u8>> {
    let mut all = Vec::new();
    files(&testdata(), &mut all);
    let mut certs = BTreeSet::new();
    for p in all {
        let b = std::fs::read(&p).unwrap();
        let name = p.to_string_lossy();
        if name.ends_with(".tlv") {
            if let Ok(l) = itl::TrustList::parse_with(&b, itl::Mode::Lenient) {
                certs.extend(l.records.iter().filter_map(|r| r.certificate_der()).map(<[u8]>::to_vec));
            }
        } else if name.ends_with(".der") || name.ends_with(".pem") {
            // openssl decides what is a certificate: its DER re-encoding of the file.
            let inform = if name.ends_with(".der") { "DER" } else { "PEM" };
            if let Some(der) = openssl(&["x509", "-inform", inform, "-outform", "DER"], &b) {
                certs.insert(der);
            }
        }
    }
    certs
}

#[test]
fn key_from_certificate_is_openssls() {
    let certs = certificates();
    assert!(certs.len() >= 40, "only {} certificates found", certs.len());
    let (mut rsa, mut ec) = (0, 0);
    for der in &certs {
        let pem =
            openssl(&["x509", "-inform", "DER", "-pubkey", "-noout"], der).expect("openssl reads the certificate");
        let spki = openssl(&["pkey", "-pubin", "-outform", "DER"], &pem).unwrap();
        let text = String::from_utf8(openssl(&["pkey", "-pubin", "-text", "-noout"], &pem).unwrap()).unwrap();
        let bits: usize = text
            .split_once("Public-Key: (")
            .and_then(|(_, r)| r.split_once(" bit)"))
            .map(|(n, _)| n.parse().unwrap())
            .expect("openssl names the key size");
        let key = PublicKey::from_certificate(der).unwrap();
        // The subjectPublicKey BIT STRING ends the SubjectPublicKeyInfo: its contents (the
        // RSAPublicKey, or the EC point) are the last bytes of openssl's DER.
        let (bytes, ours) = match &key {
            PublicKey::Rsa { der, bits } => {
                rsa += 1;
                assert!(text.contains("Modulus:"), "{text}");
                (der, *bits)
            }
            PublicKey::P256(p) => {
                ec += 1;
                assert!(text.contains("ASN1 OID: prime256v1"), "{text}");
                (p, 256)
            }
            PublicKey::P384(p) => {
                ec += 1;
                assert!(text.contains("ASN1 OID: secp384r1"), "{text}");
                (p, 384)
            }
            other => panic!("unexpected key {other:?} ({text})"),
        };
        assert_eq!(ours, bits, "{text}");
        assert!(spki.len() > bytes.len() && spki.ends_with(bytes), "key bytes differ from openssl's\n{text}");
        // The length of the BIT STRING (its unused-bits byte, then the key) sits just before.
        let before = &spki[..spki.len() - bytes.len()];
        assert_eq!(before.last(), Some(&0), "unused-bits byte");
        let n = bytes.len() + 1;
        let len_ok = match n {
            0..=127 => before[before.len() - 2] as usize == n,
            128..=255 => before[before.len() - 3..before.len() - 1] == [0x81, n as u8],
            _ => before[before.len() - 4..before.len() - 1] == [0x82, (n >> 8) as u8, n as u8],
        };
        assert!(len_ok, "BIT STRING length");
        assert_eq!(key.bits(), Some(bits));
    }
    assert!(rsa >= 30 && ec >= 2, "{rsa} RSA and {ec} EC keys compared");
}

#[test]
fn broken_certificates_are_errors_not_keys() {
    let der = std::fs::read(testdata().join("keys/cm10pub.der")).unwrap();
    // Cut anywhere before the end of the SubjectPublicKeyInfo: an error, never a panic.
    for n in [0, 1, 2, 4, 10, 100, 300] {
        assert!(PublicKey::from_certificate(&der[..n]).is_err(), "cut at {n}");
    }
    // The outer SEQUENCE made an INTEGER.
    let mut bad = der.clone();
    bad[0] = 0x02;
    assert!(PublicKey::from_certificate(&bad).is_err());
    // A PEM file is not DER.
    let pem = std::fs::read(testdata().join("keys/cm10pub.pem")).unwrap();
    assert!(PublicKey::from_certificate(&pem).is_err());
}
