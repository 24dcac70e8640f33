#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
        let _ = itl::verify::verify(&l);
    }
});
