//! End to end: the built `itlctl` binary on good and bad files, checking stdout, stderr and
//! exit codes against the contract in docs/cli.md.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, UNIX_EPOCH};

use common::{coreutils, testdata, tmpdir};

/// `itlctl ARGS` in the time zone of the seed listings.
fn itlctl(args: &[&str]) -> Output {
    common::command(args).env("TZ", "America/Los_Angeles").output().unwrap()
}

/// Stdout, which must be UTF-8.
fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Stderr, which must be UTF-8.
fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A copy of a fixture whose mtime is the seed 004 listing's (Wed Feb 26 10:24:27 PST 2014).
fn dated_copy(name: &str, dir: &Path) -> PathBuf {
    let p = dir.join(name);
    std::fs::copy(testdata().join(name), &p).unwrap();
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_secs(1_393_439_067)).unwrap();
    p
}

#[test]
fn show_prints_the_golden_text_with_the_file_date() {
    let dir = tmpdir("golden");
    for name in ["itl-11x-cm-sha1.tlv", "ctl-etoken.tlv", "itl-12x-itlrecovery-sha512.tlv", "unknown-tag.tlv"] {
        let p = dated_copy(name, &dir);
        let o = itlctl(&["show", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let want = std::fs::read_to_string(testdata().join(format!("{name}.show"))).unwrap();
        assert_eq!(stdout(&o), want, "{name}");
        assert_eq!(stderr(&o), "");
    }
}

#[test]
fn show_checksums_agree_with_coreutils() {
    let p = testdata().join("itl-11x-cm-sha1.tlv");
    let o = itlctl(&["show", p.to_str().unwrap()]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1], format!("{}(MD5)", coreutils("md5sum", &p)));
    assert_eq!(lines[2], format!("{}(SHA1)", coreutils("sha1sum", &p)));
    assert_eq!(lines[4], format!("Length of ITL file: {}", std::fs::metadata(&p).unwrap().len()));
}

#[test]
fn show_json_follows_the_contract() {
    let p = testdata().join("ctl-etoken.tlv");
    let o = itlctl(&["show", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["kind"], "CTL");
    assert_eq!(j["size"], 3215);
    assert_eq!(j["checksums"]["sha256"], coreutils("sha256sum", &p));
    assert_eq!(j["checksums"]["sha512"], coreutils("sha512sum", &p));
    assert_eq!(j["version"], "1.2");
    assert_eq!(j["header_length"], 304);
    assert_eq!(j["signer_version"], serde_json::Value::Null);
    assert_eq!(j["signer"]["serial"], "3C:F9:27:00:00:00:AF:A2:DA:45");
    assert_eq!(j["signer"]["issuer"], "cn=Cisco Manufacturing CA;o=Cisco Systems");
    assert_eq!(j["digest"], "SHA1");
    assert_eq!(j["signature_length"], 128);
    assert_eq!(j["filename"], "CTLFile.tlv");
    let r = &j["records"];
    assert_eq!(r.as_array().unwrap().len(), 5);
    assert_eq!(r[0]["index"], 1);
    assert_eq!(r[0]["role"], 0);
    assert_eq!(r[0]["role_name"], "System Administrator Security Token");
    assert_eq!(r[2]["certificate_sha1"], serde_json::Value::Null);
    assert_eq!(r[2]["ip_address"], "10.48.47.153");
    assert_eq!(r[3]["role_name"], "CAPF");
    assert_eq!(j["verification"]["status"], "valid");
    assert_eq!(j["verification"]["token"], "eToken");
    assert_eq!(j["verification"]["signer_record"], 1);
    assert_eq!(j["verification"]["reason"], serde_json::Value::Null);
}

#[test]
fn certificate_sha1_in_json_matches_openssl() {
    let p = testdata().join("itl-11x-cm-sha1.tlv");
    let o = itlctl(&["show", "--json", p.to_str().unwrap()]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let der = testdata().join("keys/cm10pub.der");
    let fp = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in", der.to_str().unwrap(), "-noout", "-fingerprint", "-sha1"])
        .output()
        .unwrap();
    let fp = String::from_utf8(fp.stdout).unwrap();
    let fp = fp.trim().rsplit('=').next().unwrap().replace(':', "").to_lowercase();
    assert_eq!(j["records"][0]["certificate_sha1"], fp);
}

#[test]
fn broken_files_exit_2_with_one_located_line() {
    for name in [
        "err-truncated.tlv",
        "err-trailing.tlv",
        "err-record-length.tlv",
        "err-header-length.tlv",
        "err-no-signature.tlv",
    ] {
        let p = testdata().join(name);
        let ps = p.to_str().unwrap();
        for args in [vec!["show", ps], vec!["verify", ps], vec!["show", "--json", ps]] {
            let o = itlctl(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            let err = stderr(&o);
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(err.starts_with(&format!("itlctl: {ps}: ")), "{err}");
            assert!(err.contains(" at byte "), "{err}");
            assert!(!err.contains("panicked"));
        }
        let o = itlctl(&["show", ps]);
        assert!(stdout(&o).lines().last().unwrap().starts_with("Error parsing the ITL File: "), "{name}");
        let o = itlctl(&["show", "--json", ps]);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["file"], ps);
        assert!(j["error"]["offset"].is_u64() && j["error"]["kind"].is_string() && j["error"]["message"].is_string());
    }
    let o = itlctl(&["show", testdata().join("err-trailing.tlv").to_str().unwrap()]);
    assert!(stderr(&o).ends_with("3 trailing bytes after the last record at byte 5312\n"));
}

#[test]
fn negative_verdicts_exit_1() {
    for name in ["signed-by-stranger.tlv", "err-tampered.tlv"] {
        let p = testdata().join(name);
        let o = itlctl(&["verify", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(stdout(&o).starts_with(&format!("{}: INVALID: ", p.display())));
        let o = itlctl(&["show", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(stdout(&o).lines().last().unwrap().starts_with("The ITL file could not be verified: "));
    }
}

#[test]
fn verify_many_files_keeps_going() {
    let files: Vec<String> = [
        "itl-11x-cm-sha1.tlv",
        "err-truncated.tlv",
        "missing.tlv",
        "ctl-tokenless-sha256.tlv",
        "signed-by-stranger.tlv",
    ]
    .iter()
    .map(|n| testdata().join(n).to_str().unwrap().to_owned())
    .collect();
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = itlctl(&args);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(
        lines[0],
        format!("{}: valid, signed by CallManager (CN=test10pub.joemar2.lab;OU=tac;O=cisco;L=rtp;ST=nc;C=US, serial 61:40:52:E9:1E:E9:7C:77:9B:7B:5E:81:0A:B1:46:A5, record #1, SHA1)", files[0])
    );
    assert!(
        lines[2].starts_with(&format!("{}: valid, signed by CallManager", files[3]))
            && lines[2].ends_with("record #1, SHA256)")
    );
    assert!(lines[3].starts_with(&format!("{}: INVALID: no record matches the signer", files[4])));
    assert!(stderr(&o).contains("missing.tlv: cannot read"));
    let mut args = vec!["verify", "--json"];
    args.extend(files.iter().map(String::as_str));
    let j: serde_json::Value = serde_json::from_slice(&itlctl(&args).stdout).unwrap();
    let a = j.as_array().unwrap();
    // Every argument has its entry, the unreadable one too.
    assert_eq!(a.len(), 5);
    assert_eq!(a[0]["file"], files[0].as_str());
    assert_eq!(a[0]["status"], "valid");
    assert_eq!(a[0]["token"], "CallManager");
    assert_eq!(a[2]["file"], files[2].as_str());
    assert_eq!(a[2]["error"]["kind"], "read");
    assert_eq!(a[4]["status"], "signer-not-found");
    assert_eq!(a[4]["token"], "unknown");
}

#[test]
fn verify_with_anchor() {
    let old = testdata().join("itl-11x-cm-sha1.tlv");
    let reset = testdata().join("itl-11x-reset-itlrecovery.tlv");
    let new12 = testdata().join("itl-12x-itlrecovery-sha512.tlv");
    let o = itlctl(&["verify", "--anchor", old.to_str().unwrap(), reset.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("valid, signed by ITLRecovery"));
    let o = itlctl(&["verify", "--anchor", old.to_str().unwrap(), new12.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let pem = testdata().join("keys/cm10pub.pem");
    let o = itlctl(&["verify", "--anchor", pem.to_str().unwrap(), old.to_str().unwrap(), reset.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().contains(": valid, "));
    assert!(out.lines().nth(1).unwrap().contains(": INVALID: "));
}

#[test]
fn hash_matches_coreutils_in_both_formats() {
    let p = testdata().join("ctl-etoken.tlv");
    let o = itlctl(&["hash", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let sha1 = coreutils("sha1sum", &p);
    assert!(out.contains(&format!("SHA1   {sha1}")));
    let phone: Vec<String> = sha1.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect();
    assert!(out.contains(&phone.join(" ")));
    let j: serde_json::Value =
        serde_json::from_slice(&itlctl(&["hash", "--json", p.to_str().unwrap()]).stdout).unwrap();
    assert_eq!(j[0]["md5"], coreutils("md5sum", &p));
    assert_eq!(j[0]["sha512"], coreutils("sha512sum", &p));
    assert_eq!(j[0]["file"], p.to_str().unwrap());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(itlctl(&[]).status.code(), Some(2));
    assert_eq!(itlctl(&["show"]).status.code(), Some(2));
    assert_eq!(itlctl(&["frobnicate"]).status.code(), Some(2));
    let o = itlctl(&["show", "/nonexistent/ITLFile.tlv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("itlctl: /nonexistent/ITLFile.tlv: cannot read: "));
}

#[test]
fn diff_says_what_phones_will_do() {
    let t = |n: &str| testdata().join(n).to_str().unwrap().to_owned();
    let o = itlctl(&["diff", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-regen.tlv")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).lines().last().unwrap().contains(": accept-via-tvs: "));
    let o = itlctl(&["diff", "--json", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-tvs-regen.tlv")]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["phone_trust"], "reject");
    assert_eq!(j["signer_changed"], true);
    assert_eq!(j["changed"].as_array().unwrap().len(), 3);
    assert!(j["added"].as_array().unwrap().is_empty() && j["removed"].as_array().unwrap().is_empty());
    assert!(j["reason"].as_str().unwrap().contains("utils itl reset"));
    let o = itlctl(&["diff", &t("itl-12x-itlrecovery-sha512.tlv"), &t("scenario-12x-cm-regen.tlv")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(": accept: "));
    let o = itlctl(&["diff", &t("itl-11x-cm-sha1.tlv"), &t("err-truncated.tlv")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn lint_reports_codes_and_exits_1_on_errors() {
    let t = |n: &str| testdata().join(n).to_str().unwrap().to_owned();
    let o = itlctl(&[
        "lint",
        "--json",
        "--now",
        "2026-11-24T00:00:00Z",
        &t("lint-40-records.tlv"),
        &t("itl-12x-itlrecovery-sha512.tlv"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j[0]["findings"][0]["code"], "too-many-records");
    assert_eq!(j[0]["findings"][0]["severity"], "error");
    assert_eq!(j[0]["findings"][0]["record"], serde_json::Value::Null);
    assert!(j[1]["findings"].as_array().unwrap().is_empty());
    let o = itlctl(&["lint", "--now", "2036-11-01T00:00:00Z", "--days", "60", &t("itl-12x-itlrecovery-sha512.tlv")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(": warning expiring-certificate record #1: "));
    let o = itlctl(&["lint", "--now", "yesterday", &t("itl-12x-itlrecovery-sha512.tlv")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_broken_fixture_fails_cleanly_in_every_command() {
    let broken: Vec<PathBuf> = std::fs::read_dir(testdata())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name().unwrap().to_string_lossy().starts_with("err-") && p.extension().is_some_and(|x| x == "tlv")
        })
        .collect();
    assert!(broken.len() >= 6);
    let report = testdata().join("reports/refer-sample.txt");
    for p in &broken {
        let ps = p.to_str().unwrap();
        let itl_arg = format!("cucm-115.home.lab={ps}");
        let runs: [Vec<&str>; 7] = [
            vec!["show", ps],
            vec!["show", "--json", ps],
            vec!["verify", ps],
            vec!["hash", ps],
            vec!["devices", "--itl", &itl_arg, report.to_str().unwrap()],
            vec!["lint", ps],
            vec!["diff", ps, ps],
        ];
        for args in runs {
            // A tampered file is well formed: its bytes hash fine.
            if args[0] == "hash" && ps.ends_with("err-tampered.tlv") {
                continue;
            }
            let o = itlctl(&args);
            let code = o.status.code();
            assert!(matches!(code, Some(1) | Some(2)), "{args:?} exited {code:?}");
            let err = stderr(&o);
            assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{args:?}: {err}");
            let first = err.lines().find(|l| !l.contains(": note: ")).unwrap_or("");
            let named = first.starts_with("itlctl: ") && first.contains(ps) || stdout(&o).contains(ps);
            assert!(named, "{args:?}: {err}");
        }
    }
}
