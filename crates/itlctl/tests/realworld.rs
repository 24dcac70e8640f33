//! Files as users have them: made by certutils (testdata/certutils/README), CUCM-shaped names
//! over certificates whose RDNs are in another order, folders, text where binary is expected,
//! endless inputs. Expected values come from outside the code under test: certutils' own
//! verdicts, the `show itl` spelling quoted in docs/format.md, coreutils checksums.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{err, itlctl, out, t as td, tmpdir};

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

#[test]
fn certutils_files_verify_and_lint_clean() {
    // certutils `tlvfile -p` said "Valid signature" on each of these when they were made.
    for f in ["ITLFile-certutils.tlv", "ITLFile-certutils-v11-rsa.tlv", "ITLFile-certutils-v11-ec.tlv"] {
        let o = itlctl(&["verify", "--json", &td(&format!("certutils/{f}"))]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", err(&o));
        assert_eq!(json(&o)[0]["status"], "valid", "{f}");
        let o = itlctl(&["lint", "--json", "--now", "2027-01-01T00:00:00Z", &td(&format!("certutils/{f}"))]);
        let codes: Vec<String> = json(&o)[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["code"].as_str().unwrap().to_owned())
            .collect();
        assert!(!codes.iter().any(|c| c == "record-cert-mismatch"), "{f}: {codes:?}");
        // A 1.1 file (tag 28 = 1.1) whose TFTP record holds an RSA key cannot serve HTTPS
        // provisioning (usecallmanager.nz: that certificate must have an EC key).
        assert_eq!(codes.iter().any(|c| c == "aea-without-ec-tftp"), f.ends_with("v11-rsa.tlv"), "{f}: {codes:?}");
    }
}

#[test]
fn certutils_signed_config_verifies_against_an_itlctl_built_list_of_the_same_certificate() {
    let dir = tmpdir("sgn");
    let itl = dir.join("ITLFile.tlv");
    // The PEM certutils `mkcert` wrote holds the key and the certificate together.
    let sast = td("certutils/sast-mkcert.pem");
    let tftp = td("certutils/tftp-mkcert.pem");
    let o = itlctl(&["build", "-o", itl.to_str().unwrap(), "--key", &sast, "--sast", &sast, "--tftp", &tftp]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // certutils `sgnfile -p -t tftp-mkcert.pem` said "Valid signature" on this file.
    let sgn = td("certutils/SEP001122334455.cnf.xml.sgn");
    let o = itlctl(&["sgn", "verify", &sgn, "--itl", itl.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let j = json(&o);
    assert_eq!(j["status"], "valid");
    // certutils spells the issuer in DER order with `,`, itlctl as CUCM does: say so.
    assert!(j["note"].as_str().is_some_and(|n| n.contains("spelled")), "{j}");
    // Against certutils' own list the spellings agree: no note.
    let o = itlctl(&["sgn", "verify", &sgn, "--itl", &td("certutils/ITLFile-certutils.tlv"), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(json(&o)["note"].is_null());
    // diff: the same certificates spelled by two tools are not added and removed records.
    let o = itlctl(&["diff", "--json", &td("certutils/ITLFile-certutils.tlv"), itl.to_str().unwrap()]);
    let d = json(&o);
    assert_eq!(d["phone_trust"], "accept", "{d}");
    assert!(d["added"].as_array().unwrap().is_empty() && d["removed"].as_array().unwrap().is_empty(), "{d}");
    assert!(d["reason"].as_str().unwrap().contains("spelled differently"), "{d}");
    // The text verdict says it too.
    let o = itlctl(&["sgn", "verify", &sgn, "--itl", itl.to_str().unwrap()]);
    assert!(err(&o).contains("spelled"), "{}", err(&o));
}

#[test]
fn build_writes_names_in_cucm_order_whatever_the_certificate_order() {
    let dir = tmpdir("order");
    let itl = dir.join("ITLFile.tlv");
    let k = td("keys/itlrec125.key");
    let c = td("keys/itlrec125.pem");
    let o = itlctl(&["build", "-o", itl.to_str().unwrap(), "--key", &k, "--sast", &c]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let j = json(&itlctl(&["show", "--json", itl.to_str().unwrap()]));
    // docs/format.md: this certificate (DER order L, ST, CN, OU, O, C) as `show itl` lists it.
    let cucm = "CN=ITLRECOVERY_1cucm1251.sckiewer.lab;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US";
    assert_eq!(j["records"][0]["subject"], cucm);
    assert_eq!(j["records"][0]["issuer"], cucm);
    assert_eq!(j["signer"]["name"], cucm);
    assert_eq!(j["verification"]["status"], "valid");
}

#[test]
fn cucm_shaped_names_over_c_first_certificates_are_not_a_mismatch() {
    let o = itlctl(&["lint", "--json", "--now", "2027-01-01T00:00:00Z", &td("cucm-cfirst.tlv")]);
    let j = json(&o);
    let codes: Vec<&str> = j[0]["findings"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    assert!(!codes.contains(&"record-cert-mismatch"), "{codes:?}");
    assert_eq!(o.status.code(), Some(0), "{codes:?}");
}

#[test]
fn only_sast_tftp_and_ccm_tftp_records_may_sign_in_every_command() {
    // A held list whose only record of the new signer has role CCM: neither verify --anchor
    // nor diff may accept it (docs/phone-trust.md: SAST, TFTP or CCM+TFTP).
    let dir = tmpdir("roles");
    let held = dir.join("held.tlv");
    let k = td("keys/cm12pub.key");
    let o = itlctl(&[
        "build",
        "-o",
        held.to_str().unwrap(),
        "--key",
        &k,
        "--sast",
        &td("keys/cm12pub.pem"),
        "--ccm",
        &td("keys/itlrec12.pem"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let new = td("itl-12x-itlrecovery-sha512.tlv");
    let o = itlctl(&["verify", "--json", "--anchor", held.to_str().unwrap(), &new]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)[0]["status"], "signer-not-found");
    let o = itlctl(&["diff", "--json", held.to_str().unwrap(), &new]);
    assert_eq!(json(&o)["phone_trust"], "reject");
}

#[test]
fn folders_mean_every_trust_list_in_them() {
    let dir = tmpdir("folder");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(td("itl-11x-cm-sha1.tlv"), dir.join("ITLSEP001122334455.tlv")).unwrap();
    std::fs::copy(td("ctl-etoken.tlv"), dir.join("ctlfile.TLV")).unwrap();
    std::fs::copy(td("itl-2048-sha1.tlv"), dir.join("sub/ITLFile.tlv")).unwrap();
    std::fs::write(dir.join("SEP001122334455.cnf.xml"), "<device/>").unwrap();
    let d = dir.to_str().unwrap();
    let o = itlctl(&["verify", d]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o).lines().count(), 2, "{}", out(&o));
    let o = itlctl(&["verify", "--recursive", d]);
    assert_eq!(out(&o).lines().count(), 3, "{}", out(&o));
    for cmd in ["lint", "hash"] {
        let o = itlctl(&[cmd, "--json", "-r", d]);
        assert_eq!(json(&o).as_array().unwrap().len(), 3, "{cmd}");
    }
    let o = itlctl(&["show", "--json", d]);
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
    let empty = tmpdir("empty");
    let o = itlctl(&["verify", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("holds no ITL*.tlv or CTL*.tlv"), "{}", err(&o));
}

#[test]
fn endless_and_huge_inputs_are_bounded() {
    for cmd in ["show", "verify", "lint"] {
        let o = itlctl(&[cmd, "/dev/zero"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        assert!(err(&o).contains("larger than 1 MiB"), "{cmd}: {}", err(&o));
    }
    // An endless stdin is cut at the same bound.
    let mut child = Command::new(common::BIN)
        .args(["show", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![1u8; 64 * 1024];
        for _ in 0..64 {
            if std::io::Write::write_all(&mut stdin, &chunk).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(2));
    // hash streams a large file, and agrees with coreutils.
    let dir = tmpdir("big");
    let big = dir.join("firmware.bin");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(48 * 1024 * 1024).unwrap();
    let o = itlctl(&["hash", "--json", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let sha = Command::new("sha256sum").arg(&big).output().unwrap();
    let sha = String::from_utf8_lossy(&sha.stdout).split_whitespace().next().unwrap().to_owned();
    assert_eq!(json(&o)[0]["sha256"], sha);
}

#[test]
fn text_given_for_a_binary_file_is_named() {
    let cases = [
        ("keys/cm10pub.pem", "a PEM certificate"),
        ("keys/cm10pub.key", "a PEM private key"),
        ("certutils/tftp-mkcert.pem", "a PEM file with a private key and a certificate"),
        ("certutils/SEP001122334455.cnf.xml", "an XML or HTML file"),
        ("reports/refer-sample.txt", "a text file"),
    ];
    for (f, what) in cases {
        for cmd in ["show", "verify", "lint"] {
            let o = itlctl(&[cmd, &td(f)]);
            assert_eq!(o.status.code(), Some(2), "{cmd} {f}");
            assert!(err(&o).contains(&format!("{what}, not a trust list")), "{cmd} {f}: {}", err(&o));
            assert!(!err(&o).contains("overruns"), "{cmd} {f}");
        }
    }
}

#[test]
fn signed_files_are_described_not_rejected() {
    for f in ["certutils/SEP001122334455.cnf.xml.sgn", "SEP001122334455.cnf.xml.sgn"] {
        let o = itlctl(&["show", &td(f)]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", err(&o));
        assert!(out(&o).contains("This is a signed file, not a trust list"), "{f}");
        let o = itlctl(&["show", "--json", &td(f)]);
        assert_eq!(json(&o)["kind"], "signed", "{f}");
        let o = itlctl(&["verify", &td(f)]);
        assert!(err(&o).contains("sgn verify"), "{f}: {}", err(&o));
    }
    // An extended ITL (layout undocumented) is read leniently.
    let dir = tmpdir("ext");
    let mut bytes = std::fs::read(td("itl-11x-cm-sha1.tlv")).unwrap();
    bytes.extend_from_slice(&[0xEE, 0xEE]);
    let p: &Path = &dir.join("ext_ITLSEP001122334455.tlv");
    std::fs::write(p, &bytes).unwrap();
    let o = itlctl(&["show", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(!json(&o)["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn the_rollback_itl_is_named_for_what_it_is() {
    let f = td("rollback-itl.tlv");
    let o = itlctl(&["show", &f]);
    assert!(out(&o).contains("Prepare Cluster for Rollback to pre-8.0"));
    let o = itlctl(&["verify", "--json", &f]);
    assert!(json(&o)[0]["note"].as_str().is_some_and(|n| n.contains("Rollback")));
    let o = itlctl(&["lint", "--json", "--now", "2027-01-01T00:00:00Z", &f]);
    assert_eq!(o.status.code(), Some(0));
    let findings = json(&o)[0]["findings"].as_array().unwrap().clone();
    assert!(findings.iter().any(|x| x["code"] == "rollback-itl" && x["severity"] == "info"), "{findings:?}");
    assert!(findings.iter().all(|x| x["severity"] == "info"), "{findings:?}");
}
