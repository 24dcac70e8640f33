//! The commands: each reads its files, calls the library and prints.

use itl::json::{FileErrorJson, HashJson, ShowJson, VerificationJson};
use itl::show::Show;
use itl::verify::{verify, verify_with_anchor, Anchor};
use itl::{Mode, TrustList};

use crate::input::{self, fail, read, FAILED, NEGATIVE, OK};
use crate::term::{self, outln};

/// `itlctl show FILE [--json]`.
pub fn show(path: &str, json: bool) -> u8 {
    let Some(inp) = read(path) else { return FAILED };
    let modified = inp.modified.and_then(input::cucm_date);
    match TrustList::parse(&inp.bytes) {
        Ok(list) => {
            let kind = list.kind(Some(path));
            let v = verify(&list);
            if json {
                println!("{}", itl::json::to_string(&ShowJson::new(path, kind, &list, &v)));
            } else {
                print!("{}", Show::new(&list, &v).kind(kind).modified(modified));
            }
            if v.is_valid() {
                OK
            } else {
                fail(path, &format!("signature {}: {}", v.status.as_str(), v.reason.as_deref().unwrap_or("")));
                NEGATIVE
            }
        }
        Err(e) => {
            if json {
                println!("{}", itl::json::to_string(&FileErrorJson::new(path, &e)));
            } else {
                let kind = itl::Kind::from_file_name(path).unwrap_or(itl::Kind::Itl);
                match TrustList::parse_with(&inp.bytes, Mode::Lenient) {
                    Ok(list) => {
                        let kind = list.kind(Some(path));
                        let v = verify(&list);
                        print!("{}", Show::new(&list, &v).kind(kind).modified(modified).parse_error(Some(&e)));
                    }
                    Err(_) => {
                        let mut s = String::new();
                        let _ = itl::show::preamble(&mut s, &inp.bytes, kind, modified.as_deref());
                        let _ = itl::show::parse_error_line(&mut s, kind, &e);
                        print!("{s}");
                    }
                }
            }
            fail(path, &e.located());
            FAILED
        }
    }
}

/// The `--anchor`: the bytes of a trust list, or a certificate's DER.
enum AnchorFile {
    List(Vec<u8>),
    Certificate(Vec<u8>),
}

/// Loads the `--anchor`: a trust list, or a PEM/DER certificate.
fn load_anchor(path: &str) -> Result<AnchorFile, String> {
    let bytes = crate::input::read_quiet(path)?;
    if TrustList::parse_with(&bytes, Mode::Lenient).is_ok() {
        return Ok(AnchorFile::List(bytes));
    }
    itl::build::load_certificate(&bytes)
        .map(AnchorFile::Certificate)
        .map_err(|e| format!("{e}; give a certificate (PEM or DER) or a trust list"))
}

/// `itlctl verify FILE... [--json] [--anchor CERT_OR_TLV] [--jobs N]`.
pub fn verify_cmd(paths: &[String], json: bool, anchor: Option<&str>, jobs: Option<usize>) -> u8 {
    let many = crate::jobs::many(paths);
    let anchor = match anchor.map(load_anchor).transpose() {
        Ok(a) => a,
        Err(e) => {
            fail(anchor.unwrap_or(""), &e);
            return FAILED;
        }
    };
    let held = match &anchor {
        Some(AnchorFile::List(b)) => TrustList::parse_with(b, Mode::Lenient).ok(),
        _ => None,
    };
    let mut code = OK;
    let mut out = Vec::new();
    let one = |path: &String| verify_one(path, json, anchor.as_ref(), held.as_ref());
    crate::jobs::ordered(paths, crate::jobs::threads(jobs), many, one, |(c, j)| {
        code = code.max(c);
        out.extend(j);
    });
    if json {
        outln!("{}", itl::json::to_string(&out));
    }
    code
}

/// One file of `verify`: prints its line (or keeps its JSON) and returns its exit code.
fn verify_one(
    path: &str,
    json: bool,
    anchor: Option<&AnchorFile>,
    held: Option<&TrustList<'_>>,
) -> (u8, Option<serde_json::Value>) {
    let Some(inp) = read(path) else {
        return (FAILED, None);
    };
    let list = match TrustList::parse(&inp.bytes) {
        Ok(l) => l,
        Err(e) => {
            fail(path, &e.located());
            if json {
                return (FAILED, Some(serde_json::to_value(FileErrorJson::new(path, &e)).unwrap_or_default()));
            }
            outln!("{path}: {}: {}", term::bad("INVALID"), e.located());
            return (FAILED, None);
        }
    };
    let v = match (anchor, held) {
        (_, Some(held)) => verify_with_anchor(&list, Anchor::TrustList(held)),
        (Some(AnchorFile::Certificate(der)), _) => verify_with_anchor(&list, Anchor::Certificate(der)),
        _ => verify(&list),
    };
    let j = VerificationJson::new(&list, &v, Some(path));
    let code = if v.is_valid() { OK } else { NEGATIVE };
    if json {
        return (code, Some(serde_json::to_value(&j).unwrap_or_default()));
    }
    if v.is_valid() {
        let record = v.signer_record.map(|n| format!("record #{n}")).unwrap_or_else(|| "anchor".into());
        outln!(
            "{path}: {}, signed by {} ({}, serial {}, {record}, {})",
            term::good("valid"),
            v.token,
            j.signer.as_deref().unwrap_or("?"),
            j.serial.as_deref().unwrap_or("?"),
            j.digest.as_deref().unwrap_or("?"),
        );
        if v.is_legacy_digest() {
            fail(path, "note: signed with SHA-1, which is legacy; CUCM can sign with SHA-512 (enterprise parameter TFTP File Signature Algorithm)");
        }
    } else {
        outln!("{path}: {}: {}", term::bad("INVALID"), v.reason.as_deref().unwrap_or(v.status.as_str()));
    }
    (code, None)
}

/// `itlctl hash FILE... [--json] [--jobs N]`.
pub fn hash(paths: &[String], json: bool, jobs: Option<usize>) -> u8 {
    let many = crate::jobs::many(paths);
    let mut code = OK;
    let mut out = Vec::new();
    let one = |path: &String| hash_one(path, json);
    crate::jobs::ordered(paths, crate::jobs::threads(jobs), many, one, |(c, j)| {
        code = code.max(c);
        out.extend(j);
    });
    if json {
        outln!("{}", itl::json::to_string(&out));
    }
    code
}

/// One file of `hash`: prints its digests (or keeps its JSON) and returns its exit code.
fn hash_one(path: &str, json: bool) -> (u8, Option<HashJson>) {
    let Some(inp) = read(path) else {
        return (FAILED, None);
    };
    let mut code = OK;
    let c = itl::hash::Checksums::of(&inp.bytes);
    // A trust list is hashed as it is, but a malformed one is reported (exit 2).
    if path.to_ascii_lowercase().ends_with(".tlv") {
        if let Err(e) = TrustList::parse(&inp.bytes) {
            fail(path, &format!("hashed, but not a well-formed trust list: {}", e.located()));
            code = FAILED;
        }
    }
    if json {
        return (code, Some(HashJson { file: path.to_owned(), checksums: itl::json::ChecksumsJson::of(&inp.bytes) }));
    }
    let mut text = format!("{path}:\n");
    let rows: [(&str, &[u8]); 4] = [("MD5", &c.md5), ("SHA1", &c.sha1), ("SHA256", &c.sha256), ("SHA512", &c.sha512)];
    for (name, d) in rows {
        text.push_str(&format!("  {name:<7}{}\n  {:<7}{}\n", hex::encode(d), "", itl::text::spaced_hex(d)));
    }
    outln!("{}", text.trim_end_matches('\n'));
    (code, None)
}
