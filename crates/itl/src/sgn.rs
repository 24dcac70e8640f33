//! Signed files (`SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`, `.sha512`): the trust-list header
//! (version 1.0, no records) followed by the payload at HeaderLength.
//!
//! A phone accepts such a file when its signer is a record of the trust list it holds whose
//! role [may sign](crate::Role::may_sign) and the signature over the header (minus the SIGNATURE TLV) and
//! the payload verifies.

use crate::error::Result;
use crate::header::{parse_header, Header};
use crate::key::PublicKey;
use crate::mode::{Mode, Sink};
use crate::trustlist::TrustList;
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
}

/// Verifies a signed file as a phone holding `trust` does.
pub fn verify(file: &SignedFile<'_>, trust: &TrustList<'_>) -> Verification {
    let digest = file.header.digest();
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
