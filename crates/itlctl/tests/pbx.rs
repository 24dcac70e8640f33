//! The PBX commands: `sgn sign|encrypt|decrypt`, `cert hash|new`, `build --version`.
//! Outputs are judged by openssl and by files certutils made (testdata/pbx/README.md);
//! every bad input is one `itlctl: FILE: …` line and exit 2, and leaves no file behind.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{err as stderr, itlctl, out as stdout, s, t, tmpdir};

fn pbx(name: &str) -> String {
    t(&format!("pbx/{name}"))
}

fn openssl(args: &[&str]) -> Output {
    Command::new("openssl").args(args).output().expect("openssl")
}

/// Exit 2 with exactly one line `itlctl: FILE: …` on stderr that contains `what`.
fn fails(o: &Output, file: &str, what: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let e = stderr(o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.starts_with(&format!("itlctl: {file}: ")), "{e}");
    assert!(e.contains(what), "{e}");
    assert!(o.stdout.is_empty());
}

/// Checks a signed file with `openssl dgst -verify`, locating the SIGNATURE TLV by the
/// fixed header layout (SIGNERID, then SIGNATUREINFO of 18 bytes).
fn openssl_verifies(file: &Path, dgst: &str, dir: &Path) -> bool {
    let b = std::fs::read(file).unwrap();
    let sid = u16::from_be_bytes([b[11], b[12]]) as usize;
    let at = 13 + sid + 18;
    assert_eq!(b[at], 12);
    let len = u16::from_be_bytes([b[at + 1], b[at + 2]]) as usize;
    let mut data = b[..at].to_vec();
    data.extend_from_slice(&b[at + 3 + len..]);
    std::fs::write(dir.join("data"), &data).unwrap();
    std::fs::write(dir.join("sig"), &b[at + 3..at + 3 + len]).unwrap();
    let pk = openssl(&["x509", "-in", &pbx("tftp.pem"), "-pubkey", "-noout"]);
    std::fs::write(dir.join("pub"), pk.stdout).unwrap();
    let o = openssl(&[
        "dgst",
        dgst,
        "-verify",
        &s(&dir.join("pub")),
        "-signature",
        &s(&dir.join("sig")),
        &s(&dir.join("data")),
    ]);
    o.status.success()
}

/// A trust list holding tftp.pem as SAST and TFTP, in CUCM's name spelling.
fn our_itl(dir: &Path) -> String {
    let out = s(&dir.join("ITLFile.tlv"));
    let tftp = pbx("tftp.pem");
    let o = itlctl(&["build", "-o", &out, "--key", &tftp, "--sast", &tftp, "--tftp", &tftp]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn sign_writes_file_sgn_that_openssl_and_verify_accept() {
    let d = tmpdir("sign");
    let src = d.join("SEP001122334455.cnf.xml");
    std::fs::copy(pbx("SEP001122334455.cnf.xml"), &src).unwrap();
    let itl = our_itl(&d);
    // --key holds the certificate too.
    let o = itlctl(&["sgn", "sign", &s(&src), "--key", &pbx("tftp.pem")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = d.join("SEP001122334455.cnf.xml.sgn");
    assert!(openssl_verifies(&out, "-sha1", &d));
    let o = itlctl(&["sgn", "verify", &s(&out), "--itl", &itl]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let j = json(&itlctl(&["sgn", "show", &s(&out), "--json"]));
    assert_eq!(j["version"], "1.0");
    assert_eq!(j["filename"], "SEP001122334455.cnf.xml");
    assert_eq!(j["digest"], "SHA1");
    assert_eq!(j["encrypted"], false);
    assert_eq!(j["signer"]["serial"], "7C:65:47:6A:20:84:C0:CD:D3:BF:F3:27:F5:C4:C7:4B");
    // The payload is the file unchanged.
    let back = d.join("back.xml");
    assert!(itlctl(&["sgn", "extract", &s(&out), "-o", &s(&back)]).status.success());
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&src).unwrap());

    // SHA-512, -o, --filename, and --cert given separately (a DER certificate file works too).
    let der = d.join("tftp.der");
    assert!(openssl(&["x509", "-in", &pbx("tftp.pem"), "-outform", "DER", "-out", &s(&der)]).status.success());
    let out2 = d.join("fw.sha512");
    let o = itlctl(&[
        "sgn",
        "sign",
        &pbx("firmware.bin"),
        "--key",
        &pbx("tftp.pem"),
        "--cert",
        &s(&der),
        "--digest",
        "sha512",
        "-o",
        &s(&out2),
        "--filename",
        "firmware.bin.sgn",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(openssl_verifies(&out2, "-sha512", &d));
    let j = json(&itlctl(&["sgn", "show", &s(&out2), "--json"]));
    assert_eq!(j["filename"], "firmware.bin.sgn");
    assert_eq!(j["digest"], "SHA512");
    assert_eq!(itlctl(&["sgn", "verify", &s(&out2), "--itl", &itl]).status.code(), Some(0));

    // An existing output is kept unless --force.
    let before = std::fs::read(&out).unwrap();
    let o = itlctl(&["sgn", "sign", &s(&src), "--key", &pbx("tftp.pem")]);
    fails(&o, &s(&out), "--force");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let o = itlctl(&["sgn", "sign", &s(&src), "--key", &pbx("tftp.pem"), "--force", "--digest", "sha512"]);
    assert!(o.status.success());
    assert!(openssl_verifies(&out, "-sha512", &d));
}

#[test]
fn sign_refuses_bad_keys_and_files() {
    let d = tmpdir("sign-bad");
    let out = s(&d.join("out.sgn"));
    let file = pbx("dialplan.xml");
    // Key not matching the certificate.
    let o = itlctl(&["sgn", "sign", &file, "--key", &pbx("phone.pem"), "--cert", &pbx("tftp.pem"), "-o", &out]);
    fails(&o, &pbx("phone.pem"), "does not belong");
    // EC key.
    let o = itlctl(&["sgn", "sign", &file, "--key", &pbx("ecphone.pem"), "-o", &out]);
    fails(&o, &pbx("ecphone.pem"), "EC key");
    // EC certificate with an RSA key.
    let o = itlctl(&["sgn", "sign", &file, "--key", &pbx("tftp.pem"), "--cert", &pbx("ecphone.pem"), "-o", &out]);
    fails(&o, &pbx("ecphone.pem"), "EC key");
    // A key file without a certificate, and no --cert.
    let keyonly = d.join("key.pem");
    let o = openssl(&["pkey", "-in", &pbx("tftp.pem"), "-out", &s(&keyonly)]);
    assert!(o.status.success());
    let o = itlctl(&["sgn", "sign", &file, "--key", &s(&keyonly), "-o", &out]);
    fails(&o, &s(&keyonly), "--cert");
    // A certificate where the key should be.
    let cert_only = d.join("cert.pem");
    assert!(openssl(&["x509", "-in", &pbx("tftp.pem"), "-out", &s(&cert_only)]).status.success());
    let o = itlctl(&["sgn", "sign", &file, "--key", &s(&cert_only), "-o", &out]);
    fails(&o, &s(&cert_only), "key");
    // Missing input and missing key.
    let o = itlctl(&["sgn", "sign", "/nonexistent/x.xml", "--key", &pbx("tftp.pem"), "-o", &out]);
    fails(&o, "/nonexistent/x.xml", "cannot read");
    let o = itlctl(&["sgn", "sign", &file, "--key", "/nonexistent/k.pem", "-o", &out]);
    fails(&o, "/nonexistent/k.pem", "cannot read");
    // Nothing was written.
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 2);
}

#[test]
fn encrypt_then_decrypt_and_openssl_agree() {
    let d = tmpdir("enc");
    let src = pbx("SEP001122334455.cnf.xml");
    let xml = std::fs::read(&src).unwrap();
    let o =
        itlctl(&["sgn", "encrypt", &src, "--key", &pbx("tftp.pem"), "--phone-cert", &pbx("phone.pem"), "-o", &s(&d)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let enc = d.join("SEP001122334455.cnf.xml.enc.sgn");
    let comp = d.join("SEP001122334455.cnf.xml.sgn");
    assert!(openssl_verifies(&enc, "-sha1", &d));
    assert!(openssl_verifies(&comp, "-sha1", &d));
    let itl = our_itl(&d);
    assert_eq!(itlctl(&["sgn", "verify", &s(&enc), "--itl", &itl]).status.code(), Some(0));
    assert_eq!(itlctl(&["sgn", "verify", &s(&comp), "--itl", &itl]).status.code(), Some(0));
    // certutils' ITL of the same certificate (names spelled its way) accepts them too.
    for f in [&enc, &comp] {
        let o = itlctl(&["sgn", "verify", &s(f), "--itl", &pbx("ITLFile.tlv")]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
    // The companion is certutils' for the same config and phone, byte for byte.
    let mine = d.join("mine.xml");
    let theirs = d.join("theirs.xml");
    assert!(itlctl(&["sgn", "extract", &s(&comp), "-o", &s(&mine)]).status.success());
    let cu = pbx("certutils-sha1/SEP001122334455.cnf.xml.sgn");
    assert!(itlctl(&["sgn", "extract", &cu, "-o", &s(&theirs)]).status.success());
    assert_eq!(std::fs::read(&mine).unwrap(), std::fs::read(&theirs).unwrap());

    // openssl unwraps the key and decrypts the payload, with the IV `sgn show --json` reports.
    let j = json(&itlctl(&["sgn", "show", &s(&enc), "--json"]));
    assert_eq!(j["version"], "2.0");
    assert_eq!(j["encrypted"], true);
    let e = &j["encryption"];
    assert_eq!(e["encrypted_for"], "one phone");
    assert_eq!(e["key_algorithm_name"], "AES-128-CBC");
    assert_eq!(e["wrapped_key_length"], 256);
    assert_eq!(e["hash_algorithm"], "SHA1");
    let b = std::fs::read(&enc).unwrap();
    let hl = j["header_length"].as_u64().unwrap() as usize;
    let wrapped_at = find(&b[..hl], &[24, 0, 1, 1, 25, 1, 0]) + 7;
    std::fs::write(d.join("wrapped"), &b[wrapped_at..wrapped_at + 256]).unwrap();
    std::fs::write(d.join("payload"), &b[hl..]).unwrap();
    let k = openssl(&["pkeyutl", "-decrypt", "-inkey", &pbx("phone.pem"), "-in", &s(&d.join("wrapped"))]);
    assert!(k.status.success());
    let iv = e["iv"].as_str().unwrap();
    let p = openssl(&[
        "enc",
        "-d",
        "-aes-128-cbc",
        "-nopad",
        "-K",
        &hex(&k.stdout),
        "-iv",
        iv,
        "-in",
        &s(&d.join("payload")),
    ]);
    assert!(p.status.success());
    assert_eq!(&p.stdout[..xml.len()], xml.as_slice());
    let sha1 = openssl(&["dgst", "-sha1", "-r", &src]);
    assert_eq!(e["hash"].as_str().unwrap(), stdout(&sha1).split(' ').next().unwrap());

    // decrypt: to stdout and to a file.
    let o = itlctl(&["sgn", "decrypt", &s(&enc), "--phone-key", &pbx("phone.pem")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, xml);
    let plain = d.join("plain.xml");
    let o = itlctl(&["sgn", "decrypt", &s(&enc), "--phone-key", &pbx("phone.pem"), "-o", &s(&plain)]);
    assert!(o.status.success());
    assert_eq!(std::fs::read(&plain).unwrap(), xml);
    let o = itlctl(&["sgn", "decrypt", &s(&enc), "--phone-key", &pbx("phone.pem"), "-o", &s(&plain)]);
    fails(&o, &s(&plain), "--force");

    // SHA-512, into the input's own folder by default.
    let d2 = tmpdir("enc512");
    let src2 = d2.join("SEP001122334455.cnf.xml");
    std::fs::copy(&src, &src2).unwrap();
    let o = itlctl(&[
        "sgn",
        "encrypt",
        &s(&src2),
        "--key",
        &pbx("tftp.pem"),
        "--cert",
        &pbx("tftp.pem"),
        "--phone-cert",
        &pbx("phone.pem"),
        "--digest",
        "sha512",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let enc2 = d2.join("SEP001122334455.cnf.xml.enc.sgn");
    assert!(openssl_verifies(&enc2, "-sha512", &d2));
    assert!(openssl_verifies(&d2.join("SEP001122334455.cnf.xml.sgn"), "-sha512", &d2));
    let o = itlctl(&["sgn", "decrypt", &s(&enc2), "--phone-key", &pbx("phone.pem")]);
    assert_eq!(o.stdout, xml);
    // Existing outputs are refused, both kept.
    let before = std::fs::read(&enc2).unwrap();
    let o = itlctl(&["sgn", "encrypt", &s(&src2), "--key", &pbx("tftp.pem"), "--phone-cert", &pbx("phone.pem")]);
    fails(&o, &s(&enc2), "--force");
    assert_eq!(std::fs::read(&enc2).unwrap(), before);
    let o =
        itlctl(&["sgn", "encrypt", &s(&src2), "--key", &pbx("tftp.pem"), "--phone-cert", &pbx("phone.pem"), "--force"]);
    assert!(o.status.success());
    assert_ne!(std::fs::read(&enc2).unwrap(), before);
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).expect("needle")
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn decrypt_certutils_files_and_refuse_wrong_keys_and_changed_bytes() {
    let d = tmpdir("dec");
    let xml = std::fs::read(pbx("SEP001122334455.cnf.xml")).unwrap();
    for dir in ["certutils-sha1", "certutils-sha512"] {
        let enc = pbx(&format!("{dir}/SEP001122334455.cnf.xml.enc.sgn"));
        let o = itlctl(&["sgn", "decrypt", &enc, "--phone-key", &pbx("phone.pem")]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(o.stdout, xml);
        // The wrong phone's key (RSA, same size): exit 2, no output.
        let o = itlctl(&["sgn", "decrypt", &enc, "--phone-key", &pbx("tftp.pem")]);
        fails(&o, &pbx("tftp.pem"), "does not fit");
        // An EC key.
        let o = itlctl(&["sgn", "decrypt", &enc, "--phone-key", &pbx("ecphone.pem")]);
        fails(&o, &pbx("ecphone.pem"), "EC key");
        // One changed payload byte: exit 1, no output.
        let mut b = std::fs::read(&enc).unwrap();
        let n = b.len() - 30;
        b[n] ^= 0x40;
        let bad = d.join("bad.enc.sgn");
        std::fs::write(&bad, &b).unwrap();
        let o = itlctl(&["sgn", "decrypt", &s(&bad), "--phone-key", &pbx("phone.pem")]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
        assert!(stderr(&o).contains("does not match"));
        let out = d.join("never.xml");
        let o = itlctl(&["sgn", "decrypt", &s(&bad), "--phone-key", &pbx("phone.pem"), "-o", &s(&out)]);
        assert_eq!(o.status.code(), Some(1));
        assert!(!out.exists());
    }
    // Not encrypted, missing file.
    let o = itlctl(&["sgn", "decrypt", &pbx("dialplan.xml.sgn"), "--phone-key", &pbx("phone.pem")]);
    fails(&o, &pbx("dialplan.xml.sgn"), "not an encrypted config");
    let o = itlctl(&["sgn", "decrypt", "/nonexistent.enc.sgn", "--phone-key", &pbx("phone.pem")]);
    fails(&o, "/nonexistent.enc.sgn", "cannot read");
}

#[test]
fn encrypt_refuses_bad_inputs() {
    let d = tmpdir("enc-bad");
    let src = pbx("SEP001122334455.cnf.xml");
    let o =
        itlctl(&["sgn", "encrypt", &src, "--key", &pbx("tftp.pem"), "--phone-cert", &pbx("ecphone.pem"), "-o", &s(&d)]);
    fails(&o, &pbx("ecphone.pem"), "EC key");
    let o = itlctl(&[
        "sgn",
        "encrypt",
        &src,
        "--key",
        &pbx("phone.pem"),
        "--cert",
        &pbx("tftp.pem"),
        "--phone-cert",
        &pbx("phone.pem"),
        "-o",
        &s(&d),
    ]);
    fails(&o, &pbx("phone.pem"), "does not belong");
    let o = itlctl(&[
        "sgn",
        "encrypt",
        &pbx("dialplan.xml"),
        "--key",
        &pbx("tftp.pem"),
        "--phone-cert",
        &pbx("phone.pem"),
        "-o",
        &s(&d),
    ]);
    fails(&o, &pbx("dialplan.xml"), "<device>");
    let o = itlctl(&[
        "sgn",
        "encrypt",
        "/nonexistent.cnf.xml",
        "--key",
        &pbx("tftp.pem"),
        "--phone-cert",
        &pbx("phone.pem"),
        "-o",
        &s(&d),
    ]);
    fails(&o, "/nonexistent.cnf.xml", "cannot read");
    let o =
        itlctl(&["sgn", "encrypt", &src, "--key", &pbx("tftp.pem"), "--phone-cert", "/nonexistent.pem", "-o", &s(&d)]);
    fails(&o, "/nonexistent.pem", "cannot read");
    let o = itlctl(&[
        "sgn",
        "encrypt",
        &src,
        "--key",
        &pbx("tftp.pem"),
        "--phone-cert",
        &pbx("phone.pem"),
        "-o",
        "/nonexistent-dir",
    ]);
    fails(&o, "/nonexistent-dir", "does not exist");
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
}

#[test]
fn show_names_every_tag_of_certutils_encrypted_files() {
    for dir in ["certutils-sha1", "certutils-sha512"] {
        let enc = pbx(&format!("{dir}/SEP001122334455.cnf.xml.enc.sgn"));
        let parse = std::fs::read_to_string(pbx(&format!("{dir}/enccnf-parse.txt"))).unwrap();
        let digest = parse.lines().find_map(|l| l.strip_prefix("Encryption Digest:")).unwrap().trim();
        let o = itlctl(&["sgn", "show", &enc]);
        assert_eq!(o.status.code(), Some(0));
        let t = stdout(&o);
        assert!(!t.contains("UNKNOWN"), "{t}");
        for name in ["ENCRYPTIONINFO", "IVINFO", "IV\t", "KEYINFO", "KEYSIZE", "WRAPPEDKEY", "PLAINHASH"] {
            assert!(t.contains(name), "{name} in {t}");
        }
        assert!(t.contains("encrypted for one phone"));
        assert!(t.contains(digest));
        assert!(t.contains("Wrapped key:\t\t256 bytes"));
        let j = json(&itlctl(&["sgn", "show", &enc, "--json"]));
        assert_eq!(j["encryption"]["hash"], digest);
        assert_eq!(j["encryption"]["iv"].as_str().unwrap().len(), 32);
        assert_eq!(j["encryption"]["key_size"], 2048);
        // sgn verify keeps working, against certutils' own ITL.
        let o = itlctl(&["sgn", "verify", &enc, "--itl", &pbx("ITLFile.tlv")]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    }
}

#[test]
fn cert_hash_prints_what_certutils_prints() {
    for (cert, digest, want) in [
        ("tftp.pem", "sha1", "tftp.certhash-sha1.txt"),
        ("tftp.pem", "sha512", "tftp.certhash-sha512.txt"),
        ("phone.pem", "sha1", "phone.certhash-sha1.txt"),
    ] {
        let o = itlctl(&["cert", "hash", &pbx(cert), "--digest", digest]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(stdout(&o), std::fs::read_to_string(pbx(want)).unwrap());
    }
    let o = itlctl(&["cert", "hash", &pbx("tftp.pem")]);
    assert_eq!(stdout(&o), std::fs::read_to_string(pbx("tftp.certhash-sha1.txt")).unwrap());
    let o = itlctl(&["cert", "hash", &pbx("dialplan.xml")]);
    fails(&o, &pbx("dialplan.xml"), "certificate");
    let o = itlctl(&["cert", "hash", "/nonexistent.pem"]);
    fails(&o, "/nonexistent.pem", "cannot read");
}

#[test]
fn cert_new_makes_a_key_and_certificate_that_sign_and_encrypt() {
    let d = tmpdir("new");
    let out = s(&d.join("tftp.pem"));
    let o = itlctl(&[
        "cert",
        "new",
        "--cn",
        "pbx.example.com",
        "--org",
        "Example",
        "--unit",
        "VoIP",
        "--locality",
        "Auckland",
        "--state",
        "AKL",
        "--country",
        "NZ",
        "--years",
        "3",
        "--digest",
        "sha512",
        "-o",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pem = std::fs::read_to_string(&out).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(pem.contains("-----BEGIN CERTIFICATE-----"));
    let t = stdout(&openssl(&["x509", "-in", &out, "-noout", "-text"]));
    assert!(t.contains("Signature Algorithm: sha512WithRSAEncryption"), "{t}");
    assert!(t.contains("Public-Key: (2048 bit)"));
    assert!(t.contains("Digital Signature, Key Encipherment, Data Encipherment, Certificate Sign"));
    assert!(t.contains("TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System"));
    assert!(openssl(&["verify", "-CAfile", &out, &out]).status.success());
    let a = openssl(&["pkey", "-in", &out, "-pubout"]);
    let b = openssl(&["x509", "-in", &out, "-noout", "-pubkey"]);
    assert_eq!(a.stdout, b.stdout);
    // It signs config files, and itlctl cert hash agrees with openssl on its DER.
    let cfg = d.join("SEP001122334455.cnf.xml");
    std::fs::copy(pbx("SEP001122334455.cnf.xml"), &cfg).unwrap();
    let o = itlctl(&["sgn", "encrypt", &s(&cfg), "--key", &out, "--phone-cert", &pbx("phone.pem")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o =
        itlctl(&["sgn", "decrypt", &s(&d.join("SEP001122334455.cnf.xml.enc.sgn")), "--phone-key", &pbx("phone.pem")]);
    assert_eq!(o.stdout, std::fs::read(&cfg).unwrap());
    let der = d.join("c.der");
    assert!(openssl(&["x509", "-in", &out, "-outform", "DER", "-out", &s(&der)]).status.success());
    let dg = openssl(&["dgst", "-sha1", "-binary", &s(&der)]);
    std::fs::write(d.join("dg"), &dg.stdout).unwrap();
    let b64 = openssl(&["base64", "-A", "-in", &s(&d.join("dg"))]);
    assert_eq!(stdout(&itlctl(&["cert", "hash", &out])).trim(), stdout(&b64).trim());

    // EC, for HTTPS provisioning.
    let ec = s(&d.join("ec.pem"));
    let o = itlctl(&[
        "cert",
        "new",
        "--cn",
        "pbx.example.com",
        "--org",
        "Example",
        "--unit",
        "VoIP",
        "--ec",
        "p256",
        "-o",
        &ec,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&openssl(&["x509", "-in", &ec, "-noout", "-text"]));
    assert!(t.contains("ecdsa-with-SHA256") && t.contains("prime256v1"), "{t}");

    // Existing output, bad values.
    let before = std::fs::read(&out).unwrap();
    let o = itlctl(&["cert", "new", "--cn", "x", "--org", "y", "--unit", "z", "-o", &out]);
    fails(&o, &out, "--force");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let bad = s(&d.join("bad.pem"));
    let o = itlctl(&["cert", "new", "--cn", "x", "--org", "y", "--unit", "z", "--bits", "1000", "-o", &bad]);
    fails(&o, &bad, "2048 or 4096");
    let o = itlctl(&["cert", "new", "--cn", "x", "--org", "y", "--unit", "z", "--country", "NZL", "-o", &bad]);
    fails(&o, &bad, "two-letter");
    let o = itlctl(&[
        "cert", "new", "--cn", "x", "--org", "y", "--unit", "z", "--ec", "p384", "--digest", "sha512", "-o", &bad,
    ]);
    fails(&o, &bad, "curve");
    assert!(!Path::new(&bad).exists());
}

#[test]
fn build_version_1_1_writes_tag_28_as_certutils() {
    let d = tmpdir("v11");
    let tftp = pbx("tftp.pem");
    let out = s(&d.join("ITLFile.tlv"));
    let o = itlctl(&["build", "-o", &out, "--key", &tftp, "--sast", &tftp, "--tftp", &tftp, "--version", "1.1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours = std::fs::read(&out).unwrap();
    let theirs = std::fs::read(pbx("ITLFile-1.1.tlv")).unwrap();
    // VERSION 1.2, HEADERLENGTH, then tag 28 = 1.1: the same bytes as certutils' tlvfile -v 1.1.
    assert_eq!(&ours[10..15], &theirs[10..15]);
    assert_eq!(&ours[10..15], &[28, 0, 2, 1, 1]);
    let j = json(&itlctl(&["show", &out, "--json"]));
    assert_eq!(j["signer_version"], "1.1");
    assert_eq!(j["verification"]["status"], "valid");
    // 1.0 and the default write no tag 28, as CUCM.
    for v in [&["--version", "1.0"][..], &[]] {
        let out = s(&d.join(format!("v{}.tlv", v.len())));
        let mut args = vec!["build", "-o", &out, "--key", &tftp, "--sast", &tftp];
        args.extend_from_slice(v);
        assert!(itlctl(&args).status.success());
        let j = json(&itlctl(&["show", &out, "--json"]));
        assert_eq!(j["signer_version"], serde_json::Value::Null);
    }
    let o = itlctl(&["build", "-o", &out, "--key", &tftp, "--sast", &tftp, "--version", "2.0"]);
    assert_eq!(o.status.code(), Some(2));
}

fn key(name: &str) -> String {
    t(&format!("keys/{name}"))
}

#[test]
fn sgn_verify_json_names_the_files_signer_not_the_trust_lists() {
    let d = tmpdir("signer-fields");
    // The ITL is signed by cm12pub and holds node01 as TFTP (and, in the second, as CCM).
    let (tftp_itl, ccm_itl) = (s(&d.join("tftp.tlv")), s(&d.join("ccm.tlv")));
    let (cm, node) = (key("cm12pub.pem"), key("node01.pem"));
    let o = itlctl(&["build", "-o", &tftp_itl, "--key", &key("cm12pub.key"), "--sast", &cm, "--tftp", &node]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = itlctl(&["build", "-o", &ccm_itl, "--key", &key("cm12pub.key"), "--sast", &cm, "--ccm", &node]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = d.join("n1.xml");
    std::fs::write(&xml, "<x/>\n").unwrap();
    let o = itlctl(&["sgn", "sign", &s(&xml), "--key", &key("node01.key"), "--cert", &node]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The reference: openssl's reading of node01's serial, as colon-separated pairs.
    let serial = stdout(&openssl(&["x509", "-in", &node, "-noout", "-serial"]));
    let serial = serial.trim().trim_start_matches("serial=");
    let serial = if serial.len() % 2 == 1 { format!("0{serial}") } else { serial.to_owned() };
    let pairs: Vec<String> = serial.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect();
    let sgn = s(&d.join("n1.xml.sgn"));
    for (itl, status) in [(&tftp_itl, "valid"), (&ccm_itl, "signer-not-found")] {
        let o = itlctl(&["sgn", "verify", "--json", &sgn, "--itl", itl]);
        let j = json(&o);
        assert_eq!(j["status"], status, "{j}");
        assert!(j["signer"].as_str().unwrap().contains("node01"), "{j}");
        assert_eq!(
            j["serial"].as_str().unwrap().trim_start_matches("00:"),
            pairs.join(":").trim_start_matches("00:"),
            "{j}"
        );
    }
}
