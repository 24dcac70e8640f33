//! Replays every input the fuzzers ever crashed on (`fuzz/regressions/`) and, when present,
//! the fuzzers' own artifacts and corpora, through every entry point of the library.

use std::path::Path;

fn replay(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            n += replay(&p);
            continue;
        }
        if p.extension().is_some_and(|x| x == "md") || p.file_name().is_some_and(|f| f == "README") {
            continue;
        }
        let data = std::fs::read(&p).unwrap();
        let _ = itl::TrustList::parse(&data);
        if let Ok(l) = itl::TrustList::parse_with(&data, itl::Mode::Lenient) {
            assert_eq!(l.to_bytes(), data, "{}", p.display());
            let v = itl::verify::verify(&l);
            let _ = itl::show::Show::new(&l, &v).to_string();
            let _ = itl::json::to_string(&itl::json::ShowJson::new("f", l.kind(None), &l, &v));
        }
        if let Ok(f) = itl::sgn::SignedFile::parse_with(&data, itl::Mode::Lenient) {
            let _ = itl::show::ShowSigned::new(&f).to_string();
        }
        for _ in itl::devicetlinfo::Reader::new(&data[..]) {}
        n += 1;
    }
    n
}

#[test]
fn run_all_fuzz_files() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let kept = replay(&fuzz.join("regressions"));
    assert!(kept > 0, "no regression file found in {}", fuzz.join("regressions").display());
    let n = kept + replay(&fuzz.join("artifacts"));
    println!("replayed {n} files");
}
