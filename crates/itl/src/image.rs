//! The newer Cisco phone image format (7800 and 8800 series since firmware 11.0:
//! `sip78xx.11-0-1-11.loads`, `sboot78xx.11-0-1-11.sbn`, …): not the trust-list header, but a
//! fixed little-endian header of its own, read here without copying.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `cd 34 12 ab` ([`MAGIC`]) |
//! | 4 | 8 | header length: where the payload starts |
//! | 12 | 8 | payload length |
//! | 20 | 32 | SHA-256 of the payload |
//! | 52 | 4 | file-name length |
//! | 56 | n | file name, then 0 to 4 NUL bytes |
//! | header length − 256 | 256 | signature ([`SIGNATURE_LEN`]) |
//! | header length | payload length | payload, to the end of the file |
//!
//! The signature is Cisco's, made with the image-signing key phones carry in their own
//! firmware: it cannot be checked here (see [`crate::cisco`]). The payload's SHA-256 can, and
//! a changed byte anywhere in the payload shows. `docs/cisco-images.md` keeps the files this
//! layout was read from.

use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::mode::{Mode, Sink};

/// The first four bytes of every image in this format (`0xab1234cd` little-endian).
pub const MAGIC: [u8; 4] = [0xcd, 0x34, 0x12, 0xab];

/// Length of the signature at the end of the header.
pub const SIGNATURE_LEN: usize = 256;

/// Offset of the header-length field.
const HEADER_LENGTH_AT: usize = 4;
/// Offset of the payload-length field.
const PAYLOAD_LENGTH_AT: usize = 12;
/// Offset of the payload's SHA-256.
const DIGEST_AT: usize = 20;
/// Offset of the file-name length.
const NAME_LENGTH_AT: usize = 52;
/// Offset of the file name: the fixed part of the header ends here.
const NAME_AT: usize = 56;
/// The most NUL bytes after the file name (every sample pads it to a multiple of 4 with at
/// least one NUL).
const MAX_NAME_PADDING: usize = 4;

/// Whether `bytes` start with the magic of this format.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// A parsed image, borrowing the input buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image<'a> {
    raw: &'a [u8],
    /// Header length: where the payload starts.
    pub header_length: usize,
    /// The SHA-256 of the payload, as the header gives it.
    pub payload_sha256: &'a [u8],
    /// The file name, without its NUL padding.
    pub name: &'a [u8],
    /// NUL bytes between the name and the signature.
    pub name_padding: usize,
    /// The signature (the last [`SIGNATURE_LEN`] bytes of the header).
    pub signature: &'a [u8],
    /// The payload (payload-length bytes after the header).
    pub payload: &'a [u8],
    /// Faults forgiven in lenient mode.
    pub warnings: Vec<Error>,
}

/// The header fields, before the payload is looked at.
struct Fields<'a> {
    header_length: usize,
    payload_length: u64,
    payload_sha256: &'a [u8],
    name: &'a [u8],
    name_padding: usize,
    signature: &'a [u8],
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn fault(offset: usize, what: String) -> Error {
    Error::Image { offset, what }
}

/// Reads the header of `bytes` (the whole file, or at least its header).
fn fields<'a>(bytes: &'a [u8], sink: &mut Sink) -> Result<Fields<'a>> {
    if bytes.len() < NAME_AT {
        return Err(Error::Truncated {
            offset: 0,
            tag: None,
            what: "Cisco image header",
            needed: NAME_AT,
            available: bytes.len(),
        });
    }
    if !is_image(bytes) {
        return Err(fault(
            0,
            format!("not a Cisco phone image: it starts {:02x?}, not with the magic cd 34 12 ab", &bytes[..4]),
        ));
    }
    let declared = u64_at(bytes, HEADER_LENGTH_AT);
    let header_length = match usize::try_from(declared) {
        Ok(h) if h <= bytes.len() => h,
        _ => {
            return Err(fault(
                HEADER_LENGTH_AT,
                format!("image header length {declared} overruns the file ({} bytes)", bytes.len()),
            ))
        }
    };
    let name_length = u32_at(bytes, NAME_LENGTH_AT) as usize;
    let room = header_length.saturating_sub(NAME_AT + SIGNATURE_LEN);
    if header_length < NAME_AT + SIGNATURE_LEN || name_length > room {
        return Err(fault(
            NAME_LENGTH_AT,
            format!(
                "image file-name length {name_length} does not fit a header of {header_length} bytes \
                 ({NAME_AT} fixed, {SIGNATURE_LEN} of signature)"
            ),
        ));
    }
    let name_end = NAME_AT + name_length;
    let signature_at = header_length - SIGNATURE_LEN;
    let padding = &bytes[name_end..signature_at];
    if padding.len() > MAX_NAME_PADDING || padding.iter().any(|&b| b != 0) {
        sink.check(Err(fault(
            name_end,
            format!(
                "{} bytes between the image file name and the signature, expected at most {MAX_NAME_PADDING} NUL bytes",
                padding.len()
            ),
        )))?;
    }
    let name = &bytes[NAME_AT..name_end];
    if core::str::from_utf8(name).is_err() {
        sink.check(Err(fault(NAME_AT, "image file name is not valid UTF-8".into())))?;
    }
    Ok(Fields {
        header_length,
        payload_length: u64_at(bytes, PAYLOAD_LENGTH_AT),
        payload_sha256: &bytes[DIGEST_AT..DIGEST_AT + 32],
        name,
        name_padding: padding.len(),
        signature: &bytes[signature_at..header_length],
    })
}

/// The file name the header of `bytes` gives, when `bytes` start with a readable header of
/// this format (the payload need not follow: this describes the first part of a file).
pub fn file_name(bytes: &[u8]) -> Option<&str> {
    let f = fields(bytes, &mut Sink::new(Mode::Lenient)).ok()?;
    core::str::from_utf8(f.name).ok()
}

impl<'a> Image<'a> {
    /// Parses an image strictly.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with(bytes, Mode::Strict)
    }

    /// Parses an image in the given mode. Lenient mode forgives a name padding other than
    /// 0 to 4 NUL bytes, a name that is not UTF-8, and bytes after the payload.
    pub fn parse_with(bytes: &'a [u8], mode: Mode) -> Result<Self> {
        let mut sink = Sink::new(mode);
        let f = fields(bytes, &mut sink)?;
        let after = bytes.len() - f.header_length;
        let payload_length = match usize::try_from(f.payload_length) {
            Ok(p) if p <= after => p,
            _ => {
                return Err(fault(
                    PAYLOAD_LENGTH_AT,
                    format!(
                        "image payload length {} overruns the file ({after} bytes after the header)",
                        f.payload_length
                    ),
                ))
            }
        };
        let end = f.header_length + payload_length;
        if end < bytes.len() {
            sink.check(Err(Error::TrailingBytes { offset: end, length: bytes.len() - end }))?;
        }
        Ok(Image {
            raw: bytes,
            header_length: f.header_length,
            payload_sha256: f.payload_sha256,
            name: f.name,
            name_padding: f.name_padding,
            signature: f.signature,
            payload: &bytes[f.header_length..end],
            warnings: sink.warnings,
        })
    }

    /// The whole input buffer.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The header bytes (magic to signature).
    pub fn header(&self) -> &'a [u8] {
        &self.raw[..self.header_length]
    }

    /// The file name, when it is UTF-8.
    pub fn file_name(&self) -> Option<&'a str> {
        core::str::from_utf8(self.name).ok()
    }

    /// The SHA-256 of the payload as it is.
    pub fn actual_sha256(&self) -> [u8; 32] {
        Sha256::digest(self.payload).into()
    }

    /// Whether the payload's SHA-256 is the one the header gives.
    pub fn payload_matches(&self) -> bool {
        self.actual_sha256()[..] == *self.payload_sha256
    }

    /// The verdict: [`Status::CiscoSigned`](crate::verify::Status::CiscoSigned) when the payload
    /// matches the header's SHA-256 (the signature itself is Cisco's and not checkable here),
    /// [`Status::Invalid`](crate::verify::Status::Invalid) when it does not.
    #[cfg(feature = "verify")]
    pub fn verify(&self) -> crate::verify::Verification {
        use crate::verify::{verdict, Reason, Status, Token};
        let digest = Some(crate::Digest::Sha256);
        if self.payload_matches() {
            let why = Reason::CiscoKey(crate::cisco::CiscoSigner::NewImage);
            return verdict(Status::CiscoSigned, None, Token::Cisco, digest, Some(why));
        }
        let why = Reason::PayloadDigest {
            header: hex::encode(self.payload_sha256),
            payload: hex::encode(self.actual_sha256()),
        };
        verdict(Status::Invalid, None, Token::Cisco, digest, Some(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header of this layout around `payload` (the hash is computed by `sha2` here, and the
    /// real files in `testdata/cisco` check the same reader against Cisco's own hashes).
    fn image(name: &[u8], pad: usize, payload: &[u8]) -> Vec<u8> {
        let header_length = NAME_AT + name.len() + pad + SIGNATURE_LEN;
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&(header_length as u64).to_le_bytes());
        b.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        b.extend_from_slice(&Sha256::digest(payload));
        b.extend_from_slice(&(name.len() as u32).to_le_bytes());
        b.extend_from_slice(name);
        b.resize(b.len() + pad, 0);
        b.resize(b.len() + SIGNATURE_LEN, 0x5a);
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn reads_its_own_layout() {
        let b = image(b"x.loads", 1, b"payload");
        let i = Image::parse(&b).unwrap();
        assert_eq!((i.file_name(), i.name_padding, i.payload), (Some("x.loads"), 1, &b"payload"[..]));
        assert!(i.payload_matches());
        assert_eq!(i.signature, &[0x5a; SIGNATURE_LEN][..]);
        assert_eq!(file_name(&b[..i.header_length]), Some("x.loads"));
    }

    #[test]
    fn faults_carry_offsets() {
        let b = image(b"x.loads", 1, b"payload");
        let at = |bytes: &[u8]| Image::parse(bytes).unwrap_err().offset();
        assert_eq!(at(&b[..40]), Some(0));
        assert_eq!(at(&b[..300]), Some(HEADER_LENGTH_AT));
        assert_eq!(at(&b[..b.len() - 1]), Some(PAYLOAD_LENGTH_AT));
        let mut long = b.clone();
        long[NAME_LENGTH_AT] = 200;
        assert_eq!(at(&long), Some(NAME_LENGTH_AT));
        let mut trailing = b.clone();
        trailing.push(0);
        assert_eq!(at(&trailing), Some(b.len()));
        assert_eq!(Image::parse_with(&trailing, Mode::Lenient).unwrap().warnings.len(), 1);
        let mut pad = image(b"x.loads", 5, b"payload");
        assert_eq!(at(&pad), Some(NAME_AT + 7));
        pad[NAME_AT + 7] = 1;
        assert!(Image::parse_with(&pad, Mode::Lenient).is_ok());
        let mut magic = b;
        magic[0] = 0;
        assert_eq!(at(&magic), Some(0));
    }
}
