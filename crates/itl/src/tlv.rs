//! The TLV reader: one byte of tag, two bytes of big-endian length, then the value.
//!
//! This layer knows nothing of certificates or of what a tag means beyond two facts the
//! format forces on every reader: PADDING (tag 13) in the header is a lone byte, and the
//! header containers (tags 3, 7, 9) are descended into rather than skipped.

use crate::error::{Error, Result};
use crate::tag;

/// One TLV, borrowed from the input buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag byte.
    pub tag: u8,
    /// Offset of the tag byte from the start of the file.
    pub offset: usize,
    /// The value. For a header container it spans the nested TLVs.
    pub value: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// The declared length (the size of [`Tlv::value`]).
    pub fn len(&self) -> usize {
        self.value.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    /// Offset one past the last byte of the value.
    pub fn end(&self) -> usize {
        self.offset + 3 + self.value.len()
    }

    /// The value as a big-endian u16, if it is exactly 2 bytes.
    pub fn as_u16(&self) -> Option<u16> {
        <[u8; 2]>::try_from(self.value).ok().map(u16::from_be_bytes)
    }

    /// The value as a big-endian u32, if it is exactly 4 bytes.
    pub fn as_u32(&self) -> Option<u32> {
        <[u8; 4]>::try_from(self.value).ok().map(u32::from_be_bytes)
    }

    /// The value as one byte, if it is exactly 1 byte.
    pub fn as_u8(&self) -> Option<u8> {
        match self.value {
            [b] => Some(*b),
            _ => None,
        }
    }

    /// The value up to (not including) its first NUL byte.
    pub fn c_bytes(&self) -> &'a [u8] {
        let v = self.value;
        // A plain loop, not `memchr`: names are short, and memchr's first call asks the CPU
        // for its features (seven CPUID instructions, each a trap to the hypervisor in a VM),
        // which cost `show` more than the search itself.
        match v.iter().position(|&b| b == 0) {
            Some(n) => &v[..n],
            None => v,
        }
    }

    /// Whether [`Tlv::as_str`] succeeds, without making the error: the check the parser
    /// makes of every name. A value that is ASCII throughout (the usual case, tested a word
    /// at a time) is valid up to any NUL, so the NUL is looked for only in other values.
    #[inline]
    pub(crate) fn is_text(&self) -> bool {
        self.value.is_ascii() || core::str::from_utf8(self.c_bytes()).is_ok()
    }

    /// The value up to its first NUL as text, invalid UTF-8 replaced: how names are shown.
    pub fn text_lossy(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.c_bytes())
    }

    /// The value as a NUL-terminated UTF-8 string, without the NUL.
    pub fn as_str(&self, name: &'static str) -> Result<&'a str> {
        core::str::from_utf8(self.c_bytes()).map_err(|_| Error::BadUtf8 { offset: self.offset, tag: self.tag, name })
    }
}

/// An element of the header: a TLV or one padding byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item<'a> {
    /// A TLV (for containers, the value spans the nested TLVs that follow).
    Tlv(Tlv<'a>),
    /// One PADDING byte (tag 13, no length) at this offset.
    Padding(usize),
}

/// Reads the TLV starting at `pos` in `file`, which must end by `end`.
///
/// `within` names what `end` is the end of, for the error message.
#[inline]
pub fn read_tlv<'a>(file: &'a [u8], pos: usize, end: usize, within: &'static str) -> Result<Tlv<'a>> {
    let end = end.min(file.len());
    let rest = file.get(pos..end).unwrap_or(&[]);
    // Tag, big-endian length, value: read with slice patterns, the errors built out of line.
    let Some((&[t, hi, lo], after)) = rest.split_first_chunk::<3>() else {
        return Err(truncated(pos, rest));
    };
    let len = usize::from(u16::from_be_bytes([hi, lo]));
    match after.get(..len) {
        Some(value) => Ok(Tlv { tag: t, offset: pos, value }),
        None => Err(overrun(pos, t, len, within, after.len())),
    }
}

/// The error of a TLV header cut short.
#[cold]
#[inline(never)]
fn truncated(pos: usize, rest: &[u8]) -> Error {
    Error::Truncated { offset: pos, tag: rest.first().copied(), what: "TLV header", needed: 3, available: rest.len() }
}

/// The error of a length that runs past the end of its container.
#[cold]
#[inline(never)]
fn overrun(pos: usize, t: u8, len: usize, within: &'static str, available: usize) -> Error {
    Error::LengthOverrun { offset: pos, tag: t, length: len, container: within, available }
}

/// Iterator over the elements of a header region, descending into containers.
///
/// Yields containers, then their nested TLVs, in file order; PADDING bytes come out as
/// [`Item::Padding`]. Stops at the first error.
#[derive(Debug, Clone)]
pub struct HeaderItems<'a> {
    file: &'a [u8],
    pos: usize,
    end: usize,
    failed: bool,
}

impl<'a> HeaderItems<'a> {
    /// Iterates the bytes `[start, end)` of `file`.
    pub fn new(file: &'a [u8], start: usize, end: usize) -> Self {
        HeaderItems { file, pos: start, end: end.min(file.len()), failed: false }
    }
}

impl<'a> Iterator for HeaderItems<'a> {
    type Item = Result<Item<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.end {
            return None;
        }
        if self.file[self.pos] == tag::PADDING {
            let at = self.pos;
            self.pos += 1;
            return Some(Ok(Item::Padding(at)));
        }
        match read_tlv(self.file, self.pos, self.end, "header") {
            Ok(t) => {
                self.pos = if tag::is_container(t.tag) { t.offset + 3 } else { t.end() };
                Some(Ok(Item::Tlv(t)))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Iterator over the TLVs of one record region (no containers, no padding).
#[derive(Debug, Clone)]
pub struct RecordTlvs<'a> {
    data: &'a [u8],
    base: usize,
    pos: usize,
    end: usize,
    failed: bool,
}

impl<'a> RecordTlvs<'a> {
    /// Iterates the bytes `[start, end)` of `file`.
    pub fn new(file: &'a [u8], start: usize, end: usize) -> Self {
        RecordTlvs { data: file, base: 0, pos: start, end: end.min(file.len()), failed: false }
    }

    /// Iterates the first `len` bytes of `data`, which sits at offset `base` of its file;
    /// offsets come out relative to the file.
    pub fn with_base(data: &'a [u8], base: usize, len: usize) -> Self {
        RecordTlvs { data, base, pos: 0, end: len.min(data.len()), failed: false }
    }

    /// Offset (in the file) of the next TLV.
    pub fn position(&self) -> usize {
        self.base + self.pos
    }
}

impl<'a> Iterator for RecordTlvs<'a> {
    type Item = Result<Tlv<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.end {
            return None;
        }
        match read_tlv(self.data, self.pos, self.end, "record") {
            Ok(mut t) => {
                self.pos = t.end();
                t.offset += self.base;
                Some(Ok(t))
            }
            Err(mut e) => {
                self.failed = true;
                e.shift(self.base);
                Some(Err(e))
            }
        }
    }
}

// The writer's two primitives, beside the reader they mirror.

/// Appends a tag and a 16-bit length (saturating; a container's value follows separately).
pub(crate) fn put_len(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    out.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
}

/// Appends one TLV (values longer than 65535 bytes cannot be encoded and are cut).
pub(crate) fn put_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    let value = &value[..value.len().min(usize::from(u16::MAX))];
    put_len(out, tag, value.len());
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tag_length_value() {
        let b = [4u8, 0, 3, b'a', b'b', 0, 9];
        let t = read_tlv(&b, 0, b.len(), "file").unwrap();
        assert_eq!((t.tag, t.offset, t.value), (4, 0, &b"ab\0"[..]));
        assert_eq!(t.as_str("X").unwrap(), "ab");
        assert_eq!(t.end(), 6);
    }

    #[test]
    fn overrun_and_truncation_are_located() {
        let b = [4u8, 0, 9, 1];
        assert!(matches!(
            read_tlv(&b, 0, 4, "record"),
            Err(Error::LengthOverrun { offset: 0, tag: 4, length: 9, container: "record", available: 1 })
        ));
        assert!(matches!(read_tlv(&b, 2, 4, "record"), Err(Error::Truncated { offset: 2, tag: Some(9), .. })));
    }

    #[test]
    fn header_descends_containers_and_reads_padding() {
        // SIGNERID container of 4 bytes holding SIGNERNAME "a\0"; then two padding bytes.
        let b = [3u8, 0, 5, 4, 0, 2, b'a', 0, 13, 13];
        let items: Vec<_> = HeaderItems::new(&b, 0, b.len()).collect::<Result<_>>().unwrap();
        assert_eq!(items.len(), 4);
        assert!(matches!(items[0], Item::Tlv(Tlv { tag: 3, offset: 0, .. })));
        assert!(matches!(items[1], Item::Tlv(Tlv { tag: 4, offset: 3, .. })));
        assert_eq!(items[2], Item::Padding(8));
        assert_eq!(items[3], Item::Padding(9));
    }
}
