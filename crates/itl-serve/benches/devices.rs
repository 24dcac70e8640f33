//! The fleet's answers with 150,000 phones stored (a file database, as `itlctl serve` opens
//! it), one in ten on another ITL than the reference: `/api/devices?status=Mismatch` (15,000
//! rows of `devices --json`, written through the library's writer) and the queries of
//! `/fleet`'s first page. The whole-process figures (HTTP included) are in the README.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itl::devicetlinfo::{Counts, Report, Served};
use itl::hash::Checksums;
use itl_serve::store::{self, Filter};

const PHONES: u64 = 150_000;
const ITL_SHA1: &str = "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13";
const OTHER_SHA1: &str = "9F 3B 11 42 7A 0C D5 E8 61 2B 44 90 AB CD EF 01 23 45 67 89";

fn report(n: u64) -> (Report, &'static str) {
    let r = Report {
        line: 0,
        device_name: Some(format!("SEP{n:012X}")),
        ipv4: Some(format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)),
        ipv6: None,
        ctl_signature: Some("Not Installed".into()),
        ctl_tftp_server: None,
        itl_signature: Some(if n % 10 == 0 { OTHER_SHA1 } else { ITL_SHA1 }.into()),
        itl_tftp_server: Some("cucm-pub".into()),
        status_code: Some("0".into()),
    };
    (r, "udp")
}

fn fleet(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/itl-11x-cm-sha1.tlv");
    let file = std::fs::read(&root).expect("testdata/itl-11x-cm-sha1.tlv");
    let itl = vec![Served { host: None, label: "ITLFile.tlv".into(), checksums: Checksums::of(&file) }];
    let dir = std::env::temp_dir().join(format!("itl-serve-bench-{}-devices", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let loc = store::Location::new(dir.join("fleet.db").to_str().unwrap());
    let mut conn = store::open_writer(&loc).unwrap();
    for start in (0..PHONES).step_by(10_000) {
        let batch: Vec<_> = (start..start + 10_000).map(report).collect();
        let tx = conn.transaction().unwrap();
        store::add_reports(&tx, &batch, 0, &itl, &[]).unwrap();
        tx.commit().unwrap();
    }
    let mismatch = Filter { status: Some("Mismatch".into()), q: None };
    assert_eq!(store::count_phones(&conn, &mismatch).unwrap(), 15_000);

    let mut g = c.benchmark_group("fleet of 150,000");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.throughput(Throughput::Elements(15_000));
    g.bench_function("devices --json of the 15,000 Mismatch", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(8 << 20);
            let s = store::write_devices_json(&conn, &mismatch, &itl, &[], Counts::default(), &mut out).unwrap();
            assert_eq!(s.mismatch, 15_000);
            out.len()
        })
    });
    g.throughput(Throughput::Elements(100));
    g.bench_function("fleet page 1 (counts, 100 rows, hourly points)", |b| {
        let all = Filter::default();
        b.iter(|| {
            let total = store::summary(&conn).unwrap();
            let n = store::count_phones(&conn, &all).unwrap();
            let rows = store::phones(&conn, &all, 0, 100).unwrap();
            let points = store::hourly(&conn, 0).unwrap();
            assert_eq!((total.matched, n, rows.len()), (135_000, 150_000, 100));
            points.len()
        })
    });
    g.finish();
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group!(benches, fleet);
criterion_main!(benches);
