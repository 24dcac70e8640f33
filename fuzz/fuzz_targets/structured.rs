#![no_main]
//! Well-formed trust lists whose names, serials, keys and roles come from the fuzzer, so
//! that the layers above parsing (verify, token, lint, diff, show, JSON) see odd content
//! in a valid structure.
use itl::build::{Builder, RecordBuilder, SignerId, Signing};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xff);
    let mut next = || parts.next().unwrap_or(&[]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let signer = SignerId { name: text(next()), serial: next().to_vec(), issuer: text(next()) };
    let mut records = Vec::new();
    for _ in 0..4 {
        let role = next().first().copied().unwrap_or(0);
        let subject = text(next());
        let r = RecordBuilder::new()
            .dns_name(&text(next()))
            .subject(&subject)
            .role(itl::Role(u16::from(role % 24)))
            .issuer(&text(next()))
            .serial(next())
            .public_key(next())
            .certificate(next());
        records.push(r);
    }
    let kind = if data.first().is_some_and(|b| b & 1 == 1) { itl::Kind::Ctl } else { itl::Kind::Itl };
    let sign = |_: &[u8]| Ok(vec![1; 128]);
    let Ok(bytes) = (Builder { records, ..Builder::new(kind) }).build(&Signing::external(&signer, 128, &sign)) else {
        return;
    };
    let l = itl::TrustList::parse(&bytes).expect("a built file parses");
    let v = itl::verify::verify(&l);
    assert!(!v.is_valid());
    let _ = itl::show::Show::new(&l, &v).to_string();
    let _ = itl::json::to_string(&itl::json::ShowJson::new("f", kind, &l, &v));
    let _ = itl::lint::lint(&l, &itl::lint::Options { now: 0, days: 90, kind });
    let _ = itl::diff::diff(&l, &l);
});
