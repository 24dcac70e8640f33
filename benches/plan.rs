//! Criterion benchmark of `itlctl plan`: a five-certificate regeneration (tomcat, CAPF,
//! CallManager, ITLRecovery, TVS) planned on the 39-record ITL, throwaway key generation
//! included (every iteration starts from scratch). Target: under 1 s.
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use itl::plan::{plan, Cert, Served};

fn bench(c: &mut Criterion) {
    let bytes = std::fs::read(format!("{}/../testdata/itl-39-records.tlv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let itl = itl::TrustList::parse(&bytes).unwrap();
    let certs = [Cert::Tomcat, Cert::Capf, Cert::CallManager, Cert::ItlRecovery, Cert::Tvs];
    let mut g = c.benchmark_group("plan");
    g.sample_size(10);
    g.bench_function("five certificates on a 39-record ITL (keys included)", |x| {
        x.iter(|| plan(&[Served::new(black_box(&itl))], None, &certs, None).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
