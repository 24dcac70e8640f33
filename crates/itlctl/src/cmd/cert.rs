//! `itlctl cert …`: certificates for a PBX: the base64 hash phones' configuration asks for,
//! new self-signed certificates. The formats live in `itl::mint`.

use clap::{Subcommand, ValueEnum};
use itl::Digest;

use super::keys::{check_new, done, load_cert, write_new, SgnDigest};
use crate::exit::OK;
use crate::term::outln;

/// The digest of a new certificate's signature.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CertDigest {
    /// SHA-256 (the default).
    Sha256,
    /// SHA-512.
    Sha512,
}

/// An EC curve for `cert new --ec`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
}

/// `itlctl cert …`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CertCommand {
    /// Print base64 of the SHA-1 (or SHA-512) digest of a certificate's DER, as
    /// usecallmanager configuration asks for it.
    #[command(after_help = "Example:\n  itlctl cert hash tftp.pem --digest sha512")]
    Hash {
        /// The certificate (PEM or DER; a PEM holding the key too is fine).
        file: String,
        /// The digest.
        #[arg(long, value_enum, default_value = "sha1")]
        digest: SgnDigest,
    },
    /// Make a key and a self-signed certificate for a CallManager/TFTP, CAPF or TVS role,
    /// both in one PEM.
    #[command(after_help = "Example:\n  itlctl cert new --cn pbx.example.com --org Example --unit VoIP --country NZ \
                            -o tftp.pem\n  itlctl cert new --cn pbx.example.com --org Example --unit VoIP --ec p256 \
                            -o https.pem")]
    New {
        /// CN (the host name phones use).
        #[arg(long)]
        cn: String,
        /// O.
        #[arg(long)]
        org: String,
        /// OU.
        #[arg(long)]
        unit: String,
        /// L.
        #[arg(long)]
        locality: Option<String>,
        /// ST.
        #[arg(long)]
        state: Option<String>,
        /// C (two letters).
        #[arg(long)]
        country: Option<String>,
        /// Make an EC key on this curve instead of RSA.
        #[arg(long, value_enum, conflicts_with = "bits")]
        ec: Option<Curve>,
        /// RSA key size (2048 or 4096).
        #[arg(long)]
        bits: Option<usize>,
        /// Years of validity.
        #[arg(long, default_value_t = 10)]
        years: u32,
        /// Signature digest (RSA; an EC key signs with its curve's digest).
        #[arg(long, value_enum)]
        digest: Option<CertDigest>,
        /// Where to write the key and the certificate.
        #[arg(short, long)]
        output: String,
        /// Overwrite an existing output.
        #[arg(long)]
        force: bool,
    },
}

/// Runs `cert …`.
pub fn run(c: CertCommand) -> u8 {
    match c {
        CertCommand::Hash { file, digest } => done(load_cert(&file).map(|der| {
            outln!("{}", itl::mint::certificate_hash(&der, digest.into()).unwrap_or_default());
            OK
        })),
        CertCommand::New { cn, org, unit, locality, state, country, ec, bits, years, digest, output, force } => {
            let key = match (ec, bits) {
                (Some(Curve::P256), _) => itl::mint::KeyKind::P256,
                (Some(Curve::P384), _) => itl::mint::KeyKind::P384,
                (None, b) => itl::mint::KeyKind::Rsa(b.unwrap_or(2048)),
            };
            let req = itl::mint::NewCertificate {
                common_name: cn,
                organization: org,
                unit,
                locality,
                state,
                country,
                key,
                years,
                digest: digest.map(|d| match d {
                    CertDigest::Sha256 => Digest::Sha256,
                    CertDigest::Sha512 => Digest::Sha512,
                }),
            };
            done(check_new(&output, force).and_then(|()| {
                let m = itl::mint::mint(&req).map_err(|e| (output.clone(), e.to_string()))?;
                write_new(&output, m.pem().as_bytes())?;
                Ok(OK)
            }))
        }
    }
}
