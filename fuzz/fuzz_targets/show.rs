#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(l) = itl::TrustList::parse_with(data, itl::Mode::Lenient) {
        let v = itl::verify::verify(&l);
        let _ = itl::show::Show::new(&l, &v).to_string();
    }
    // What `itlctl show` does with any file: decide what it is, then render it.
    for name in ["ITLFile.tlv", "SEP001122334455.cnf.xml.sgn", "ext_ITLSEP001122334455.tlv"] {
        let doc = itl::document::Document::read(data, Some(name));
        let _ = doc.show(Some(name), None).to_string();
        let _ = itl::json::to_string(&doc.json(Some(name)));
    }
});
