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
    // The 1024-bit CUCM 11 ITL (5.3 KB), to compare with `openssl speed rsa1024` (see
    // benches/vs-openssl.sh).
    let small = fixture("itl-11x-cm-sha1.tlv");
    g.bench_function("parse+verify itl-11x-cm-sha1 (6 records, 1024-bit)", |x| {
        x.iter(|| {
            let l = itl::TrustList::parse(black_box(&small)).unwrap();
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
    #[cfg(feature = "aws-lc")]
    {
        use aws_lc_rs::signature as rs;
        let der = match itl::key::PublicKey::from_record(&l.records[0]).unwrap() {
            itl::key::PublicKey::Rsa { der, .. } => der,
            _ => unreachable!(),
        };
        let (before, after) = l.signed_parts().unwrap();
        let data = [before, after].concat();
        g.bench_function("aws-lc: RSA-2048 verify only (hash included)", |x| {
            x.iter(|| {
                rs::UnparsedPublicKey::new(&rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, &der)
                    .verify(black_box(&data), &sig)
                    .unwrap()
            })
        });
    }
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

const HASH: &str = "1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D ";

/// A CUCM syslog of `bytes` where one line in four is a DeviceTLInfo report in `format`
/// (`brackets`, `pairs`, `xml`: the phone's alarm in a SIP trace) and the rest other alarms
/// (EndPointRegistered and the like); `csv`: a CSV export, every row a report. 20,000
/// phones, each reporting several times.
fn syslog(format: &str, bytes: usize) -> String {
    let mut s = String::new();
    if format == "csv" {
        s.push_str("DeviceName,IPv4Address,CTL_Signature,CTL_TFTP_Server,ITL_Signature,ITL_TFTP_Server,StatusCode\n");
    }
    let mut i = 0usize;
    while s.len() < bytes {
        let p = i % 20_000;
        let ip = format!("10.{}.{}.{}", p >> 16, (p >> 8) & 255, p & 255);
        let dev = format!("SEP{p:012X}");
        if format != "csv" {
            for kind in ["EndPointUnregistered", "EndPointRegistered", "EndPointTransientConnection"] {
                s.push_str(&format!("<189>{i}: cucm-pub: Nov 23 2026 10:00:00 AM.484 UTC :  %UC_CALLMANAGER-6-{kind}: %[DeviceName={dev}][IPAddress={ip}][IPV6Address=][Protocol=SIP][DeviceType=621][Description=Phone {p}][NodeID=cucm-pub]: An endpoint event\n"));
            }
        }
        match format {
            "brackets" => s.push_str(&format!("<190>{i}: cucm-pub: Nov 23 2026 10:00:00 AM.485 UTC :  %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName={dev}][IPv4Address={ip}][CTL_Signature=Not Installed][CTL_TFTP_Server=N/A][ITL_Signature={HASH}][ITL_TFTP_Server=cucm-pub.example.com][StatusCode=3]: Device TL info\n")),
            "pairs" => s.push_str(&format!("Nov 23 10:00:00 phone-debug: DeviceName={dev} IPv4Address={ip} CTL_Signature=Not Installed CTL_TFTP_Server=N/A ITL_Signature={HASH} ITL_TFTP_Server=cucm-pub.example.com StatusCode=3\n")),
            "xml" => s.push_str(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<x-cisco-alarm>\n<Alarm Name=\"DeviceTLInfo\">\n<ParameterList>\n<String name=\"DeviceName\">{dev}</String>\n<String name=\"IPv4Address\">{ip}</String>\n<String name=\"IPv6Address\"></String>\n<String name=\"CTL_Signature\">Not Installed</String>\n<String name=\"CTL_TFTP_Server\">N/A</String>\n<String name=\"ITL_Signature\">{HASH}</String>\n<String name=\"ITL_TFTP_Server\">cucm-pub.example.com</String>\n<String name=\"StatusCode\">3</String>\n</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n")),
            _ => s.push_str(&format!("{dev},{ip},Not Installed,N/A,{HASH},cucm-pub.example.com,3\n")),
        }
        i += 1;
    }
    s
}

fn devicetlinfo(c: &mut Criterion) {
    let mut g = c.benchmark_group("devicetlinfo");
    g.sample_size(20);
    for format in ["brackets", "pairs", "xml", "csv"] {
        let text = syslog(format, 16 << 20);
        g.throughput(Throughput::Bytes(text.len() as u64));
        // What `itlctl devices` does with each file.
        g.bench_function(format!("read + keep latest, {format}"), |x| {
            x.iter(|| itl::devicetlinfo::collect(black_box(text.as_bytes())).latest.len())
        });
    }
    // The owned-event iterator, for comparison.
    let text = syslog("brackets", 16 << 20);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("iterator of owned events, brackets", |x| {
        x.iter(|| itl::devicetlinfo::Reader::new(black_box(text.as_bytes())).filter(|e| e.is_ok()).count())
    });
    g.finish();
}

criterion_group!(benches, parse, verify, show, devicetlinfo);
criterion_main!(benches);
