//! Trust-list records: one certificate (or certificate hash) with its role.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Result};
use crate::mode::Sink;
use crate::role::{Digest, Role};
use crate::tag;
use crate::text;
use crate::tlv::{read_tlv, RecordTlvs, Tlv};

/// One record of a trust list, borrowed from the input buffer.
///
/// Known tags are kept as TLVs (the first one when a tag repeats); every TLV, unknown ones
/// included, can be walked again in file order with [`Record::tlvs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Offset of the record from the start of the file.
    pub offset: usize,
    /// The record bytes as far as its RECORDLENGTH says (cut at the end of the file).
    pub raw: &'a [u8],
    /// RECORDLENGTH (tag 1).
    pub record_length: Tlv<'a>,
    /// DNSNAME (tag 2).
    pub dns_name: Option<Tlv<'a>>,
    /// SUBJECTNAME (tag 3).
    pub subject_name: Option<Tlv<'a>>,
    /// FUNCTION (tag 4).
    pub function: Option<Tlv<'a>>,
    /// ISSUERNAME (tag 5).
    pub issuer_name: Option<Tlv<'a>>,
    /// SERIALNUMBER (tag 6).
    pub serial_number: Option<Tlv<'a>>,
    /// PUBLICKEY (tag 7).
    pub public_key: Option<Tlv<'a>>,
    /// SIGNATURE of the certificate (tag 8).
    pub signature: Option<Tlv<'a>>,
    /// CERTIFICATE (tag 9).
    pub certificate: Option<Tlv<'a>>,
    /// IPADDRESS (tag 10).
    pub ip_address: Option<Tlv<'a>>,
    /// CERTHASH (tag 11).
    pub cert_hash: Option<Tlv<'a>>,
    /// HASH ALGORITHM (tag 12).
    pub hash_algorithm: Option<Tlv<'a>>,
    /// Number of TLVs with tags this crate does not know.
    pub unknown: usize,
    /// Bytes at the end of the record that are not a TLV (lenient mode only).
    pub tail: &'a [u8],
}

impl<'a> Record<'a> {
    /// The declared record length (RECORDLENGTH), which counts the whole record.
    pub fn length(&self) -> usize {
        usize::from(self.record_length.as_u16().unwrap_or(0))
    }

    /// Every TLV of the record in file order, RECORDLENGTH first, unknown tags included.
    pub fn tlvs(&self) -> RecordTlvs<'a> {
        RecordTlvs::with_base(self.raw, self.offset, self.raw.len() - self.tail.len())
    }

    /// The TLVs whose tag this crate does not know.
    pub fn unknown_tags(&self) -> impl Iterator<Item = Tlv<'a>> + 'a {
        self.tlvs().filter_map(|t| t.ok().filter(|t| !(1..=12).contains(&t.tag)))
    }

    /// The role (FUNCTION).
    pub fn role(&self) -> Option<Role> {
        self.function?.as_u16().map(Role)
    }

    /// DNS name or address text, without the NUL (empty names give `Some("")`).
    pub fn dns_name(&self) -> Option<&'a str> {
        self.dns_name?.as_str("DNSNAME").ok()
    }

    /// Certificate subject, without the NUL.
    pub fn subject(&self) -> Option<&'a str> {
        self.subject_name?.as_str("SUBJECTNAME").ok()
    }

    /// Certificate issuer, without the NUL.
    pub fn issuer(&self) -> Option<&'a str> {
        self.issuer_name?.as_str("ISSUERNAME").ok()
    }

    /// Serial number bytes.
    pub fn serial(&self) -> Option<&'a [u8]> {
        self.serial_number.map(|t| t.value)
    }

    /// Serial number as CUCM prints it (`61:40:52:E9:…`).
    pub fn serial_text(&self) -> Option<String> {
        self.serial().map(text::colon_hex)
    }

    /// The PUBLICKEY value (DER RSAPublicKey for RSA, an X9.62 point for EC).
    pub fn public_key(&self) -> Option<&'a [u8]> {
        self.public_key.map(|t| t.value)
    }

    /// The DER certificate.
    pub fn certificate_der(&self) -> Option<&'a [u8]> {
        self.certificate.map(|t| t.value)
    }

    /// The IP address (4 bytes IPv4, or 16 bytes IPv6).
    pub fn ip_address(&self) -> Option<IpAddr> {
        let v = self.ip_address?.value;
        if let Ok(a) = <[u8; 4]>::try_from(v) {
            Some(IpAddr::V4(Ipv4Addr::from(a)))
        } else {
            <[u8; 16]>::try_from(v).ok().map(|a| IpAddr::V6(Ipv6Addr::from(a)))
        }
    }

    /// The CERTHASH bytes.
    pub fn cert_hash(&self) -> Option<&'a [u8]> {
        self.cert_hash.map(|t| t.value)
    }

    /// The record named for a person: `CN (role)` (`test10pub.joemar2.lab (CCM+TFTP)`).
    pub fn label(&self) -> String {
        let s = self.subject().unwrap_or("(no subject)");
        let role = self.role().map(|x| x.to_string()).unwrap_or_default();
        format!("{} ({role})", crate::name::common_name(s).unwrap_or(s))
    }

    /// Whether the record is a TFTP, CCM+TFTP or TVS entry without a certificate or
    /// certificate hash (see [`crate::TrustList::is_rollback`]).
    pub fn is_empty_entry(&self) -> bool {
        self.role().is_some_and(|r| matches!(r, Role::TFTP | Role::CCM_TFTP | Role::TVS))
            && self.certificate.is_none()
            && self.cert_hash.is_none()
    }

    /// The digest of [`Record::cert_hash`].
    pub fn hash_algorithm(&self) -> Option<Digest> {
        self.hash_algorithm?.as_u8().map(Digest::from_code)
    }
}

/// Reads the record at `pos` of `file` onto the end of `records` (built where it stays: a
/// record is some 400 bytes); its length, or `None` when the bytes from there on are not a
/// record and lenient mode keeps them as trailing bytes.
pub(crate) fn parse_record<'a>(
    file: &'a [u8],
    pos: usize,
    sink: &mut Sink,
    records: &mut Vec<Record<'a>>,
) -> Result<Option<usize>> {
    let left = file.len() - pos;
    let start = if left < 5 {
        Err(Error::TrailingBytes { offset: pos, length: left })
    } else {
        read_tlv(file, pos, file.len(), "file").and_then(|t| {
            if t.tag == tag::RECORD_LENGTH && t.len() == 2 {
                Ok(t)
            } else {
                Err(Error::RecordStart { offset: pos, tag: t.tag })
            }
        })
    }
    .and_then(|t| {
        let n = usize::from(t.as_u16().unwrap_or(0));
        if n < 5 {
            Err(Error::RecordTooShort { offset: pos, length: n })
        } else {
            Ok((t, n))
        }
    });
    let (record_length, declared) = match start {
        Ok(x) => x,
        Err(e) => {
            sink.check(Err(e))?;
            return Ok(None);
        }
    };
    let mut end = pos + declared;
    if end > file.len() {
        sink.check(Err(Error::LengthOverrun {
            offset: pos,
            tag: tag::RECORD_LENGTH,
            length: declared,
            container: "file",
            available: left,
        }))?;
        end = file.len();
    }
    let raw = &file[pos..end];
    let index = records.len();
    records.push(Record {
        offset: pos,
        raw,
        record_length,
        dns_name: None,
        subject_name: None,
        function: None,
        issuer_name: None,
        serial_number: None,
        public_key: None,
        signature: None,
        certificate: None,
        ip_address: None,
        cert_hash: None,
        hash_algorithm: None,
        unknown: 0,
        tail: &[],
    });
    let r = &mut records[index];
    // The walk of `Record::tlvs` (`RecordTlvs`), written out so that it inlines.
    let mut at = record_length.end();
    while at < end {
        let t = match read_tlv(file, at, end, "record") {
            Ok(t) => t,
            Err(e) => {
                sink.check(Err(e))?;
                r.tail = &file[at..end];
                break;
            }
        };
        at = t.end();
        let slot = match t.tag {
            tag::DNS_NAME => &mut r.dns_name,
            tag::SUBJECT_NAME => &mut r.subject_name,
            tag::FUNCTION => &mut r.function,
            tag::ISSUER_NAME => &mut r.issuer_name,
            tag::RECORD_SERIAL_NUMBER => &mut r.serial_number,
            tag::PUBLIC_KEY => &mut r.public_key,
            tag::RECORD_SIGNATURE => &mut r.signature,
            tag::CERTIFICATE => &mut r.certificate,
            tag::IP_ADDRESS => &mut r.ip_address,
            tag::CERT_HASH => &mut r.cert_hash,
            tag::HASH_ALGORITHM => &mut r.hash_algorithm,
            tag::RECORD_LENGTH => {
                sink.check(Err(Error::Inconsistent { offset: t.offset, tag: t.tag, what: "duplicate record tag" }))?;
                continue;
            }
            _ => {
                r.unknown += 1;
                continue;
            }
        };
        if slot.is_some() {
            sink.check(Err(Error::Inconsistent { offset: t.offset, tag: t.tag, what: "duplicate record tag" }))?;
            continue;
        }
        match value_fault(&t) {
            None => *slot = Some(t),
            // Lenient mode leaves the faulty value out.
            Some(e) => _ = sink.check(Err(e))?,
        }
    }
    Ok(Some(raw.len()))
}

/// What is wrong with the value of a known record tag: FUNCTION is 2 bytes, HASH ALGORITHM
/// 1, IPADDRESS 4 or 16, the names UTF-8 up to their NUL. The errors are built out of line,
/// only for a fault.
#[inline]
fn value_fault(t: &Tlv<'_>) -> Option<Error> {
    let expected = match t.tag {
        tag::FUNCTION => 2,
        tag::HASH_ALGORITHM => 1,
        tag::IP_ADDRESS if t.len() == 16 => return None,
        tag::IP_ADDRESS => 4,
        tag::DNS_NAME | tag::SUBJECT_NAME | tag::ISSUER_NAME => return (!t.is_text()).then(|| not_text(t)),
        _ => return None,
    };
    (t.len() != expected).then(|| bad_length(t, expected))
}

#[cold]
#[inline(never)]
fn bad_length(t: &Tlv<'_>, expected: usize) -> Error {
    let name = tag::record_name(t.tag).unwrap_or("tag");
    Error::BadValueLength { offset: t.offset, tag: t.tag, name, length: t.len(), expected }
}

#[cold]
#[inline(never)]
fn not_text(t: &Tlv<'_>) -> Error {
    let name = tag::record_name(t.tag).unwrap_or("tag");
    Error::BadUtf8 { offset: t.offset, tag: t.tag, name }
}
