//! Prints a trust list as CUCM's `show itl` / `show ctl` does.
//!
//! `cargo run -p itl --example show -- testdata/itl-11x-cm-sha1.tlv`
#![forbid(unsafe_code)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: show FILE.tlv")?;
    let bytes = std::fs::read(&path)?;
    let list = itl::TrustList::parse(&bytes).map_err(|e| format!("{path}: {}", e.located()))?;
    let verdict = itl::verify::verify(&list);
    print!("{}", itl::show::Show::new(&list, &verdict).kind(list.kind(Some(&path))));
    Ok(())
}
