//! What the commands that sign and write files share: loading keys and certificates,
//! digests on the command line, refusing to overwrite, writing outputs.

use std::path::Path;

use clap::ValueEnum;
use itl::cert::{key_matches, load_certificate, load_private_key};
use itl::key::PublicKey;
use itl::Digest;
use rsa::RsaPrivateKey;

use crate::exit::FAILED;
use crate::input::fail;
use crate::output::write_atomic;

/// A digest on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DigestArg {
    /// SHA-1 (CUCM's default).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl From<DigestArg> for Digest {
    fn from(d: DigestArg) -> Digest {
        match d {
            DigestArg::Sha1 => Digest::Sha1,
            DigestArg::Sha256 => Digest::Sha256,
            DigestArg::Sha512 => Digest::Sha512,
        }
    }
}

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

/// An error about one file: `(file, message)`.
pub type Failure = (String, String);

/// A file, `-` or URL of at most [`crate::input::MAX_SIGNED`] bytes (a firmware image to sign).
pub fn read_bytes(path: &str) -> Result<Vec<u8>, Failure> {
    crate::input::read_limited(path, crate::input::MAX_SIGNED).map(|i| i.bytes).map_err(|e| (path.to_owned(), e))
}

/// The RSA private key of `path`, with an error that says what the file holds instead.
pub fn load_key(path: &str, what: &str) -> Result<RsaPrivateKey, Failure> {
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
pub fn load_cert(path: &str) -> Result<Vec<u8>, Failure> {
    let bytes = read_bytes(path)?;
    load_certificate(&bytes).map_err(|e| (path.to_owned(), format!("{e}; give an X.509 certificate in PEM or DER")))
}

/// The signer's key and certificate: `--cert`, or the certificate in the `--key` file; the
/// two must belong together and be RSA.
pub fn load_signer(key: &str, cert: Option<&str>) -> Result<(RsaPrivateKey, Vec<u8>), Failure> {
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
pub fn check_new(path: &str, force: bool) -> Result<(), Failure> {
    if !force && Path::new(path).exists() {
        return Err((path.to_owned(), "the output exists; give --force to overwrite it".into()));
    }
    Ok(())
}

/// Writes an output through a temporary file, renamed when complete.
pub fn write_new(path: &str, bytes: &[u8]) -> Result<(), Failure> {
    write_atomic(path, bytes).map_err(|e| (path.to_owned(), e))
}

/// Now, as the seconds since 1970 a signed file's header holds.
pub fn now() -> u32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    u32::try_from(secs).unwrap_or(u32::MAX)
}

/// The file name of a path (the whole path when it names none).
pub fn base_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_owned())
}

/// The exit code of a command: its own, or [`FAILED`] after printing the failure.
pub fn done(r: Result<u8, Failure>) -> u8 {
    match r {
        Ok(code) => code,
        Err((file, msg)) => {
            fail(&file, &msg);
            FAILED
        }
    }
}

/// A key or certificate file (or URL), as text.
pub fn read_text(path: &str) -> Result<String, String> {
    let b = crate::input::read_quiet(path)?;
    String::from_utf8(b).map_err(|_| "not a PEM file (not text); give the key as PEM".to_owned())
}

/// A certificate file (or URL), PEM or DER, as DER.
pub fn read_cert(path: &str) -> Result<Vec<u8>, String> {
    let b = crate::input::read_quiet(path)?;
    load_certificate(&b).map_err(|e| format!("{e}; give an X.509 certificate in PEM or DER"))
}
