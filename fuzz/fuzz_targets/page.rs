//! The phone web page reader never panics, on any bytes and any `Content-Type`, and what it
//! reads is trimmed and non-empty.
#![no_main]

use itl::devicetlinfo::read_page;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first line, when short, is the Content-Type; the rest the body.
    let (ct, body) = match data.iter().position(|&b| b == b'\n') {
        Some(n) if n < 100 => (std::str::from_utf8(&data[..n]).ok(), &data[n + 1..]),
        _ => (None, data),
    };
    let page = read_page(body, ct);
    for v in [&page.device_name, &page.model, &page.itl_signature, &page.ctl_signature, &page.tftp_server]
        .into_iter()
        .flatten()
        .chain(&page.tvs)
    {
        assert!(!v.is_empty() && v.trim() == v, "{v:?}");
    }
    let _ = page.trust_readable();
});
