#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(f) = itl::sgn::SignedFile::parse_with(data, itl::Mode::Lenient) {
        let _ = itl::show::ShowSigned::new(&f).to_string();
        let _ = itl::json::to_string(&itl::json::SignedJson::new("f", &f));
        if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
            let _ = itl::sgn::verify(&f, &l);
        }
        // Encrypted configs (.enc.sgn): decrypting any header and payload fails cleanly.
        if f.encryption().is_some() {
            if let Ok(key) = itl::cert::load_private_key(include_str!("../../testdata/pbx/phone.pem")) {
                let _ = itl::encrypted::decrypt(&f, &key);
            }
        }
        let _ = itl::encrypted::companion_config(f.payload, "00");
    }
});
