//! Criterion benchmarks: parsing (the 64 KiB, 39-record ITL), parse + verify of a typical
//! 2048-bit SHA-1 ITL, the raw RSA-2048 verify it costs, and `show` rendering.
#![forbid(unsafe_code)]

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

/// A DeviceTLInfo report stream: one phone XML alarm, one syslog line and some unrelated
/// trace lines per device, about 1.4 KB a device.
fn report_text(devices: usize) -> String {
    let mut s = String::new();
    for i in 0..devices {
        s.push_str("REFER sip:10.0.0.1 SIP/2.0\nVia: SIP/2.0/TCP 10.1.1.1:51778;branch=z9hG4bK1\nContent-Type: application/x-cisco-alarm+xml\n\n");
        s.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n<Alarm Name=\"DeviceTLInfo\">\n<ParameterList>\n<String name=\"DeviceName\">SEP{i:012X}</String>\n<String name=\"IPv4Address\">10.1.1.1</String>\n<String name=\"CTL_Signature\">Not Installed</String>\n<String name=\"CTL_TFTP_Server\">N/A</String>\n<String name=\"ITL_Signature\">1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D </String>\n<String name=\"ITL_TFTP_Server\">cucm-115.home.lab</String>\n<String name=\"StatusCode\">3</String>\n</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n"
        ));
        s.push_str(&format!("Nov 23 10:00:00 cucm %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP{i:012X}][IPv4Address=10.1.1.3][ITL_Signature=1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D][ITL_TFTP_Server=cucm-115.home.lab]: Device TL info\n"));
        s.push_str("Nov 23 10:00:01 cucm %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=x]\n");
    }
    s
}

fn devicetlinfo(c: &mut Criterion) {
    let text = report_text(2000);
    let mut g = c.benchmark_group("devicetlinfo");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("read reports", |x| {
        x.iter(|| itl::devicetlinfo::Reader::new(black_box(text.as_bytes())).filter(|e| e.is_ok()).count())
    });
    g.finish();
}

criterion_group!(benches, parse, verify, show, devicetlinfo);
criterion_main!(benches);
