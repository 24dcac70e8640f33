//! `read_page` on network setup pages saved from real phones (`testdata/phones/real`, from
//! trustedsec/SeeYouCM-Thief's test fixtures, public domain; see `testdata/phones/SOURCES.md`).
//! Each expected value is copied from the page's HTML by hand (the row it is on is quoted),
//! never from the reader's output.
#![cfg(feature = "devicetlinfo")]

use itl::devicetlinfo::{read_page, PhonePage};

fn page(name: &str) -> PhonePage {
    let path = format!("{}/../../testdata/phones/real/{name}", env!("CARGO_MANIFEST_DIR"));
    // The phones send `Content-Type: text/html` without a charset.
    read_page(&std::fs::read(&path).unwrap(), Some("text/html"))
}

/// 7800 on 11.0: Title Case labels with a leading space, hashes with a trailing space, and no
/// spacer cell between label and value:
/// `<TR><TD><B> ITL Signature</B></TD><TD><B>F6 A4 78 … FC C6 </B></TD></TR>`.
#[test]
fn cp7841_title_case_without_spacer_cell() {
    let p = page("cisco-CP-7841.html");
    // <B> Host Name</B> … <B>SEP00D6FEECC4F0</B>
    assert_eq!(p.device_name.as_deref(), Some("SEP00D6FEECC4F0"));
    assert_eq!(p.itl_signature.as_deref(), Some("F6 A4 78 D3 54 3E 97 65 7C 15 A0 9C 84 2D D7 5B 3E BE FC C6"));
    // <B> CTL File</B> … <B>Not Installed</B>, and no CTL Signature row.
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.tvs, ["cucm01.example.com", "cucm02.example.com"]);
    assert_eq!(p.tftp_server.as_deref(), Some("10.1.10.11"));
    // The header: <font color="#FFFFFF" size="4">Cisco Unified IP Phone CP-7841 ( SEP00D6FEECC4F0 )
    assert_eq!(p.model.as_deref(), Some("CP-7841"));
    assert!(p.trust_readable());
}

/// 7811 on 12.0: `TFTP Server 1` is empty (`<B></B>`); the trust section's `TFTP Server` rows
/// are not `TFTP server 1`.
#[test]
fn cp7811_empty_tftp_server_1() {
    let p = page("cisco-CP-7811.html");
    assert_eq!(p.device_name.as_deref(), Some("SEPD4ADBDF4CF3D"));
    assert_eq!(p.itl_signature.as_deref(), Some("69 5B E8 7E F2 23 BA 29 17 A5 37 CC 38 AB 73 27 B6 AD 15 F9"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.tvs, ["cucm02.example.com", "CUCM01.example.com", "CUCM01.example.com"]);
    assert_eq!(p.tftp_server, None);
    assert_eq!(p.model.as_deref(), Some("CP-7811"));
}

/// 8800 on 11.0: sentence-case labels, both trust lists installed, `CAPF server` rows among
/// the TVS rows.
#[test]
fn cp8845_and_cp8841_both_lists() {
    let p = page("cisco-CP-8845.html");
    assert_eq!(p.device_name.as_deref(), Some("SEP5006AB806306"));
    // <B> ITL signature</B></TD><td width=20></TD><TD><B>93 B6 4C … F5 51 </B>
    assert_eq!(p.itl_signature.as_deref(), Some("93 B6 4C B3 49 63 11 57 AB 2C 89 49 0D B8 FB BC 56 67 F5 51"));
    assert_eq!(p.ctl_signature.as_deref(), Some("BD 03 52 8C 7D 29 17 0B 1A AA D3 E6 3C E7 26 03 01 D9 AE 3B"));
    assert_eq!(p.tvs, ["cucm1.example.com", "cucm02.example.com", "aclucm3.example.com"]);
    assert_eq!(p.tftp_server.as_deref(), Some("172.19.74.90"));
    assert_eq!(p.model.as_deref(), Some("CP-8845"));
    let p = page("cisco-CP-8841.html");
    assert_eq!(p.device_name.as_deref(), Some("SEP3C5EC30DC957"));
    assert_eq!(p.itl_signature.as_deref(), Some("FA BD F7 58 96 87 C1 89 56 09 E4 CC FE A7 2F B1 0A 79 9D 03"));
    assert_eq!(p.model.as_deref(), Some("CP-8841"));
}

/// 8861 on 12.0: `Not installed` in sentence case, `&#x2D;` in the TVS names, a `CAPF server`
/// row between the TVS rows.
#[test]
fn cp8861_entities_and_capf_between_tvs() {
    let p = page("cisco-CP-8861.html");
    assert_eq!(p.device_name.as_deref(), Some("SEP7802B1429B4F"));
    assert_eq!(p.itl_signature.as_deref(), Some("20 8C 50 B7 55 98 B7 2F 91 7A 39 48 1D AB 40 40 CF B0 43 11"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    // <B>sml&#x2D;cucm&#x2D;pub.slny.com</B> …
    assert_eq!(
        p.tvs,
        ["sml-cucm-pub.slny.com", "SML-CUCM-SUB02.SLNY.com", "sml-cucm-sub.slny.com", "sml-cucm-pub.slny.com"]
    );
    assert_eq!(p.tftp_server.as_deref(), Some("10.201.0.3"));
}

/// A page saved again by a browser (lower-case tags, `<tbody>`, quoted attributes): the
/// same rows.
#[test]
fn cp8851_resaved_by_a_browser() {
    let p = page("cisco_CP-8851.html");
    assert_eq!(p.device_name.as_deref(), Some("SEPE0899DXXXXXX"));
    assert_eq!(p.itl_signature.as_deref(), Some("C8 82 98 96 82 77 EB 21 12 CC E2 9B F4 D6 3F 20 54 1A 0A 51"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.tvs.len(), 5);
    assert_eq!(p.model.as_deref(), Some("CP-8851"));
}

/// Every 7800/8800 page here holds readable trust rows.
#[test]
fn every_7800_8800_page_is_readable() {
    for name in [
        "cisco-CP-7811.html",
        "cisco-CP-7832.html",
        "cisco-CP-7841.html",
        "cisco-CP-8811.html",
        "cisco-CP-8841.html",
        "cisco-CP-8845.html",
        "cisco-CP-8861.html",
        "cisco-CP-8865.html",
        "cisco_CP-8851.html",
    ] {
        let p = page(name);
        assert!(p.trust_readable(), "{name}: {p:?}");
        assert!(p.device_name.as_deref().is_some_and(|d| d.starts_with("SEP")), "{name}: {p:?}");
        let model = name.trim_start_matches("cisco").trim_start_matches(['-', '_']).trim_end_matches(".html");
        assert_eq!(p.model.as_deref(), Some(model), "{name}: the header names the model");
    }
}

/// The 8945 page's hashes were replaced by `XX XX …` by whoever saved it: trust rows, but
/// not comparable.
#[test]
fn cp8945_redacted_hashes_are_not_readable() {
    let p = page("cisco-CP-8945.html");
    assert!(p.has_trust_rows());
    assert!(!p.trust_readable(), "{p:?}");
}

/// Pages without trust rows still name the phone: 7940G and 7945G (their network pages show
/// only `Security Mode`), and the DX80, whose trust rows are on its security page and whose
/// network page says `Ethernet Host Name`.
#[test]
fn pages_without_trust_rows_still_name_the_phone() {
    let p = page("cisco-CP-7940G.html");
    assert!(!p.has_trust_rows());
    // The row <B>Host Name</B> … <B>SEP0016xxxxxxxx</B> (redacted by whoever saved the page)
    // wins over the header "Cisco Systems, Inc. IP Phone CP-7940G ( SEP001646EAA4FA )".
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP0016xxxxxxxx"), Some("CP-7940G")));
    let p = page("cisco_CP-7945G.html");
    assert!(!p.has_trust_rows());
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP0C8525XXXXXX"), Some("CP-7945G")));
    let p = page("cisco_CP-DX80.html");
    assert!(!p.has_trust_rows());
    // <b>Ethernet Host Name</b> … <b>SEP1C6A7AXXXXXX</b>; header "Cisco CP-DX80 ( SEP1C6A7AXXXXXX )"
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP1C6A7AXXXXXX"), Some("CP-DX80")));
    assert_eq!(p.tftp_server.as_deref(), Some("10.202.8.10"));
}

/// IP Communicator's status messages page ("Trust List Installed") is not a network page:
/// no trust rows, the header's name, no `CP-` model.
#[test]
fn communicator_status_page_is_not_a_network_page() {
    let p = page("cisco-IPC.html");
    assert!(!p.has_trust_rows());
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("CIPCTJARKEWICZ"), None));
}
