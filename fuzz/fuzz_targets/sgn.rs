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
    // The newer Cisco image format (`cd 34 12 ab`): strict and lenient, and everything
    // `sgn show|verify` and the size-limit error do with it.
    let strict = itl::image::Image::parse(data);
    if let Ok(i) = itl::image::Image::parse_with(data, itl::Mode::Lenient) {
        let _ = itl::show::ShowImage::new(&i).to_string();
        let _ = itl::json::to_string(&itl::json::ImageJson::new("f", &i));
        let _ = itl::json::to_string(&itl::json::VerificationJson::of_image(&i.verify(), None));
    } else {
        assert!(strict.is_err());
    }
    let _ = itl::image::file_name(data);
    let _ = itl::document::too_large(data, 1 << 20);
});
