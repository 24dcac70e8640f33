//! `itlctl devices` on DeviceTLInfo reports in every input format, built from the fixtures'
//! hashes as computed by coreutils.

mod common;
mod phones;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{coreutils as sum, itlctl, t, temp_file as temp, testdata, tmpdir};

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

    let dir = tmpdir("devices");
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
    let mut child = Command::new(common::BIN)
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

/// The verbatim REFER sample of docs/devicetlinfo.md, section 1.
fn refer_sample() -> String {
    std::fs::read_to_string(testdata().join("reports/refer-sample.txt")).unwrap()
}

fn devices_json(itl: &Path, reports: &[&Path]) -> (Output, serde_json::Value) {
    let mut args = vec!["devices".to_owned(), "--json".into(), "--itl".into(), itl.to_str().unwrap().into()];
    args.extend(reports.iter().map(|p| p.to_str().unwrap().to_owned()));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = itlctl(&a);
    let j = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)));
    (o, j)
}

/// (device, ITL status) of every row.
fn statuses(j: &serde_json::Value) -> Vec<(String, String)> {
    j["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["device"].as_str().unwrap().to_owned(), d["itl_status"].as_str().unwrap().to_owned()))
        .collect()
}

/// The REFER sample cut after its `ITL_Signature` line, as a log rotated mid-message leaves it.
fn truncated_sample() -> String {
    let s = refer_sample();
    let cut = s.find("<String name=\"ITL_TFTP_Server\">").unwrap();
    s[..cut].to_owned()
}

#[test]
fn an_alarm_that_never_closes_does_not_hide_the_reports_after_it() {
    let itl = testdata().join("itl-11x-cm-sha1.tlv");
    let good = phone(&sum("sha1sum", &itl));
    let head = truncated_sample();
    let head_lines = head.lines().count();
    // Lines x..=head_lines: the alarm from `<x-cisco-alarm>` on, never closed.
    let x = head.lines().position(|l| l == "<x-cisco-alarm>").unwrap() + 1;
    assert_eq!(x, 14);
    let mut text = head.clone();
    // Each format after it: the next report of any kind ends the fragment.
    text.push_str(&format!("Nov 23 10:00:00 cucm %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP000000000001][ITL_Signature={good}][ITL_TFTP_Server=pub]: Device TL info\n"));
    text.push_str(&head);
    text.push_str(&format!("DeviceName=SEP000000000002 ITL_Signature={good} ITL_TFTP_Server=pub\n"));
    text.push_str(&head);
    text.push_str("DeviceName,ITL_Signature,ITL_TFTP_Server\n");
    text.push_str(&format!("SEP000000000003,{good},pub\n\n"));
    text.push_str(&head);
    // A whole alarm right after a cut one: the REFER sample itself, which mismatches.
    text.push_str(&refer_sample());
    let report = temp("never-closes.log", &text);
    let (o, j) = devices_json(&itl, &[&report]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(
        statuses(&j),
        [
            ("SEP000000000001".to_owned(), "Match".to_owned()),
            ("SEP000000000002".into(), "Match".into()),
            ("SEP000000000003".into(), "Match".into()),
            ("SEPC80084AA8743".into(), "Mismatch".into()),
        ]
    );
    // Where each fragment starts and ends, counted by hand from the layout above: the
    // sample's `<x-cisco-alarm>` is its line 14; a cut sample is `head_lines` long.
    let h = head_lines;
    let frags = [(x, h), (h + 1 + x, 2 * h + 1), (2 * h + 2 + x, 3 * h + 2), (3 * h + 5 + x, 4 * h + 5 + x - 1)];
    // (the last runs into the whole sample's SIP header lines, up to its `<x-cisco-alarm>`)
    let listed: Vec<String> = frags.iter().map(|(a, b)| format!("{a}-{b}")).collect();
    assert!(
        err.contains(&format!(
            "4 alarm fragments (never closed, or split with a part missing) could not be read (lines {})",
            listed.join(", ")
        )),
        "{err}"
    );
    assert_eq!(j["reports_read"], 4);
    assert_eq!(j["fragments_skipped"], 4);
    // The docs/cli.md fields are all still there.
    assert_eq!(j["summary"]["Match"], 3);
    assert_eq!(j["summary"]["Mismatch"], 1);

    // The table's summary line says the same.
    let o = itlctl(&["devices", "--itl", itl.to_str().unwrap(), report.to_str().unwrap()]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        out.lines().last().unwrap(),
        "4 devices: 3 Match, 1 Mismatch, 0 Not Installed, 0 Unknown (ITL); reports read: 4, fragments skipped: 4"
    );
}

#[test]
fn a_stray_alarm_tag_in_a_text_line_and_a_log_cut_mid_message() {
    let itl = testdata().join("itl-11x-cm-sha1.tlv");
    let good = phone(&sum("sha1sum", &itl));
    let mut text = String::from("Nov 23 09:59:59 cucm note: a <x-cisco-alarm> body was expected here\n");
    for i in 1..=300 {
        text.push_str(&format!("Nov 23 10:00:00 cucm %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEP{i:012}][IPAddress=10.0.0.1]: An endpoint registered\n"));
        text.push_str(&format!("Nov 23 10:00:00 cucm %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP{i:012}][ITL_Signature={good}][ITL_TFTP_Server=pub]: Device TL info\n"));
    }
    // The log ends inside an alarm.
    text.push_str(&truncated_sample());
    let lines = text.lines().count();
    let report = temp("stray.log", &text);
    let (o, j) = devices_json(&itl, &[&report]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(j["devices"].as_array().unwrap().len(), 300);
    assert_eq!(j["summary"]["Match"], 300);
    assert_eq!(j["reports_read"], 300);
    assert_eq!(j["fragments_skipped"], 2);
    // The stray tag is line 1 alone (the next line names a device); the cut alarm runs
    // from the sample's line 14 to the end.
    let cut = (lines - truncated_sample().lines().count() + 14, lines);
    assert!(err.contains(&format!("could not be read (lines 1, {}-{})", cut.0, cut.1)), "{err}");
}

#[test]
fn several_report_files_are_read_together_and_the_last_report_still_wins() {
    let itl = testdata().join("itl-11x-cm-sha1.tlv");
    let good = phone(&sum("sha1sum", &itl));
    let bad = phone(&sum("sha1sum", &testdata().join("itl-12x-itlrecovery-sha512.tlv")));
    let line = |dev: &str, h: &str| format!("%[DeviceName={dev}][ITL_Signature={h}][ITL_TFTP_Server=pub]: TL\n");
    let a = temp("a.log", &(line("SEP0000000000AA", &bad) + &line("SEP0000000000BB", &good)));
    let b = temp("b.log", &(line("SEP0000000000AA", &good) + &line("SEP0000000000CC", &bad)));
    let (o, j) = devices_json(&itl, &[&a, &b]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        statuses(&j),
        [
            ("SEP0000000000AA".to_owned(), "Match".to_owned()),
            ("SEP0000000000BB".into(), "Match".into()),
            ("SEP0000000000CC".into(), "Mismatch".into())
        ]
    );
    assert_eq!(j["reports_read"], 4);
    let (_, j) = devices_json(&itl, &[&b, &a]);
    assert_eq!(statuses(&j)[0], ("SEP0000000000AA".to_owned(), "Mismatch".to_owned()));
    // A missing file among them is named, the others still read, in argument order.
    let missing = testdata().join("reports/missing.txt");
    let (o, j) = devices_json(&itl, &[&a, &missing, &b]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(j["devices"].as_array().unwrap().len(), 3);
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing.txt: cannot read"));
}

/// Peak resident memory of `cmd` in bytes, measured from outside: GNU time's "Maximum
/// resident set size", else the highest VmHWM seen in /proc while it runs.
fn peak_rss(cmd: &mut Command) -> (std::process::ExitStatus, u64) {
    if Path::new("/usr/bin/time").exists() {
        let prog = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let o = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(prog)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let kb: u64 = err
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
            .unwrap_or_else(|| panic!("{err}"))
            .trim()
            .parse()
            .unwrap();
        return (o.status, kb * 1024);
    }
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = s.lines().find_map(|l| l.strip_prefix("VmHWM:")) {
                peak = peak.max(kb.trim().trim_end_matches("kB").trim().parse::<u64>().unwrap_or(0) * 1024);
            }
        }
        if let Some(st) = child.try_wait().unwrap() {
            return (st, peak);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn memory_stays_under_300_bytes_a_phone() {
    // 200,000 distinct phones, each reporting twice in a CUCM syslog where one line in four
    // is DeviceTLInfo: about 330 MB.
    const PHONES: u64 = 200_000;
    let itl = testdata().join("itl-11x-cm-sha1.tlv");
    let good = phone(&sum("sha1sum", &itl));
    let dir = tmpdir("devices-mem");
    let report = dir.join("big.log");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&report).unwrap());
        for round in 0..2 {
            for i in 0..PHONES {
                let ip = format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255);
                for kind in ["EndPointUnregistered", "EndPointRegistered", "EndPointTransientConnection"] {
                    writeln!(w, "<189>{i}: cucm-pub: Nov 23 2026 10:00:0{round} AM.484 UTC :  %UC_CALLMANAGER-6-{kind}: %[DeviceName=SEP{i:012X}][IPAddress={ip}][IPV6Address=][Protocol=SIP][DeviceType=621][Description=Phone {i}][NodeID=cucm-pub]: An endpoint event").unwrap();
                }
                let h = if round == 0 { "Not Installed" } else { &good };
                writeln!(w, "<190>{i}: cucm-pub: Nov 23 2026 10:00:0{round} AM.485 UTC :  %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP{i:012X}][IPv4Address={ip}][CTL_Signature=Not Installed][CTL_TFTP_Server=N/A][ITL_Signature={h}][ITL_TFTP_Server=cucm-pub.example.com][StatusCode=3]: Device TL info").unwrap();
            }
        }
        std::io::Write::flush(&mut w).unwrap();
    }
    let size = std::fs::metadata(&report).unwrap().len();
    assert!(size > 300_000_000, "{size}");
    let bound = 300 * PHONES + 16 * 1024 * 1024;
    for mode in ["--json", "--csv", "--quiet"] {
        let mut cmd = Command::new(common::BIN);
        cmd.arg("devices")
            .args((mode != "--quiet").then_some(mode))
            .arg("--itl")
            .arg(format!("cucm-pub.example.com={}", itl.display()))
            .arg(&report);
        let (status, peak) = peak_rss(&mut cmd);
        assert_eq!(status.code(), Some(0), "{mode}");
        assert!(peak < bound, "{mode}: peak RSS {peak} bytes for {PHONES} phones, over {bound}");
        eprintln!("{mode}: peak RSS {} MB for {PHONES} phones in {size} bytes", peak / 1_000_000);
    }
    // And every phone is there, matching.
    let o = itlctl(&["devices", "--itl", &format!("cucm-pub.example.com={}", itl.display()), report.to_str().unwrap()]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        out.lines().last().unwrap(),
        format!("{PHONES} devices: {PHONES} Match, 0 Mismatch, 0 Not Installed, 0 Unknown (ITL); reports read: {}, fragments skipped: 0", 2 * PHONES)
    );
}

#[test]
fn a_cucm_message_split_into_parts_is_joined_from_a_file() {
    // CUCM splits a message over 800 octets into `[part=SEQ.i/n]` messages; a syslog server
    // writes each on its own line, between other senders' lines.
    let file = t("itl-11x-cm-sha1.tlv");
    let hash = phone(&sum("sha1sum", Path::new(&file)));
    let head = |seq: u32, host: &str| {
        format!("<190>{seq}: {host}: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: ")
    };
    let log = [
        head(500, "cucm-pub") + "%[part=500.1/2][DeviceName=SEP0011223344AA][IPv4Address=10.9.9.9]: Device",
        "<189>77: cucm-sub: Mar 09 2024 06:32:45 PM.043 UTC :  %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEP0011223344AA][IPAddress=10.9.9.9]: registered".into(),
        head(501, "cucm-pub") + &format!("%[part=500.2/2][ITL_Signature={hash}][ITL_TFTP_Server=cucm-pub]: trust list information"),
        head(502, "cucm-pub") + "%[part=502.1/2][DeviceName=SEP0011223344BB][IPv4Address=10.9.9.8]: Device",
    ]
    .join("\n");
    let dir = tmpdir("parts");
    let path = dir.join("syslog.log");
    std::fs::write(&path, log).unwrap();
    let o = itlctl(&["devices", "--json", "--itl", &format!("cucm-pub={file}"), path.to_str().unwrap()]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["devices"].as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j["devices"][0]["device"], "SEP0011223344AA");
    assert_eq!(j["devices"][0]["ipv4"], "10.9.9.9");
    assert_eq!(j["devices"][0]["itl_status"], "Match");
    assert_eq!(j["reports_read"], 1);
    assert_eq!(j["fragments_skipped"], 1, "the part whose sibling never came");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("split with a part missing") && err.contains("(lines 4)"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}

#[test]
fn cucm_syslog_with_padded_tags_is_read() {
    // The shapes CUCM sends (docs/serve-api.md, "What CUCM sends"): `%[ DeviceName =…]`, `] [`,
    // a syslog server's own header in front, AM/PM times with two-digit milliseconds.
    let file = t("itl-11x-cm-sha1.tlv");
    let hash = phone(&sum("sha1sum", Path::new(&file)));
    let log = format!(
        "Dec  2 03:55:36 cucm-pub local7 6 : 1234: cucm-pub.example.com: Dec 02 2026 03:55:36 AM.12 UTC :  \
%UC_CALLMANAGER-6-DeviceTLInfo: %[ DeviceName = SEP001122334455 ] [IPv4Address=10.0.0.5][ITL_Signature= {hash}]\
[ITL_TFTP_Server= cucm-pub ][CTL_Signature=Not Installed][NodeID=cucm-pub]: Device trust list info#012more\n"
    );
    let mut child = Command::new(common::BIN)
        .args(["devices", "--json", "--itl", &format!("cucm-pub={file}"), "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(log.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &j["devices"][0];
    assert_eq!(d["device"], "SEP001122334455", "{j}");
    assert_eq!(d["ipv4"], "10.0.0.5");
    assert_eq!(d["itl_status"], "Match");
    assert_eq!(d["ctl_status"], "Not Installed");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

// ---- Asking the phones themselves (`--probe`, `--ris`; shared/spec/phones.md) ----

/// The SHA-1 of a fixture by `sha1sum`, as a phone's page shows it (`1B A1 …`), and in hex.
fn sha1_shown(name: &str) -> (String, String) {
    let hex = sum("sha1sum", &testdata().join(name));
    (phone(&hex).trim_end().to_owned(), hex)
}

/// `itlctl devices ARGS` without the RIS password in the environment, stdin closed.
fn run_devices(args: &[&str]) -> (Output, String) {
    let o = common::command(args).env_remove("ITLCTL_RIS_PASSWORD").stdin(Stdio::null()).output().unwrap();
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    (o, e)
}

fn json_of(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// The row of `device`.
fn row<'a>(j: &'a serde_json::Value, device: &str) -> &'a serde_json::Value {
    j["devices"].as_array().unwrap().iter().find(|d| d["device"] == device).unwrap_or_else(|| panic!("{device}: {j}"))
}

#[test]
fn a_report_and_a_probe_of_the_same_phone_are_one_row_the_probes() {
    use phones::{page_7800, start, Answer};
    let (itl_shown, itl_hex) = sha1_shown("itl-11x-cm-sha1.tlv");
    let page = page_7800(
        "SEP5006AB806306",
        "CP-7841",
        &itl_shown,
        "Not Installed",
        &["cucm1.example.com", "cucm2.example.com"],
        "172.19.74.90",
    );
    let fake = start(&[("127.0.0.2", Answer::Page(page))]);
    // An older report of the same phone says it held another ITL.
    let (_, other_hex) = sha1_shown("ctl-tokenless-sha256.tlv");
    let report = temp("r.txt", alarm("SEP5006AB806306", &phone(&other_hex), "172.19.74.90"));
    let itl = format!("172.19.74.90={}", t("itl-11x-cm-sha1.tlv"));
    let args = ["devices", "--json", "--itl", &itl, report.to_str().unwrap(), "--probe", "127.0.0.2"];
    let (o, e) = run_devices(&[&args[..], &["--phone-port", &fake.port_arg(), "--timeout-ms", "2000"]].concat());
    assert_eq!(o.status.code(), Some(0), "{e}");
    let j = json_of(&o);
    assert_eq!(j["devices"].as_array().unwrap().len(), 1, "{j}");
    let d = row(&j, "SEP5006AB806306");
    assert_eq!(d["source"], "probe");
    assert_eq!(d["address"], "127.0.0.2");
    assert_eq!(d["ipv4"], "127.0.0.2");
    assert_eq!(d["model"], "CP-7841");
    assert_eq!(d["reason"], serde_json::Value::Null);
    assert_eq!(d["tvs"], serde_json::json!(["cucm1.example.com", "cucm2.example.com"]));
    assert_eq!(d["itl_tftp_server"], "172.19.74.90");
    assert_eq!(d["itl_hash"], itl_hex.as_str());
    assert_eq!(d["itl_status"], "Match");
    assert_eq!(d["ctl_status"], "Not Installed");
    assert_eq!(
        j["probe"],
        serde_json::json!({"asked": 1, "answered": 1, "unreachable": 0, "no_web_access": 0, "not_understood": 0})
    );
    assert_eq!(j["summary"], serde_json::json!({"Match": 1, "Mismatch": 0, "Not Installed": 0, "Unknown": 0}));
    assert_eq!(j["reports_read"], 1);
    // Read-only: GET requests, nothing else.
    let reqs = fake.requests();
    assert!(!reqs.is_empty() && reqs.iter().all(|r| r.starts_with("GET ")), "{reqs:?}");
}

#[test]
fn a_mismatch_exits_1_and_a_phone_that_could_not_be_read_does_not() {
    use phones::{page_7800, start, Answer};
    let (stale, _) = sha1_shown("ctl-tokenless-sha256.tlv");
    let stale_page = page_7800("SEP001122334455", "CP-8845", &stale, "Not Installed", &[], "cucm-pub");
    let fake = start(&[("127.0.0.3", Answer::Page(stale_page)), ("127.0.0.4", Answer::Status(403))]);
    let port = fake.port_arg();
    // Nothing listens on 127.0.0.5: unreachable.
    let itl = t("itl-11x-cm-sha1.tlv");
    let base = ["devices", "--itl", &itl, "--phone-port", &port, "--timeout-ms", "1500"];
    let (o, e) = run_devices(
        &[&base[..], &["--json", "--probe", "127.0.0.3", "--probe", "127.0.0.4", "--probe", "127.0.0.5"]].concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{e}");
    let j = json_of(&o);
    assert_eq!(row(&j, "SEP001122334455")["itl_status"], "Mismatch");
    assert_eq!(row(&j, "SEP001122334455")["model"], "CP-8845");
    let forbidden = row(&j, "127.0.0.4");
    assert_eq!((&forbidden["itl_status"], &forbidden["ctl_status"]), (&"Unknown".into(), &"Unknown".into()));
    assert_eq!(forbidden["reason"], "no-web-access");
    assert_eq!(row(&j, "127.0.0.5")["reason"], "unreachable");
    assert_eq!(row(&j, "127.0.0.5")["source"], "probe");
    assert_eq!(
        j["probe"],
        serde_json::json!({"asked": 3, "answered": 1, "unreachable": 1, "no_web_access": 1, "not_understood": 0})
    );
    assert_eq!(j["summary"], serde_json::json!({"Match": 0, "Mismatch": 1, "Not Installed": 0, "Unknown": 2}));
    // Phones that could not be read are no mismatch: exit 0.
    let (o, e) = run_devices(&[&base[..], &["--json", "--probe", "127.0.0.4", "--probe", "127.0.0.5"]].concat());
    assert_eq!(o.status.code(), Some(0), "{e}");
    // The CSV has the same columns, in the row's order.
    let (o, e) = run_devices(&[&base[..], &["--csv", "--probe", "127.0.0.3", "--probe", "127.0.0.4"]].concat());
    assert_eq!(o.status.code(), Some(1), "{e}");
    let csv = String::from_utf8(o.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("device,ipv4,itl_tftp_server,itl_hash,itl_status,itl_file,ctl_tftp_server,ctl_hash,ctl_status,ctl_file,source,address,model,reason,tvs")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].starts_with("127.0.0.4,127.0.0.4,") && rows[0].ends_with(",probe,127.0.0.4,,no-web-access,"),
        "{csv}"
    );
    assert!(rows[1].starts_with("SEP001122334455,127.0.0.3,cucm-pub,") && rows[1].contains(",Mismatch,"), "{csv}");
    assert!(rows[1].ends_with(",probe,127.0.0.3,CP-8845,,"), "{csv}");
    // The text table names the reason and the probe counts.
    let (o, _) = run_devices(&[&base[..], &["--probe", "127.0.0.4"]].concat());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("(no-web-access)"), "{text}");
    assert!(
        text.contains("phones asked: 1, answered: 0, unreachable: 0, no web access: 1, not understood: 0"),
        "{text}"
    );
}

#[test]
fn a_bad_probe_value_exits_2_before_any_phone_is_asked() {
    use phones::{page_7800, start, Answer};
    let fake =
        start(&[("127.0.0.6", Answer::Page(page_7800("SEP1", "CP-7841", "Not Installed", "Not Installed", &[], "x")))]);
    let itl = t("itl-11x-cm-sha1.tlv");
    let missing = testdata().join("reports/no-such-list.txt");
    let at_missing = format!("@{}", missing.display());
    for bad in ["10.0.0.0/8", "fe80::/64", "10.1.2.0/33", "300.1.2.3/24", at_missing.as_str()] {
        let (o, e) = run_devices(&[
            "devices",
            "--itl",
            &itl,
            "--phone-port",
            &fake.port_arg(),
            "--probe",
            "127.0.0.6",
            "--probe",
            bad,
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {e}");
        assert!(e.contains(bad.trim_start_matches('@')), "{bad}: {e}");
        assert!(o.stdout.is_empty(), "{bad}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn reports_are_needed_only_without_a_probe_source() {
    let itl = t("itl-11x-cm-sha1.tlv");
    let (o, e) = run_devices(&["devices", "--itl", &itl]);
    assert_eq!(o.status.code(), Some(2));
    assert!(e.contains("REPORTS") || e.contains("REPORT"), "{e}");
    // --ris without --ris-user is a bad command line too.
    let (o, e) = run_devices(&["devices", "--itl", &itl, "--ris", "https://127.0.0.1:1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(e.contains("--ris-user"), "{e}");
}

#[test]
fn without_a_password_or_a_terminal_ris_exits_2_naming_the_variable() {
    let itl = t("itl-11x-cm-sha1.tlv");
    let (o, e) = run_devices(&["devices", "--itl", &itl, "--ris", "https://127.0.0.1:1", "--ris-user", "admin"]);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(e.contains("ITLCTL_RIS_PASSWORD"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    // The password is never an argument.
    let (o, _) = run_devices(&[
        "devices",
        "--itl",
        &itl,
        "--ris",
        "https://127.0.0.1:1",
        "--ris-user",
        "a",
        "--ris-password",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_unreachable_cucm_is_one_line_and_exit_2() {
    let itl = t("itl-11x-cm-sha1.tlv");
    // Nothing listens on 127.0.0.1 port 1.
    let o = common::command(&["devices", "--itl", &itl, "--ris", "https://127.0.0.1:1", "--ris-user", "admin"])
        .env("ITLCTL_RIS_PASSWORD", "not-the-password")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(e.contains("127.0.0.1"), "{e}");
    assert!(!e.contains("not-the-password"), "{e}");
}

#[test]
fn the_ris_password_is_asked_on_the_terminal_without_echo() {
    use std::io::Read as _;
    let itl = t("itl-11x-cm-sha1.tlv");
    let line = [common::BIN, "devices", "--itl", &itl, "--ris", "https://127.0.0.1:1", "--ris-user", "admin"]
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("ITLCTL_RIS_PASSWORD")
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux script");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut seen = Vec::new();
    let mut typed = false;
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(b) => seen.extend(b),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if !typed && String::from_utf8_lossy(&seen).contains("RIS password for admin") {
            // The prompt is up (echo is off by then): type the password.
            std::thread::sleep(std::time::Duration::from_millis(200));
            stdin.write_all(b"s3cret-typed\n").unwrap();
            stdin.flush().unwrap();
            typed = true;
        }
    }
    drop(stdin);
    let _ = child.kill();
    let status = child.wait().unwrap();
    let _ = reader.join();
    let seen = String::from_utf8_lossy(&seen);
    assert!(typed, "no prompt: {seen}");
    assert!(!seen.contains("s3cret-typed"), "the password was echoed: {seen}");
    // The password was taken: the run went on to ask CUCM, which is not there (exit 2).
    let after = &seen[seen.find("RIS password for admin").unwrap() + 22..];
    assert!(after.contains("RIS"), "{seen}");
    assert_eq!(status.code(), Some(2), "{seen}");
}
