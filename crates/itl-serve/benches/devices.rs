//! The fleet's answers with 150,000 phones stored (a file database, as `itlctl serve` opens
//! it), one in ten on another ITL than the reference: `/api/devices?status=Mismatch` (15,000
//! rows of `devices --json`, written through the library's writer) and the queries of
//! `/fleet`'s first page. The whole-process figures (HTTP included) are in the README.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itl::devicetlinfo::{Counts, Served};
use itl::hash::Checksums;
use itl_serve::store::{self, Filter};

mod common;
use common::report;

const PHONES: u64 = 150_000;

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
