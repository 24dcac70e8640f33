//! Signed files (`SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`, `.sha512`): the trust-list header
//! (version 1.0, no records) followed by the payload at HeaderLength.
//!
//! A phone accepts such a file when its signer is a record of the trust list it holds whose
//! role [may sign](crate::Role::may_sign) and the signature over the header (minus the SIGNATURE TLV) and
//! the payload verifies.
//!
//! Encrypted config files (`.enc.sgn`, version 2.0) share this layout; reading their
//! encryption fields ([`SignedFile::encryption`], [`EncryptionInfo`]) is part of reading a
//! signed file. Encrypting and decrypting are in the `encrypted` module (feature `pbx`).

use rsa::RsaPrivateKey;

use crate::build::{Builder, SignerId, Signing};
use crate::error::{Error, Result};
use crate::header::{parse_header, Header};
use crate::key::PublicKey;
use crate::mode::{Mode, Sink};
use crate::role::Digest;
use crate::tag;
use crate::tlv::Item;
use crate::trustlist::{Kind, TrustList};
use crate::verify::{
    check_header, signer_not_found, spelling_note, token_of, trusted_signers, verdict, Reason, SignerPlace, Status,
    Verification,
};

/// KEYALGORITHM code of AES-128-CBC, the only one known.
pub const AES_128_CBC: u8 = 1;

/// The encryption fields of a version 2.0 header (an encrypted config file, `.enc.sgn`),
/// borrowed from the file.
///
/// The header carries, after TIMESTAMP: ENCRYPTIONINFO { IVINFO { 18 = 0, IV, IVPADDING },
/// KEYINFO { 22 = 0, KEYSIZE, KEYALGORITHM, WRAPPEDKEY } }, PLAINHASHALGORITHM, PLAINHASH.
/// The payload is the config XML padded with `\r` to a multiple of 16 bytes and encrypted
/// with AES-128-CBC; the AES key is wrapped for one phone's RSA key (PKCS#1 v1.5).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EncryptionInfo<'a> {
    /// IV (tag 19), 16 bytes when well-formed.
    pub iv: Option<&'a [u8]>,
    /// IVPADDING (tag 20): how many `\r` bytes follow the plain text.
    pub padding: Option<u16>,
    /// KEYSIZE (tag 23), in bits.
    pub key_size: Option<u16>,
    /// KEYALGORITHM (tag 24), [`AES_128_CBC`] = 1.
    pub key_algorithm: Option<u8>,
    /// WRAPPEDKEY (tag 25): the AES key encrypted with the phone's RSA key.
    pub wrapped_key: Option<&'a [u8]>,
    /// PLAINHASHALGORITHM (tag 26), a digest code (1 SHA-1, 3 SHA-512).
    pub hash_algorithm: Option<u8>,
    /// PLAINHASH (tag 27): the digest of the plain-text config.
    pub hash: Option<&'a [u8]>,
}

fn be_u16(v: &[u8]) -> Option<u16> {
    match v {
        [a, b] => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    }
}

impl<'a> EncryptionInfo<'a> {
    /// The encryption fields of `header`; `None` when it carries none of tags 16-27 (a
    /// plain signed file).
    pub fn of(header: &Header<'a>) -> Option<Self> {
        let mut info = EncryptionInfo::default();
        let mut any = false;
        for item in header.items() {
            let Ok(Item::Tlv(t)) = item else { continue };
            if !(tag::ENCRYPTION_INFO..=tag::PLAIN_HASH).contains(&t.tag) {
                continue;
            }
            any = true;
            match t.tag {
                tag::IV => info.iv = Some(t.value),
                tag::IV_PADDING => info.padding = be_u16(t.value),
                tag::KEY_SIZE => info.key_size = be_u16(t.value),
                tag::KEY_ALGORITHM => info.key_algorithm = t.as_u8(),
                tag::WRAPPED_KEY => info.wrapped_key = Some(t.value),
                tag::PLAIN_HASH_ALGORITHM => info.hash_algorithm = t.as_u8(),
                tag::PLAIN_HASH => info.hash = Some(t.value),
                _ => {}
            }
        }
        any.then_some(info)
    }

    /// The digest of [`EncryptionInfo::hash`].
    pub fn hash_digest(&self) -> Option<Digest> {
        self.hash_algorithm.map(Digest::from_code)
    }

    /// KEYALGORITHM as text: `AES-128-CBC`, or `unknown(N)`.
    pub fn key_algorithm_name(&self) -> Option<String> {
        self.key_algorithm.map(|a| if a == AES_128_CBC { "AES-128-CBC".to_owned() } else { format!("unknown({a})") })
    }
}

/// A parsed signed file, borrowing the input buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile<'a> {
    raw: &'a [u8],
    /// The header.
    pub header: Header<'a>,
    /// The signed content after the header.
    pub payload: &'a [u8],
    /// Faults forgiven in lenient mode.
    pub warnings: Vec<crate::Error>,
}

impl<'a> SignedFile<'a> {
    /// Parses a signed file strictly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with(bytes, Mode::Strict)
    }

    /// Parses a signed file in the given mode.
    pub fn parse_with(bytes: &'a [u8], mode: Mode) -> Result<Self> {
        let mut sink = Sink::new(mode);
        let header = parse_header(bytes, &mut sink)?;
        let payload = &bytes[header.length()..];
        Ok(SignedFile { raw: bytes, header, payload, warnings: sink.warnings })
    }

    /// The whole input buffer.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The encryption fields (tags 16-27) of an encrypted config file; `None` for a plain
    /// signed file.
    pub fn encryption(&self) -> Option<EncryptionInfo<'a>> {
        EncryptionInfo::of(&self.header)
    }

    /// Verifies this file as a phone holding `trust` does (the same as [`verify`]).
    pub fn verify(&self, trust: &TrustList<'_>) -> Verification {
        verify(self, trust)
    }
}

/// Wraps `payload` in a signed header as `sgn sign` does: version 1.0, the signer fields of
/// `cert_der`, FILENAME `filename`, TIMESTAMP `timestamp`, signed with `key` (RSA PKCS#1
/// v1.5 under `digest`); the payload follows unchanged.
pub fn sign(
    payload: &[u8],
    filename: &str,
    digest: Digest,
    timestamp: u32,
    cert_der: &[u8],
    key: &RsaPrivateKey,
) -> Result<Vec<u8>> {
    if !crate::cert::key_matches(key, cert_der) {
        return Err(Error::Crypto(crate::CryptoError::KeyMismatch));
    }
    let signer = SignerId::from_certificate(cert_der)?;
    let b = Builder {
        version: (1, 0),
        digest,
        timestamp,
        filename: filename.to_owned(),
        records: Vec::new(),
        ..Builder::new(Kind::Itl)
    };
    b.build(&Signing::rsa(&signer, key).payload(payload))
}

/// Verifies a signed file as a phone holding `trust` does.
pub fn verify(file: &SignedFile<'_>, trust: &TrustList<'_>) -> Verification {
    let digest = file.header.digest();
    if let Some(cisco) = crate::cisco::CiscoSigner::of(&file.header) {
        return verdict(Status::CiscoSigned, None, crate::verify::Token::Cisco, digest, Some(Reason::CiscoKey(cisco)));
    }
    if file.header.serial().is_none() {
        return verdict(Status::Invalid, None, crate::verify::Token::Unknown, digest, Some(Reason::NoSignerSerial));
    }
    let idx = trusted_signers(trust, &file.header).next();
    let token = token_of(trust, idx);
    let Some(i) = idx else {
        let why = signer_not_found(&file.header, SignerPlace::TrustList);
        return verdict(Status::SignerNotFound, None, token, digest, Some(why));
    };
    let mut v = match PublicKey::from_record(&trust.records[i]) {
        Ok(key) => check_header(&file.header, file.raw, &key, Some(i), token),
        Err(error) => {
            verdict(Status::Invalid, Some(i), token, digest, Some(Reason::RecordKey { record: i + 1, error }))
        }
    };
    v.note = spelling_note(&file.header, &trust.records[i]);
    v
}
