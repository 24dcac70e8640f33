//! Parsing allocates once (the record vector), never per TLV, and never in proportion to a
//! length field.

use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn parsing_allocates_only_the_record_vector() {
    let b = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/itl-39-records.tlv")).unwrap();
    let region = Region::new(GLOBAL);
    let l = itl::TrustList::parse(&b).unwrap();
    let s = region.change();
    assert_eq!(l.records.len(), 39);
    assert!(s.allocations + s.reallocations <= 2, "{s:?}");
    // A header claiming 65535 bytes of a 12-byte file allocates nothing.
    let region = Region::new(GLOBAL);
    let e = itl::TrustList::parse(&[1, 0, 2, 1, 2, 2, 0, 2, 0xff, 0xff, 4, 0]);
    assert!(e.is_err());
    assert_eq!(region.change().bytes_allocated, 0);
}
