//! Checks the signature of every `ITL*.tlv` / `CTL*.tlv` in a TFTP folder.
//!
//! `cargo run -p itl --example check_folder -- testdata`
#![forbid(unsafe_code)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    // The names a TFTP folder gives trust lists, as every itlctl command takes them.
    for p in itl::folder::trust_lists(std::path::Path::new(&dir), false)? {
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
