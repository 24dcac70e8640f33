//! The commands: each reads its files, calls the library and prints.

use itl::document::Document;
use itl::json::{FileErrorJson, HashJson, VerificationJson};
use itl::verify::{verify, verify_with_anchor, Anchor};
use itl::{Mode, TrustList};

use crate::input::{self, fail, FAILED, NEGATIVE, OK};
use crate::term::{self, outln};

/// `itlctl show FILE [--json]`; a folder shows every trust list in it.
pub fn show(path: &str, json: bool, recursive: bool) -> u8 {
    let (paths, mut code) = match input::expand(&[path.to_owned()], recursive) {
        (p, true) => (p, OK),
        (p, false) => (p, FAILED),
    };
    let mut out = Vec::new();
    for p in &paths {
        let (c, j) = show_one(p, json);
        code = code.max(c);
        out.extend(j);
    }
    if json && paths.len() > 1 {
        println!("{}", itl::json::to_string(&out));
    } else if let Some(j) = out.first() {
        println!("{}", itl::json::to_string(j));
    }
    code
}

/// Shows one file: prints the text (or returns the JSON value) and gives the exit code.
fn show_one(path: &str, json: bool) -> (u8, Option<itl::document::DocumentJson>) {
    let Some(inp) = input::read_document(path) else { return (FAILED, None) };
    let modified = inp.modified.and_then(input::cucm_date);
    let doc = Document::read(&inp.bytes, Some(path));
    let out = json.then(|| doc.json(Some(path)));
    if !json {
        print!("{}", doc.show(Some(path), modified));
    }
    let code = match &doc {
        Document::TrustList(_, v) if v.is_valid() => OK,
        Document::TrustList(_, v) => {
            fail(
                path,
                &format!(
                    "signature {}: {}",
                    v.status.as_str(),
                    v.reason.as_ref().map(ToString::to_string).unwrap_or_default()
                ),
            );
            NEGATIVE
        }
        Document::Signed(_) => OK,
        Document::Image(i) if i.payload_matches() => OK,
        Document::Image(_) => {
            fail(path, "the payload does not have the SHA-256 its header gives: changed after Cisco signed it");
            NEGATIVE
        }
        Document::Broken { error, .. } => {
            fail(path, &itl::document::not_a_trust_list(&inp.bytes, Some(path), error));
            FAILED
        }
    };
    (code, out)
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
    itl::cert::load_certificate(&bytes)
        .map(AnchorFile::Certificate)
        .map_err(|e| format!("{e}; give a certificate (PEM or DER) or a trust list"))
}

/// `itlctl verify FILE... [--json] [--anchor CERT_OR_TLV] [--jobs N]`; folders give their trust lists.
pub fn verify_cmd(args: &[String], json: bool, anchor: Option<&str>, recursive: bool, jobs: Option<usize>) -> u8 {
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
    crate::jobs::each_file(args, recursive, jobs, json, |path: &String| {
        verify_one(path, json, anchor.as_ref(), held.as_ref())
    })
}

/// One file of `verify`: prints its line (or keeps its JSON) and returns its exit code.
fn verify_one(
    path: &str,
    json: bool,
    anchor: Option<&AnchorFile>,
    held: Option<&TrustList<'_>>,
) -> (u8, Option<serde_json::Value>) {
    let inp = match input::read_entry(path, json) {
        Ok(i) => i,
        Err(failed) => return failed,
    };
    let list = match TrustList::parse(&inp.bytes) {
        Ok(l) => l,
        Err(e) => {
            let why = itl::document::not_a_trust_list(&inp.bytes, Some(path), &e);
            fail(path, &why);
            if json {
                let mut j = FileErrorJson::new(path, &e);
                j.error.message = why;
                return (FAILED, Some(serde_json::to_value(j).unwrap_or_default()));
            }
            outln!("{path}: {}: {why}", term::bad("INVALID"));
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
        if let Some(note) = &v.note {
            fail(path, &format!("note: {note}"));
        }
        if v.is_legacy_digest() {
            fail(path, "note: signed with SHA-1, which is legacy; CUCM can sign with SHA-512 (enterprise parameter TFTP File Signature Algorithm)");
        }
    } else {
        outln!(
            "{path}: {}: {}",
            term::bad("INVALID"),
            v.reason.as_ref().map_or_else(|| v.status.as_str().to_owned(), ToString::to_string)
        );
    }
    (code, None)
}

/// `itlctl hash FILE... [--json] [--jobs N]`: any file, streamed; folders give their trust lists.
pub fn hash(args: &[String], json: bool, recursive: bool, jobs: Option<usize>) -> u8 {
    crate::jobs::each_file(args, recursive, jobs, json, |path: &String| hash_one(path, json))
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

/// `itlctl fetch URL... [-o DIR]`: saves each file as downloaded.
pub fn fetch(urls: &[String], dir: &str) -> u8 {
    let mut code = OK;
    let bar = crate::term::fetch_bar(urls.len(), crate::jobs::many(urls));
    for url in urls {
        bar.set_message(url.clone());
        if !crate::fetch::is_url(url) {
            bar.suspend(|| fail(url, "not a tftp://, http:// or https:// URL"));
            code = FAILED;
            bar.inc(1);
            continue;
        }
        let name = crate::fetch::file_name(url);
        let clash = urls.iter().filter(|u| *u != url && crate::fetch::file_name(u) == name).count() > 0;
        let name = if clash { format!("{}_{name}", crate::fetch::host(url)) } else { name };
        let path = std::path::Path::new(dir).join(&name);
        let res = crate::fetch::get(url)
            .and_then(|b| crate::output::write_atomic(path.to_str().unwrap_or(&name), &b).map(|_| b));
        match res {
            Ok(b) => bar.suspend(|| {
                println!(
                    "{url} -> {} ({} bytes, SHA-1 {})",
                    path.display(),
                    b.len(),
                    hex::encode(itl::hash::Checksums::of(&b).sha1)
                );
                // Saved as it came; but a server's error page or folder listing is no trust list.
                let lower = name.to_ascii_lowercase();
                let binary = lower.ends_with(".tlv") || lower.ends_with(".sgn");
                if let Some(what) = itl::sniff::describe(&b).filter(|w| binary && *w != itl::sniff::IMAGE) {
                    fail(url, &format!("warning: saved, but it is {what}; check the URL"));
                }
            }),
            Err(e) => {
                bar.suspend(|| fail(url, &e));
                code = FAILED;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    code
}
