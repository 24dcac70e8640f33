//! `itlctl show FILE [--json]`: a trust list as CUCM's `show itl` / `show ctl` prints it; a
//! folder shows every trust list in it.

use clap::Args;
use itl::document::Document;

use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::{self, fail};
use crate::term::{out, outln};

// The arguments of `show` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The ITL or CTL file (a signed .sgn file is described too), or a folder: every
    /// ITL*.tlv and CTL*.tlv in it.
    file: String,
    /// Print JSON instead of CUCM's text.
    #[arg(long)]
    json: bool,
    /// With a folder, descend into its sub-folders.
    #[arg(short, long)]
    recursive: bool,
}

/// Runs `show`.
pub fn run(args: &ShowArgs) -> u8 {
    let (paths, mut code) = match input::expand(std::slice::from_ref(&args.file), args.recursive) {
        (p, true) => (p, OK),
        (p, false) => (p, FAILED),
    };
    let mut out = Vec::new();
    for p in &paths {
        let (c, j) = show_one(p, args.json);
        code = code.max(c);
        out.extend(j);
    }
    if args.json && paths.len() > 1 {
        outln!("{}", itl::json::to_string(&out));
    } else if let Some(j) = out.first() {
        outln!("{}", itl::json::to_string(j));
    }
    code
}

/// Shows one file: prints the text (or returns the JSON value) and gives the exit code.
fn show_one(path: &str, json: bool) -> (u8, Option<itl::document::DocumentJson>) {
    let Some(inp) = input::read_document(path) else { return (FAILED, None) };
    let modified = inp.modified.and_then(itl_transport::cucm_date);
    let doc = Document::read(&inp.bytes, Some(path));
    let out = json.then(|| doc.json(Some(path)));
    if !json {
        out!("{}", doc.show(Some(path), modified));
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
