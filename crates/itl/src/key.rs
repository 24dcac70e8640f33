//! Public keys of trust-list records, and the one function that checks a signature.

use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey as SpkiKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::hash::digest_parts;
use crate::record::Record;
use crate::role::Digest;

/// Why a record or certificate yields no usable key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The DER certificate does not decode (the decoder's message).
    #[error("cannot decode the certificate: {0}")]
    Certificate(String),
    /// A PUBLICKEY value that is neither a DER RSAPublicKey nor a P-256/P-384 point.
    #[error("PUBLICKEY is neither an RSA key nor a P-256/P-384 point")]
    PublicKey,
    /// The record has neither CERTIFICATE nor PUBLICKEY.
    #[error("the record carries neither a certificate nor a public key")]
    NoKey,
}

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
    /// A key this crate cannot check signatures with, named (`EC key on curve …`, `key type
    /// <OID>`).
    Unsupported(String),
}

impl PublicKey {
    /// The key of a DER certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self, KeyError> {
        let (_, spki) = SubjectPublicKeyInfo::from_der(spki_of_certificate(der)?)
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
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
    pub fn from_record_key(value: &[u8]) -> Result<Self, KeyError> {
        if let Ok(k) = RsaPublicKey::from_pkcs1_der(value) {
            return Ok(PublicKey::Rsa { der: value.to_vec(), bits: k.n().bits() });
        }
        match (value.first(), value.len()) {
            (Some(4), 65) => Ok(PublicKey::P256(value.to_vec())),
            (Some(4), 97) => Ok(PublicKey::P384(value.to_vec())),
            _ => Err(KeyError::PublicKey),
        }
    }

    /// The key of a record: from its certificate, else from its PUBLICKEY tag.
    pub fn from_record(r: &Record<'_>) -> Result<Self, KeyError> {
        match (r.certificate_der(), r.public_key()) {
            (Some(der), _) => Self::from_certificate(der),
            (None, Some(k)) => Self::from_record_key(k),
            (None, None) => Err(KeyError::NoKey),
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

/// The DER SubjectPublicKeyInfo of a DER certificate and what follows it, found by walking
/// the TLV headers of the TBSCertificate (RFC 5280 4.1: optional `[0]` version, serial
/// INTEGER, then four SEQUENCEs: signature algorithm, issuer, validity, subject) without
/// decoding them: a certificate is read for its key alone.
fn spki_of_certificate(der: &[u8]) -> Result<&[u8], KeyError> {
    use x509_parser::asn1_rs::{Any, Class, Tag};
    fn element<'a>(i: &'a [u8], what: &str) -> Result<(&'a [u8], Any<'a>), KeyError> {
        Any::from_der(i).map_err(|e| KeyError::Certificate(format!("{what}: {e}")))
    }
    fn expect<'a>(i: &'a [u8], tag: Tag, what: &str) -> Result<(&'a [u8], Any<'a>), KeyError> {
        let (rest, a) = element(i, what)?;
        if a.header.class() != Class::Universal || a.tag() != tag || a.header.is_constructed() != (tag == Tag::Sequence)
        {
            return Err(KeyError::Certificate(format!("{what}: unexpected DER tag {}", a.tag())));
        }
        Ok((rest, a))
    }
    let (_, cert) = expect(der, Tag::Sequence, "Certificate")?;
    let (_, tbs) = expect(cert.data, Tag::Sequence, "TBSCertificate")?;
    let mut i = tbs.data;
    let (rest, first) = element(i, "TBSCertificate")?;
    if first.header.class() == Class::ContextSpecific && first.tag() == Tag(0) {
        i = rest;
    }
    let (i, _) = expect(i, Tag::Integer, "serialNumber")?;
    let (i, _) = expect(i, Tag::Sequence, "signature")?;
    let (i, _) = expect(i, Tag::Sequence, "issuer")?;
    let (i, _) = expect(i, Tag::Sequence, "validity")?;
    let (i, _) = expect(i, Tag::Sequence, "subject")?;
    Ok(i)
}

/// Why a signature check did not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The signature does not verify over these bytes with this key.
    #[error("the signature does not match the signed bytes")]
    Mismatch,
    /// The signature's length does not fit the RSA key.
    #[error("signature is {found} bytes, the {bits}-bit key needs {needed}")]
    SignatureLength {
        /// Bytes found.
        found: usize,
        /// Key size in bits.
        bits: usize,
        /// Bytes the key needs.
        needed: usize,
    },
    /// An ECDSA signature that is neither DER nor fixed-size `r || s`.
    #[error("malformed ECDSA signature")]
    MalformedEcdsa,
    /// An EC point that is not on its curve.
    #[error("bad {0} point")]
    BadPoint(&'static str),
    /// A digest code this library does not know.
    #[error("unknown digest code {0}")]
    UnknownDigest(u8),
    /// An RSA key that does not decode.
    #[error("RSA key: {0}")]
    RsaKey(String),
    /// A key type this library cannot check (named).
    #[error("{0}")]
    UnsupportedKey(String),
}

impl CheckError {
    /// Whether the check could not be made at all (digest or key type unknown), rather
    /// than made and failed.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, CheckError::UnknownDigest(_) | CheckError::UnsupportedKey(_) | CheckError::RsaKey(_))
    }
}

/// ECDSA over the prehashed `parts` for one RustCrypto curve crate; the signature may be
/// DER or fixed-size `r || s`.
macro_rules! ecdsa_verify {
    ($curve:ident, $name:literal, $point:expr, $digest:expr, $parts:expr, $sig:expr) => {{
        use $curve::ecdsa::signature::hazmat::PrehashVerifier;
        let hashed = digest_parts($digest, $parts).ok_or(CheckError::UnknownDigest($digest.code()))?;
        let vk = $curve::ecdsa::VerifyingKey::from_sec1_bytes($point).map_err(|_| CheckError::BadPoint($name))?;
        let sig = $curve::ecdsa::Signature::from_der($sig)
            .or_else(|_| $curve::ecdsa::Signature::from_slice($sig))
            .map_err(|_| CheckError::MalformedEcdsa)?;
        vk.verify_prehash(&hashed, &sig).map_err(|_| CheckError::Mismatch)
    }};
}

/// Checks `signature` over the concatenation of `parts`: RSA PKCS#1 v1.5 for RSA keys,
/// ECDSA (DER or fixed-size signature) for P-256/P-384.
pub fn check_signature(key: &PublicKey, digest: Digest, parts: &[&[u8]], signature: &[u8]) -> Result<(), CheckError> {
    match key {
        PublicKey::Rsa { der, bits } => {
            let size = bits.div_ceil(8);
            if signature.len() != size {
                return Err(CheckError::SignatureLength { found: signature.len(), bits: *bits, needed: size });
            }
            #[cfg(any(feature = "ring", feature = "aws-lc"))]
            if let Some(r) = fast_rsa(der, *bits, digest, parts, signature) {
                return r;
            }
            let k = RsaPublicKey::from_pkcs1_der(der).map_err(|e| CheckError::RsaKey(e.to_string()))?;
            let hashed = digest_parts(digest, parts).ok_or(CheckError::UnknownDigest(digest.code()))?;
            let scheme = pkcs1_scheme(digest).ok_or(CheckError::UnknownDigest(digest.code()))?;
            k.verify(scheme, &hashed, signature).map_err(|_| CheckError::Mismatch)
        }
        PublicKey::P256(point) => ecdsa_verify!(p256, "P-256", point, digest, parts, signature),
        PublicKey::P384(point) => ecdsa_verify!(p384, "P-384", point, digest, parts, signature),
        PublicKey::Unsupported(what) => Err(CheckError::UnsupportedKey(what.clone())),
    }
}

/// The RSA PKCS#1 v1.5 scheme (DigestInfo prefix) of a digest; `None` for an unknown one.
/// The one table from digest to scheme, for signing and for checking.
pub(crate) fn pkcs1_scheme(digest: Digest) -> Option<Pkcs1v15Sign> {
    Some(match digest {
        Digest::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        Digest::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        Digest::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
        Digest::Unknown(_) => return None,
    })
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
    Some(checked.map_err(|_| CheckError::Mismatch))
}
