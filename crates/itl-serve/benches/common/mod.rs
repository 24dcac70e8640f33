//! What both benchmarks store: phone `n`'s report, one phone in ten on another ITL than
//! `testdata/itl-11x-cm-sha1.tlv` (whose SHA-1 `show` prints as 280ad91c…7d13).

use itl::devicetlinfo::Report;

/// The SHA-1 of `testdata/itl-11x-cm-sha1.tlv`, as phones report it.
pub const ITL_SHA1: &str = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
/// Another ITL's.
pub const OTHER_SHA1: &str = "9F 3B 11 42 7A 0C D5 E8 61 2B 44 90 AB CD EF 01 23 45 67 89";

/// Phone `n`'s report, as received over UDP.
pub fn report(n: u64) -> (Report, &'static str) {
    let r = Report {
        line: 0,
        device_name: Some(format!("SEP{n:012X}")),
        ipv4: Some(format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)),
        ipv6: None,
        ctl_signature: Some("Not Installed".into()),
        ctl_tftp_server: None,
        itl_signature: Some(if n.is_multiple_of(10) { OTHER_SHA1 } else { ITL_SHA1 }.into()),
        itl_tftp_server: Some("cucm-pub".into()),
        status_code: Some("0".into()),
    };
    (r, "udp")
}
