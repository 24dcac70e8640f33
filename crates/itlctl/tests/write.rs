//! `build`, `resign` and `sgn`: files made here verify with openssl, parse back losslessly
//! and re-sign as `utils itl reset localkey` does; bad inputs leave no file behind.

mod common;

use std::path::Path;
use std::process::Command;

use common::{itlctl, t, testdata, tmpdir};

fn k(name: &str) -> String {
    t(&format!("keys/{name}"))
}

fn files_in(d: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// Checks the signature of a CUCM-layout file with `openssl dgst -verify`, locating the
/// SIGNATURE TLV by the fixed header layout.
fn openssl_verifies(file: &Path, cert_pem: &str, dgst: &str, dir: &Path) -> bool {
    let b = std::fs::read(file).unwrap();
    let sid = u16::from_be_bytes([b[11], b[12]]) as usize;
    let at = 13 + sid + 18;
    assert_eq!(b[at], 12);
    let len = u16::from_be_bytes([b[at + 1], b[at + 2]]) as usize;
    let mut data = b[..at].to_vec();
    data.extend_from_slice(&b[at + 3 + len..]);
    std::fs::write(dir.join("data"), &data).unwrap();
    std::fs::write(dir.join("sig"), &b[at + 3..at + 3 + len]).unwrap();
    let pk = Command::new("openssl").args(["x509", "-in", cert_pem, "-pubkey", "-noout"]).output().unwrap();
    std::fs::write(dir.join("pub"), pk.stdout).unwrap();
    let o = Command::new("openssl")
        .args(["dgst", dgst, "-verify"])
        .arg(dir.join("pub"))
        .arg("-signature")
        .arg(dir.join("sig"))
        .arg(dir.join("data"))
        .output()
        .unwrap();
    for f in ["data", "sig", "pub"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    o.status.success()
}

#[test]
fn built_files_verify_with_openssl_and_here() {
    let d = tmpdir("build");
    for (digest, flag) in [("sha1", "-sha1"), ("sha256", "-sha256"), ("sha512", "-sha512")] {
        let out = d.join(format!("ITL-{digest}.tlv"));
        let o = itlctl(&[
            "build",
            "-o",
            out.to_str().unwrap(),
            "--key",
            &k("itlrec12.key"),
            "--sast",
            &k("itlrec12.pem"),
            "--tftp",
            &k("cm12pub.pem"),
            "--capf",
            &k("capf12.der"),
            "--tvs",
            &k("tvs12pub.pem"),
            "--digest",
            digest,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(openssl_verifies(&out, &k("itlrec12.pem"), flag, &d), "{digest}");
        let v = itlctl(&["verify", out.to_str().unwrap()]);
        assert_eq!(v.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&v.stdout).contains("valid, signed by ITLRecovery"));
        // Records in option order, shown with CUCM's role names and no trailing blanks.
        let s = String::from_utf8(itlctl(&["show", out.to_str().unwrap()]).stdout).unwrap();
        let roles: Vec<&str> = s.lines().filter(|l| l.starts_with("4\tFUNCTION\t2\t")).map(|l| &l[13..]).collect();
        assert_eq!(roles, ["System Administrator Security Token", "TFTP", "CAPF", "TVS"]);
        assert!(!s.lines().any(|l| l.ends_with([' ', '\t'])));
        assert!(s.contains("\tParse ITL File\n"));
    }
    let ctl = d.join("CTLFile.tlv");
    let o = itlctl(&[
        "build",
        "--ctl",
        "-o",
        ctl.to_str().unwrap(),
        "--ccm-tftp",
        &k("cm105pub.pem"),
        "--key",
        &k("cm105pub.key"),
        "--sast",
        &k("cm105pub.pem"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let s = String::from_utf8(itlctl(&["show", ctl.to_str().unwrap()]).stdout).unwrap();
    assert!(s.contains("\tCTL Record #:2\n") && s.ends_with("The CTL file was verified successfully.\n"));
    let first_role = s.lines().find(|l| l.starts_with("4\tFUNCTION")).unwrap();
    assert!(first_role.ends_with("CCM+TFTP"), "records follow the option order");
    let j: serde_json::Value =
        serde_json::from_slice(&itlctl(&["show", "--json", ctl.to_str().unwrap()]).stdout).unwrap();
    assert_eq!(j["verification"]["token"], "CallManager");
}

#[test]
fn resign_gives_an_itlrecovery_signed_file_with_identical_records() {
    let d = tmpdir("resign");
    let out = d.join("reset.tlv");
    let src = testdata().join("itl-11x-cm-sha1.tlv");
    let o = itlctl(&[
        "resign",
        src.to_str().unwrap(),
        "--key",
        &k("itlrec10.key"),
        "--cert",
        &k("itlrec10.pem"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value =
        serde_json::from_slice(&itlctl(&["show", "--json", out.to_str().unwrap()]).stdout).unwrap();
    assert_eq!(j["verification"]["token"], "ITLRecovery");
    assert_eq!(j["verification"]["signer_record"], 5);
    let a = std::fs::read(&src).unwrap();
    let b = std::fs::read(&out).unwrap();
    let (ha, hb) = (u16::from_be_bytes([a[8], a[9]]) as usize, u16::from_be_bytes([b[8], b[9]]) as usize);
    assert_eq!(a[ha..], b[hb..], "records byte-identical");
    assert!(openssl_verifies(&out, &k("itlrec10.pem"), "-sha1", &d));
}

#[test]
fn bad_inputs_fail_cleanly_and_leave_no_file() {
    let d = tmpdir("bad");
    let out = d.join("out.tlv");
    let o = out.to_str().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "build".into(),
                "-o".into(),
                o.into(),
                "--key".into(),
                k("cm12pub.key"),
                "--sast".into(),
                k("itlrec12.pem"),
            ],
            "does not belong",
        ),
        (
            vec![
                "build".into(),
                "-o".into(),
                o.into(),
                "--key".into(),
                k("ec256.key"),
                "--sast".into(),
                k("ec256.pem"),
            ],
            "RSA",
        ),
        (
            vec![
                "build".into(),
                "-o".into(),
                o.into(),
                "--key".into(),
                k("itlrec12.key"),
                "--sast".into(),
                k("missing.pem"),
            ],
            "cannot read",
        ),
        (
            vec![
                "build".into(),
                "-o".into(),
                o.into(),
                "--key".into(),
                k("itlrec12.key"),
                "--sast".into(),
                k("itlrec12.key"),
            ],
            "certificate",
        ),
        (
            vec![
                "resign".into(),
                testdata().join("itl-11x-cm-sha1.tlv").to_str().unwrap().into(),
                "--key".into(),
                k("stranger.key"),
                "--cert".into(),
                k("stranger.pem"),
                "-o".into(),
                o.into(),
            ],
            "no record",
        ),
        (
            vec![
                "build".into(),
                "-o".into(),
                "/nonexistent/dir/x.tlv".into(),
                "--key".into(),
                k("itlrec12.key"),
                "--sast".into(),
                k("itlrec12.pem"),
            ],
            "cannot write",
        ),
    ];
    // An Ed25519 certificate, made by openssl here.
    let ed = tmpdir("ed25519");
    let (edk, edc) = (ed.join("ed.key"), ed.join("ed.pem"));
    assert!(Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&edk)
        .status()
        .unwrap()
        .success());
    assert!(Command::new("openssl")
        .args(["req", "-x509", "-new", "-subj", "/CN=ed", "-days", "1", "-key"])
        .arg(&edk)
        .arg("-out")
        .arg(&edc)
        .status()
        .unwrap()
        .success());
    let mut cases = cases;
    cases.push((
        vec![
            "build".into(),
            "-o".into(),
            o.into(),
            "--key".into(),
            k("itlrec12.key"),
            "--sast".into(),
            k("itlrec12.pem"),
            "--tvs".into(),
            edc.to_str().unwrap().into(),
        ],
        "neither RSA nor EC",
    ));
    for (args, msg) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = itlctl(&a);
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{a:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("itlctl: ") && err.contains(msg), "{a:?}: {err}");
        assert!(files_in(&d).is_empty(), "{a:?} left {:?}", files_in(&d));
    }
}

#[test]
fn sgn_show_verify_extract() {
    let d = tmpdir("sgn");
    let f = testdata().join("SEP001122334455.cnf.xml.sgn");
    let fs = f.to_str().unwrap();
    let itl11 = testdata().join("itl-11x-cm-sha1.tlv");
    let itl12 = testdata().join("itl-12x-itlrecovery-sha512.tlv");
    let o = itlctl(&["sgn", "verify", fs, "--itl", itl11.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with(&format!("{fs}: valid, signed by CallManager")));
    let o = itlctl(&["sgn", "verify", fs, "--itl", itl12.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["status"], "signer-not-found");
    let out = d.join("cfg.xml");
    assert_eq!(itlctl(&["sgn", "extract", fs, "-o", out.to_str().unwrap()]).status.code(), Some(0));
    let payload = std::fs::read(&out).unwrap();
    assert!(payload.starts_with(b"<?xml"));
    let whole = std::fs::read(&f).unwrap();
    assert!(whole.ends_with(&payload));
    let j: serde_json::Value = serde_json::from_slice(&itlctl(&["sgn", "show", "--json", fs]).stdout).unwrap();
    assert_eq!(j["payload_length"], payload.len());
    assert_eq!(j["version"], "1.0");
    assert_eq!(j["filename"], "SEP001122334455.cnf.xml.sgn");
    let o = itlctl(&["sgn", "show", testdata().join("err-truncated.tlv").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "a truncated ITL still has a readable header");
}
