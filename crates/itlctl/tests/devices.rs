//! `itlctl devices` on DeviceTLInfo reports in every input format, built from the fixtures'
//! hashes as computed by coreutils.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn t(name: &str) -> String {
    testdata().join(name).to_str().unwrap().to_owned()
}

fn itlctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itlctl")).args(args).output().unwrap()
}

/// A digest by coreutils, as lower-case hex.
fn sum(tool: &str, path: &Path) -> String {
    let o = Command::new(tool).arg(path).output().unwrap();
    String::from_utf8(o.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

/// The phone's format: upper-case byte pairs and a trailing space.
fn phone(hex: &str) -> String {
    let mut s: String =
        hex.as_bytes().chunks(2).map(|c| format!("{} ", String::from_utf8_lossy(c).to_uppercase())).collect();
    s.truncate(s.len());
    s
}

fn alarm(device: &str, itl_hash: &str, server: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n<Alarm Name=\"DeviceTLInfo\">\n<ParameterList>\n\
<String name=\"DeviceName\">{device}</String>\n<String name=\"IPv4Address\">10.1.1.1</String>\n\
<String name=\"CTL_Signature\">Not Installed</String>\n<String name=\"CTL_TFTP_Server\">N/A</String>\n\
<String name=\"ITL_Signature\">{itl_hash}</String>\n<String name=\"ITL_TFTP_Server\">{server}</String>\n\
<Enum name=\"StatusCode\">3</Enum>\n</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n"
    )
}

#[test]
fn the_real_refer_sample_is_read_and_never_matches() {
    let o = itlctl(&[
        "devices",
        "--json",
        "--itl",
        &format!("cucm-115.home.lab={}", t("itl-11x-cm-sha1.tlv")),
        &t("reports/refer-sample.txt"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &j["devices"][0];
    assert_eq!(d["device"], "SEPC80084AA8743");
    assert_eq!(d["ipv4"], "192.168.7.104");
    assert_eq!(d["itl_tftp_server"], "cucm-115.home.lab");
    assert_eq!(d["itl_hash"], "1ba1c907e99e4d3c539dc81424af6c9f7dce4d6d");
    assert_eq!(d["itl_status"], "Mismatch");
    assert_eq!(d["ctl_status"], "Not Installed");
    assert_eq!(d["ctl_tftp_server"], "N/A");
    assert_eq!(j["summary"]["Mismatch"], 1);
    // No file for that server: Unknown, exit 0.
    let o = itlctl(&[
        "devices",
        "--json",
        "--itl",
        &format!("other={}", t("itl-11x-cm-sha1.tlv")),
        &t("reports/refer-sample.txt"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["devices"][0]["itl_status"], "Unknown");
}

#[test]
fn every_format_mixed_in_one_file() {
    let pub_itl = testdata().join("itl-11x-cm-sha1.tlv");
    let sub_itl = testdata().join("itl-12x-itlrecovery-sha512.tlv");
    let ctl = testdata().join("ctl-etoken.tlv");
    let mut text = String::new();
    text.push_str("some unrelated trace line\n");
    // 1: an old report for SEP…01 that mismatches, replaced later by one that matches.
    text.push_str(&alarm("SEP000000000001", &phone(&sum("sha1sum", &sub_itl)), "pub.example.com"));
    // 2: console-log records wrapping the alarm mid-word, SHA-1 of the sub's ITL from pub: stale.
    text.push_str("5850 DEB Mar 09 18:32:45.419807 (618:927) JAVA-sipio-sent---> REFER sip:10.0.0.1 SIP/2.0^M\n");
    text.push_str("\tContent-Type: application/x-cisco-alarm+xml^M\n\t^M\n");
    let a = alarm("SEP000000000002", &phone(&sum("sha1sum", &sub_itl)), "pub.example.com");
    let (head, tail) = a.split_at(a.find("LInfo").unwrap());
    for l in head.lines() {
        text.push_str(&format!("\t{l}\n"));
    }
    text.pop();
    text.push('\n');
    let mut lines = tail.lines();
    text.push_str(&format!("5851 DEB Mar 09 18:32:45.420021 (618:927) JAVA-{}\n", lines.next().unwrap()));
    for l in lines {
        text.push_str(&format!("\t{l}\n"));
    }
    text.push_str("5852 DEB Mar 09 18:32:45.420100 (618:927) JAVA-::End-Of-Sip-Message::\n");
    // 3: CUCM syslog brackets, MD5 lower-case with colons, and a CTL hash.
    let md5 = sum("md5sum", &pub_itl);
    let colons: Vec<&str> = (0..16).map(|i| &md5[2 * i..2 * i + 2]).collect();
    text.push_str(&format!(
        "Nov 23 10:00:00 cucm %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP000000000003][IPv4Address=10.1.1.3][ITL_Signature={}][ITL_TFTP_Server=PUB.example.com][CTL_Signature={}][CTL_TFTP_Server=pub.example.com]: Device TL info\n",
        colons.join(":"),
        phone(&sum("sha1sum", &ctl))
    ));
    // 4: Name=Value pairs, SHA-256 of the second server's ITL.
    text.push_str(&format!(
        "DeviceName=SEP000000000004 IPv4Address=10.1.1.4 ITL_Signature={} ITL_TFTP_Server=sub.example.com CTL_Signature=Not Installed\n",
        phone(&sum("sha256sum", &sub_itl))
    ));
    // 5, 6: CSV with a header row; SHA-512 and Not Installed; then a row with a wrong field count.
    text.push_str("DeviceName,IPv4Address,ITL_Signature,ITL_TFTP_Server\n");
    text.push_str(&format!("SEP000000000005,10.1.1.5,{},sub.example.com\n", sum("sha512sum", &sub_itl).to_uppercase()));
    text.push_str("SEP000000000006,10.1.1.6,Not Installed,sub.example.com\n");
    text.push_str("SEP000000000007,10.1.1.7\n");
    text.push('\n');
    // Garbage that mentions the alarm, a malformed alarm, a report without a device name.
    text.push_str("ITL_Signature was garbled here\n");
    text.push_str("<x-cisco-alarm><Alarm Name=\"DeviceTLInfo\"><ParameterList><String name=\"DeviceName\">SEP9</String></x-cisco-alarm>\n");
    text.push_str("IPv4Address=10.9.9.9 ITL_Signature=AB DeviceName=\n");
    // 1 again, now matching: the last report wins.
    text.push_str(&alarm("SEP000000000001", &phone(&sum("sha1sum", &pub_itl)).to_lowercase(), "pub.example.com"));

    let dir = std::env::temp_dir().join(format!("itlctl-devices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("mixed.log");
    std::fs::write(&report, &text).unwrap();
    let args = [
        "devices".to_owned(),
        "--itl".into(),
        format!("pub.example.com={}", pub_itl.display()),
        "--itl".into(),
        format!("sub.example.com={}", sub_itl.display()),
        "--ctl".into(),
        ctl.to_str().unwrap().into(),
        "--json".into(),
        report.to_str().unwrap().into(),
    ];
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = itlctl(&a);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got: Vec<(String, String, String)> = j["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["device"].as_str().unwrap().into(),
                d["itl_status"].as_str().unwrap().into(),
                d["ctl_status"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want = [
        ("SEP000000000001", "Match", "Not Installed"),
        ("SEP000000000002", "Mismatch", "Not Installed"),
        ("SEP000000000003", "Match", "Match"),
        ("SEP000000000004", "Match", "Not Installed"),
        ("SEP000000000005", "Match", "Unknown"),
        ("SEP000000000006", "Not Installed", "Unknown"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(got, want);
    assert_eq!(j["summary"]["Match"], 4);
    assert_eq!(j["summary"]["Mismatch"], 1);
    assert_eq!(j["summary"]["Not Installed"], 1);
    assert_eq!(j["devices"][2]["itl_hash"], md5);
    assert_eq!(j["devices"][0]["itl_file"], pub_itl.to_str().unwrap());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("3 lines not understood"), "{err}");
    assert!(err.contains("without DeviceName"), "{err}");

    // The same through stdin, as a table and as CSV.
    let mut args2: Vec<String> = args[..7].to_vec();
    args2.push("-".into());
    let a: Vec<&str> = args2.iter().map(String::as_str).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_itlctl"))
        .args(&a)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.lines().last().unwrap().starts_with("6 devices: 4 Match, 1 Mismatch, 1 Not Installed, 0 Unknown"),
        "{out}"
    );
    let mut args3: Vec<String> = args[..7].to_vec();
    args3.push("--csv".into());
    args3.push(report.to_str().unwrap().into());
    let a: Vec<&str> = args3.iter().map(String::as_str).collect();
    let o = itlctl(&a);
    let csv = String::from_utf8(o.stdout).unwrap();
    assert!(csv.starts_with("device,ipv4,itl_tftp_server,itl_hash,itl_status,itl_file,"), "{csv}");
    assert_eq!(csv.lines().count(), 7);
}

#[test]
fn missing_files_and_bad_arguments() {
    let o = itlctl(&["devices", "--itl", &t("missing.tlv"), &t("reports/refer-sample.txt")]);
    assert_eq!(o.status.code(), Some(2));
    let o = itlctl(&["devices", "--itl", &t("itl-11x-cm-sha1.tlv"), &t("reports/missing.txt")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read"));
    let o = itlctl(&["devices", &t("reports/refer-sample.txt")]);
    assert_eq!(o.status.code(), Some(2));
}
