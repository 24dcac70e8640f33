//! The probe engine against fake phones on loopback addresses (127.0.0.2, 127.0.0.3, …)
//! serving the saved pages of `testdata/phones` (synthetic, see its SOURCES.md) or failing in
//! each way a phone can. Expected page values are those read by eye from the HTML files.

mod fake_phone;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use fake_phone::{Behavior, Fleet};
use itl::devicetlinfo::Reason;
use itl_transport::probe::{probe_all, probe_one, targets, Options, Progress};

const JAVA_NET: &str = "/CGI/Java/Serviceability?adapter=device.statistics.configuration";
const JAVA_DEV: &str = "/CGI/Java/Serviceability?adapter=device.statistics.device";

fn testdata(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../testdata/phones/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn opts(port: u16, timeout_ms: u64) -> Options {
    Options { port, https: false, jobs: 8, timeout: Duration::from_millis(timeout_ms) }
}

fn cp8845() -> Behavior {
    Behavior::Pages(vec![
        (JAVA_NET, "text/html", testdata("cp-8845-network.html")),
        (JAVA_DEV, "text/html", testdata("cp-8845-device.html")),
    ])
}

#[test]
fn reads_each_family_at_its_paths() {
    let fleet = Fleet::start(
        vec![
            cp8845(),
            // 7900: 404 on the Java pages, then /NetworkConfiguration (Latin-1, by its meta tag).
            Behavior::Pages(vec![
                ("/NetworkConfiguration", "text/html", testdata("cp-7965-network.html")),
                ("/DeviceInformation", "text/html", testdata("cp-7965-device.html")),
            ]),
            Behavior::Pages(vec![("/Network_Setup.htm", "text/html; charset=utf-8", testdata("ata191-network.html"))]),
            Behavior::Pages(vec![("/NetworkConfiguration", "text/html", testdata("cp-7940-network.html"))]),
            Behavior::Pages(vec![(JAVA_NET, "text/html", testdata("cp-8865-redacted-network.html"))]),
        ],
        Duration::ZERO,
    );
    let got = probe_all(&fleet.addresses, &opts(fleet.port, 2000), &|_| {});
    assert_eq!(got.len(), 5);
    for (g, a) in got.iter().zip(&fleet.addresses) {
        assert_eq!(&g.address, a, "results in the order given");
        assert!(g.at > 1_700_000_000);
    }
    let p = got[0].page.as_ref().unwrap();
    assert_eq!(p.device_name.as_deref(), Some("SEP5006AB806306"));
    assert_eq!(p.model.as_deref(), Some("CP-8845"), "from the network page's header");
    assert_eq!(p.itl_signature.as_deref(), Some("28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13"));
    assert_eq!(p.tvs, ["cucm1.example.com", "cucm2.example.com"]);
    let p = got[1].page.as_ref().unwrap();
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP001B2A3C4D5E"), Some("CP-7965G")));
    assert_eq!(p.tvs, ["zürich-tvs.example.com"]);
    let p = got[2].page.as_ref().unwrap();
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("ATA00EBD5CA1234"), Some("ATA191")));
    assert_eq!(got[3].page, Err(Reason::NotUnderstood), "a 7940 page has no trust rows");
    assert_eq!(got[4].page, Err(Reason::NotUnderstood), "a redacted signature");
    assert!(fleet.methods().iter().all(|m| m == "GET"), "{:?}", fleet.methods());
    // 8845: 1 GET (its header names the model: no device page); 7965: 404 + 1, likewise; ATA:
    // 404, 404, 200; 7940: 404, 200, then 404 twice more; 8865: 1 (no device page for a page
    // not understood).
    assert_eq!(fleet.requests(), 1 + 2 + 3 + 4 + 1);
}

/// A DX80: its network page (saved from a real DX80, `testdata/phones/real`) at the root
/// adapter paths has no trust rows, so the probe asks its security page (synthetic: no
/// real one was found) and reads them there.
#[test]
fn dx80_trust_rows_on_its_security_page() {
    let real =
        std::fs::read(format!("{}/../../testdata/phones/real/cisco_CP-DX80.html", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let fleet = Fleet::start(
        vec![Behavior::Pages(vec![
            ("/?adapter=device.statistics.configuration", "text/html", real),
            ("/?adapter=device.statistics.security", "text/html", testdata("dx80-security.html")),
        ])],
        Duration::ZERO,
    );
    let got = probe_all(&fleet.addresses, &opts(fleet.port, 2000), &|_| {});
    let p = got[0].page.as_ref().expect("the security page's trust rows");
    // The network page's <b>Ethernet Host Name</b> row, and its header "Cisco CP-DX80 ( … )".
    assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP1C6A7AXXXXXX"), Some("CP-DX80")));
    assert_eq!(p.itl_signature.as_deref(), Some("28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13"));
    assert_eq!(p.ctl_signature.as_deref(), Some("Not Installed"));
    assert_eq!(p.tftp_server.as_deref(), Some("10.202.8.10"), "TFTP Server 1 of the network page");
    assert!(fleet.methods().iter().all(|m| m == "GET"));
}

#[test]
fn every_failure_has_its_reason() {
    let timeout = 300;
    let fleet = Fleet::start(
        vec![
            Behavior::Refuse,
            Behavior::Hang,
            Behavior::Status(404),
            Behavior::Status(401),
            Behavior::Redirect("http://127.0.0.99:{port}/elsewhere".into()),
            Behavior::Huge(10 * 1024 * 1024),
            Behavior::Garbage,
            Behavior::Redirect("/NetworkConfiguration".into()),
        ],
        Duration::ZERO,
    );
    let t = Instant::now();
    let got = probe_all(&fleet.addresses, &opts(fleet.port, timeout), &|_| {});
    let took = t.elapsed();
    let reasons: Vec<_> = got.iter().map(|p| p.page.as_ref().err().copied()).collect();
    assert_eq!(
        reasons,
        [
            Some(Reason::Unreachable),
            Some(Reason::Unreachable),
            Some(Reason::NoWebAccess),
            Some(Reason::NoWebAccess),
            Some(Reason::NotUnderstood),
            Some(Reason::NotUnderstood),
            Some(Reason::NotUnderstood),
            // A redirect loop on the phone itself: given up after three hops.
            Some(Reason::NotUnderstood),
        ]
    );
    // The hanging phone: two attempts within twice the timeout; everything ran in parallel.
    assert!(took < Duration::from_millis(2 * timeout + 1500), "took {took:?}");
    assert!(fleet.methods().iter().all(|m| m == "GET"), "{:?}", fleet.methods());
}

#[test]
fn a_hanging_phone_ends_within_two_timeouts() {
    let fleet = Fleet::start(vec![Behavior::Hang], Duration::ZERO);
    let t = Instant::now();
    let p = probe_one(&fleet.addresses[0], &opts(fleet.port, 400));
    let took = t.elapsed();
    assert_eq!(p.page, Err(Reason::Unreachable));
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(took < Duration::from_millis(800 + 500), "timeout + one retry, took {took:?}");
    assert!(fleet.requests() <= 2, "at most two attempts: {}", fleet.requests());
}

#[test]
fn redirect_on_the_phone_is_followed() {
    let moved = |to: &str| Behavior::Moved {
        from: JAVA_NET,
        to: to.into(),
        then: Box::new(Behavior::Pages(vec![
            ("/new-net", "text/html", testdata("cp-8845-network.html")),
            (JAVA_DEV, "text/html", testdata("cp-8845-device.html")),
        ])),
    };
    let fleet = Fleet::start(vec![moved("/new-net"), moved("http://127.0.0.3:{port}/new-net")], Duration::ZERO);
    assert_eq!(fleet.addresses[1], "127.0.0.3");
    let got = probe_all(&fleet.addresses, &opts(fleet.port, 1000), &|_| {});
    for g in &got {
        let p = g.page.as_ref().unwrap();
        assert_eq!((p.device_name.as_deref(), p.model.as_deref()), (Some("SEP5006AB806306"), Some("CP-8845")));
    }
}

#[test]
fn at_most_jobs_in_flight_and_progress_adds_up() {
    let fleet = Fleet::start((0..12).map(|_| cp8845()).collect(), Duration::from_millis(20));
    let seen = Mutex::new(Vec::<Progress>::new());
    let o = Options { jobs: 3, ..opts(fleet.port, 2000) };
    let got = probe_all(&fleet.addresses, &o, &|p| seen.lock().unwrap().push(p));
    assert!(got.iter().all(|p| p.page.is_ok()));
    assert!(fleet.max_in_flight() <= 3, "{}", fleet.max_in_flight());
    assert!(fleet.max_in_flight() >= 2, "it does run in parallel: {}", fleet.max_in_flight());
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 12);
    for (i, p) in seen.iter().enumerate() {
        assert_eq!((p.total, p.asked, p.answered + p.failed), (12, i + 1, i + 1));
    }
    assert_eq!(seen[11].answered, 12);
}

#[test]
fn nothing_to_ask() {
    assert!(probe_all(&[], &Options::default(), &|_| panic!("no phone, no progress")).is_empty());
}

#[test]
fn targets_of_blocks() {
    // RFC 4632 arithmetic: a /30 has 4 addresses, 2 hosts; a /24 254 hosts; a /16 65,534.
    assert_eq!(targets("10.1.20.0/30").unwrap(), ["10.1.20.1", "10.1.20.2"]);
    assert_eq!(targets("10.1.20.0/24").unwrap().len(), 254);
    assert_eq!(targets("10.1.0.0/16").unwrap().len(), 65_534);
    assert_eq!(targets("10.1.20.7/32").unwrap(), ["10.1.20.7"]);
    let e = targets("10.0.0.0/15").unwrap_err().to_string();
    assert!(e.contains("/16"), "{e}");
    // IPv6: a /112 is 65,536 addresses, less the all-zero Subnet-Router anycast.
    assert_eq!(targets("2001:db8::/112").unwrap().len(), 65_535);
    assert_eq!(targets("2001:db8::/126").unwrap(), ["2001:db8::1", "2001:db8::2", "2001:db8::3"]);
    assert!(targets("2001:db8::/111").unwrap_err().to_string().contains("/112"));
    assert_eq!(targets("cucm-pub.example.com").unwrap(), ["cucm-pub.example.com"]);
    assert_eq!(targets("::1").unwrap(), ["::1"]);
    assert!(targets("10.1.2.300").is_err());
    assert!(targets("10.1.2.0/33").is_err());
    assert!(targets("not an address").is_err());
}

#[test]
fn targets_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("phones.txt");
    std::fs::write(&plain, "# lab phones\n10.1.1.5\n\n  sep-lab.example.com  # the lab\n10.1.2.0/30\n").unwrap();
    assert_eq!(
        targets(&format!("@{}", plain.display())).unwrap(),
        ["10.1.1.5", "sep-lab.example.com", "10.1.2.1", "10.1.2.2"]
    );
    // A CUCM-style export: quoted fields with commas, a phone without an address.
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "Device Name,Description,IP Address,Status\n\
         SEP5006AB806306,\"Lobby, ground floor\",10.10.20.31,Registered\n\
         SEP001B2A3C4D5E,Desk,,Unregistered\n\
         SEP000D28ABCDEF,\"Desk \"\"B\"\"\",10.10.20.33,Registered\n",
    )
    .unwrap();
    assert_eq!(targets(&format!("@{}", csv.display())).unwrap(), ["10.10.20.31", "10.10.20.33"]);
    // RTMT-style: semicolons, `IPAddress`, UTF-8 BOM.
    let rtmt = dir.path().join("rtmt.csv");
    std::fs::write(&rtmt, "\u{feff}Name;IPAddress\nSEP1;10.0.0.1\nSEP2;10.0.0.2\n").unwrap();
    assert_eq!(targets(&format!("@{}", rtmt.display())).unwrap(), ["10.0.0.1", "10.0.0.2"]);
    // Errors name the file and line.
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "10.0.0.1\n# fine\n10.0.0.999\n").unwrap();
    let e = targets(&format!("@{}", bad.display())).unwrap_err().to_string();
    assert!(e.contains("bad.txt:3:") && e.contains("10.0.0.999"), "{e}");
    let badcsv = dir.path().join("bad.csv");
    std::fs::write(&badcsv, "name,ip\nA,10.0.0.1\nB,nope nope\n").unwrap();
    let e = targets(&format!("@{}", badcsv.display())).unwrap_err().to_string();
    assert!(e.contains("bad.csv:3:"), "{e}");
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "10.0.0.0/8\n").unwrap();
    assert!(targets(&format!("@{}", big.display())).unwrap_err().to_string().contains("big.txt:1:"));
    assert!(targets("@/nonexistent/phones.txt").unwrap_err().to_string().contains("/nonexistent/phones.txt"));
    // A file that names no phone is an error, not an empty run: comments only, an empty file,
    // a CSV export whose address column is empty.
    for (name, text) in
        [("none.txt", "# only a comment\n\n"), ("empty.txt", ""), ("nocells.csv", "Device Name,IP Address\nSEP1,\n")]
    {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let e = targets(&format!("@{}", f.display())).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains("names no phone"), "{e}");
    }
}
