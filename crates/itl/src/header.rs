//! The trust-list header: signer, digest, signature, file name, time stamp.

use crate::error::{Error, Result};
use crate::mode::Sink;
use crate::role::Digest;
use crate::tag;
use crate::text;
use crate::tlv::{read_tlv, HeaderItems, Item, Tlv};

/// The header of a trust list or signed file: the bytes `[0, HeaderLength)`.
///
/// Every field is the TLV as found (offset and borrowed value), so it can be printed as
/// CUCM does or located in a hex dump; typed accessors decode on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header<'a> {
    /// The header bytes, from offset 0 to HeaderLength.
    pub raw: &'a [u8],
    /// VERSION (tag 1).
    pub version: Tlv<'a>,
    /// HEADERLENGTH (tag 2).
    pub header_length: Tlv<'a>,
    /// SIGNERID container (tag 3).
    pub signer_id: Option<Tlv<'a>>,
    /// SIGNERNAME (tag 4).
    pub signer_name: Option<Tlv<'a>>,
    /// SERIALNUMBER of the signer (tag 5).
    pub serial_number: Option<Tlv<'a>>,
    /// CANAME, the signer's issuer (tag 6).
    pub ca_name: Option<Tlv<'a>>,
    /// SIGNATUREINFO container (tag 7).
    pub signature_info: Option<Tlv<'a>>,
    /// DIGESTALGORTITHM (tag 8).
    pub digest_algorithm: Option<Tlv<'a>>,
    /// SIGNATUREALGOINFO container (tag 9).
    pub signature_algo_info: Option<Tlv<'a>>,
    /// SIGNATUREALGORTITHM (tag 10).
    pub signature_algorithm: Option<Tlv<'a>>,
    /// SIGNATUREMODULUS (tag 11).
    pub signature_modulus: Option<Tlv<'a>>,
    /// SIGNATURE (tag 12).
    pub signature: Option<Tlv<'a>>,
    /// FILENAME (tag 14).
    pub filename: Option<Tlv<'a>>,
    /// TIMESTAMP (tag 15).
    pub timestamp: Option<Tlv<'a>>,
    /// Signer version (tag 28, certutils only).
    pub signer_version: Option<Tlv<'a>>,
    /// Number of PADDING bytes.
    pub padding: usize,
    /// Number of TLVs with a tag this crate does not know (kept, see [`Header::unknown_tags`]).
    pub unknown: usize,
}

impl<'a> Header<'a> {
    /// Header length in bytes (HEADERLENGTH's value; records start there).
    pub fn length(&self) -> usize {
        self.raw.len()
    }

    /// File format version `(major, minor)`, e.g. `(1, 2)`.
    pub fn version(&self) -> Option<(u8, u8)> {
        match self.version.value {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }

    /// Signer version `(major, minor)` (tag 28), when present.
    pub fn signer_version(&self) -> Option<(u8, u8)> {
        match self.signer_version?.value {
            [a, b] => Some((*a, *b)),
            _ => None,
        }
    }

    /// Signer certificate subject, without the NUL.
    pub fn signer_name(&self) -> Option<&'a str> {
        self.signer_name?.as_str("SIGNERNAME").ok()
    }

    /// Signer certificate serial number bytes.
    pub fn serial(&self) -> Option<&'a [u8]> {
        self.serial_number.map(|t| t.value)
    }

    /// Signer serial number as CUCM prints it (`61:40:52:E9:…`).
    pub fn serial_text(&self) -> Option<String> {
        self.serial().map(text::colon_hex)
    }

    /// Signer certificate issuer (CANAME), without the NUL.
    pub fn ca_name(&self) -> Option<&'a str> {
        self.ca_name?.as_str("CANAME").ok()
    }

    /// The raw digest code (tag 8).
    pub fn digest_code(&self) -> Option<u8> {
        self.digest_algorithm?.as_u8()
    }

    /// The digest the signature was made with.
    pub fn digest(&self) -> Option<Digest> {
        self.digest_code().map(Digest::from_code)
    }

    /// The signature bytes.
    pub fn signature_bytes(&self) -> Option<&'a [u8]> {
        self.signature.map(|t| t.value)
    }

    /// The file name the header names (`ITLFile.tlv`), without the NUL.
    pub fn file_name(&self) -> Option<&'a str> {
        self.filename?.as_str("FILENAME").ok()
    }

    /// Signing time, Unix seconds.
    pub fn timestamp(&self) -> Option<u32> {
        self.timestamp?.as_u32()
    }

    /// Every element of the header after HEADERLENGTH, in file order, containers first
    /// and then their contents, padding included.
    pub fn items(&self) -> HeaderItems<'a> {
        HeaderItems::new(self.raw, self.header_length.end(), self.raw.len())
    }

    /// The TLVs whose tag this crate does not know, in file order.
    pub fn unknown_tags(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        self.items().filter_map(|i| match i {
            Ok(Item::Tlv(t)) if !is_known(t.tag) => Some(t),
            _ => None,
        })
    }
}

fn is_known(t: u8) -> bool {
    tag::header_name(t).is_some()
}

fn expect_len(t: &Tlv<'_>, expected: usize) -> Result<()> {
    if t.len() == expected {
        Ok(())
    } else {
        Err(fault(t, Some(expected)))
    }
}

/// What is wrong with the value of a header tag the parser keeps: the algorithm codes are 1
/// byte, TIMESTAMP 4, SIGNERVERSION 2, the names UTF-8 up to their NUL. The error is built
/// only for a fault.
#[inline]
fn value_fault(t: &Tlv<'_>) -> Option<Error> {
    let expected = match t.tag {
        tag::DIGEST_ALGORITHM | tag::SIGNATURE_ALGORITHM | tag::SIGNATURE_MODULUS => 1,
        tag::TIMESTAMP => 4,
        tag::SIGNER_VERSION => 2,
        tag::SIGNER_NAME | tag::CA_NAME | tag::FILENAME => return (!t.is_text()).then(|| fault(t, None)),
        _ => return None,
    };
    (t.len() != expected).then(|| fault(t, Some(expected)))
}

/// The error of [`value_fault`]: a wrong length when one is `expected`, else bad UTF-8.
#[cold]
#[inline(never)]
fn fault(t: &Tlv<'_>, expected: Option<usize>) -> Error {
    let name = tag::header_name(t.tag).unwrap_or("tag");
    match expected {
        Some(expected) => Error::BadValueLength { offset: t.offset, tag: t.tag, name, length: t.len(), expected },
        None => Error::BadUtf8 { offset: t.offset, tag: t.tag, name },
    }
}

/// Parses the header at the start of `file`.
pub(crate) fn parse_header<'a>(file: &'a [u8], sink: &mut Sink) -> Result<Header<'a>> {
    if let Some(what) = crate::sniff::describe(file) {
        return Err(Error::NotBinary { what });
    }
    let version = read_tlv(file, 0, file.len(), "file")?;
    if version.tag != tag::VERSION {
        return Err(Error::BadStart { offset: 0, tag: version.tag });
    }
    sink.check(expect_len(&version, 2))?;
    let hl = read_tlv(file, version.end(), file.len(), "file")?;
    if hl.tag != tag::HEADER_LENGTH {
        return Err(Error::BadStart { offset: hl.offset, tag: hl.tag });
    }
    expect_len(&hl, 2)?;
    let header_length = usize::from(hl.as_u16().unwrap_or(0));
    if header_length > file.len() || header_length < hl.end() {
        return Err(Error::HeaderLength { offset: hl.offset, header_length, file_length: file.len() });
    }
    let raw = &file[..header_length];
    let mut h = Header {
        raw,
        version,
        header_length: hl,
        signer_id: None,
        signer_name: None,
        serial_number: None,
        ca_name: None,
        signature_info: None,
        digest_algorithm: None,
        signature_algo_info: None,
        signature_algorithm: None,
        signature_modulus: None,
        signature: None,
        filename: None,
        timestamp: None,
        signer_version: None,
        padding: 0,
        unknown: 0,
    };
    // Ends of the containers still open, innermost last.
    let mut open = [0usize; 4];
    let mut depth = 0usize;
    for item in HeaderItems::new(raw, hl.end(), header_length) {
        let item = item?;
        let (start, end) = match item {
            Item::Padding(o) => (o, o + 1),
            Item::Tlv(t) if tag::is_container(t.tag) => (t.offset, t.offset + 3),
            Item::Tlv(t) => (t.offset, t.end()),
        };
        while depth > 0 && open[depth - 1] <= start {
            depth -= 1;
        }
        if depth > 0 && end > open[depth - 1] {
            let (offset, t) = match item {
                Item::Tlv(t) => (t.offset, t.tag),
                Item::Padding(o) => (o, tag::PADDING),
            };
            sink.check(Err(Error::Inconsistent { offset, tag: t, what: "container length" }))?;
            depth = 0;
        }
        let t = match item {
            Item::Padding(_) => {
                h.padding += 1;
                continue;
            }
            Item::Tlv(t) => t,
        };
        if tag::is_container(t.tag) {
            if depth < open.len() {
                open[depth] = t.end();
                depth += 1;
            } else {
                sink.check(Err(Error::Inconsistent { offset: t.offset, tag: t.tag, what: "container nesting" }))?;
            }
        }
        let slot = match t.tag {
            tag::SIGNER_ID => &mut h.signer_id,
            tag::SIGNER_NAME => &mut h.signer_name,
            tag::SERIAL_NUMBER => &mut h.serial_number,
            tag::CA_NAME => &mut h.ca_name,
            tag::SIGNATURE_INFO => &mut h.signature_info,
            tag::DIGEST_ALGORITHM => &mut h.digest_algorithm,
            tag::SIGNATURE_ALGO_INFO => &mut h.signature_algo_info,
            tag::SIGNATURE_ALGORITHM => &mut h.signature_algorithm,
            tag::SIGNATURE_MODULUS => &mut h.signature_modulus,
            tag::SIGNATURE => &mut h.signature,
            tag::FILENAME => &mut h.filename,
            tag::TIMESTAMP => &mut h.timestamp,
            tag::SIGNER_VERSION => &mut h.signer_version,
            // The encryption fields of a version 2.0 file: read by `encrypted::EncryptionInfo`.
            t if is_known(t) => continue,
            _ => {
                h.unknown += 1;
                continue;
            }
        };
        if slot.is_some() {
            sink.check(Err(Error::Inconsistent { offset: t.offset, tag: t.tag, what: "duplicate header tag" }))?;
            continue;
        }
        match value_fault(&t) {
            None => *slot = Some(t),
            // Lenient mode leaves the faulty value out.
            Some(e) => _ = sink.check(Err(e))?,
        }
    }
    for (present, t) in [
        (h.signer_name.is_some(), tag::SIGNER_NAME),
        (h.serial_number.is_some(), tag::SERIAL_NUMBER),
        (h.digest_algorithm.is_some(), tag::DIGEST_ALGORITHM),
        (h.signature.is_some(), tag::SIGNATURE),
    ] {
        if !present {
            let name = tag::header_name(t).unwrap_or("tag");
            sink.check(Err(Error::MissingTag { offset: header_length, tag: t, name }))?;
        }
    }
    Ok(h)
}
