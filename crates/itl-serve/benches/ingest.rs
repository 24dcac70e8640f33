//! Reports a second through the store into a file database (WAL, as `itlctl serve` opens
//! it): new phones (each report a history row and a new latest row), and repeats within
//! 60 s (duplicates: last-seen refreshed only). Batches of 10,000, as the writer commits
//! under load. The whole-process figure (UDP receive + parse + commit) is the
//! `udp_load` example's.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use itl::devicetlinfo::Report;
use itl_serve::store;

mod common;
use common::report;

const BATCH: u64 = 10_000;

fn temp_db(tag: &str) -> (std::path::PathBuf, rusqlite::Connection) {
    let dir = std::env::temp_dir().join(format!("itl-serve-bench-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let loc = store::Location::new(dir.join("fleet.db").to_str().unwrap());
    let conn = store::open_writer(&loc).unwrap();
    (dir, conn)
}

fn commit(conn: &mut rusqlite::Connection, batch: &[(Report, &str)], now: i64) -> store::Added {
    let tx = conn.transaction().unwrap();
    let a = store::add_reports(&tx, batch, now, &[], &[]).unwrap();
    store::count(&tx, batch.len() as u64, 0, 0).unwrap();
    tx.commit().unwrap();
    a
}

fn ingest(c: &mut Criterion) {
    let mut g = c.benchmark_group("ingest");
    g.throughput(Throughput::Elements(BATCH));
    g.sample_size(10).measurement_time(Duration::from_secs(10));

    // New phones, on top of 150,000 stored.
    let (dir, mut conn) = temp_db("new");
    let mut next = 0u64;
    for _ in 0..15 {
        let b: Vec<_> = (next..next + BATCH).map(report).collect();
        commit(&mut conn, &b, 0);
        next += BATCH;
    }
    g.bench_function("new phones (10,000 a transaction)", |bench| {
        bench.iter_custom(|iters| {
            let mut t = Duration::ZERO;
            for _ in 0..iters {
                let b: Vec<_> = (next..next + BATCH).map(report).collect();
                next += BATCH;
                let start = Instant::now();
                let a = commit(&mut conn, &b, 0);
                t += start.elapsed();
                assert_eq!(a.stored, BATCH as usize);
            }
            t
        })
    });
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);

    // The same 10,000 phones again within 60 s: duplicates.
    let (dir, mut conn) = temp_db("dup");
    for i in 0..15 {
        let b: Vec<_> = (i * BATCH..(i + 1) * BATCH).map(report).collect();
        commit(&mut conn, &b, 1_000_000);
    }
    let b: Vec<_> = (0..BATCH).map(report).collect();
    g.bench_function("duplicates (10,000 a transaction)", |bench| {
        bench.iter(|| {
            let a = commit(&mut conn, black_box(&b), 1_000_500);
            assert_eq!(a.duplicates, BATCH as usize);
        })
    });
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
