//! Criterion benchmarks: parsing (the 64 KiB, 39-record ITL), parse + verify of a typical
//! 2048-bit SHA-1 ITL, the raw RSA-2048 verify it costs, and `show` rendering.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../testdata/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn parse(c: &mut Criterion) {
    let b = fixture("itl-39-records.tlv");
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(b.len() as u64));
    g.bench_function("itl-39-records strict", |x| x.iter(|| itl::TrustList::parse(black_box(&b)).unwrap()));
    g.bench_function("itl-39-records lenient", |x| {
        x.iter(|| itl::TrustList::parse_with(black_box(&b), itl::Mode::Lenient).unwrap())
    });
    g.finish();
}

fn verify(c: &mut Criterion) {
    let b = fixture("itl-2048-sha1.tlv");
    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse+verify itl-2048-sha1 (6 records)", |x| {
        x.iter(|| {
            let l = itl::TrustList::parse(black_box(&b)).unwrap();
            assert!(itl::verify::verify(&l).is_valid());
        })
    });
    // The bare RSA-2048 PKCS#1 v1.5 verify, to compare with `openssl speed rsa2048`.
    let l = itl::TrustList::parse(&b).unwrap();
    let key = match itl::key::PublicKey::from_record(&l.records[0]).unwrap() {
        itl::key::PublicKey::Rsa { der, .. } => {
            use rsa::pkcs1::DecodeRsaPublicKey;
            rsa::RsaPublicKey::from_pkcs1_der(&der).unwrap()
        }
        _ => unreachable!(),
    };
    let (before, after) = l.signed_parts().unwrap();
    let hashed = itl::hash::digest_parts(itl::Digest::Sha1, &[before, after]).unwrap();
    let sig = l.header.signature_bytes().unwrap().to_vec();
    g.bench_function("rsa crate: RSA-2048 verify only", |x| {
        x.iter(|| key.verify(rsa::pkcs1v15::Pkcs1v15Sign::new::<sha1::Sha1>(), black_box(&hashed), &sig).unwrap())
    });
    let (before, after) = l.signed_parts().unwrap();
    let data = [before, after].concat();
    g.bench_function("sha1 of the signed bytes", |x| {
        x.iter(|| itl::hash::digest_parts(itl::Digest::Sha1, &[black_box(&data)]))
    });
    let cert = l.records[0].certificate_der().unwrap();
    g.bench_function("key from certificate", |x| {
        x.iter(|| itl::key::PublicKey::from_certificate(black_box(cert)).unwrap())
    });
    g.finish();
}

fn show(c: &mut Criterion) {
    let b = fixture("itl-11x-cm-sha1.tlv");
    let l = itl::TrustList::parse(&b).unwrap();
    let v = itl::verify::verify(&l);
    c.bench_function("show itl-11x-cm-sha1", |x| x.iter(|| itl::show::Show::new(black_box(&l), &v).to_string()));
}

criterion_group!(benches, parse, verify, show);
criterion_main!(benches);
