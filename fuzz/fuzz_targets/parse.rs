#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = itl::TrustList::parse(data);
    if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
        assert_eq!(l.to_bytes(), data);
    }
});
