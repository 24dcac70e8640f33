//! Which token signed a trust list, and whether its signature holds.
//!
//! Verification never prints and never judges the file's structure: it takes a parsed
//! [`TrustList`] and returns a [`Verification`]. The signed bytes are the whole file with
//! the SIGNATURE TLV (tag, length and value) cut out; the key is that of the record the
//! header names as signer, or of an outside [`Anchor`].

use core::fmt;

use crate::header::Header;
use crate::key::{check_signature, CheckError, KeyError, PublicKey};
use crate::record::Record;
use crate::role::{Digest, Role};
use crate::trustlist::TrustList;

/// Outcome of a signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The signature verifies under the signer's key.
    Valid,
    /// It does not (or there is none).
    Invalid,
    /// No record (or anchor) matches the header's signer.
    SignerNotFound,
    /// The digest or key type cannot be checked by this library.
    Unsupported,
    /// Signed by one of Cisco's own keys ([`crate::cisco`]: firmware, load manifests, COP
    /// packages), which phones or CUCM hold themselves and no trust list holds: whose
    /// signature it is is known, the signature itself is not checked here.
    CiscoSigned,
}

impl Status {
    /// `valid`, `invalid`, `signer-not-found`, `unsupported` or `cisco-signed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::Invalid => "invalid",
            Status::SignerNotFound => "signer-not-found",
            Status::Unsupported => "unsupported",
            Status::CiscoSigned => "cisco-signed",
        }
    }
}

/// What kind of token signed the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// The cluster's ITLRecovery key (CUCM 12+, or after `utils itl reset`).
    ItlRecovery,
    /// The TFTP node's CallManager certificate (CUCM 8.x–11.5 ITLs, 10.x tokenless CTLs).
    CallManager,
    /// A hardware USB eToken (`SAST-ADN…`, issued by Cisco Manufacturing CA).
    EToken,
    /// Any other SAST record.
    Sast,
    /// No record matches the header signer.
    Unknown,
    /// One of Cisco's own keys ([`crate::cisco::CiscoSigner`]), which no trust list holds.
    Cisco,
}

impl Token {
    /// `ITLRecovery`, `CallManager`, `eToken`, `SAST`, `unknown` or `Cisco`.
    pub fn as_str(self) -> &'static str {
        match self {
            Token::ItlRecovery => "ITLRecovery",
            Token::CallManager => "CallManager",
            Token::EToken => "eToken",
            Token::Sast => "SAST",
            Token::Unknown => "unknown",
            Token::Cisco => "Cisco",
        }
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a signer was looked for, in a [`Reason::SignerNotFound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerPlace {
    /// The file's own records.
    File,
    /// The records of an anchor trust list (`verify --anchor`).
    Anchor,
    /// An anchor certificate (`verify --anchor CERT`).
    AnchorCertificate,
    /// The trust list a signed file is checked against (`sgn verify`).
    TrustList,
}

impl fmt::Display for SignerPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignerPlace::File => f.write_str("no record matches"),
            SignerPlace::Anchor => write!(f, "the anchor trust list holds no {} record for", Role::SIGNING_ROLES),
            SignerPlace::AnchorCertificate => f.write_str("the anchor certificate (its serial and issuer) is not"),
            SignerPlace::TrustList => write!(f, "the trust list has no {} record for", Role::SIGNING_ROLES),
        }
    }
}

/// Why a verdict is not `valid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// No record matches the header's signer (serial and issuer).
    #[error("{place} the signer {name} / {serial}")]
    SignerNotFound {
        /// Where it was looked for.
        place: SignerPlace,
        /// The header's SIGNERNAME.
        name: String,
        /// The header's SERIALNUMBER, `61:40:…`.
        serial: String,
    },
    /// The signer's record has a role that may not sign ([`Role::may_sign`]).
    #[error("record #{record} holds the signer but with role {role}, which phones do not accept as a signer (only {roles})", roles = Role::SIGNING_ROLES)]
    NotASigningRole {
        /// The record, 1-based.
        record: usize,
        /// Its role.
        role: Role,
    },
    /// The signer's record yields no key.
    #[error("record #{record}: {error}")]
    RecordKey {
        /// The record, 1-based.
        record: usize,
        /// Why.
        error: KeyError,
    },
    /// The anchor certificate yields no key.
    #[error("anchor: {0}")]
    AnchorKey(KeyError),
    /// The header names no signer serial number.
    #[error("the header names no signer serial")]
    NoSignerSerial,
    /// The header has no SIGNATURE.
    #[error("the header has no SIGNATURE")]
    NoSignature,
    /// The header has no DIGESTALGORTITHM.
    #[error("the header has no DIGESTALGORTITHM")]
    NoDigest,
    /// The bytes given are not those the header was parsed from.
    #[error("the buffer does not hold the header's SIGNATURE")]
    BufferMismatch,
    /// The signature check itself failed or could not be made.
    #[error(transparent)]
    Check(#[from] CheckError),
    /// Signed by one of Cisco's own keys, which no trust list holds ([`Status::CiscoSigned`]).
    #[error("{0}")]
    CiscoKey(crate::cisco::CiscoSigner),
    /// The payload of a Cisco image ([`crate::image`]) does not have the SHA-256 its header gives.
    #[error(
        "the payload's SHA-256 is {payload}, the header gives {header}: the image was changed after Cisco signed it"
    )]
    PayloadDigest {
        /// The SHA-256 in the header, hex.
        header: String,
        /// The SHA-256 of the payload as it is, hex.
        payload: String,
    },
}

/// The verdict on a trust list's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Valid, invalid, signer not found, unsupported.
    pub status: Status,
    /// The record (1-based) that signed, when one matches the header signer.
    pub signer_record: Option<usize>,
    /// The kind of token that signed.
    pub token: Token,
    /// The digest named by the header.
    pub digest: Option<Digest>,
    /// Why the status is not `valid`; `None` when it is.
    pub reason: Option<Reason>,
    /// Something the user should know that does not change the status (the signer's issuer
    /// spelled differently in the header and in the record that matched it).
    pub note: Option<String>,
}

impl Verification {
    /// Whether the signature verifies.
    pub fn is_valid(&self) -> bool {
        self.status == Status::Valid
    }

    /// The record that signed, in the list the verdict was reached on (the file itself, or
    /// the trust list a signed file was checked against): no index arithmetic for callers.
    pub fn signer<'l, 'a>(&self, list: &'l TrustList<'a>) -> Option<&'l Record<'a>> {
        list.records.get(self.signer_record?.checked_sub(1)?)
    }

    /// Whether the verdict is negative (exit 1): anything but valid, or signed by Cisco's
    /// own key ([`Status::CiscoSigned`], which only the phone or CUCM can check).
    pub fn is_negative(&self) -> bool {
        !matches!(self.status, Status::Valid | Status::CiscoSigned)
    }

    /// Whether the digest is SHA-1: it verifies, but is legacy.
    pub fn is_legacy_digest(&self) -> bool {
        self.digest == Some(Digest::Sha1)
    }
}

/// A key the caller trusts instead of the file's own signer record.
#[derive(Debug, Clone, Copy)]
pub enum Anchor<'l, 'a> {
    /// A DER certificate.
    Certificate(&'l [u8]),
    /// The records of a trust list the phone already holds whose role [may sign](Role::may_sign).
    TrustList(&'l TrustList<'a>),
}

/// How a record's identity compares with a signer named by serial number and issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Identity {
    /// Same serial, and the issuer spelled byte for byte the same (or absent on one side).
    Exact,
    /// Same serial, and the same issuer attributes spelled differently (order, separators,
    /// quoting or case: files made by different tools).
    Respelled,
}

/// Whether record `r` is the certificate with `serial` and `issuer`: the serials equal and
/// the issuers name the same attributes ([`crate::name::same_name`]). This is the one rule
/// for "same serial and issuer" (TVS keys certificates the same way).
pub(crate) fn identity(r: &Record<'_>, serial: &[u8], issuer: Option<&[u8]>) -> Option<Identity> {
    if !r.serial().is_some_and(|s| crate::cert::same_serial(s, serial)) {
        return None;
    }
    match (issuer, r.issuer_name) {
        (None, _) => Some(Identity::Exact),
        (Some(_), None) => None,
        (Some(i), Some(ri)) if ri.c_bytes() == i => Some(Identity::Exact),
        (Some(i), Some(ri)) => {
            let (a, b) = (String::from_utf8_lossy(i), String::from_utf8_lossy(ri.c_bytes()));
            crate::name::same_name(&a, &b).then_some(Identity::Respelled)
        }
    }
}

/// Whether two records hold the same certificate identity (serial and issuer).
pub(crate) fn same_identity(a: &Record<'_>, b: &Record<'_>) -> bool {
    a.serial().is_some_and(|s| identity(b, s, a.issuer_name.map(|t| t.c_bytes())).is_some())
}

fn header_identity<'h>(header: &Header<'h>) -> Option<(&'h [u8], Option<&'h [u8]>)> {
    Some((header.serial()?, header.ca_name.map(|t| t.c_bytes())))
}

/// Indices (0-based) of the records of `trust` that a phone holding it accepts as the signer
/// named by `header`: records whose role [may sign](Role::may_sign) with its serial and issuer.
pub(crate) fn trusted_signers<'l>(
    trust: &'l TrustList<'_>,
    header: &'l Header<'_>,
) -> impl Iterator<Item = usize> + 'l {
    let id = header_identity(header);
    trust.records.iter().enumerate().filter_map(move |(i, r)| {
        let (serial, issuer) = id?;
        (r.role().is_some_and(Role::may_sign) && identity(r, serial, issuer).is_some()).then_some(i)
    })
}

/// Index (0-based) of the record that signed: the SAST record whose serial and issuer match
/// the header; else a record of another role that [may sign](Role::may_sign); else any record
/// with that serial and issuer (which [`verify`] then refuses as a signer).
pub(crate) fn find_signer(list: &TrustList<'_>) -> Option<usize> {
    let (serial, issuer) = header_identity(&list.header)?;
    let matches = |r: &Record<'_>| identity(r, serial, issuer).is_some();
    list.records
        .iter()
        .position(|r| r.role() == Some(Role::SAST) && matches(r))
        .or_else(|| list.records.iter().position(|r| r.role().is_some_and(Role::may_sign) && matches(r)))
        .or_else(|| list.records.iter().position(matches))
}

/// The note for a signer found under another spelling of its issuer, `None` when the
/// spellings agree.
pub(crate) fn spelling_note(header: &Header<'_>, r: &Record<'_>) -> Option<String> {
    let (serial, issuer) = header_identity(header)?;
    (identity(r, serial, issuer)? == Identity::Respelled).then(|| {
        format!(
            "the signer's issuer is spelled \"{}\" in the header and \"{}\" in the record: the same name written differently (by another tool), matched by serial number and issuer attributes",
            header.ca_name().unwrap_or(""),
            r.issuer().unwrap_or("")
        )
    })
}

/// The reason given when no record matches the header signer.
pub(crate) fn signer_not_found(header: &Header<'_>, place: SignerPlace) -> Reason {
    Reason::SignerNotFound {
        place,
        name: header.signer_name().unwrap_or("(no name)").to_owned(),
        serial: header.serial_text().unwrap_or_else(|| "(no serial)".into()),
    }
}

/// The token kind of the signer record `idx` (0-based): ITLRecovery by its CN, CallManager
/// when the certificate is also a CCM/TFTP/CCM+TFTP record, eToken by its issuer and CN, else SAST.
pub(crate) fn token_of(list: &TrustList<'_>, idx: Option<usize>) -> Token {
    let Some(r) = idx.and_then(|i| list.records.get(i)) else {
        return Token::Unknown;
    };
    let subject = r.subject().or_else(|| list.header.signer_name()).unwrap_or("");
    if crate::name::is_itl_recovery(subject) {
        return Token::ItlRecovery;
    }
    if list.records.iter().any(|o| o.role().is_some_and(Role::is_call_manager) && same_identity(r, o)) {
        return Token::CallManager;
    }
    // The common name is looked for only when the issuer is Cisco's eToken CA.
    let issuer = r.issuer().unwrap_or("");
    if issuer.to_ascii_lowercase().contains("cisco manufacturing ca")
        && crate::name::common_name(subject).unwrap_or("").to_ascii_uppercase().starts_with("SAST-ADN")
    {
        return Token::EToken;
    }
    Token::Sast
}

pub(crate) fn verdict(
    status: Status,
    signer: Option<usize>,
    token: Token,
    digest: Option<Digest>,
    reason: Option<Reason>,
) -> Verification {
    Verification { status, signer_record: signer.map(|i| i + 1), token, digest, reason, note: None }
}

/// Verifies `list` against its own signer record.
pub fn verify(list: &TrustList<'_>) -> Verification {
    let idx = find_signer(list);
    let token = token_of(list, idx);
    let digest = list.header.digest();
    let Some(i) = idx else {
        let why = signer_not_found(&list.header, SignerPlace::File);
        return verdict(Status::SignerNotFound, None, token, digest, Some(why));
    };
    let r = &list.records[i];
    if let Some(role) = r.role().filter(|ro| !ro.may_sign()) {
        let why = Reason::NotASigningRole { record: i + 1, role };
        return verdict(Status::Invalid, Some(i), token, digest, Some(why));
    }
    let mut v = match PublicKey::from_record(r) {
        Ok(key) => check(list, &key, Some(i), token),
        Err(error) => {
            verdict(Status::Invalid, Some(i), token, digest, Some(Reason::RecordKey { record: i + 1, error }))
        }
    };
    v.note = spelling_note(&list.header, r);
    if list.is_rollback() {
        let rollback = crate::trustlist::ROLLBACK_NOTE.to_owned();
        v.note = Some(v.note.map_or(rollback.clone(), |n| format!("{n}; {rollback}")));
    }
    v
}

/// Verifies `list` against a key the caller trusts, not against the file's own record.
pub fn verify_with_anchor(list: &TrustList<'_>, anchor: Anchor<'_, '_>) -> Verification {
    let idx = find_signer(list);
    let token = token_of(list, idx);
    let digest = list.header.digest();
    match anchor {
        Anchor::Certificate(der) => {
            if list.header.serial().is_none() {
                return verdict(Status::Invalid, idx, token, digest, Some(Reason::NoSignerSerial));
            }
            if !anchor_is_signer(&list.header, der) {
                let why = signer_not_found(&list.header, SignerPlace::AnchorCertificate);
                return verdict(Status::SignerNotFound, idx, token, digest, Some(why));
            }
            match PublicKey::from_certificate(der) {
                Ok(key) => check(list, &key, idx, token),
                Err(e) => verdict(Status::Unsupported, idx, token, digest, Some(Reason::AnchorKey(e))),
            }
        }
        Anchor::TrustList(held) => {
            if list.header.serial().is_none() {
                return verdict(Status::Invalid, idx, token, digest, Some(Reason::NoSignerSerial));
            }
            let mut last = None;
            for i in trusted_signers(held, &list.header) {
                let mut v = match PublicKey::from_record(&held.records[i]) {
                    Ok(key) => check(list, &key, idx, token),
                    Err(error) => {
                        verdict(Status::Invalid, idx, token, digest, Some(Reason::RecordKey { record: i + 1, error }))
                    }
                };
                v.note = spelling_note(&list.header, &held.records[i]);
                if v.is_valid() {
                    return v;
                }
                last = Some(v);
            }
            last.unwrap_or_else(|| {
                let why = signer_not_found(&list.header, SignerPlace::Anchor);
                verdict(Status::SignerNotFound, idx, token, digest, Some(why))
            })
        }
    }
}

/// Whether the certificate `der` is the signer `header` names: the same serial, and the
/// same issuer when the header names one (as a phone finds its signer). A certificate that
/// does not decode is left to the key check, which says why.
fn anchor_is_signer(header: &Header<'_>, der: &[u8]) -> bool {
    let Ok(cert) = crate::cert::parse(der) else { return true };
    let Some((serial, issuer)) = header_identity(header) else { return false };
    if !crate::cert::same_serial(cert.raw_serial(), serial) {
        return false;
    }
    issuer.is_none_or(|i| crate::name::same_name(&String::from_utf8_lossy(i), &crate::cert::cucm_name(cert.issuer())))
}

/// Checks the file's signature with `key`.
pub(crate) fn check(list: &TrustList<'_>, key: &PublicKey, idx: Option<usize>, token: Token) -> Verification {
    check_header(&list.header, list.raw(), key, idx, token)
}

/// Checks the signature of the file `raw` whose header is `header` (a trust list or a
/// signed `.sgn` file): everything but the SIGNATURE TLV is signed.
pub(crate) fn check_header(
    header: &Header<'_>,
    raw: &[u8],
    key: &PublicKey,
    idx: Option<usize>,
    token: Token,
) -> Verification {
    let digest = header.digest();
    let Some(sig) = header.signature else {
        return verdict(Status::Invalid, idx, token, digest, Some(Reason::NoSignature));
    };
    let Some(d) = digest else {
        return verdict(Status::Invalid, idx, token, digest, Some(Reason::NoDigest));
    };
    if let Digest::Unknown(n) = d {
        return verdict(Status::Unsupported, idx, token, digest, Some(CheckError::UnknownDigest(n).into()));
    }
    let (Some(before), Some(after)) = (raw.get(..sig.offset), raw.get(sig.end()..)) else {
        return verdict(Status::Invalid, idx, token, digest, Some(Reason::BufferMismatch));
    };
    let parts = [before, after];
    match check_signature(key, d, &parts, sig.value) {
        Ok(()) => verdict(Status::Valid, idx, token, digest, None),
        Err(e) if e.is_unsupported() => verdict(Status::Unsupported, idx, token, digest, Some(e.into())),
        Err(e) => verdict(Status::Invalid, idx, token, digest, Some(e.into())),
    }
}
