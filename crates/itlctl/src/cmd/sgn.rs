//! `itlctl sgn …`: signed and encrypted files (`SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`,
//! `.enc.sgn`), what a PBX that serves Cisco phones needs. The formats live in `itl::sgn`
//! and `itl::encrypted`.

use std::path::Path;

use clap::Subcommand;
use itl::encrypted::DecryptError;
use itl::json::{FileErrorJson, ImageJson, SignedJson, VerificationJson};
use itl::key::PublicKey;
use itl::sgn::SignedFile;
use itl::{Digest, TrustList};

use super::keys::{
    base_name, check_new, done, load_cert, load_key, load_signer, now, read_bytes, write_new, Failure, SgnDigest,
};
use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::{fail, read};
use crate::term::{out, outln};

/// `itlctl sgn …`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
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

/// Runs `sgn …`.
pub fn run(c: SgnCommand) -> u8 {
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
                outln!("{}", itl::json::to_string(&FileErrorJson::new(&path, &e)));
            }
            fail(&path, &e.located());
            return FAILED;
        }
    };
    match c {
        SgnCommand::Show { json, .. } => {
            if json {
                outln!("{}", itl::json::to_string(&SignedJson::new(&path, &f)));
            } else {
                out!("{}", itl::show::ShowSigned::new(&f));
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
                outln!("{}", itl::json::to_string(&VerificationJson::signed_by(&f.header, &trust, &v, Some(&path))));
            } else if !v.is_negative() && !v.is_valid() {
                outln!(
                    "{path}: {}",
                    v.reason.as_ref().map_or_else(|| v.status.as_str().to_owned(), ToString::to_string)
                );
            } else if v.is_valid() {
                let who = v.signer(&trust).and_then(|r| r.subject()).unwrap_or("?");
                outln!(
                    "{path}: valid, signed by {} ({who}, record #{} of {itl})",
                    v.token,
                    v.signer_record.unwrap_or(0)
                );
            } else {
                outln!(
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
                outln!("{}", itl::json::to_string(&FileErrorJson::new(path, &e)));
            }
            fail(path, &format!("{}: {}", itl::sniff::IMAGE, e.located()));
            return FAILED;
        }
    };
    match c {
        SgnCommand::Show { json: true, .. } => outln!("{}", itl::json::to_string(&ImageJson::new(path, &img))),
        SgnCommand::Show { .. } => out!("{}", itl::show::ShowImage::new(&img)),
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
                outln!("{}", itl::json::to_string(&VerificationJson::of_image(&v, Some(path))));
            } else if v.is_negative() {
                outln!("{path}: INVALID: {why}");
            } else {
                outln!("{path}: {why}");
            }
            return if v.is_negative() { NEGATIVE } else { OK };
        }
        _ => return FAILED,
    }
    OK
}
