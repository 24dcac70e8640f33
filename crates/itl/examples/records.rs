//! Lists the records of a trust list with nothing but the parser (builds with
//! `--no-default-features`: no RSA, X.509, serde or XML code).
//!
//! `cargo run -p itl --no-default-features --example records -- testdata/itl-11x-cm-sha1.tlv`
#![forbid(unsafe_code)]

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: records FILE.tlv")?;
    let bytes = std::fs::read(&path)?;
    let list = itl::TrustList::parse(&bytes).map_err(|e| format!("{path}: {}", e.located()))?;
    println!(
        "{path}: {} {} records, signer {}",
        list.kind(Some(&path)).as_str(),
        list.records.len(),
        list.header.signer_name().unwrap_or("?")
    );
    for (i, r) in list.records.iter().enumerate() {
        let role = r.role().map(|x| x.to_string()).unwrap_or_default();
        println!("#{} {role}: {}", i + 1, r.subject().unwrap_or("(no subject)"));
    }
    Ok(())
}
