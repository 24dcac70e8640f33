//! `itlctl verify FILE... [--json] [--anchor CERT_OR_TLV] [--jobs N]`: the signature of each
//! trust list and which token signed it; folders give their trust lists.

use clap::Args;
use itl::json::{FileErrorJson, VerificationJson};
use itl::verify::{verify, verify_with_anchor, Anchor};
use itl::{Mode, TrustList};

use super::FileArgs;
use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::{self, fail};
use crate::term::{self, outln};

// The arguments of `verify` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    files: FileArgs,
    /// Trust only this certificate (PEM/DER), or the SAST/TFTP records of this trust
    /// list, as a phone holding it would.
    #[arg(long, value_name = "CERT_OR_TLV")]
    anchor: Option<String>,
}

/// The `--anchor`: the bytes of a trust list, or a certificate's DER.
enum AnchorFile {
    List(Vec<u8>),
    Certificate(Vec<u8>),
}

/// Loads the `--anchor`: a trust list, or a PEM/DER certificate.
fn load_anchor(path: &str) -> Result<AnchorFile, String> {
    let bytes = input::read_quiet(path)?;
    if TrustList::parse_with(&bytes, Mode::Lenient).is_ok() {
        return Ok(AnchorFile::List(bytes));
    }
    itl::cert::load_certificate(&bytes)
        .map(AnchorFile::Certificate)
        .map_err(|e| format!("{e}; give a certificate (PEM or DER) or a trust list"))
}

/// Runs `verify`.
pub fn run(args: &VerifyArgs) -> u8 {
    let json = args.files.json;
    let anchor = match args.anchor.as_deref().map(load_anchor).transpose() {
        Ok(a) => a,
        Err(e) => {
            fail(args.anchor.as_deref().unwrap_or(""), &e);
            return FAILED;
        }
    };
    let held = match &anchor {
        Some(AnchorFile::List(b)) => TrustList::parse_with(b, Mode::Lenient).ok(),
        _ => None,
    };
    let f = &args.files;
    crate::jobs::each_file(&f.files, f.recursive, f.jobs(), json, |path: &String| {
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
