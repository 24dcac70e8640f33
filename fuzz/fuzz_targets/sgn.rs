#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(f) = itl::sgn::SignedFile::parse_with(data, itl::Mode::Lenient) {
        let _ = itl::show::ShowSigned::new(&f).to_string();
        let _ = itl::json::to_string(&itl::json::SignedJson::new("f", &f));
        if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
            let _ = itl::sgn::verify(&f, &l);
        }
    }
});
