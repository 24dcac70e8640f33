//! Encrypted configuration files, `SEP<MAC>.cnf.xml.enc.sgn` (docs/format.md, section 10):
//! making them and reading them back (feature `pbx`).
//!
//! An encrypted config is a signed file whose version 2.0 header carries the encryption
//! fields ([`EncryptionInfo`], read by [`crate::sgn`]); its payload is the config XML
//! padded with `\r` to a multiple of 16 bytes and encrypted with AES-128-CBC, and the AES
//! key is wrapped for one phone's RSA key (PKCS#1 v1.5), so only that phone can read it.
//! The companion `SEP<MAC>.cnf.xml.sgn` is a short signed config that tells the phone to
//! fetch the encrypted one: `<certHash>` (MD5 of the phone certificate) and
//! `<encrConfig>true`.

use core::fmt;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};

use crate::build::{Builder, SignerId, Signing};
use crate::error::CryptoError;
use crate::hash::digest_parts;
use crate::key::PublicKey;
use crate::role::Digest;
use crate::sgn::{EncryptionInfo, SignedFile, AES_128_CBC};
use crate::tag;
use crate::tlv::put_tlv;
use crate::trustlist::Kind;

/// Why an encrypted config could not be turned back into its plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// The file carries no encryption fields, or lacks one that decrypting needs.
    NotEncrypted(String),
    /// The private key cannot unwrap the AES key: it is not the phone's the file was made for.
    KeyDoesNotFit(String),
    /// The decrypted text does not have the hash the header records: the file was changed
    /// (or the key unwrapped by chance to a wrong one).
    HashMismatch {
        /// The digest algorithm.
        digest: Digest,
        /// PLAINHASH from the header, hex.
        expected: String,
        /// The digest of the decrypted text, hex.
        actual: String,
    },
    /// A field has an impossible value (IV length, padding, payload length, algorithm).
    Malformed(String),
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptError::NotEncrypted(why) => write!(f, "not an encrypted config file: {why}"),
            DecryptError::KeyDoesNotFit(why) => write!(f, "the key does not fit: {why}"),
            DecryptError::HashMismatch { digest, expected, actual } => write!(
                f,
                "the decrypted config does not match the header's {digest} hash (header {expected}, decrypted {actual}): \
                 the file was changed"
            ),
            DecryptError::Malformed(why) => write!(f, "malformed encrypted config: {why}"),
        }
    }
}

impl std::error::Error for DecryptError {}

/// Why an encrypted config pair could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// The config is not a well-formed phone config (root `<device>`).
    #[error("{0}")]
    Config(String),
    /// The phone certificate has an EC key: only an RSA key can receive the AES key.
    #[error(
        "the phone certificate has an EC key: an encrypted config's key can only be wrapped for an RSA phone key \
         (give the phone's RSA LSC or MIC)"
    )]
    EcPhoneKey,
    /// The phone certificate's key is not usable (the reason).
    #[error("the phone certificate's key: {0}")]
    PhoneKey(String),
    /// The system random generator failed.
    #[error("the system random generator failed: {0}")]
    Random(String),
    /// Encrypting or wrapping failed (the backend's message).
    #[error("encryption failed: {0}")]
    Cipher(String),
    /// Loading, signing or laying out the files failed.
    #[error(transparent)]
    Format(#[from] crate::Error),
}

impl From<crate::CryptoError> for EncryptError {
    fn from(e: crate::CryptoError) -> Self {
        EncryptError::Format(e.into())
    }
}

/// MD5 of a certificate's DER, lower-case hex: the `<certHash>` of the companion config.
pub fn cert_hash_md5(der: &[u8]) -> String {
    use md5::Digest as _;
    hex::encode(md5::Md5::digest(der))
}

/// The top-level elements of a phone config that the short companion config keeps.
pub const KEPT_ELEMENTS: [&str; 4] = ["ipAddressMode", "loadInformation", "capfAuthMode", "capfList"];

/// The short config of the companion `SEP<MAC>.cnf.xml.sgn`: `<fullConfig>false`, the
/// [`KEPT_ELEMENTS`] of `xml` byte for byte in their order, `<certHash>` and
/// `<encrConfig>true`. `xml` must be a well-formed document whose root is `<device>`.
pub fn companion_config(xml: &[u8], cert_md5: &str) -> Result<Vec<u8>, EncryptError> {
    use quick_xml::events::Event;
    let bad = EncryptError::Config;
    let mut rd = quick_xml::Reader::from_reader(xml);
    let mut depth = 0usize;
    let mut root_seen = false;
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut open: Option<usize> = None;
    loop {
        let before = usize::try_from(rd.buffer_position()).unwrap_or(usize::MAX);
        let ev =
            rd.read_event().map_err(|e| bad(format!("not well-formed XML at byte {}: {e}", rd.error_position())))?;
        let after = usize::try_from(rd.buffer_position()).unwrap_or(usize::MAX).min(xml.len());
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let empty = matches!(ev, Event::Empty(_));
                if depth == 0 {
                    if root_seen {
                        return Err(bad("more than one root element".into()));
                    }
                    root_seen = true;
                    if s.local_name().as_ref() != b"device" {
                        let name = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                        return Err(bad(format!("the root element is <{name}>, not <device>: not a phone config")));
                    }
                } else if depth == 1 && KEPT_ELEMENTS.iter().any(|k| k.as_bytes() == s.name().as_ref()) {
                    if empty {
                        kept.push(&xml[before..after]);
                    } else {
                        open = Some(before);
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    if let Some(start) = open.take() {
                        kept.push(&xml[start..after]);
                    }
                }
            }
            Event::Eof => break,
            Event::Text(ref t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return Err(bad("text outside the root element".into()));
            }
            _ => {}
        }
    }
    if !root_seen || depth != 0 {
        return Err(bad("not a complete XML document (no <device> element, or it never closes)".into()));
    }
    let mut out = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n  <fullConfig>false</fullConfig>\n".to_vec();
    for k in kept {
        out.extend_from_slice(b"  ");
        out.extend_from_slice(k);
        out.push(b'\n');
    }
    out.extend_from_slice(format!("  <certHash>{cert_md5}</certHash>\n").as_bytes());
    out.extend_from_slice(b"  <encrConfig>true</encrConfig>\n</device>\n");
    Ok(out)
}

/// The two files `sgn encrypt` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedPair {
    /// `FILE.cnf.xml.enc.sgn`: version 2.0, the encrypted config.
    pub encrypted: Vec<u8>,
    /// `FILE.cnf.xml.sgn`: version 1.0, the short companion config.
    pub companion: Vec<u8>,
    /// The companion's `<certHash>`: MD5 of the phone certificate, lower-case hex.
    pub cert_md5: String,
}

/// The phone's RSA public key from its certificate; an EC or other key is an error.
fn phone_rsa_key(phone_cert_der: &[u8]) -> Result<RsaPublicKey, EncryptError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    match PublicKey::from_certificate(phone_cert_der).map_err(|e| EncryptError::PhoneKey(e.to_string()))? {
        PublicKey::Rsa { der, .. } => RsaPublicKey::from_pkcs1_der(&der)
            .map_err(|e| EncryptError::PhoneKey(format!("the RSA key does not decode: {e}"))),
        PublicKey::P256(_) | PublicKey::P384(_) => Err(EncryptError::EcPhoneKey),
        PublicKey::Unsupported(what) => Err(EncryptError::PhoneKey(format!("not RSA ({what})"))),
    }
}

/// Tags 16-27 for the given IV, padding, wrapped key and plain-text hash, in the order
/// certutils `enccnf` writes them.
pub(crate) fn encryption_tlvs(iv: &[u8; 16], padding: u16, wrapped_key: &[u8], digest: Digest, hash: &[u8]) -> Vec<u8> {
    let mut iv_info = Vec::new();
    put_tlv(&mut iv_info, tag::IV_RESERVED, &[0]);
    put_tlv(&mut iv_info, tag::IV, iv);
    put_tlv(&mut iv_info, tag::IV_PADDING, &padding.to_be_bytes());
    let mut key_info = Vec::new();
    put_tlv(&mut key_info, tag::KEY_RESERVED, &[0]);
    // certutils writes the wrapped key's size here (the phone's modulus), not 128.
    let bits = u16::try_from(wrapped_key.len() * 8).unwrap_or(u16::MAX);
    put_tlv(&mut key_info, tag::KEY_SIZE, &bits.to_be_bytes());
    put_tlv(&mut key_info, tag::KEY_ALGORITHM, &[AES_128_CBC]);
    put_tlv(&mut key_info, tag::WRAPPED_KEY, wrapped_key);
    let mut info = Vec::new();
    put_tlv(&mut info, tag::IV_INFO, &iv_info);
    put_tlv(&mut info, tag::KEY_INFO, &key_info);
    let mut out = Vec::new();
    put_tlv(&mut out, tag::ENCRYPTION_INFO, &info);
    put_tlv(&mut out, tag::PLAIN_HASH_ALGORITHM, &[digest.code()]);
    put_tlv(&mut out, tag::PLAIN_HASH, hash);
    out
}

fn random<const N: usize>() -> Result<[u8; N], EncryptError> {
    use rand_core::RngCore;
    let mut b = [0u8; N];
    rand_core::OsRng.try_fill_bytes(&mut b).map_err(|e| EncryptError::Random(e.to_string()))?;
    Ok(b)
}

/// Encrypts the config `xml` (file name `name`, e.g. `SEP001122334455.cnf.xml`) for the
/// phone whose certificate is `phone_cert_der`, and signs both files with `key`, whose
/// certificate is `cert_der`; `digest` is that of the signatures and of the plain-text
/// hash. The AES key and IV are fresh random bytes.
pub fn encrypt(
    xml: &[u8],
    name: &str,
    digest: Digest,
    timestamp: u32,
    cert_der: &[u8],
    key: &RsaPrivateKey,
    phone_cert_der: &[u8],
) -> Result<EncryptedPair, EncryptError> {
    encrypt_with(xml, name, digest, timestamp, cert_der, key, phone_cert_der, random()?, random()?)
}

/// [`encrypt`] with a given AES key and IV (tests; never reuse a key).
#[allow(clippy::too_many_arguments)]
pub fn encrypt_with(
    xml: &[u8],
    name: &str,
    digest: Digest,
    timestamp: u32,
    cert_der: &[u8],
    key: &RsaPrivateKey,
    phone_cert_der: &[u8],
    aes_key: [u8; 16],
    iv: [u8; 16],
) -> Result<EncryptedPair, EncryptError> {
    if !crate::cert::key_matches(key, cert_der) {
        return Err(CryptoError::KeyMismatch.into());
    }
    let hash = digest_parts(digest, &[xml]).ok_or(CryptoError::UnsupportedDigest(digest))?;
    let cert_md5 = cert_hash_md5(phone_cert_der);
    let companion_xml = companion_config(xml, &cert_md5)?;
    let phone = phone_rsa_key(phone_cert_der)?;
    let signer = SignerId::from_certificate(cert_der)?;

    let pad = 16 - xml.len() % 16;
    let mut body = Vec::with_capacity(xml.len() + pad);
    body.extend_from_slice(xml);
    body.resize(xml.len() + pad, b'\r');
    let len = body.len();
    cbc::Encryptor::<aes::Aes128>::new(&aes_key.into(), &iv.into())
        .encrypt_padded_mut::<NoPadding>(&mut body, len)
        .map_err(|e| EncryptError::Cipher(format!("AES: {e}")))?;
    let wrapped = phone
        .encrypt(&mut rand_core::OsRng, Pkcs1v15Encrypt, &aes_key)
        .map_err(|e| EncryptError::Cipher(format!("wrapping the AES key for the phone: {e}")))?;
    let extra = encryption_tlvs(&iv, u16::try_from(pad).unwrap_or(16), &wrapped, digest, &hash);

    let mut b = Builder {
        version: (2, 0),
        digest,
        timestamp,
        filename: format!("{name}.enc.sgn"),
        records: Vec::new(),
        ..Builder::new(Kind::Itl)
    };
    let encrypted = b.build(&Signing::rsa(&signer, key).payload(&body).extra_header(&extra))?;
    b.version = (1, 0);
    b.filename = format!("{name}.sgn");
    let companion = b.build(&Signing::rsa(&signer, key).payload(&companion_xml))?;
    Ok(EncryptedPair { encrypted, companion, cert_md5 })
}

/// The plain-text config of an encrypted file, unwrapped with the phone's private key and
/// checked against the header's hash. Never returns text that fails that check.
pub fn decrypt(file: &SignedFile<'_>, key: &RsaPrivateKey) -> core::result::Result<Vec<u8>, DecryptError> {
    let info = EncryptionInfo::of(&file.header)
        .ok_or_else(|| DecryptError::NotEncrypted("its header has no ENCRYPTIONINFO (tags 16-27)".into()))?;
    let missing = |what: &str| DecryptError::NotEncrypted(format!("the header has no {what}"));
    let iv = info.iv.ok_or_else(|| missing("IV (tag 19)"))?;
    let iv: [u8; 16] =
        iv.try_into().map_err(|_| DecryptError::Malformed(format!("the IV is {} bytes, not 16", iv.len())))?;
    let wrapped = info.wrapped_key.ok_or_else(|| missing("WRAPPEDKEY (tag 25)"))?;
    let expected = info.hash.ok_or_else(|| missing("PLAINHASH (tag 27)"))?;
    let digest = info.hash_digest().ok_or_else(|| missing("PLAINHASHALGORITHM (tag 26)"))?;
    if let Digest::Unknown(n) = digest {
        return Err(DecryptError::Malformed(format!("unknown plain-text digest code {n}")));
    }
    if let Some(a) = info.key_algorithm.filter(|&a| a != AES_128_CBC) {
        return Err(DecryptError::Malformed(format!("unknown key algorithm code {a} (1 is AES-128-CBC)")));
    }
    let padding = usize::from(info.padding.unwrap_or(0));
    let payload = file.payload;
    if payload.is_empty() || !payload.len().is_multiple_of(16) {
        return Err(DecryptError::Malformed(format!(
            "the encrypted payload is {} bytes, not a positive multiple of 16",
            payload.len()
        )));
    }
    if padding > 16 || padding > payload.len() {
        return Err(DecryptError::Malformed(format!("IVPADDING {padding} is more than one AES block")));
    }
    if wrapped.len() != key.size() {
        return Err(DecryptError::KeyDoesNotFit(format!(
            "the AES key was wrapped for a {}-bit RSA key, this key has {} bits",
            wrapped.len() * 8,
            key.size() * 8
        )));
    }
    let aes_key = key.decrypt(Pkcs1v15Encrypt, wrapped).map_err(|_| {
        DecryptError::KeyDoesNotFit(
            "it cannot unwrap the AES key: this is not the private key of the phone the file was encrypted for".into(),
        )
    })?;
    let aes_key: [u8; 16] = aes_key.as_slice().try_into().map_err(|_| {
        DecryptError::KeyDoesNotFit(format!(
            "the unwrapped key is {} bytes, not an AES-128 key: not the phone's private key",
            aes_key.len()
        ))
    })?;
    let mut plain = payload.to_vec();
    cbc::Decryptor::<aes::Aes128>::new(&aes_key.into(), &iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut plain)
        .map_err(|e| DecryptError::Malformed(format!("AES decryption failed: {e}")))?;
    plain.truncate(plain.len() - padding);
    let actual = digest_parts(digest, &[&plain]).unwrap_or_default();
    if actual != expected {
        return Err(DecryptError::HashMismatch {
            digest,
            expected: hex::encode(expected),
            actual: hex::encode(actual),
        });
    }
    Ok(plain)
}
