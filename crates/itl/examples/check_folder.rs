//! Checks the signature of every `ITL*.tlv` / `CTL*.tlv` in a TFTP folder.
//!
//! `cargo run -p itl --example check_folder -- testdata`
#![forbid(unsafe_code)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let mut names: Vec<_> = std::fs::read_dir(&dir)?.filter_map(Result::ok).map(|e| e.path()).collect();
    names.sort();
    for p in names {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
        if !(name.starts_with("itl") || name.starts_with("ctl")) || !name.ends_with(".tlv") {
            continue;
        }
        let bytes = std::fs::read(&p)?;
        match itl::TrustList::parse(&bytes) {
            Ok(list) => {
                let v = itl::verify::verify(&list);
                println!("{}: {} ({})", p.display(), v.status.as_str(), v.token);
            }
            Err(e) => println!("{}: malformed: {}", p.display(), e.located()),
        }
    }
    Ok(())
}
