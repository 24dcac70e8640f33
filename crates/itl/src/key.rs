//! Public keys of trust-list records, and the one function that checks a signature.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use x509_parser::certificate::X509CertificateParser;
use x509_parser::nom::Parser as _;
use x509_parser::public_key::PublicKey as SpkiKey;

use crate::hash::digest_parts;
use crate::record::Record;
use crate::role::Digest;

/// A key a signature can be checked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA, as its DER RSAPublicKey encoding and modulus size.
    Rsa {
        /// DER `RSAPublicKey` (PKCS#1).
        der: Vec<u8>,
        /// Modulus size in bits.
        bits: usize,
    },
    /// ECDSA P-256, SEC1 point.
    P256(Vec<u8>),
    /// ECDSA P-384, SEC1 point.
    P384(Vec<u8>),
    /// A key this crate cannot check signatures with, named.
    Unsupported(String),
}

impl PublicKey {
    /// The key of a DER certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self, String> {
        let (_, cert) = X509CertificateParser::new()
            .with_deep_parse_extensions(false)
            .parse(der)
            .map_err(|e| format!("cannot decode the certificate: {e}"))?;
        let spki = cert.public_key();
        match spki.parsed() {
            Ok(SpkiKey::RSA(k)) => {
                let n = k.modulus;
                let n = &n[n.iter().take_while(|&&b| b == 0).count()..];
                let bits = n.first().map_or(0, |b| n.len() * 8 - b.leading_zeros() as usize);
                Ok(PublicKey::Rsa { der: spki.subject_public_key.data.to_vec(), bits })
            }
            Ok(SpkiKey::EC(point)) => {
                let curve = spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok()).map(|o| o.to_id_string());
                Ok(match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => PublicKey::P256(point.data().to_vec()),
                    Some("1.3.132.0.34") => PublicKey::P384(point.data().to_vec()),
                    other => PublicKey::Unsupported(format!("EC key on curve {}", other.unwrap_or("(none)"))),
                })
            }
            Ok(_) | Err(_) => {
                Ok(PublicKey::Unsupported(format!("key type {}", spki.algorithm.algorithm.to_id_string())))
            }
        }
    }

    /// The key of a PUBLICKEY value: DER RSAPublicKey, or an uncompressed EC point.
    pub fn from_record_key(value: &[u8]) -> Result<Self, String> {
        if let Ok(k) = RsaPublicKey::from_pkcs1_der(value) {
            return Ok(PublicKey::Rsa { der: value.to_vec(), bits: k.n().bits() });
        }
        match (value.first(), value.len()) {
            (Some(4), 65) => Ok(PublicKey::P256(value.to_vec())),
            (Some(4), 97) => Ok(PublicKey::P384(value.to_vec())),
            _ => Err("PUBLICKEY is neither an RSA key nor a P-256/P-384 point".into()),
        }
    }

    /// The key of a record: from its certificate, else from its PUBLICKEY tag.
    pub fn from_record(r: &Record<'_>) -> Result<Self, String> {
        match (r.certificate_der(), r.public_key()) {
            (Some(der), _) => Self::from_certificate(der),
            (None, Some(k)) => Self::from_record_key(k),
            (None, None) => Err("the record carries neither a certificate nor a public key".into()),
        }
    }

    /// Key size in bits (RSA modulus, EC curve size).
    pub fn bits(&self) -> Option<usize> {
        match self {
            PublicKey::Rsa { bits, .. } => Some(*bits),
            PublicKey::P256(_) => Some(256),
            PublicKey::P384(_) => Some(384),
            PublicKey::Unsupported(_) => None,
        }
    }
}

/// Why a signature check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// The signature is wrong for these bytes and this key.
    Invalid(String),
    /// The digest or key type cannot be checked here.
    Unsupported(String),
}

/// ECDSA over the prehashed `parts` for one RustCrypto curve crate; the signature may be
/// DER or fixed-size `r || s`.
macro_rules! ecdsa_verify {
    ($curve:ident, $name:literal, $point:expr, $digest:expr, $parts:expr, $sig:expr) => {{
        use $curve::ecdsa::signature::hazmat::PrehashVerifier;
        let hashed = digest_parts($digest, $parts)
            .ok_or_else(|| CheckError::Unsupported(format!("digest code {}", $digest.code())))?;
        let vk = $curve::ecdsa::VerifyingKey::from_sec1_bytes($point)
            .map_err(|_| CheckError::Invalid(concat!("bad ", $name, " point").into()))?;
        let sig = $curve::ecdsa::Signature::from_der($sig)
            .or_else(|_| $curve::ecdsa::Signature::from_slice($sig))
            .map_err(|_| CheckError::Invalid("malformed ECDSA signature".into()))?;
        vk.verify_prehash(&hashed, &sig)
            .map_err(|_| CheckError::Invalid("the signature does not match the signed bytes".into()))
    }};
}

/// Checks `signature` over the concatenation of `parts`: RSA PKCS#1 v1.5 for RSA keys,
/// ECDSA (DER or fixed-size signature) for P-256/P-384.
pub fn check_signature(key: &PublicKey, digest: Digest, parts: &[&[u8]], signature: &[u8]) -> Result<(), CheckError> {
    match key {
        PublicKey::Rsa { der, bits } => {
            let size = bits.div_ceil(8);
            if signature.len() != size {
                return Err(CheckError::Invalid(format!(
                    "signature is {} bytes, the {bits}-bit key needs {size}",
                    signature.len()
                )));
            }
            #[cfg(any(feature = "ring", feature = "aws-lc"))]
            if let Some(r) = fast_rsa(der, *bits, digest, parts, signature) {
                return r;
            }
            let k = RsaPublicKey::from_pkcs1_der(der).map_err(|e| CheckError::Unsupported(format!("RSA key: {e}")))?;
            let hashed = digest_parts(digest, parts)
                .ok_or_else(|| CheckError::Unsupported(format!("digest code {}", digest.code())))?;
            let scheme = match digest {
                Digest::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
                Digest::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
                _ => Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            k.verify(scheme, &hashed, signature)
                .map_err(|_| CheckError::Invalid("the signature does not match the signed bytes".into()))
        }
        PublicKey::P256(point) => ecdsa_verify!(p256, "P-256", point, digest, parts, signature),
        PublicKey::P384(point) => ecdsa_verify!(p384, "P-384", point, digest, parts, signature),
        PublicKey::Unsupported(what) => Err(CheckError::Unsupported(what.clone())),
    }
}

#[cfg(feature = "aws-lc")]
use aws_lc_rs::signature as rs;

#[cfg(feature = "aws-lc")]
thread_local! {
    /// The RSA key `fast_rsa` parsed last, with its parameters.
    static LAST_KEY: std::cell::RefCell<Option<(usize, rs::ParsedPublicKey)>> = const { std::cell::RefCell::new(None) };
}
#[cfg(all(feature = "ring", not(feature = "aws-lc")))]
use ring::signature as rs;

/// RSA PKCS#1 v1.5 with the faster backend (AWS-LC or ring), for the key sizes and digests
/// it accepts (1024 to 8192 bits; SHA-1, SHA-256, SHA-512). `None` hands the check back to
/// the portable `rsa` crate.
#[cfg(any(feature = "ring", feature = "aws-lc"))]
fn fast_rsa(
    der: &[u8],
    bits: usize,
    digest: Digest,
    parts: &[&[u8]],
    signature: &[u8],
) -> Option<Result<(), CheckError>> {
    if !(1024..=8192).contains(&bits) {
        return None;
    }
    let alg: &'static rs::RsaParameters = match digest {
        Digest::Sha1 => &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        Digest::Sha256 => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        Digest::Sha512 => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        Digest::Unknown(_) => return None,
    };
    let key = rs::UnparsedPublicKey::new(alg, der);
    // AWS-LC hashes the parts where they lie: no copy of the signed bytes.
    #[cfg(feature = "aws-lc")]
    let checked = {
        use aws_lc_rs::digest as d;
        let algorithm: &'static d::Algorithm = match digest {
            Digest::Sha1 => &d::SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &d::SHA256,
            _ => &d::SHA512,
        };
        let mut ctx = d::Context::new(algorithm);
        for p in parts {
            ctx.update(p);
        }
        let hashed = ctx.finish();
        // A fleet's files share one signer: keep the last key parsed (per thread).
        let tag = std::ptr::from_ref(alg) as usize;
        LAST_KEY.with(|slot| {
            let mut slot = slot.borrow_mut();
            if !matches!(&*slot, Some((t, k)) if *t == tag && k.as_ref() == der) {
                *slot = rs::ParsedPublicKey::new(alg, der).ok().map(|k| (tag, k));
            }
            match &*slot {
                Some((_, k)) => k.verify_digest_sig(&hashed, signature),
                None => key.verify_digest(&hashed, signature),
            }
        })
    };
    #[cfg(not(feature = "aws-lc"))]
    let checked = {
        let msg: std::borrow::Cow<'_, [u8]> = match parts {
            [one] => (*one).into(),
            _ => parts.concat().into(),
        };
        key.verify(&msg, signature)
    };
    Some(checked.map_err(|_| CheckError::Invalid("the signature does not match the signed bytes".into())))
}
