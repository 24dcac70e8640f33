//! The one error type of the crate.

use thiserror::Error;

/// Everything that can go wrong while reading, verifying or writing a trust list.
///
/// Every parse variant carries the byte offset where the fault sits and, where one is
/// involved, the tag being read, so that a user can find the spot with a hex dump.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended inside a TLV (its tag, length or value).
    #[error("truncated {what}: needs {needed} bytes, only {available} left")]
    Truncated {
        /// Offset of the TLV that could not be read.
        offset: usize,
        /// Tag of the TLV, if its first byte could be read.
        tag: Option<u8>,
        /// What was being read (`"TLV header"`, `"TLV value"`).
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// A length field points beyond the end of its container, record, header or file.
    #[error("length {length} overruns the {container} ({available} bytes left)")]
    LengthOverrun {
        /// Offset of the TLV whose length is wrong.
        offset: usize,
        /// Tag of that TLV.
        tag: u8,
        /// The length it declares.
        length: usize,
        /// What it overruns (`"header"`, `"record"`, `"file"`, `"container"`).
        container: &'static str,
        /// Bytes that were left in it.
        available: usize,
    },
    /// A record does not start with RECORDLENGTH (tag 1, length 2).
    #[error("record does not start with RECORDLENGTH (tag 1, length 2)")]
    RecordStart {
        /// Offset of the record.
        offset: usize,
        /// The tag found instead.
        tag: u8,
    },
    /// A RECORDLENGTH smaller than its own TLV.
    #[error("record length {length} is shorter than its own RECORDLENGTH field")]
    RecordTooShort {
        /// Offset of the record.
        offset: usize,
        /// The declared length.
        length: usize,
    },
    /// The file does not start with VERSION (tag 1) then HEADERLENGTH (tag 2).
    #[error("file does not start with VERSION (tag 1) and HEADERLENGTH (tag 2)")]
    BadStart {
        /// Offset of the unexpected TLV.
        offset: usize,
        /// Its tag.
        tag: u8,
    },
    /// HEADERLENGTH points beyond the end of the file, or inside the first TLVs.
    #[error("header length {header_length} does not fit a file of {file_length} bytes")]
    HeaderLength {
        /// Offset of the HEADERLENGTH TLV.
        offset: usize,
        /// Declared header length.
        header_length: usize,
        /// Actual file length.
        file_length: usize,
    },
    /// A mandatory header tag is absent.
    #[error("header has no {name} (tag {tag})")]
    MissingTag {
        /// Offset where it was expected (end of the header).
        offset: usize,
        /// The missing tag.
        tag: u8,
        /// Its CUCM name.
        name: &'static str,
    },
    /// A fixed-size value has the wrong size.
    #[error("{name} has length {length}, expected {expected}")]
    BadValueLength {
        /// Offset of the TLV.
        offset: usize,
        /// Its tag.
        tag: u8,
        /// Its CUCM name.
        name: &'static str,
        /// Length found.
        length: usize,
        /// Length expected.
        expected: usize,
    },
    /// A name is not valid UTF-8.
    #[error("{name} is not valid UTF-8")]
    BadUtf8 {
        /// Offset of the TLV.
        offset: usize,
        /// Its tag.
        tag: u8,
        /// Its CUCM name.
        name: &'static str,
    },
    /// Bytes left after the last record that do not form a record (strict mode).
    #[error("{length} trailing bytes after the last record")]
    TrailingBytes {
        /// Offset of the first trailing byte.
        offset: usize,
        /// How many bytes.
        length: usize,
    },
    /// A structure whose parts do not add up (strict mode): a container whose nested TLVs
    /// do not end at its end, a duplicated tag, a header not padded to 4 bytes.
    #[error("inconsistent {what}")]
    Inconsistent {
        /// Offset of the TLV concerned.
        offset: usize,
        /// Its tag.
        tag: u8,
        /// What does not add up.
        what: &'static str,
    },
    /// The input is not a binary trust list or signed file at all, but text or another
    /// format (`what` says which: "a PEM certificate", "an XML file", …).
    #[error("{what}, not a trust list or signed file")]
    NotBinary {
        /// What the input looks like.
        what: &'static str,
    },
    /// A Cisco phone image in the newer format (magic `cd 34 12 ab`, see [`crate::image`])
    /// whose header does not add up.
    #[error("{what}")]
    Image {
        /// Offset of the field at fault.
        offset: usize,
        /// What is wrong, with the values found.
        what: String,
    },
    /// A certificate, key or signature could not be decoded or used.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// Why a certificate, a key or a signature cannot be made or used (building, signing,
/// loading PEM/DER files).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// A DER certificate that does not decode (the decoder's message).
    #[error("cannot decode the certificate: {0}")]
    CertificateDecode(String),
    /// A PEM file without a certificate.
    #[error("the PEM file holds no CERTIFICATE block")]
    NoCertificate,
    /// A private key block that does not decode.
    #[error("the {label} block does not decode as an RSA key ({format}): {message}")]
    PrivateKeyDecode {
        /// The PEM label.
        label: &'static str,
        /// PKCS#8 or PKCS#1.
        format: &'static str,
        /// The decoder's message.
        message: String,
    },
    /// An EC private key where an RSA one is needed.
    #[error("EC signing keys are not supported: give the RSA key of the signer")]
    EcSigningKey,
    /// A password-protected private key.
    #[error("the private key is encrypted: decrypt it first (`openssl pkey -in KEY -out PLAIN.key`)")]
    EncryptedKey,
    /// No private key block at all.
    #[error("no RSA private key in PEM (PRIVATE KEY or RSA PRIVATE KEY block) found")]
    NoPrivateKey,
    /// The key is not the certificate's.
    #[error("the private key does not belong to the certificate")]
    KeyMismatch,
    /// The signer's certificate is none of the file's records.
    #[error("no record of the file holds the certificate {0}")]
    NotInFile(String),
    /// A value too long for a 16-bit length field.
    #[error("{what} of {length} bytes exceeds 65535")]
    TooLong {
        /// What is too long (`record`, `header`, `tag 9 value`, `signer names`).
        what: String,
        /// Its length.
        length: usize,
    },
    /// A signer returned a signature of the wrong size.
    #[error("signature is {found} bytes, expected {expected}")]
    SignatureLength {
        /// Bytes returned.
        found: usize,
        /// Bytes the layout reserved.
        expected: usize,
    },
    /// A digest this library cannot sign with.
    #[error("cannot sign with digest {0}")]
    UnsupportedDigest(crate::role::Digest),
    /// The signing operation failed (the backend's message).
    #[error("signing failed: {0}")]
    Signing(String),
}

impl Error {
    /// Byte offset of the fault, when it has one.
    pub fn offset(&self) -> Option<usize> {
        self.clone().offset_mut().copied()
    }

    fn offset_mut(&mut self) -> Option<&mut usize> {
        match self {
            Error::Truncated { offset, .. }
            | Error::LengthOverrun { offset, .. }
            | Error::RecordStart { offset, .. }
            | Error::RecordTooShort { offset, .. }
            | Error::BadStart { offset, .. }
            | Error::HeaderLength { offset, .. }
            | Error::MissingTag { offset, .. }
            | Error::BadValueLength { offset, .. }
            | Error::BadUtf8 { offset, .. }
            | Error::TrailingBytes { offset, .. }
            | Error::Inconsistent { offset, .. }
            | Error::Image { offset, .. } => Some(offset),
            Error::NotBinary { .. } | Error::Crypto(_) => None,
        }
    }

    /// Tag concerned by the fault, when it has one.
    pub fn tag(&self) -> Option<u8> {
        match *self {
            Error::Truncated { tag, .. } => tag,
            Error::LengthOverrun { tag, .. }
            | Error::RecordStart { tag, .. }
            | Error::BadStart { tag, .. }
            | Error::MissingTag { tag, .. }
            | Error::BadValueLength { tag, .. }
            | Error::BadUtf8 { tag, .. }
            | Error::Inconsistent { tag, .. } => Some(tag),
            Error::RecordTooShort { .. } => Some(crate::tag::RECORD_LENGTH),
            Error::HeaderLength { .. } => Some(crate::tag::HEADER_LENGTH),
            Error::TrailingBytes { .. } | Error::NotBinary { .. } | Error::Image { .. } | Error::Crypto(_) => None,
        }
    }

    /// Moves the offset of the fault by `base` bytes.
    pub(crate) fn shift(&mut self, base: usize) {
        if let Some(o) = self.offset_mut() {
            *o += base;
        }
    }

    /// A short stable name of the variant, used as `kind` in JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Truncated { .. } => "truncated",
            Error::LengthOverrun { .. } => "length-overrun",
            Error::RecordStart { .. } => "record-start",
            Error::RecordTooShort { .. } => "record-too-short",
            Error::BadStart { .. } => "bad-start",
            Error::HeaderLength { .. } => "header-length",
            Error::MissingTag { .. } => "missing-tag",
            Error::BadValueLength { .. } => "bad-value-length",
            Error::BadUtf8 { .. } => "bad-utf8",
            Error::TrailingBytes { .. } => "trailing-bytes",
            Error::Inconsistent { .. } => "inconsistent",
            Error::NotBinary { .. } => "not-binary",
            Error::Image { .. } => "image",
            Error::Crypto(_) => "crypto",
        }
    }

    /// The message with its location, as the CLI's errors give it: `<what> at byte <offset>
    /// (tag <n>)`.
    pub fn located(&self) -> String {
        let mut s = self.to_string();
        if let Some(o) = self.offset() {
            s.push_str(&format!(" at byte {o}"));
        }
        if let Some(t) = self.tag() {
            s.push_str(&format!(" (tag {t})"));
        }
        s
    }
}

/// Result alias of the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
