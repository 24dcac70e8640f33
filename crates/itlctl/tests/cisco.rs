//! Cisco's own signed files through the CLI (`sgn show|verify|extract`, `show`, `verify`):
//! real firmware manifests from public provisioning projects (testdata/cisco/README), and
//! the newer image format with a changed byte, cut short, or garbage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cisco(name: &str) -> String {
    data(&format!("cisco/{name}"))
}

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(name).to_str().unwrap().to_owned()
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("itlctl-cisco-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn itlctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itlctl")).args(args).output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `sha256sum` of bytes 336..1308 of sip78xx.11-0-1-11.loads (the hash in its header).
const SIP78XX_PAYLOAD_SHA256: &str = "225ce55d7c8c3f7e1202952e2e888ce917722b697b6c6b6400558bd32b54a428";

#[test]
fn firmware_manifests_are_signed_by_cisco_not_invalid() {
    let itl = data("itl-11x-cm-sha1.tlv");
    for name in ["term06.default.loads", "SIP11.9-4-2SR1-1S.loads", "CP7921G-1.4.6.3.LOADS", "BOOT69xx.0-0-0-14.zz.sgn"]
    {
        let f = cisco(name);
        let o = itlctl(&["sgn", "verify", &f, "--itl", &itl]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}{}", out(&o), err(&o));
        let line = out(&o);
        assert!(line.starts_with(&format!("{f}: signed by Cisco's image-signing key")), "{line}");
        assert!(!line.contains("INVALID"), "{line}");
        let o = itlctl(&["sgn", "verify", &f, "--itl", &itl, "--json"]);
        assert_eq!(o.status.code(), Some(0));
        let j = json(&o);
        assert_eq!((j["status"].as_str(), j["token"].as_str()), (Some("cisco-signed"), Some("Cisco")), "{j}");
        assert_eq!(j["serial"], "12:34:56:78:90:AB:CD:EF");
        assert!(j["signer_record"].is_null());
    }
    // The COP form (a synthetic file: no real one is public).
    let o = itlctl(&["sgn", "verify", &cisco("synthetic.cop.sgn"), "--itl", &itl]);
    assert_eq!(o.status.code(), Some(0));
    assert!(out(&o).contains("COP-package key (PT=SYNTHETIC;KT=TEST)"), "{}", out(&o));
}

#[test]
fn a_config_signed_by_an_unknown_key_stays_invalid() {
    // Signed by the 11.x cluster's CallManager key, checked against the 12.x list.
    let itl = data("itl-12x-itlrecovery-sha512.tlv");
    let o = itlctl(&["sgn", "verify", &data("SEP001122334455.cnf.xml.sgn"), "--itl", &itl]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains(": INVALID: the trust list has no"), "{}", out(&o));
}

#[test]
fn sgn_show_names_the_newer_format_and_its_fields() {
    let f = cisco("sip78xx.11-0-1-11.loads");
    let o = itlctl(&["sgn", "show", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    for want in [
        "7800/8800 format (magic cd 34 12 ab)",
        "Header length:\t\t336 (BYTES)",
        "Payload length:\t\t972 (BYTES)",
        "File name:\t\tsip78xx.11-0-1-11.loads",
        SIP78XX_PAYLOAD_SHA256,
        "Payload matches:\tyes",
        "Signature:\t\t256 bytes",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    let j = json(&itlctl(&["sgn", "show", &f, "--json"]));
    assert_eq!(j["format"], "cisco-image");
    assert_eq!((j["header_length"].as_u64(), j["payload_length"].as_u64()), (Some(336), Some(972)));
    assert_eq!(j["payload_sha256"], SIP78XX_PAYLOAD_SHA256);
    assert_eq!((j["payload_matches"].as_bool(), j["size"].as_u64()), (Some(true), Some(1308)));
    // `show` describes it too, and says what it is.
    let o = itlctl(&["show", &f]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("This is a Cisco phone image, not a trust list"), "{}", out(&o));
    assert_eq!(json(&itlctl(&["show", "--json", &f]))["kind"], "cisco-image");
    // Trust-list commands name it.
    let o = itlctl(&["verify", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("a Cisco phone image in the 7800/8800 format"), "{}", err(&o));
}

#[test]
fn sgn_verify_checks_the_payload_hash_of_the_newer_format() {
    let f = cisco("sip78xx.11-0-1-11.loads");
    let itl = data("itl-11x-cm-sha1.tlv");
    let o = itlctl(&["sgn", "verify", &f, "--itl", &itl]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("the signature itself is not checkable here"), "{}", out(&o));
    let j = json(&itlctl(&["sgn", "verify", &f, "--itl", &itl, "--json"]));
    assert_eq!(
        (j["status"].as_str(), j["token"].as_str(), j["digest"].as_str()),
        (Some("cisco-signed"), Some("Cisco"), Some("SHA256"))
    );

    let d = tmpdir("flip");
    let bytes = std::fs::read(&f).unwrap();
    let mut m = bytes.clone();
    m[1000] ^= 0x20;
    let changed = d.join("changed.loads");
    std::fs::write(&changed, &m).unwrap();
    let o = itlctl(&["sgn", "verify", s(&changed), "--itl", &itl]);
    assert_eq!(o.status.code(), Some(1), "{}{}", out(&o), err(&o));
    assert!(out(&o).contains("INVALID: the payload's SHA-256 is"), "{}", out(&o));
    assert!(out(&o).contains(&format!("the header gives {SIP78XX_PAYLOAD_SHA256}")), "{}", out(&o));
    let j = json(&itlctl(&["sgn", "verify", s(&changed), "--itl", &itl, "--json"]));
    assert_eq!(j["status"], "invalid");
    let o = itlctl(&["show", s(&changed)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("Payload matches:\tNO"), "{}", out(&o));

    // Cut short, or garbage after the magic: exit 2 with the offset.
    for (name, b, at) in [
        ("short.loads", bytes[..40].to_vec(), "at byte 0"),
        ("header.loads", bytes[..200].to_vec(), "at byte 4"),
        ("payload.loads", bytes[..1200].to_vec(), "at byte 12"),
        ("garbage.loads", [&bytes[..4], &[0xee; 500][..]].concat(), "at byte 4"),
    ] {
        let p = d.join(name);
        std::fs::write(&p, &b).unwrap();
        let o = itlctl(&["sgn", "verify", s(&p), "--itl", &itl]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        let e = err(&o);
        assert!(e.contains(at) && e.contains("Cisco phone image") && e.lines().count() == 1, "{name}: {e}");
        let o = itlctl(&["sgn", "show", s(&p), "--json"]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(json(&o)["error"]["offset"].is_u64(), "{name}: {}", out(&o));
    }
    // Extract gives the payload.
    let payload = d.join("payload.txt");
    let o = itlctl(&["sgn", "extract", &f, "-o", s(&payload)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(std::fs::read(&payload).unwrap(), &bytes[336..]);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn show_describes_large_signed_files_and_says_what_a_too_large_file_is() {
    let d = tmpdir("large");
    // A 2 MB firmware file: a real header, a long payload (GUI-1.4.6.3.SBN is 2,090,268 bytes).
    let mut b = std::fs::read(cisco("term06.default.loads")).unwrap();
    b.resize(2_090_268, 0x42);
    let sbn = d.join("GUI-1.4.6.3.SBN");
    std::fs::write(&sbn, &b).unwrap();
    let o = itlctl(&["show", s(&sbn)]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(out(&o).contains("Payload: 2089860 bytes at byte 408"), "{}", out(&o));
    assert!(out(&o).contains("This is a signed file, not a trust list."), "{}", out(&o));
    // Past the signed-file bound (a sparse file: no disk written), the error says what it is.
    let big = d.join("huge.sbn");
    let f = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut &f, &b[..2048]).unwrap();
    f.set_len(65 * 1024 * 1024).unwrap();
    let o = itlctl(&["show", s(&big)]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("larger than 64 MiB, the most itlctl reads: the signed file term06.default.loads"), "{e}");
    // Over the trust-list bound and not signed: what it is, when known.
    let zip = d.join("big.zip");
    let mut z = b"PK\x03\x04".to_vec();
    z.resize(1_100_000, 0);
    std::fs::write(&zip, &z).unwrap();
    let o = itlctl(&["show", s(&zip)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("larger than 1 MiB: a ZIP archive, not a trust list"), "{}", err(&o));
    let _ = std::fs::remove_dir_all(&d);
}
