//! A whole trust list: header, records, and what the parser had to say about them.

use crate::error::{Error, Result};
use crate::header::{parse_header, Header};
use crate::mode::{Mode, Sink};
use crate::record::{parse_record, Record};
use crate::tlv::{put_len, put_tlv, Item};

/// What `show` and `verify` say of the "Prepare Cluster for Rollback to pre-8.0" ITL.
#[cfg(feature = "verify")]
pub(crate) const ROLLBACK_NOTE: &str = "This is the \"Prepare Cluster for Rollback to pre-8.0\" ITL: its TFTP and TVS records are empty, so a phone that takes it accepts any configuration file and any new ITL (serve it only to move phones to another cluster).";

/// Which kind of trust list a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Identity (Initial) Trust List, `ITLFile.tlv` / `ITLSEP<MAC>.tlv`.
    Itl,
    /// Certificate Trust List, `CTLFile.tlv` / `CTLSEP<MAC>.tlv`.
    Ctl,
}

impl Kind {
    /// `ITL` or `CTL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Itl => "ITL",
            Kind::Ctl => "CTL",
        }
    }

    /// The kind a file name suggests (`CTL…` or `ITL…`, any case, any folder).
    pub fn from_file_name(name: &str) -> Option<Kind> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let head = base.get(..3)?;
        if head.eq_ignore_ascii_case("CTL") {
            Some(Kind::Ctl)
        } else if head.eq_ignore_ascii_case("ITL") {
            Some(Kind::Itl)
        } else {
            None
        }
    }
}

/// A parsed ITL or CTL file, borrowing the input buffer.
///
/// ```
/// # fn main() -> Result<(), itl::Error> {
/// let bytes = include_bytes!("../../../testdata/itl-11x-cm-sha1.tlv");
/// let list = itl::TrustList::parse(bytes)?;
/// assert_eq!(list.header.version(), Some((1, 2)));
/// for r in &list.records {
///     println!("{} {:?}", r.role().map(|x| x.to_string()).unwrap_or_default(), r.subject());
/// }
/// assert_eq!(list.to_bytes(), bytes);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList<'a> {
    raw: &'a [u8],
    /// The header.
    pub header: Header<'a>,
    /// The records, in file order.
    pub records: Vec<Record<'a>>,
    /// Bytes after the last record that are not a record (lenient mode only).
    pub trailing: &'a [u8],
    /// Faults forgiven in lenient mode (always empty in strict mode).
    pub warnings: Vec<Error>,
}

impl<'a> TrustList<'a> {
    /// Parses `bytes` in strict mode.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_with(bytes, Mode::Strict)
    }

    /// Parses `bytes` in the given mode.
    pub fn parse_with(bytes: &'a [u8], mode: Mode) -> Result<Self> {
        let mut sink = Sink::new(mode);
        let header = parse_header(bytes, &mut sink)?;
        let mut records = Vec::with_capacity(((bytes.len() - header.length()) / 512).min(64));
        let mut pos = header.length();
        let mut trailing: &[u8] = &[];
        while pos < bytes.len() {
            match parse_record(bytes, pos, &mut sink, &mut records)? {
                Some(length) => pos += length,
                None => {
                    trailing = &bytes[pos..];
                    break;
                }
            }
        }
        Ok(TrustList { raw: bytes, header, records, trailing, warnings: sink.warnings })
    }

    /// The whole input buffer.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// ITL or CTL: from the header FILENAME, else from `file_name`, else ITL.
    pub fn kind(&self, file_name: Option<&str>) -> Kind {
        self.header
            .file_name()
            .and_then(Kind::from_file_name)
            .or_else(|| file_name.and_then(Kind::from_file_name))
            .unwrap_or(Kind::Itl)
    }

    /// Whether this is the "Prepare Cluster for Rollback to pre-8.0" ITL: an ITL with TFTP,
    /// CCM+TFTP or TVS records that carry a role but neither a CERTIFICATE nor a CERTHASH
    /// (CUCM Security Guide: "empty TVS and TFTP certificate sections"). A phone holding it
    /// accepts any configuration file and any new ITL. CTLs in non-secure mode keep such
    /// records too, so only ITLs qualify.
    pub fn is_rollback(&self) -> bool {
        self.kind(None) == Kind::Itl && self.records.iter().any(Record::is_empty_entry)
    }

    /// Verifies the signature against the file's own signer record (the same as
    /// [`verify::verify`](crate::verify::verify)).
    ///
    /// ```
    /// # fn main() -> Result<(), itl::Error> {
    /// let list = itl::TrustList::parse(include_bytes!("../../../testdata/itl-11x-cm-sha1.tlv"))?;
    /// assert!(list.verify().is_valid());
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "verify")]
    pub fn verify(&self) -> crate::verify::Verification {
        crate::verify::verify(self)
    }

    /// The signed bytes, as the two slices before and after the SIGNATURE TLV
    /// (tag, length and value cut out). `None` when the header has no signature.
    pub fn signed_parts(&self) -> Option<(&'a [u8], &'a [u8])> {
        let s = self.header.signature?;
        Some((&self.raw[..s.offset], &self.raw[s.end()..]))
    }

    /// Writes the file back from its parsed elements: the header TLVs and padding in
    /// order, then every record's TLVs, then any trailing bytes. For a parsed file this
    /// gives the input bytes again.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.raw.len());
        put_tlv(&mut out, self.header.version.tag, self.header.version.value);
        put_tlv(&mut out, self.header.header_length.tag, self.header.header_length.value);
        for item in self.header.items() {
            match item {
                Ok(Item::Padding(_)) => out.push(crate::tag::PADDING),
                Ok(Item::Tlv(t)) if crate::tag::is_container(t.tag) => put_len(&mut out, t.tag, t.len()),
                Ok(Item::Tlv(t)) => put_tlv(&mut out, t.tag, t.value),
                Err(_) => break,
            }
        }
        for r in &self.records {
            for t in r.tlvs().flatten() {
                put_tlv(&mut out, t.tag, t.value);
            }
            out.extend_from_slice(r.tail);
        }
        out.extend_from_slice(self.trailing);
        out
    }
}
