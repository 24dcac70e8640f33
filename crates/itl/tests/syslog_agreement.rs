//! The two readers of CUCM's syslog agree: a CiscoLog line in any of the shapes CUCM sends
//! (padded tags, `] [` between them, tags in any order, with or without a host) gives the
//! same report read from a file (`devicetlinfo::collect`, as `itlctl devices` reads it) as
//! received by the server (`syslog::parse` + `classify`).
#![cfg(feature = "devicetlinfo")]

use itl::devicetlinfo::syslog::{classify, parse, Outcome};
use itl::devicetlinfo::{collect, Report};
use proptest::prelude::*;

fn pad() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", " ", "  "])
}

fn value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ._-]{0,20}[A-Za-z0-9]"
}

proptest! {
    #[test]
    fn file_and_server_read_the_same_report(
        values in prop::collection::vec(value(), 4),
        pads in prop::collection::vec((pad(), pad(), pad(), pad()), 4),
        order in Just([0usize, 1, 2, 3]).prop_shuffle(),
        between in prop::sample::select(vec!["", " "]),
        header in prop::sample::select(vec![
            "<190>8103: cucm-pub: Oct 14 2015 05:50:19 AM.484 UTC :  ",
            "<14>1362992: : Oct 14 2015 17:50:19.48 UTC : ",
            "Oct 14 05:50:19 cucm-pub local7 6 : 41679: cucm-pub.example.com: Oct 14 2015 05:50:19 UTC :   ",
        ]),
    ) {
        let keys = ["DeviceName", "IPv4Address", "ITL_Signature", "ITL_TFTP_Server"];
        let device = format!("SEP{}", values[0].replace([' ', '.', '-', '_'], "A"));
        let vals = [device.as_str(), values[1].as_str(), values[2].as_str(), values[3].as_str()];
        let tags: Vec<String> = order
            .iter()
            .map(|&i| {
                let (a, b, c, d) = pads[i];
                format!("[{a}{}{b}={c}{}{d}]", keys[i], vals[i])
            })
            .collect();
        let line = format!("{header}%UC_CALLMANAGER-6-DeviceTLInfo: %{}: Device trust list information", tags.join(between));

        let msg = parse(&line).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
        let Outcome::Report(server) = classify(&msg) else {
            return Err(TestCaseError::fail(format!("not a report: {line}")));
        };
        let c = collect(line.as_bytes());
        prop_assert_eq!(c.counts.reports_read, 1, "{}", line);
        let (rows, _) = c.latest.rows(&[], &[]);
        let mut want = Report::default();
        for (k, v) in keys.iter().zip(vals) {
            want.set(k, v);
        }
        prop_assert_eq!(&server.device_name, &want.device_name);
        prop_assert_eq!(&server.ipv4, &want.ipv4);
        prop_assert_eq!(&server.itl_tftp_server, &want.itl_tftp_server);
        prop_assert_eq!(&server.itl_signature, &want.itl_signature);
        prop_assert_eq!(Some(&rows[0].device), want.device_name.as_ref());
        prop_assert_eq!(&rows[0].ipv4, &want.ipv4);
        prop_assert_eq!(&rows[0].itl_tftp_server, &want.itl_tftp_server);
    }
}
