//! The CiscoLog syslog reader never panics and joins parts within its bounds.
#![no_main]

use itl::devicetlinfo::syslog::{classify, parse, Joiner, Outcome};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = parse(text) {
        let _ = m.part();
        if let Outcome::Report(r) = classify(&m) {
            assert!(r.device_name.is_some_and(|d| !d.is_empty()));
        }
    }
    // Every line as a message from one of two senders, split parts joined.
    let mut j = Joiner::new(8, 5);
    for (i, line) in text.split('\n').enumerate() {
        let _ = j.push(&(i % 2), line, i as u64);
        assert!(j.pending() <= 8);
    }
    let _ = j.expire(u64::MAX);
    assert_eq!(j.pending(), 0);
});
