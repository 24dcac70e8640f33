//! Lists the phones whose reported ITL hash differs from the served ITL.
//!
//! `cargo run -p itl --example stale_phones -- testdata/itl-11x-cm-sha1.tlv testdata/reports/refer-sample.txt`
#![forbid(unsafe_code)]

use itl::devicetlinfo::{Event, Latest, Reader, Served};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (itl, report) = match (args.next(), args.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err("usage: stale_phones ITLFile.tlv REPORT".into()),
    };
    let served =
        [Served { host: None, label: itl.clone(), checksums: itl::hash::Checksums::of(&std::fs::read(&itl)?) }];
    let mut latest = Latest::default();
    for ev in Reader::new(std::io::BufReader::new(std::fs::File::open(&report)?)) {
        if let Event::Report(r) = ev? {
            latest.add(r);
        }
    }
    let (rows, _) = latest.rows(&served, &[]);
    for r in rows {
        println!("{} {}", r.device, r.itl_status.as_str());
    }
    Ok(())
}
