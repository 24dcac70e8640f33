//! The checked-in fixtures are exactly what the recipes in `common/` build (RSA PKCS#1 v1.5
//! is deterministic). `ITLCTL_BLESS=1` rewrites them.

mod common;

#[test]
fn fixtures_are_up_to_date() {
    let bless = std::env::var_os("ITLCTL_BLESS").is_some();
    for (name, bytes) in common::build_all() {
        let path = common::testdata().join(name);
        if bless {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let on_disk = std::fs::read(&path).unwrap_or_else(|_| panic!("{name} missing: run with ITLCTL_BLESS=1"));
        assert!(on_disk == bytes, "{name} differs from its recipe: run with ITLCTL_BLESS=1 and review the diff");
    }
}
