#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for ev in itl::devicetlinfo::Reader::new(data).flatten() {
        if let itl::devicetlinfo::Event::Report(r) = ev {
            let _ = itl::devicetlinfo::normalize(r.itl_signature.as_deref());
        }
    }
});
