//! `itlctl devices --itl [HOST=]DIR`: a TFTP folder stands for its trust lists of the kind
//! asked for, the cluster-wide file first; expected hashes by coreutils.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

fn itlctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_itlctl")).args(args).output().unwrap()
}

/// SHA-1 by coreutils, as phones write it (upper-case byte pairs, spaces).
fn phone_sha1(path: &Path) -> String {
    let o = Command::new("sha1sum").arg(path).output().unwrap();
    let hex = String::from_utf8(o.stdout).unwrap().split_whitespace().next().unwrap().to_uppercase();
    hex.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_tftp_folder_is_its_itl_and_ctl_files() {
    let dir = tempfile::tempdir().unwrap();
    let tftp = dir.path().join("tftp");
    std::fs::create_dir(&tftp).unwrap();
    let copy = |from: &str, to: &str| std::fs::copy(testdata().join(from), tftp.join(to)).unwrap();
    copy("itl-11x-cm-sha1.tlv", "ITLFile.tlv");
    copy("itl-12x-itlrecovery-sha512.tlv", "ITLSEP001122334455.tlv");
    copy("ctl-etoken.tlv", "CTLFile.tlv");
    // Neither is a reference: a malformed one among them would fail the command.
    std::fs::write(tftp.join("ext_ITLSEP001122334455.tlv"), b"not a trust list").unwrap();
    std::fs::write(tftp.join("ITLFile.tlv.sgn"), b"not a trust list").unwrap();

    let itl = phone_sha1(&tftp.join("ITLFile.tlv"));
    let other = phone_sha1(&tftp.join("ITLSEP001122334455.tlv"));
    let ctl = phone_sha1(&tftp.join("CTLFile.tlv"));
    let report = dir.path().join("report.log");
    std::fs::write(
        &report,
        format!(
            "%[DeviceName=SEP000000000001][ITL_Signature={itl}][ITL_TFTP_Server=pub][CTL_Signature={ctl}][CTL_TFTP_Server=pub]: x\n\
             %[DeviceName=SEP000000000002][ITL_Signature={other}][ITL_TFTP_Server=pub][CTL_Signature=Not Installed]: x\n"
        ),
    )
    .unwrap();
    let folder = tftp.to_str().unwrap();
    let o =
        itlctl(&["devices", "--json", "--itl", &format!("pub={folder}"), "--ctl", folder, report.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    // The second phone holds another ITL than ITLFile.tlv: a mismatch, exit 1.
    assert_eq!(o.status.code(), Some(1), "{err}");
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = j["devices"].as_array().unwrap();
    let col = |i: usize, k: &str| rows[i][k].as_str().map(str::to_owned);
    let file = |name: &str| Some(tftp.join(name).to_str().unwrap().to_owned());
    assert_eq!(col(0, "device").as_deref(), Some("SEP000000000001"));
    assert_eq!(col(0, "itl_status").as_deref(), Some("Match"));
    assert_eq!(col(0, "itl_file"), file("ITLFile.tlv"));
    assert_eq!(col(0, "ctl_status").as_deref(), Some("Match"));
    assert_eq!(col(0, "ctl_file"), file("CTLFile.tlv"));
    assert_eq!(col(1, "itl_status").as_deref(), Some("Mismatch"));
    assert_eq!(col(1, "itl_file"), file("ITLFile.tlv"));
    assert_eq!(col(1, "ctl_status").as_deref(), Some("Not Installed"));

    // A folder without a trust list of the kind is an error that names it.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("CTLFile.tlv"), b"x").unwrap();
    let o = itlctl(&["devices", "--itl", empty.to_str().unwrap(), report.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("holds no ITL*.tlv file"), "{err}");
}
