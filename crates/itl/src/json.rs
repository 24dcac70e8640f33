//! The JSON model of `itlctl show --json` and `verify --json`, a stable contract.
//!
//! Plain serde structs built from a parsed list: hex digests lower-case without separators,
//! serial numbers upper-case and colon-separated, absent values `null`.

use serde::Serialize;

use crate::error::Error;
use crate::hash::{sha1, Checksums};
use crate::header::Header;
use crate::record::Record;

use crate::trustlist::{Kind, TrustList};
use crate::verify::Verification;

/// Whole-file digests, lower-case hex.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChecksumsJson {
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// SHA-512.
    pub sha512: String,
}

impl ChecksumsJson {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self::from(&Checksums::of(bytes))
    }
}

impl From<&Checksums> for ChecksumsJson {
    fn from(c: &Checksums) -> Self {
        ChecksumsJson {
            md5: hex::encode(c.md5),
            sha1: hex::encode(c.sha1),
            sha256: hex::encode(c.sha256),
            sha512: hex::encode(c.sha512),
        }
    }
}

/// The header signer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignerJson {
    /// SIGNERNAME.
    pub name: Option<String>,
    /// SERIALNUMBER, `61:40:…`.
    pub serial: Option<String>,
    /// CANAME.
    pub issuer: Option<String>,
}

/// A TLV the library does not know.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnknownTagJson {
    /// Tag number.
    pub tag: u8,
    /// Offset in the file.
    pub offset: usize,
    /// Value length.
    pub length: usize,
}

/// One record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RecordJson {
    /// 1-based position.
    pub index: usize,
    /// Offset in the file.
    pub offset: usize,
    /// RECORDLENGTH.
    pub length: usize,
    /// FUNCTION code.
    pub role: Option<u16>,
    /// FUNCTION as CUCM prints it.
    pub role_name: Option<String>,
    /// DNSNAME.
    pub dns_name: Option<String>,
    /// SUBJECTNAME.
    pub subject: Option<String>,
    /// ISSUERNAME.
    pub issuer: Option<String>,
    /// SERIALNUMBER, `61:40:…`.
    pub serial: Option<String>,
    /// PUBLICKEY length.
    pub public_key_length: Option<usize>,
    /// CERTIFICATE length.
    pub certificate_length: Option<usize>,
    /// SHA-1 of the CERTIFICATE, lower-case hex.
    pub certificate_sha1: Option<String>,
    /// CERTHASH, lower-case hex.
    pub cert_hash: Option<String>,
    /// IPADDRESS.
    pub ip_address: Option<String>,
    /// Tags the library does not know.
    pub unknown_tags: Vec<UnknownTagJson>,
}

fn lossy(t: Option<crate::tlv::Tlv<'_>>) -> Option<String> {
    t.map(|t| t.text_lossy().into_owned())
}

impl RecordJson {
    /// Builds the JSON view of record `index` (1-based).
    pub fn new(index: usize, r: &Record<'_>) -> Self {
        RecordJson {
            index,
            offset: r.offset,
            length: r.length(),
            role: r.role().map(|x| x.0),
            role_name: r.role().map(|x| x.to_string()),
            dns_name: lossy(r.dns_name),
            subject: lossy(r.subject_name),
            issuer: lossy(r.issuer_name),
            serial: r.serial_text(),
            public_key_length: r.public_key.map(|t| t.len()),
            certificate_length: r.certificate.map(|t| t.len()),
            certificate_sha1: r.certificate_der().map(|d| hex::encode(sha1(d))),
            cert_hash: r.cert_hash().map(hex::encode),
            ip_address: r.ip_address().map(|a| a.to_string()),
            unknown_tags: r
                .unknown_tags()
                .map(|t| UnknownTagJson { tag: t.tag, offset: t.offset, length: t.len() })
                .collect(),
        }
    }
}

/// The verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerificationJson {
    /// The file, in `verify --json` output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `valid`, `invalid`, `signer-not-found`, `unsupported`, `cisco-signed`.
    pub status: &'static str,
    /// 1-based signer record.
    pub signer_record: Option<usize>,
    /// `CallManager`, `ITLRecovery`, `eToken`, `SAST`, `unknown`, `Cisco`.
    pub token: &'static str,
    /// Why the status is not `valid`.
    pub reason: Option<String>,
    /// The header digest (`SHA1`, …).
    pub digest: Option<String>,
    /// True for SHA-1: verifies, but is legacy.
    pub legacy_digest: bool,
    /// Signer subject, from the signer record or else the header.
    pub signer: Option<String>,
    /// Signer serial, `61:40:…`.
    pub serial: Option<String>,
    /// What the user should know beyond the status (an issuer spelled differently).
    pub note: Option<String>,
}

impl VerificationJson {
    /// Builds the JSON view of a verdict on `list`.
    pub fn new(list: &TrustList<'_>, v: &Verification, file: Option<&str>) -> Self {
        Self::signed_by(&list.header, list, v, file)
    }

    /// Builds the JSON view of a verdict on a file whose header is `header` (a signed
    /// file's, for `sgn verify`), checked against the records of `trust`.
    pub fn signed_by(header: &Header<'_>, trust: &TrustList<'_>, v: &Verification, file: Option<&str>) -> Self {
        let rec = v.signer(trust);
        VerificationJson {
            file: file.map(str::to_owned),
            status: v.status.as_str(),
            signer_record: v.signer_record,
            token: v.token.as_str(),
            reason: v.reason.as_ref().map(ToString::to_string),
            digest: v.digest.map(|d| d.json_name()),
            legacy_digest: v.is_legacy_digest(),
            signer: rec.and_then(|r| lossy(r.subject_name)).or_else(|| lossy(header.signer_name)),
            serial: header.serial_text(),
            note: v.note.clone(),
        }
    }
}

impl VerificationJson {
    /// Builds the JSON view of the verdict on a Cisco phone image in the newer format
    /// (`sgn verify --json`): no trust list, no signer record, token `Cisco`.
    pub fn of_image(v: &Verification, file: Option<&str>) -> Self {
        VerificationJson {
            file: file.map(str::to_owned),
            status: v.status.as_str(),
            signer_record: None,
            token: v.token.as_str(),
            reason: v.reason.as_ref().map(ToString::to_string),
            digest: v.digest.map(|d| d.json_name()),
            legacy_digest: v.is_legacy_digest(),
            signer: None,
            serial: None,
            note: v.note.clone(),
        }
    }
}

/// The whole `show --json` object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ShowJson {
    /// The file as named by the user.
    pub file: String,
    /// `ITL` or `CTL`.
    pub kind: &'static str,
    /// File size in bytes.
    pub size: usize,
    /// Whole-file digests.
    pub checksums: ChecksumsJson,
    /// `1.2`.
    pub version: Option<String>,
    /// HEADERLENGTH.
    pub header_length: usize,
    /// Tag 28, `1.0`, when present.
    pub signer_version: Option<String>,
    /// Header signer.
    pub signer: SignerJson,
    /// `SHA1`, `SHA256`, `SHA512` or `unknown(N)`.
    pub digest: Option<String>,
    /// The raw digest code (4 is read as SHA-512, as the 2017 certutils table wrote it).
    pub digest_code: Option<u8>,
    /// SIGNATURE length.
    pub signature_length: Option<usize>,
    /// FILENAME.
    pub filename: Option<String>,
    /// TIMESTAMP, Unix seconds.
    pub timestamp: Option<u32>,
    /// Records.
    pub records: Vec<RecordJson>,
    /// The verdict.
    pub verification: VerificationJson,
    /// Faults forgiven by lenient parsing, located.
    pub warnings: Vec<String>,
}

impl ShowJson {
    /// Builds the JSON view of `list`.
    pub fn new(file: &str, kind: Kind, list: &TrustList<'_>, v: &Verification) -> Self {
        let h = &list.header;
        ShowJson {
            file: file.to_owned(),
            kind: kind.as_str(),
            size: list.raw().len(),
            checksums: ChecksumsJson::of(list.raw()),
            version: h.version().map(|(a, b)| format!("{a}.{b}")),
            header_length: h.length(),
            signer_version: h.signer_version().map(|(a, b)| format!("{a}.{b}")),
            signer: SignerJson { name: lossy(h.signer_name), serial: h.serial_text(), issuer: lossy(h.ca_name) },
            digest: h.digest().map(|d| d.json_name()),
            digest_code: h.digest_code(),
            signature_length: h.signature.map(|t| t.len()),
            filename: lossy(h.filename),
            timestamp: h.timestamp(),
            records: list.records.iter().enumerate().map(|(i, r)| RecordJson::new(i + 1, r)).collect(),
            verification: VerificationJson::new(list, v, None),
            warnings: list.warnings.iter().map(Error::located).collect(),
        }
    }
}

/// A parse error.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorJson {
    /// Stable short name of the error.
    pub kind: &'static str,
    /// Byte offset.
    pub offset: Option<usize>,
    /// Tag.
    pub tag: Option<u8>,
    /// Human message.
    pub message: String,
}

/// `{"file", "error": {...}}` for a file that could not be read or parsed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileErrorJson {
    /// The file.
    pub file: String,
    /// The error.
    pub error: ErrorJson,
}

impl FileErrorJson {
    /// From a parse error.
    pub fn new(file: &str, e: &Error) -> Self {
        FileErrorJson {
            file: file.to_owned(),
            error: ErrorJson { kind: e.kind(), offset: e.offset(), tag: e.tag(), message: e.to_string() },
        }
    }

    /// For a file that could not be read at all (kind `read`; `message` says why).
    pub fn unreadable(file: &str, message: &str) -> Self {
        FileErrorJson {
            file: file.to_owned(),
            error: ErrorJson { kind: "read", offset: None, tag: None, message: message.to_owned() },
        }
    }
}

/// `{"file","md5","sha1","sha256","sha512"}` of `itlctl hash --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HashJson {
    /// The file.
    pub file: String,
    /// Digests.
    #[serde(flatten)]
    pub checksums: ChecksumsJson,
}

/// Renders any of these as pretty JSON.
pub fn to_string<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// `itlctl sgn show --json`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignedJson {
    /// The file.
    pub file: String,
    /// File size.
    pub size: usize,
    /// Whole-file digests.
    pub checksums: ChecksumsJson,
    /// `1.0`.
    pub version: Option<String>,
    /// HEADERLENGTH, where the payload starts.
    pub header_length: usize,
    /// Header signer.
    pub signer: SignerJson,
    /// `SHA1`, `SHA256`, `SHA512` or `unknown(N)`.
    pub digest: Option<String>,
    /// SIGNATURE length.
    pub signature_length: Option<usize>,
    /// FILENAME.
    pub filename: Option<String>,
    /// TIMESTAMP.
    pub timestamp: Option<u32>,
    /// Payload length.
    pub payload_length: usize,
    /// Whether the payload is encrypted (an `.enc.sgn` config, for one phone).
    pub encrypted: bool,
    /// The encryption fields (tags 16-27); `null` for a plain signed file.
    pub encryption: Option<EncryptionJson>,
}

/// The encryption fields of an `.enc.sgn` header (`sgn show --json`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct EncryptionJson {
    /// Always `"one phone"`: the AES key is wrapped for one phone's RSA key.
    pub encrypted_for: &'static str,
    /// IV, hex.
    pub iv: Option<String>,
    /// IVPADDING: `\r` bytes after the plain text.
    pub padding: Option<u16>,
    /// KEYALGORITHM code (1 = AES-128-CBC).
    pub key_algorithm: Option<u8>,
    /// `AES-128-CBC` or `unknown(N)`.
    pub key_algorithm_name: Option<String>,
    /// KEYSIZE, bits.
    pub key_size: Option<u16>,
    /// WRAPPEDKEY length, bytes.
    pub wrapped_key_length: Option<usize>,
    /// Digest of the plain text: `SHA1`, `SHA512`, ….
    pub hash_algorithm: Option<String>,
    /// That digest, hex.
    pub hash: Option<String>,
}

impl SignedJson {
    /// Builds the JSON view of a signed file.
    pub fn new(file: &str, f: &crate::sgn::SignedFile<'_>) -> Self {
        let h = &f.header;
        SignedJson {
            file: file.to_owned(),
            size: f.raw().len(),
            checksums: ChecksumsJson::of(f.raw()),
            version: h.version().map(|(a, b)| format!("{a}.{b}")),
            header_length: h.length(),
            signer: SignerJson { name: lossy(h.signer_name), serial: h.serial_text(), issuer: lossy(h.ca_name) },
            digest: h.digest().map(|d| d.json_name()),
            signature_length: h.signature.map(|t| t.len()),
            filename: lossy(h.filename),
            timestamp: h.timestamp(),
            payload_length: f.payload.len(),
            encrypted: f.encryption().is_some(),
            encryption: f.encryption().map(|e| EncryptionJson {
                encrypted_for: "one phone",
                iv: e.iv.map(hex::encode),
                padding: e.padding,
                key_algorithm: e.key_algorithm,
                key_algorithm_name: e.key_algorithm_name(),
                key_size: e.key_size,
                wrapped_key_length: e.wrapped_key.map(<[u8]>::len),
                hash_algorithm: e.hash_digest().map(|d| d.json_name()),
                hash: e.hash.map(hex::encode),
            }),
        }
    }
}

/// `itlctl sgn show --json` of a Cisco phone image in the newer format ([`crate::image`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImageJson {
    /// The file.
    pub file: String,
    /// Always `cisco-image`: the 7800/8800 format (magic `cd 34 12 ab`).
    pub format: &'static str,
    /// File size.
    pub size: usize,
    /// Whole-file digests.
    pub checksums: ChecksumsJson,
    /// Header length: where the payload starts.
    pub header_length: usize,
    /// The file name in the header.
    pub filename: String,
    /// The payload's SHA-256 as the header gives it, hex.
    pub payload_sha256: String,
    /// Whether the payload has that SHA-256.
    pub payload_matches: bool,
    /// Signature length (Cisco's; not checkable here).
    pub signature_length: usize,
    /// Payload length.
    pub payload_length: usize,
}

impl ImageJson {
    /// Builds the JSON view of an image.
    pub fn new(file: &str, i: &crate::image::Image<'_>) -> Self {
        ImageJson {
            file: file.to_owned(),
            format: "cisco-image",
            size: i.raw().len(),
            checksums: ChecksumsJson::of(i.raw()),
            header_length: i.header_length,
            filename: String::from_utf8_lossy(i.name).into_owned(),
            payload_sha256: hex::encode(i.payload_sha256),
            payload_matches: i.payload_matches(),
            signature_length: i.signature.len(),
            payload_length: i.payload.len(),
        }
    }
}

/// One element of `itlctl lint --json`: `{"file","findings"}`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LintJson<'a> {
    /// The file.
    pub file: &'a str,
    /// What lint found, in check order.
    pub findings: &'a [crate::lint::Finding],
}

/// The four digests as phones show them: upper-case byte pairs separated by spaces.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PhoneChecksumsJson {
    /// MD5.
    pub md5: String,
    /// SHA-1.
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// SHA-512.
    pub sha512: String,
}

/// Whole-file digests in both forms: lower-case hex, and `phone` as phones show them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HashesJson {
    /// Lower-case hex.
    #[serde(flatten)]
    pub checksums: ChecksumsJson,
    /// `1B A1 C9 …`.
    pub phone: PhoneChecksumsJson,
}

impl HashesJson {
    /// Hashes `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let c = Checksums::of(bytes);
        let spaced = crate::text::spaced_hex;
        HashesJson {
            checksums: ChecksumsJson {
                md5: hex::encode(c.md5),
                sha1: hex::encode(c.sha1),
                sha256: hex::encode(c.sha256),
                sha512: hex::encode(c.sha512),
            },
            phone: PhoneChecksumsJson {
                md5: spaced(&c.md5),
                sha1: spaced(&c.sha1),
                sha256: spaced(&c.sha256),
                sha512: spaced(&c.sha512),
            },
        }
    }
}

/// A name TLV (SUBJECTNAME, ISSUERNAME, DNSNAME, …) as the JSON model shows it: the value
/// up to its NUL, invalid UTF-8 replaced; borrowed when it is valid.
pub fn name_text(t: Option<crate::tlv::Tlv<'_>>) -> Option<std::borrow::Cow<'_, str>> {
    t.map(|t| t.text_lossy())
}
