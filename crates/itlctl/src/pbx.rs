//! `itlctl sgn …` and `itlctl cert …`: signed and encrypted config files and certificates,
//! what a PBX that serves Cisco phones needs. Argument parsing, file reading, printing and
//! exit codes only; the formats live in `itl::sgn`, `itl::encrypted` and `itl::mint`.

use std::path::Path;

use clap::{Subcommand, ValueEnum};
use itl::cert::{key_matches, load_certificate, load_private_key};
use itl::encrypted::DecryptError;
use itl::json::{FileErrorJson, ImageJson, SignedJson, VerificationJson};
use itl::key::PublicKey;
use itl::sgn::SignedFile;
use itl::{Digest, TrustList};
use rsa::RsaPrivateKey;

use crate::input::{fail, read, FAILED, NEGATIVE, OK};
use crate::output::write_atomic;

/// The digest of a signed config file (phones know these two).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SgnDigest {
    /// SHA-1 (the default; every phone).
    Sha1,
    /// SHA-512 (newer firmware only).
    Sha512,
}

impl From<SgnDigest> for Digest {
    fn from(d: SgnDigest) -> Digest {
        match d {
            SgnDigest::Sha1 => Digest::Sha1,
            SgnDigest::Sha512 => Digest::Sha512,
        }
    }
}

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

/// `itlctl sgn …`.
#[derive(Debug, Subcommand)]
pub enum SgnCommand {
    /// Print the header of a signed (or encrypted) file and the size of its payload.
    #[command(after_help = "Example:\n  itlctl sgn show SEP001122334455.cnf.xml.enc.sgn --json")]
    Show {
        /// The signed file.
        file: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a signed file as a phone holding TRUSTLIST does.
    #[command(after_help = "Example:\n  itlctl sgn verify SEP001122334455.cnf.xml.sgn --itl ITLFile.tlv")]
    Verify {
        /// The signed file.
        file: String,
        /// The ITL or CTL the phone holds.
        #[arg(long)]
        itl: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the payload (the content after the header).
    #[command(after_help = "Example:\n  itlctl sgn extract SEP001122334455.cnf.xml.sgn -o SEP001122334455.cnf.xml")]
    Extract {
        /// The signed file.
        file: String,
        /// Where to write the payload.
        #[arg(short, long)]
        output: String,
        /// Overwrite OUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Sign any file (config XML, dial plan, softkeys, firmware) for phones: FILE.sgn.
    #[command(after_help = "Example:\n  itlctl sgn sign SEP001122334455.cnf.xml --key tftp.pem\n  \
                            itlctl sgn sign dialplan.xml --key tftp.key --cert tftp.crt --digest sha512")]
    Sign {
        /// The file to sign; its bytes follow the header unchanged.
        file: String,
        /// The signer's RSA private key (PEM; may hold the certificate too).
        #[arg(long)]
        key: String,
        /// The signer's certificate (PEM or DER; default: the one in --key).
        #[arg(long)]
        cert: Option<String>,
        /// Where to write (default FILE.sgn).
        #[arg(short, long)]
        output: Option<String>,
        /// Signature digest.
        #[arg(long, value_enum, default_value = "sha1")]
        digest: SgnDigest,
        /// The FILENAME written in the header (default: FILE's base name).
        #[arg(long)]
        filename: Option<String>,
        /// Overwrite an existing output.
        #[arg(long)]
        force: bool,
    },
    /// Encrypt a phone's config for that phone: FILE.cnf.xml.enc.sgn and the short
    /// companion FILE.cnf.xml.sgn that points the phone to it.
    #[command(after_help = "Example:\n  itlctl sgn encrypt SEP001122334455.cnf.xml --key tftp.pem \
                            --phone-cert SEP001122334455.pem -o /tftpboot")]
    Encrypt {
        /// The phone's config (`SEP<MAC>.cnf.xml`, root element `<device>`).
        file: String,
        /// The TFTP signer's RSA private key (PEM; may hold the certificate too).
        #[arg(long)]
        key: String,
        /// The TFTP signer's certificate (default: the one in --key).
        #[arg(long)]
        cert: Option<String>,
        /// The phone's certificate (its LSC or MIC, RSA), PEM or DER.
        #[arg(long = "phone-cert")]
        phone_cert: String,
        /// Digest of the signatures and of the plain-text hash.
        #[arg(long, value_enum, default_value = "sha1")]
        digest: SgnDigest,
        /// The folder to write both files into (default: FILE's folder).
        #[arg(short, long)]
        output: Option<String>,
        /// Overwrite existing outputs.
        #[arg(long)]
        force: bool,
    },
    /// Decrypt an encrypted config with the phone's private key, after checking its hash.
    #[command(after_help = "Example:\n  itlctl sgn decrypt SEP001122334455.cnf.xml.enc.sgn --phone-key phone.key")]
    Decrypt {
        /// The encrypted file (`.enc.sgn`).
        file: String,
        /// The phone's RSA private key (PEM).
        #[arg(long = "phone-key")]
        phone_key: String,
        /// Where to write the XML (default: standard output).
        #[arg(short, long)]
        output: Option<String>,
        /// Overwrite an existing output.
        #[arg(long)]
        force: bool,
    },
}

/// `itlctl cert …`.
#[derive(Debug, Subcommand)]
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

/// An error about one file: `(file, message)`.
type Failure = (String, String);

/// A file, `-` or URL of at most [`crate::input::MAX_SIGNED`] bytes (a firmware image to sign).
fn read_bytes(path: &str) -> Result<Vec<u8>, Failure> {
    crate::input::read_limited(path, crate::input::MAX_SIGNED).map(|i| i.bytes).map_err(|e| (path.to_owned(), e))
}

/// The RSA private key of `path`, with an error that says what the file holds instead.
fn load_key(path: &str, what: &str) -> Result<RsaPrivateKey, Failure> {
    let bytes = read_bytes(path)?;
    let text = String::from_utf8_lossy(&bytes);
    load_private_key(&text).map_err(|e| {
        let msg = if text.contains("EC PRIVATE KEY") {
            format!("{what} is an EC key; this needs an RSA private key")
        } else if !text.contains("-----BEGIN") {
            format!("no PEM private key in the file; give {what} as PEM")
        } else {
            e.to_string()
        };
        (path.to_owned(), msg)
    })
}

/// The certificate of `path` (the first CERTIFICATE block of a PEM, or DER).
fn load_cert(path: &str) -> Result<Vec<u8>, Failure> {
    let bytes = read_bytes(path)?;
    load_certificate(&bytes).map_err(|e| (path.to_owned(), format!("{e}; give an X.509 certificate in PEM or DER")))
}

/// The signer's key and certificate: `--cert`, or the certificate in the `--key` file; the
/// two must belong together and be RSA.
fn load_signer(key: &str, cert: Option<&str>) -> Result<(RsaPrivateKey, Vec<u8>), Failure> {
    let k = load_key(key, "the signing key")?;
    let cert_path = cert.unwrap_or(key);
    let der = load_cert(cert_path).map_err(|(p, m)| {
        if cert.is_none() {
            (p, "the key file holds no certificate: give the signer's certificate with --cert".to_owned())
        } else {
            (p, m)
        }
    })?;
    match PublicKey::from_certificate(&der) {
        Ok(PublicKey::Rsa { .. }) => {}
        Ok(PublicKey::P256(_) | PublicKey::P384(_)) => {
            return Err((
                cert_path.to_owned(),
                "the certificate has an EC key; phones check config file signatures with RSA only".into(),
            ))
        }
        Ok(PublicKey::Unsupported(w)) => return Err((cert_path.to_owned(), format!("the certificate's key is {w}"))),
        Err(e) => return Err((cert_path.to_owned(), e.to_string())),
    }
    if !key_matches(&k, &der) {
        return Err((key.to_owned(), format!("this key does not belong to the certificate in {cert_path}")));
    }
    Ok((k, der))
}

/// Refuses an existing output unless `force`.
fn check_new(path: &str, force: bool) -> Result<(), Failure> {
    if !force && Path::new(path).exists() {
        return Err((path.to_owned(), "the output exists; give --force to overwrite it".into()));
    }
    Ok(())
}

fn write_new(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    write_atomic(path, bytes).map_err(|e| (path.to_owned(), e))
}

fn now() -> u32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

fn base_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_owned())
}

fn done(r: Result<u8, Failure>) -> u8 {
    match r {
        Ok(code) => code,
        Err((file, msg)) => {
            fail(&file, &msg);
            FAILED
        }
    }
}

/// `itlctl sgn …`.
pub fn sgn(c: SgnCommand) -> u8 {
    match c {
        SgnCommand::Sign { file, key, cert, output, digest, filename, force } => {
            done(sign(&file, &key, cert.as_deref(), output, digest.into(), filename, force))
        }
        SgnCommand::Encrypt { file, key, cert, phone_cert, digest, output, force } => {
            done(encrypt(&file, &key, cert.as_deref(), &phone_cert, digest.into(), output, force))
        }
        SgnCommand::Decrypt { file, phone_key, output, force } => done(decrypt(&file, &phone_key, output, force)),
        c => read_signed(c),
    }
}

fn sign(
    file: &str,
    key: &str,
    cert: Option<&str>,
    output: Option<String>,
    digest: Digest,
    filename: Option<String>,
    force: bool,
) -> Result<u8, Failure> {
    let out = output.unwrap_or_else(|| format!("{file}.sgn"));
    check_new(&out, force)?;
    let payload = read_bytes(file)?;
    let (k, der) = load_signer(key, cert)?;
    let name = filename.unwrap_or_else(|| base_name(file));
    let bytes =
        itl::sgn::sign(&payload, &name, digest, now(), &der, &k).map_err(|e| (file.to_owned(), e.to_string()))?;
    write_new(&out, &bytes)?;
    Ok(OK)
}

fn encrypt(
    file: &str,
    key: &str,
    cert: Option<&str>,
    phone_cert: &str,
    digest: Digest,
    output: Option<String>,
    force: bool,
) -> Result<u8, Failure> {
    let name = base_name(file);
    let dir = match output {
        Some(d) => Path::new(&d).to_path_buf(),
        None => Path::new(file).parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    if !dir.as_os_str().is_empty() && !dir.is_dir() {
        return Err((dir.display().to_string(), "the output folder does not exist".into()));
    }
    let enc_path = dir.join(format!("{name}.enc.sgn")).to_string_lossy().into_owned();
    let sgn_path = dir.join(format!("{name}.sgn")).to_string_lossy().into_owned();
    check_new(&enc_path, force)?;
    check_new(&sgn_path, force)?;
    let xml = read_bytes(file)?;
    let (k, der) = load_signer(key, cert)?;
    let phone = load_cert(phone_cert)?;
    match PublicKey::from_certificate(&phone) {
        Ok(PublicKey::Rsa { .. }) => {}
        Ok(PublicKey::P256(_) | PublicKey::P384(_)) => {
            return Err((
                phone_cert.to_owned(),
                "the phone certificate has an EC key; the config's key can only be wrapped for an RSA phone key \
                 (give the phone's RSA LSC or MIC)"
                    .into(),
            ))
        }
        Ok(PublicKey::Unsupported(w)) => {
            return Err((phone_cert.to_owned(), format!("the phone certificate's key is {w}, not RSA")))
        }
        Err(e) => return Err((phone_cert.to_owned(), e.to_string())),
    }
    let pair = itl::encrypted::encrypt(&xml, &name, digest, now(), &der, &k, &phone)
        .map_err(|e| (file.to_owned(), e.to_string()))?;
    write_new(&enc_path, &pair.encrypted)?;
    write_new(&sgn_path, &pair.companion)?;
    Ok(OK)
}

fn decrypt(file: &str, phone_key: &str, output: Option<String>, force: bool) -> Result<u8, Failure> {
    if let Some(o) = &output {
        check_new(o, force)?;
    }
    let Some(inp) = crate::input::read_with(file, crate::input::MAX_SIGNED) else { return Ok(FAILED) };
    let f = SignedFile::parse(&inp.bytes).map_err(|e| (file.to_owned(), e.located()))?;
    let k = load_key(phone_key, "the phone key")?;
    let plain = match itl::encrypted::decrypt(&f, &k) {
        Ok(p) => p,
        Err(e @ DecryptError::HashMismatch { .. }) => {
            fail(file, &e.to_string());
            return Ok(NEGATIVE);
        }
        Err(e @ DecryptError::KeyDoesNotFit(_)) => return Err((phone_key.to_owned(), e.to_string())),
        Err(e) => return Err((file.to_owned(), e.to_string())),
    };
    match output {
        Some(o) => write_new(&o, &plain)?,
        None => {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(&plain).and_then(|_| out.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(("-".into(), format!("cannot write: {e}")));
                }
            }
        }
    }
    Ok(OK)
}

/// `sgn show`, `sgn verify`, `sgn extract`.
fn read_signed(c: SgnCommand) -> u8 {
    let path = match &c {
        SgnCommand::Show { file, .. } | SgnCommand::Verify { file, .. } | SgnCommand::Extract { file, .. } => {
            file.clone()
        }
        _ => return FAILED,
    };
    let Some(inp) = crate::input::read_with(&path, crate::input::MAX_SIGNED) else { return FAILED };
    if itl::image::is_image(&inp.bytes) {
        return read_image(c, &path, &inp.bytes);
    }
    let f = match SignedFile::parse(&inp.bytes) {
        Ok(f) => f,
        Err(e) => {
            if let SgnCommand::Show { json: true, .. } | SgnCommand::Verify { json: true, .. } = c {
                println!("{}", itl::json::to_string(&FileErrorJson::new(&path, &e)));
            }
            fail(&path, &e.located());
            return FAILED;
        }
    };
    match c {
        SgnCommand::Show { json, .. } => {
            if json {
                println!("{}", itl::json::to_string(&SignedJson::new(&path, &f)));
            } else {
                print!("{}", itl::show::ShowSigned::new(&f));
            }
            OK
        }
        SgnCommand::Extract { output, force, .. } => done(check_new(&output, force).and_then(|()| {
            write_new(&output, f.payload)?;
            Ok(OK)
        })),
        SgnCommand::Verify { itl, json, .. } => {
            let Some(t) = read(&itl) else { return FAILED };
            let trust = match TrustList::parse(&t.bytes) {
                Ok(l) => l,
                Err(e) => {
                    fail(&itl, &itl::document::not_a_trust_list(&t.bytes, Some(&itl), &e));
                    return FAILED;
                }
            };
            let v = itl::sgn::verify(&f, &trust);
            if json {
                println!("{}", itl::json::to_string(&VerificationJson::signed_by(&f.header, &trust, &v, Some(&path))));
            } else if !v.is_negative() && !v.is_valid() {
                println!(
                    "{path}: {}",
                    v.reason.as_ref().map_or_else(|| v.status.as_str().to_owned(), ToString::to_string)
                );
            } else if v.is_valid() {
                let who = v.signer(&trust).and_then(|r| r.subject()).unwrap_or("?");
                println!(
                    "{path}: valid, signed by {} ({who}, record #{} of {itl})",
                    v.token,
                    v.signer_record.unwrap_or(0)
                );
            } else {
                println!(
                    "{path}: INVALID: {}",
                    v.reason.as_ref().map_or_else(|| v.status.as_str().to_owned(), ToString::to_string)
                );
            }
            if let Some(note) = &v.note {
                fail(&path, &format!("note: {note}"));
            }
            if v.is_negative() {
                NEGATIVE
            } else {
                OK
            }
        }
        _ => FAILED,
    }
}

/// `sgn show`, `sgn verify`, `sgn extract` of a Cisco phone image in the newer format: no
/// trust list is read, the payload is checked against the SHA-256 in the header.
fn read_image(c: SgnCommand, path: &str, bytes: &[u8]) -> u8 {
    let img = match itl::image::Image::parse(bytes) {
        Ok(i) => i,
        Err(e) => {
            if let SgnCommand::Show { json: true, .. } | SgnCommand::Verify { json: true, .. } = c {
                println!("{}", itl::json::to_string(&FileErrorJson::new(path, &e)));
            }
            fail(path, &format!("{}: {}", itl::sniff::IMAGE, e.located()));
            return FAILED;
        }
    };
    match c {
        SgnCommand::Show { json: true, .. } => println!("{}", itl::json::to_string(&ImageJson::new(path, &img))),
        SgnCommand::Show { .. } => print!("{}", itl::show::ShowImage::new(&img)),
        SgnCommand::Extract { output, force, .. } => {
            return done(check_new(&output, force).and_then(|()| {
                write_new(&output, img.payload)?;
                Ok(OK)
            }))
        }
        SgnCommand::Verify { json, .. } => {
            let v = img.verify();
            let why = v.reason.as_ref().map(ToString::to_string).unwrap_or_default();
            if json {
                println!("{}", itl::json::to_string(&VerificationJson::of_image(&v, Some(path))));
            } else if v.is_negative() {
                println!("{path}: INVALID: {why}");
            } else {
                println!("{path}: {why}");
            }
            return if v.is_negative() { NEGATIVE } else { OK };
        }
        _ => return FAILED,
    }
    OK
}

/// `itlctl cert …`.
pub fn cert(c: CertCommand) -> u8 {
    match c {
        CertCommand::Hash { file, digest } => done(load_cert(&file).map(|der| {
            println!("{}", itl::mint::certificate_hash(&der, digest.into()).unwrap_or_default());
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
