//! `itlctl plan`: the steps, verdicts and exit codes on CUCM-shaped fixtures; bad input is
//! exit 2 with a message that says what is wrong.

use std::path::PathBuf;
use std::process::{Command, Output};

fn t(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata").join(name).to_str().unwrap().to_owned()
}

fn itlctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itlctl")).args(args).env_remove("NO_COLOR").output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", text(&o.stdout), text(&o.stderr)))
}

#[test]
fn pre12_callmanager_and_tvs_text() {
    // TAC 214231: before 12.0 CallManager and TVS in separate steps, TVS last. The new
    // CallManager signer is vouched for by the unchanged TVS (accept-via-tvs); then TVS changes
    // under a signer the phones took (accept); phones off throughout reject at step 2.
    let o = itlctl(&[
        "plan",
        "--itl",
        &format!("cucm-pub={}", t("scenario-11x-before.tlv")),
        "--regenerate",
        "TVS,CallManager",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(!s.contains('\x1b'), "no colour into a pipe");
    let step1 = s.find("Step 1: callmanager").unwrap();
    let step2 = s.find("Step 2: tvs").unwrap();
    assert!(step1 < step2);
    assert!(s.contains("Phones online: accept-via-tvs; phones off since before step 1: accept-via-tvs"), "{s}");
    assert!(s.contains("Phones online: accept; phones off since before step 1: reject"), "{s}");
    assert!(s.contains("`set cert regen CallManager`"));
    assert!(s.contains("itlctl fetch tftp://cucm-pub/ITLFile.tlv -o step1/cucm-pub"));
    assert!(s.contains("CUCM 8.x-11.5"));
}

#[test]
fn verdicts_are_coloured_on_request() {
    let o =
        itlctl(&["--color", "always", "plan", "--itl", &t("itl-12x-itlrecovery-sha512.tlv"), "--regenerate", "capf"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("\x1b[32maccept"), "{}", text(&o.stdout));
}

#[test]
fn mixed_mode_tokenless_json() {
    // The tokenless CTL (TAC 118893) holds the publisher's CallManager certificate: the CTL
    // is updated with `utils ctl update CTLFile` before the restarts.
    let o = itlctl(&[
        "plan",
        "--json",
        "--itl",
        &t("scenario-11x-before.tlv"),
        "--ctl",
        &t("ctl-tokenless-sha256.tlv"),
        "--regenerate",
        "callmanager",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["mixed_mode"], true);
    assert_eq!(v["ctl_signer"], "tokenless");
    assert_eq!(v["release"], "8.x-11.5");
    assert_eq!(v["release_assumed"], false);
    let s = &v["steps"][0];
    assert_eq!(s["ctl_update"], true);
    assert_eq!(s["regenerate"], serde_json::json!(["callmanager"]));
    assert_eq!(s["phones"]["online"], "accept-via-tvs");
    assert_eq!(s["itl_signer"], "CallManager");
    assert!(s["commands"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains("utils ctl update CTLFile")));
}

#[test]
fn etoken_ctl_and_v12_itlrecovery() {
    let o = itlctl(&[
        "plan",
        "--json",
        "--itl",
        &t("itl-12x-itlrecovery-sha512.tlv"),
        "--ctl",
        &t("ctl-etoken.tlv"),
        "--regenerate",
        "itlrecovery",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["ctl_signer"], "eToken");
    assert_eq!(v["release"], "12.0+");
    let signers: Vec<&str> = v["steps"].as_array().unwrap().iter().map(|s| s["itl_signer"].as_str().unwrap()).collect();
    assert_eq!(signers, ["CallManager", "ITLRecovery"]);
}

#[test]
fn an_itl_without_tvs_exits_1() {
    // An ITL built here (CallManager as SAST and CCM+TFTP, CAPF, no TVS) with the openssl-made
    // 10.x CallManager key: a new CallManager signer cannot be vouched for: reject, exit 1.
    let d = std::env::temp_dir().join(format!("itlctl-plan-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let itl = d.join("ITLFile.tlv");
    let key = |n: &str| t(&format!("keys/{n}"));
    let b = itlctl(&[
        "build",
        "-o",
        itl.to_str().unwrap(),
        "--key",
        &key("cm10pub.key"),
        "--sast",
        &key("cm10pub.pem"),
        "--ccm-tftp",
        &key("cm10pub.pem"),
        "--capf",
        &key("capf10.pem"),
    ]);
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));
    let o = itlctl(&["plan", "--json", "--itl", itl.to_str().unwrap(), "--regenerate", "callmanager"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v = json(&o);
    assert_eq!(v["steps"][0]["phones"]["online"], "reject");
    let codes: Vec<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"online-reject") && codes.contains(&"no-tvs-record"), "{codes:?}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn unknown_certificate_is_exit_2() {
    let o = itlctl(&["plan", "--itl", &t("itl-12x-itlrecovery-sha512.tlv"), "--regenerate", "callmanager,webex"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("unknown certificate \"webex\"") && e.contains("itlrecovery"), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn a_pem_where_a_trust_list_belongs_is_exit_2() {
    let o = itlctl(&["plan", "--itl", &t("keys/cm12pub.pem"), "--regenerate", "tvs"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("cm12pub.pem") && e.contains("PEM") && e.contains("not a trust list"), "{e}");
}

#[test]
fn unknown_release_is_exit_2_and_a_known_one_is_assumed() {
    let o =
        itlctl(&["plan", "--itl", &t("itl-12x-itlrecovery-sha512.tlv"), "--regenerate", "tomcat", "--release", "7"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown release \"7\""));
    let o = itlctl(&[
        "plan",
        "--json",
        "--itl",
        &t("itl-12x-itlrecovery-sha512.tlv"),
        "--regenerate",
        "tomcat",
        "--release",
        "15",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["release_assumed"], true);
    assert_eq!(v["steps"][0]["phones"]["online"], "unchanged");
}
