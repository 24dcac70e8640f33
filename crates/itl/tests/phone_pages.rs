//! `read_page` on the saved phone pages of `testdata/phones` (see its SOURCES.md: every page
//! there is SYNTHETIC, written in the markup public scrapers match on real phones). Each
//! expected value is read by eye from the page's HTML; the line it shows on is quoted.
//! Match/Mismatch are judged against the SHA-1 of a served file computed by `sha1sum`.
#![cfg(feature = "devicetlinfo")]

use itl::devicetlinfo::{compare, read_page, PhonePage, Served, Status};
use itl::hash::Checksums;
use proptest::prelude::*;

fn page(name: &str, content_type: Option<&str>) -> PhonePage {
    let path = format!("{}/../../testdata/phones/{name}", env!("CARGO_MANIFEST_DIR"));
    read_page(&std::fs::read(&path).unwrap(), content_type)
}

/// `sha1sum testdata/itl-11x-cm-sha1.tlv` = 280ad91ccb978f073a149cba9163c1a0ed4e7d13.
const ITL_SHA1_SPACED: &str = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";

fn served_itl() -> Vec<Served> {
    let bytes = std::fs::read(format!("{}/../../testdata/itl-11x-cm-sha1.tlv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    vec![Served { host: None, label: "itl-11x-cm-sha1.tlv".into(), checksums: Checksums::of(&bytes) }]
}

#[test]
fn cp8845_network_setup() {
    let p = page("cp-8845-network.html", Some("text/html"));
    // <TR><TD><B>Host name</B></TD><td width=20></TD><TD><B>SEP5006AB806306</B></TD></TR>
    assert_eq!(p.device_name.as_deref(), Some("SEP5006AB806306"));
    // <TD><B>ITL signature</B></TD>…<TD><B>28 0A D9 1C …</B></TD>
    assert_eq!(p.itl_signature.as_deref(), Some(ITL_SHA1_SPACED));
    // <TD><B>CTL signature</B></TD>…<TD><B>BD 03 52 8C …</B></TD>
    assert_eq!(p.ctl_signature.as_deref(), Some("BD 03 52 8C 7D 29 17 0B 1A AA D3 E6 3C E7 26 03 01 D9 AE 3B"));
    // two TVS rows: cucm1.example.com, cucm2.example.com
    assert_eq!(p.tvs, ["cucm1.example.com", "cucm2.example.com"]);
    // TFTP server 1 is 172.19.74.90 (not the security section's "TFTP server" row)
    assert_eq!(p.tftp_server.as_deref(), Some("172.19.74.90"));
    // No Model number row; the header line <TITLE>Cisco IP Phone CP-8845 ( SEP5006AB806306 )</TITLE>
    // names the model as real pages' header does (testdata/phones/real).
    assert_eq!(p.model.as_deref(), Some("CP-8845"));
    assert_eq!(compare(&served_itl(), p.tftp_server.as_deref(), p.itl_signature.as_deref()).0, Status::Match);
}

#[test]
fn cp8845_device_information() {
    let p = page("cp-8845-device.html", None);
    // <TD><B>Model number</B></TD>…<TD><B>CP-8845</B></TD>
    assert_eq!(p.model.as_deref(), Some("CP-8845"));
    assert_eq!(p.device_name.as_deref(), Some("SEP5006AB806306"));
    assert!(!p.has_trust_rows());
}

#[test]
fn cp7965_latin1_title_case_and_entities() {
    // Served as Latin-1 by its meta tag (charset=iso-8859-1); the byte 0xFC is "ü".
    let p = page("cp-7965-network.html", None);
    // <TD><B>Host Name</B></TD> … <TD><B>SEP001B2A3C4D5E</B></TD>; the copy inside <script> is not a row
    assert_eq!(p.device_name.as_deref(), Some("SEP001B2A3C4D5E"));
    // <TD><B>TFTP Server 1</B></TD> … <TD><B>cucm&#x2D;pub.example.com</B></TD>
    assert_eq!(p.tftp_server.as_deref(), Some("cucm-pub.example.com"));
    // <TD><B>CTL File</B></TD> … <TD><B>Not installed</B></TD>
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    // <TD><B>ITL Signature</B></TD> … 93 B6 4C B3 …
    assert_eq!(p.itl_signature.as_deref(), Some("93 B6 4C B3 49 63 11 57 AB 2C 89 49 0D B8 FB BC 56 67 F5 51"));
    // <TD><B>TVS</B></TD> … z\xFCrich&#x2D;tvs.example.com
    assert_eq!(p.tvs, ["zürich-tvs.example.com"]);
    let served = served_itl();
    assert_eq!(compare(&served, None, p.itl_signature.as_deref()).0, Status::Mismatch);
    assert_eq!(compare(&served, None, p.ctl_signature.as_deref()).0, Status::NotInstalled);
    // A Content-Type charset wins over the meta tag: read as UTF-8, 0xFC is not "ü".
    let q = page("cp-7965-network.html", Some("text/html; charset=utf-8"));
    assert_eq!(q.tvs, ["z\u{fffd}rich-tvs.example.com"]);
}

#[test]
fn cp7965_device_information() {
    // <TD><B>Model Number</B></TD> … <TD><B>CP-7965G</B></TD>
    assert_eq!(page("cp-7965-device.html", None).model.as_deref(), Some("CP-7965G"));
}

#[test]
fn cp7940_has_no_trust_rows() {
    let p = page("cp-7940-network.html", None);
    assert_eq!(p.device_name.as_deref(), Some("SEP000D28ABCDEF"));
    assert_eq!(p.tftp_server.as_deref(), Some("10.1.1.10"));
    assert!(!p.has_trust_rows());
}

#[test]
fn cp7841_strong_values_and_colon_hex() {
    let p = page("cp-7841-network.html", None);
    // <TD><B><strong>SEP00A3D1E7F0C2</strong></B></TD>
    assert_eq!(p.device_name.as_deref(), Some("SEP00A3D1E7F0C2"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    // 93:b6:4c:… is the same hash as the 7965's "93 B6 4C …": both Mismatch the served ITL
    assert_eq!(compare(&served_itl(), None, p.itl_signature.as_deref()).0, Status::Mismatch);
    assert!(p.trust_readable());
}

#[test]
fn redacted_signature_is_a_trust_row_but_not_readable() {
    let p = page("cp-8865-redacted-network.html", None);
    // <TD><B>ITL signature</B></TD> … <TD><B>*************************</B></TD>
    assert_eq!(p.itl_signature.as_deref(), Some("*************************"));
    assert!(p.has_trust_rows());
    // Its CTL row (Not Installed) is readable, but a hidden hash makes the page not understood.
    assert!(!p.trust_readable());
    assert_eq!(compare(&served_itl(), None, p.itl_signature.as_deref()).0, Status::Unknown);
}

#[test]
fn dx80_bold_runs_outside_tables() {
    let p = page("dx80-network.html", None);
    // <B>Host name</B>&nbsp;&nbsp;SEP6C710DAA0B0C<BR>
    assert_eq!(p.device_name.as_deref(), Some("SEP6C710DAA0B0C"));
    // <B>CTL file:</B> Not Installed<BR>
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    // <B>ITL signature:</B> 28 0A D9 …<BR>
    assert_eq!(compare(&served_itl(), None, p.itl_signature.as_deref()).0, Status::Match);
    assert_eq!(p.tvs, ["cucm1.example.com"]);
    assert_eq!(p.model.as_deref(), Some("CP-DX80"));
}

#[test]
fn ata191_colon_labels() {
    let p = page("ata191-network.html", None);
    // <tr><td>Host Name:</td><td>ATA00EBD5CA1234</td></tr>
    assert_eq!(p.device_name.as_deref(), Some("ATA00EBD5CA1234"));
    // <tr><td>CTL File:</td><td>not installed</td></tr>
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.itl_signature.as_deref(), Some(ITL_SHA1_SPACED));
    assert_eq!(p.model.as_deref(), Some("ATA191"));
}

#[test]
fn communicator_nothing_installed() {
    let p = page("cipc-network.html", None);
    assert_eq!(p.device_name.as_deref(), Some("SEP00505699ABCD"));
    // ITL File Not Installed, ITL Signature empty
    assert_eq!(p.itl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(compare(&served_itl(), None, p.itl_signature.as_deref()).0, Status::NotInstalled);
}

#[test]
fn merge_and_report() {
    let mut p = page("cp-8845-network.html", None);
    p.merge(page("cp-8845-device.html", None));
    assert_eq!(p.model.as_deref(), Some("CP-8845"));
    let r = p.to_report("10.10.20.31");
    assert_eq!(r.device_name.as_deref(), Some("SEP5006AB806306"));
    assert_eq!(r.itl_tftp_server.as_deref(), Some("172.19.74.90"));
    assert_eq!(r.ipv4.as_deref(), Some("10.10.20.31"));
}

proptest! {
    #[test]
    fn read_page_never_panics(body in proptest::collection::vec(any::<u8>(), 0..2048), ct in proptest::option::of(".{0,40}")) {
        let _ = read_page(&body, ct.as_deref());
    }

    #[test]
    fn read_page_never_panics_on_tag_soup(parts in proptest::collection::vec(prop_oneof![
        Just("<td>"), Just("</td>"), Just("<tr>"), Just("<b>"), Just("<br>"), Just("<script>"), Just("</script>"),
        Just("ITL signature"), Just("Host name:"), Just("TVS"), Just("&#x2D;"), Just("&#"), Just("<"), Just("\u{a0}"),
        Just("Not installed"), Just("12 34"), Just("charset=utf-16"), Just("<meta charset=latin1>"),
    ], 0..64)) {
        let body = parts.concat();
        let p = read_page(body.as_bytes(), None);
        if let Some(v) = &p.itl_signature { prop_assert!(!v.is_empty()); }
    }
}
