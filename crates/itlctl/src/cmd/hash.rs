//! `itlctl hash FILE... [--json] [--jobs N]`: MD5, SHA-1, SHA-256 and SHA-512 of any file,
//! streamed, also as phones show them; folders give their trust lists.

use clap::Args;
use itl::json::{FileErrorJson, HashJson};
use itl::TrustList;

use super::FileArgs;
use crate::exit::{FAILED, OK};
use crate::input::{self, fail};
use crate::term::outln;

// The arguments of `hash` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct HashArgs {
    #[command(flatten)]
    files: FileArgs,
}

/// Runs `hash`.
pub fn run(args: &HashArgs) -> u8 {
    let f = &args.files;
    crate::jobs::each_file(&f.files, f.recursive, f.jobs(), f.json, |path: &String| hash_one(path, f.json))
}

/// One file of `hash`: prints its digests (or keeps its JSON) and returns its exit code.
fn hash_one(path: &str, json: bool) -> (u8, Option<serde_json::Value>) {
    // A trust list is read once (bounded) to be hashed and checked; anything else, or a
    // `.tlv` too large to be one, is hashed as a stream.
    let tlv = path.to_ascii_lowercase().ends_with(".tlv") && path != "-";
    let small = if tlv { input::read_limited(path, input::MAX_TRUST_LIST).ok() } else { None };
    let c = match &small {
        Some(inp) => itl::hash::Checksums::of(&inp.bytes),
        None => match input::hash_stream(path) {
            Ok(c) => c,
            Err(e) => {
                fail(path, &e);
                let entry = json.then(|| serde_json::to_value(FileErrorJson::unreadable(path, &e)).unwrap_or_default());
                return (FAILED, entry);
            }
        },
    };
    let mut code = OK;
    // A trust list is hashed as it is, but a malformed one is reported (exit 2).
    if let Some(Err(e)) = small.as_ref().map(|inp| TrustList::parse(&inp.bytes)) {
        fail(path, &format!("hashed, but not a well-formed trust list: {}", e.located()));
        code = FAILED;
    }
    if json {
        let j = HashJson { file: path.to_owned(), checksums: itl::json::ChecksumsJson::from(&c) };
        return (code, Some(serde_json::to_value(j).unwrap_or_default()));
    }
    let mut text = format!("{path}:");
    let rows: [(&str, &[u8]); 4] = [("MD5", &c.md5), ("SHA1", &c.sha1), ("SHA256", &c.sha256), ("SHA512", &c.sha512)];
    for (name, d) in rows {
        text.push_str(&format!("\n  {name:<7}{}\n  {:<7}{}", hex::encode(d), "", itl::text::spaced_hex(d)));
    }
    outln!("{text}");
    (code, None)
}
