//! Signed files (`SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`, `.sha512`): the trust-list header
//! (version 1.0, no records) followed by the payload at HeaderLength.
//!
//! A phone accepts such a file when its signer is a record of the trust list it holds whose
//! role [may sign](crate::Role::may_sign) and the signature over the header (minus the SIGNATURE TLV) and
//! the payload verifies.
//!
//! Encrypted config files (`.enc.sgn`, version 2.0) share this layout; their encryption
//! fields are [`SignedFile::encryption`], see [`crate::encrypted`].

use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

use crate::build::{sign_rsa, Builder, SignerId};
use crate::encrypted::EncryptionInfo;
use crate::error::{Error, Result};
use crate::header::{parse_header, Header};
use crate::key::PublicKey;
use crate::mode::{Mode, Sink};
use crate::role::Digest;
use crate::trustlist::{Kind, TrustList};
use crate::verify::{
    check_header, signer_not_found, spelling_note, token_of, trusted_signers, verdict, Reason, SignerPlace, Status,
    Verification,
};

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
    b.build_over(&signer, key.size(), payload, |d| sign_rsa(key, digest, &[d]))
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
