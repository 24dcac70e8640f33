//! Criterion benchmark of the probe engine: `probe_all` over N fake phones on loopback
//! addresses (127.0.0.2 …), each answering at once with the saved 8845 pages (two GETs a
//! phone: network setup, then device information), 64 in flight. Criterion's throughput
//! line is phones per second. Target: at least 1,000 phones/s on the project's 2-core machine.
#![forbid(unsafe_code)]

#[path = "../crates/itl-transport/tests/fake_phone/mod.rs"]
mod fake_phone;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;

use fake_phone::{Behavior, Fleet};
use itl_transport::probe::{probe_all, Options};

const PHONES: usize = 500;

fn bench(c: &mut Criterion) {
    let page = |n: &str| std::fs::read(format!("{}/../testdata/phones/{n}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let phone = Behavior::Pages(vec![
        ("/CGI/Java/Serviceability?adapter=device.statistics.configuration", "text/html", page("cp-8845-network.html")),
        ("/CGI/Java/Serviceability?adapter=device.statistics.device", "text/html", page("cp-8845-device.html")),
    ]);
    let fleet = Fleet::start(vec![phone; PHONES], Duration::ZERO);
    let opts = Options { port: fleet.port, https: false, jobs: 64, timeout: Duration::from_secs(3) };
    let mut g = c.benchmark_group("probe");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PHONES as u64));
    g.bench_function(format!("{PHONES} loopback phones, 64 in flight"), |b| {
        b.iter(|| {
            let got = probe_all(&fleet.addresses, &opts, &|_| {});
            assert!(got.iter().all(|p| p.page.is_ok()));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
