//! Runs one workload N times, for instruction counts under `valgrind --tool=callgrind`
//! (steady on a shared, noisy machine where wall time is not):
//!
//! ```text
//! cargo bench -p itl-benches --bench instructions --features aws-lc --no-run
//! valgrind --tool=callgrind target/release/deps/instructions-* parse-strict 1000
//! ```
//!
//! Workloads: `parse-strict`, `parse-lenient` (the 39-record ITL), `parse-verify` (the
//! 6-record 2048-bit SHA-1 ITL), `key-from-certificate`, `none` (the fixed cost, to subtract).
//! Per-iteration cost = (Ir(workload, N) - Ir(none, N)) / N.
#![forbid(unsafe_code)]

use std::hint::black_box;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../testdata/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let what = args.first().map_or("none", String::as_str);
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let big = fixture("itl-39-records.tlv");
    let small = fixture("itl-11x-cm-sha1.tlv");
    let list = itl::TrustList::parse(&small).unwrap();
    let cert = list.records[0].certificate_der().unwrap().to_vec();
    // One untimed run first, so that one-time costs (the cached key) stay out of the count.
    let once = |f: &dyn Fn()| {
        f();
        for _ in 0..n {
            f();
        }
    };
    match what {
        "parse-strict" => once(&|| drop(black_box(itl::TrustList::parse(black_box(&big)).unwrap()))),
        "parse-lenient" => {
            once(&|| drop(black_box(itl::TrustList::parse_with(black_box(&big), itl::Mode::Lenient).unwrap())))
        }
        "parse-verify" => once(&|| {
            let l = itl::TrustList::parse(black_box(&small)).unwrap();
            assert!(itl::verify::verify(&l).is_valid());
        }),
        "key-from-certificate" => {
            once(&|| drop(black_box(itl::key::PublicKey::from_certificate(black_box(&cert)).unwrap())))
        }
        "none" => once(&|| {}),
        other => panic!("unknown workload {other}"),
    }
}
