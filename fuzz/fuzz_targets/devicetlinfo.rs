#![no_main]
use itl::devicetlinfo::{normalize, EventRef, Latest, Reader};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut latest = Latest::default();
    let mut rd = Reader::new(data);
    while let Some(Ok(ev)) = rd.next_ref() {
        match ev {
            EventRef::Report(r) => {
                let _ = normalize(r.itl_signature.as_deref());
                latest.add_ref(&r);
            }
            EventRef::Fragment { first, last, .. } => assert!(first <= last && last <= rd.lines().max(last)),
            _ => {}
        }
    }
    // The rows come out in order, one per key.
    let (rows, sum) = latest.rows(&[], &[]);
    assert_eq!(rows.len(), latest.len());
    assert_eq!(sum.matched + sum.mismatch + sum.not_installed + sum.unknown, rows.len());
});
