#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
        let v = itl::verify::verify(&l);
        let _ = itl::json::to_string(&itl::json::ShowJson::new("f", l.kind(None), &l, &v));
    }
});
