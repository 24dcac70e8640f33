//! `itlctl build`: a signed trust list in CUCM's layout from certificates with roles. The
//! output goes to a temporary file in the same folder, renamed when complete.

use std::path::Path;

use clap::{ArgMatches, Args};
use itl::build::{Builder, RecordBuilder, SignerId, Signing};
use itl::cert::load_private_key;
use itl::{Kind, Role};

use super::keys::{read_cert, read_text, DigestArg};
use crate::exit::{FAILED, OK};
use crate::input::fail;

// Arguments of `itlctl build` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the trust list.
    #[arg(short, long)]
    output: String,
    /// The signer's RSA private key (PEM); it must match the first --sast certificate.
    #[arg(long)]
    key: String,
    /// A SAST certificate; the first one signs.
    #[arg(long, required = true)]
    sast: Vec<String>,
    /// A CallManager certificate.
    #[arg(long)]
    ccm: Vec<String>,
    /// A TFTP certificate.
    #[arg(long)]
    tftp: Vec<String>,
    /// A CallManager+TFTP certificate.
    #[arg(long = "ccm-tftp")]
    ccm_tftp: Vec<String>,
    /// A CAPF certificate.
    #[arg(long)]
    capf: Vec<String>,
    /// A TVS certificate.
    #[arg(long)]
    tvs: Vec<String>,
    /// An application server certificate.
    #[arg(long = "app-server")]
    app_server: Vec<String>,
    /// Make a CTL (CTLFile.tlv) instead of an ITL.
    #[arg(long)]
    ctl: bool,
    /// Signature digest.
    #[arg(long, value_enum, default_value = "sha1")]
    digest: DigestArg,
    /// The FILENAME written in the header (default ITLFile.tlv or CTLFile.tlv).
    #[arg(long)]
    filename: Option<String>,
    /// The signer version: 1.1 writes header tag 28 (phones then fetch their config over
    /// HTTPS on port 6971 from an EC TFTP certificate); 1.0 writes none, as CUCM.
    #[arg(long = "version", value_name = "1.0|1.1", value_parser = ["1.0", "1.1"])]
    signer_version: Option<String>,
    /// Overwrite OUT if it exists.
    #[arg(long)]
    force: bool,
}

/// Runs `build`; `matches` give the order of the certificate options.
pub fn run(args: &BuildArgs, matches: Option<&ArgMatches>) -> u8 {
    if !args.force && Path::new(&args.output).exists() {
        fail(&args.output, "the output exists; give --force to overwrite it");
        return FAILED;
    }
    // Records in the order the options were given.
    let roles: [(&str, Role, &Vec<String>); 7] = [
        ("sast", Role::SAST, &args.sast),
        ("ccm", Role::CCM, &args.ccm),
        ("tftp", Role::TFTP, &args.tftp),
        ("ccm_tftp", Role::CCM_TFTP, &args.ccm_tftp),
        ("capf", Role::CAPF, &args.capf),
        ("tvs", Role::TVS, &args.tvs),
        ("app_server", Role::APP_SERVER, &args.app_server),
    ];
    let mut order: Vec<(usize, Role, &String)> = Vec::new();
    for (id, role, paths) in roles {
        let idx: Vec<usize> = matches.and_then(|m| m.indices_of(id)).map(|i| i.collect()).unwrap_or_default();
        for (n, p) in paths.iter().enumerate() {
            order.push((idx.get(n).copied().unwrap_or(usize::MAX), role, p));
        }
    }
    order.sort_by_key(|(i, _, _)| *i);
    let key = match read_text(&args.key).and_then(|k| load_private_key(&k).map_err(|e| e.to_string())) {
        Ok(k) => k,
        Err(e) => {
            fail(&args.key, &e);
            return FAILED;
        }
    };
    let mut records = Vec::new();
    let mut signer = None;
    for (_, role, path) in order {
        let der = match read_cert(path) {
            Ok(d) => d,
            Err(e) => {
                fail(path, &e);
                return FAILED;
            }
        };
        if let Ok(itl::key::PublicKey::Unsupported(what)) = itl::key::PublicKey::from_certificate(&der) {
            fail(path, &format!("the certificate's key is neither RSA nor EC ({what}); phones cannot use it"));
            return FAILED;
        }
        if role == Role::SAST && signer.is_none() {
            if !itl::cert::key_matches(&key, &der) {
                fail(
                    &args.key,
                    &format!("this key does not belong to the first --sast certificate {path}; give the signer's key"),
                );
                return FAILED;
            }
            signer = Some(der.clone());
        }
        match RecordBuilder::from_certificate(role, &der, "") {
            Ok(r) => records.push(r),
            Err(e) => {
                fail(path, &e.to_string());
                return FAILED;
            }
        }
    }
    let Some(signer) = signer else {
        fail(&args.output, "no --sast certificate to sign with");
        return FAILED;
    };
    let kind = if args.ctl { Kind::Ctl } else { Kind::Itl };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut b = Builder {
        digest: args.digest.into(),
        timestamp: u32::try_from(now).unwrap_or(u32::MAX),
        records,
        ..Builder::new(kind)
    };
    if let Some(f) = &args.filename {
        b.filename = f.clone();
    }
    if args.signer_version.as_deref() == Some("1.1") {
        b.signer_version = Some((1, 1));
    }
    let out = SignerId::from_certificate(&signer).and_then(|id| b.build(&Signing::rsa(&id, &key)));
    match out.map_err(|e| e.to_string()).and_then(|bytes| crate::output::write_atomic(&args.output, &bytes)) {
        Ok(()) => OK,
        Err(e) => {
            fail(&args.output, &e);
            FAILED
        }
    }
}
