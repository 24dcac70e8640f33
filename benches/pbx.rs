//! Criterion benchmarks of the PBX commands: decrypting and encrypting a phone config
//! (RSA-2048 key unwrap / wrap + AES-128-CBC + signatures), signing a 1 MiB firmware file,
//! and minting certificates.
#![forbid(unsafe_code)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

fn pbx(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../testdata/pbx/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn text(name: &str) -> String {
    String::from_utf8(pbx(name)).unwrap()
}

fn crypt(c: &mut Criterion) {
    let tftp_key = itl::cert::load_private_key(&text("tftp.pem")).unwrap();
    let tftp = itl::cert::load_certificate(&pbx("tftp.pem")).unwrap();
    let phone_key = itl::cert::load_private_key(&text("phone.pem")).unwrap();
    let phone = itl::cert::load_certificate(&pbx("phone.pem")).unwrap();
    let xml = pbx("SEP001122334455.cnf.xml");
    let enc = pbx("certutils-sha1/SEP001122334455.cnf.xml.enc.sgn");
    let mut g = c.benchmark_group("pbx");
    g.throughput(Throughput::Elements(1));
    g.bench_function("decrypt certutils .enc.sgn (RSA-2048 unwrap, AES, SHA-1 check)", |x| {
        x.iter(|| {
            let f = itl::sgn::SignedFile::parse(black_box(&enc)).unwrap();
            itl::encrypted::decrypt(&f, &phone_key).unwrap()
        })
    });
    g.bench_function("encrypt config (.enc.sgn + companion .sgn, 2 RSA-2048 signatures)", |x| {
        x.iter(|| {
            itl::encrypted::encrypt(black_box(&xml), "SEP0.cnf.xml", itl::Digest::Sha1, 0, &tftp, &tftp_key, &phone)
                .unwrap()
        })
    });
    let firmware = vec![0x5a_u8; 1 << 20];
    g.throughput(Throughput::Bytes(firmware.len() as u64));
    g.bench_function("sign 1 MiB firmware, SHA-512", |x| {
        x.iter(|| itl::sgn::sign(black_box(&firmware), "fw.bin", itl::Digest::Sha512, 0, &tftp, &tftp_key).unwrap())
    });
    g.finish();
}

fn mint(c: &mut Criterion) {
    let req = |key| itl::mint::NewCertificate {
        common_name: "pbx.example.com".into(),
        organization: "Example".into(),
        unit: "VoIP".into(),
        locality: None,
        state: None,
        country: Some("NZ".into()),
        key,
        years: 10,
        digest: None,
    };
    let mut g = c.benchmark_group("cert new");
    g.sample_size(10);
    g.bench_function("EC P-256", |x| x.iter(|| itl::mint::mint(&req(itl::mint::KeyKind::P256)).unwrap()));
    g.bench_function("RSA 2048", |x| x.iter(|| itl::mint::mint(&req(itl::mint::KeyKind::Rsa(2048))).unwrap()));
    g.finish();
}

criterion_group!(benches, crypt, mint);
criterion_main!(benches);
