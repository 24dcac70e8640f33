//! `itlctl resign`: the signature and signer of a trust list replaced by another key whose
//! certificate is in the file (what `utils itl reset localkey` does with the ITLRecovery key).

use std::path::Path;

use clap::Args;
use itl::cert::load_private_key;
use itl::{Digest, TrustList};

use super::keys::{read_cert, read_text, DigestArg};
use crate::exit::{FAILED, OK};
use crate::input::{fail, read};

// The arguments of `resign` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct ResignArgs {
    /// The trust list.
    file: String,
    /// The new signer's RSA private key (PEM; may hold the certificate too).
    #[arg(long)]
    key: String,
    /// The new signer's certificate (PEM or DER); one of the file's records. Default:
    /// the certificate in the --key file.
    #[arg(long)]
    cert: Option<String>,
    /// Where to write the result.
    #[arg(short, long)]
    output: String,
    /// Digest of the new signature (default: the file's).
    #[arg(long, value_enum)]
    digest: Option<DigestArg>,
    /// Overwrite OUT if it exists (OUT may be FILE itself).
    #[arg(long)]
    force: bool,
}

/// Runs `resign`; without `--cert`, the certificate is taken from the key's PEM file.
pub fn run(args: &ResignArgs) -> u8 {
    let ResignArgs { file, key, cert, output, digest, force } = args;
    let (cert, digest, force) = (cert.as_deref(), *digest, *force);
    if !force && Path::new(output).exists() {
        fail(output, "the output exists; give --force to overwrite it");
        return FAILED;
    }
    let cert = cert.unwrap_or(key);
    let Some(inp) = read(file) else { return FAILED };
    let list = match TrustList::parse(&inp.bytes) {
        Ok(l) => l,
        Err(e) => {
            fail(file, &e.located());
            return FAILED;
        }
    };
    let k = match read_text(key).and_then(|k| load_private_key(&k).map_err(|e| e.to_string())) {
        Ok(k) => k,
        Err(e) => {
            fail(key, &e);
            return FAILED;
        }
    };
    let der = match read_cert(cert) {
        Ok(d) => d,
        Err(e) => {
            fail(cert, &e);
            return FAILED;
        }
    };
    match itl::build::resign(&list, &der, &k, digest.map(Digest::from)) {
        Ok(bytes) => match crate::output::write_atomic(output, &bytes) {
            Ok(()) => OK,
            Err(e) => {
                fail(output, &e);
                FAILED
            }
        },
        Err(e) => {
            fail(file, &e.to_string());
            FAILED
        }
    }
}
