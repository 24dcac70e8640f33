//! CUCM's `show itl` / `show ctl` text, as a [`Display`] wrapper.
//!
//! Every wording and layout choice of that text lives here: TABs laid
//! out for 8-column tab stops, tag numbers in the BYTEPOS column, names without their NUL,
//! the signature dumped 8 bytes a line in 4-column cells, no trailing whitespace.

use core::fmt::{self, Display, Formatter, Write as _};

use crate::error::Error;
use crate::hash::{sha1, Checksums};
use crate::header::Header;
use crate::record::Record;
use crate::role::{Digest, Role};
use crate::sgn::SignedFile;
use crate::tag;
use crate::text;
use crate::tlv::{Item, Tlv};
use crate::trustlist::{Kind, TrustList};
use crate::verify::{Status, Verification};

/// Renders a parsed trust list as CUCM's `show itl` (or `show ctl`) prints it.
#[derive(Debug, Clone)]
pub struct Show<'l, 'a> {
    list: &'l TrustList<'a>,
    verification: &'l Verification,
    kind: Kind,
    modified: Option<String>,
    error: Option<&'l Error>,
}

impl<'l, 'a> Show<'l, 'a> {
    /// The text for `list` with its verdict; the kind comes from the header FILENAME.
    pub fn new(list: &'l TrustList<'a>, verification: &'l Verification) -> Self {
        Show { list, verification, kind: list.kind(None), modified: None, error: None }
    }

    /// Sets ITL or CTL wording.
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// The "last modified" date text (CUCM prints the file's mtime, e.g.
    /// `Wed Feb 26 10:24:27 PST 2014`); without it the line is left out.
    pub fn modified(mut self, modified: Option<String>) -> Self {
        self.modified = modified;
        self
    }

    /// Ends the text with `Error parsing the ITL File: …` instead of the verdict: for a list
    /// read in lenient mode from a file that strict mode rejects.
    pub fn parse_error(mut self, error: Option<&'l Error>) -> Self {
        self.error = error;
        self
    }
}

/// The checksum block, length and modified line; what `show` prints even when the header
/// cannot be read.
pub(crate) fn preamble(f: &mut dyn fmt::Write, bytes: &[u8], kind: Kind, modified: Option<&str>) -> fmt::Result {
    let k = kind.as_str();
    // The two digests printed, not all of `Checksums` (SHA-512 alone would double the cost).
    let (md5, sha1) = crate::hash::md5_sha1(bytes);
    writeln!(f, "The checksum value of the {k} file:")?;
    writeln!(f, "{}(MD5)", hex::encode(md5))?;
    writeln!(f, "{}(SHA1)", hex::encode(sha1))?;
    writeln!(f)?;
    writeln!(f, "Length of {k} file: {}", bytes.len())?;
    if let Some(m) = modified {
        writeln!(f, "The {k} File was last modified on {m}")?;
    }
    writeln!(f)?;
    writeln!(f, "\tParse {k} File")?;
    writeln!(f, "\t----------------")?;
    writeln!(f)
}

/// The closing line for a file that could not be parsed.
/// The line ends with the offset (`… (tag 1) at byte 4599.`), where stderr's errors end
/// with the tag.
pub(crate) fn parse_error_line(f: &mut dyn fmt::Write, kind: Kind, error: &Error) -> fmt::Result {
    let k = kind.as_str();
    let tag = error.tag().map(|t| format!(" (tag {t})")).unwrap_or_default();
    match error.offset() {
        Some(o) => writeln!(f, "Error parsing the {k} File: {error}{tag} at byte {o}."),
        None => writeln!(f, "Error parsing the {k} File: {error}{tag}."),
    }
}

const TABLE_HEAD: &str = "BYTEPOS\tTAG\t\tLENGTH\tVALUE\n-------\t---\t\t------\t-----\n";

/// One table row: `<tag>\t<NAME>\t[\t]<LENGTH>[\t<VALUE>]`.
fn row(f: &mut Formatter<'_>, t: &Tlv<'_>, name: &str, length: usize, value: Option<&dyn Display>) -> fmt::Result {
    let pad = if name.len() < 8 { "\t" } else { "" };
    write!(f, "{}\t{name}\t{pad}{length}", t.tag)?;
    if let Some(v) = value {
        let mut s = String::new();
        let _ = write!(s, "{v}");
        let s = s.trim_end();
        if !s.is_empty() {
            write!(f, "\t{s}")?;
        }
    }
    writeln!(f)
}

/// A name as stored, up to its NUL, with invalid UTF-8 replaced.
fn name_text<'b>(t: &Tlv<'b>) -> std::borrow::Cow<'b, str> {
    t.text_lossy()
}

fn signature_dump(f: &mut Formatter<'_>, sig: &[u8]) -> fmt::Result {
    for chunk in sig.chunks(8) {
        // Cells of four columns, left-aligned (`{b:<4x}`), the last one not padded.
        let mut line = String::with_capacity(32);
        for (i, &b) in chunk.iter().enumerate() {
            let cell = line.len();
            text::push_lower_hex(&mut line, b);
            if i + 1 < chunk.len() {
                line.extend(std::iter::repeat_n(' ', 4 - (line.len() - cell)));
            }
        }
        writeln!(f, "{line}")?;
    }
    Ok(())
}

fn header_rows(f: &mut Formatter<'_>, header: &Header<'_>) -> fmt::Result {
    for item in header.items() {
        let t = match item {
            Ok(Item::Tlv(t)) => t,
            Ok(Item::Padding(_)) => continue,
            Err(_) => break,
        };
        let Some(name) = tag::header_name(t.tag) else {
            row(f, &t, "UNKNOWN", t.len(), None)?;
            continue;
        };
        match t.tag {
            tag::SIGNER_ID | tag::SIGNATURE_INFO | tag::SIGNATURE_ALGO_INFO => row(f, &t, name, 2, Some(&t.len()))?,
            tag::SIGNER_NAME | tag::CA_NAME => row(f, &t, name, t.len(), Some(&name_text(&t)))?,
            tag::SERIAL_NUMBER => row(f, &t, name, t.len(), Some(&text::colon_hex(t.value)))?,
            tag::SIGNATURE => {
                row(f, &t, name, t.len(), None)?;
                signature_dump(f, t.value)?;
            }
            tag::SIGNER_VERSION => match t.value {
                [a, b] => row(f, &t, name, t.len(), Some(&format_args!("{a}.{b}")))?,
                _ => row(f, &t, name, t.len(), None)?,
            },
            _ => row(f, &t, name, t.len(), None)?,
        }
    }
    Ok(())
}

fn record_rows(f: &mut Formatter<'_>, r: &Record<'_>) -> fmt::Result {
    for t in r.tlvs() {
        let Ok(t) = t else { break };
        let Some(name) = tag::record_name(t.tag) else {
            row(f, &t, "UNKNOWN", t.len(), None)?;
            continue;
        };
        match t.tag {
            tag::RECORD_LENGTH => row(f, &t, name, t.len(), t.as_u16().as_ref().map(|v| v as &dyn Display))?,
            tag::DNS_NAME | tag::SUBJECT_NAME | tag::ISSUER_NAME => row(f, &t, name, t.len(), Some(&name_text(&t)))?,
            tag::FUNCTION => row(f, &t, name, t.len(), t.as_u16().map(Role).as_ref().map(|v| v as &dyn Display))?,
            tag::RECORD_SERIAL_NUMBER => row(f, &t, name, t.len(), Some(&text::colon_hex(t.value)))?,
            tag::CERTIFICATE => {
                let h = text::spaced_hex(&sha1(t.value));
                row(f, &t, name, t.len(), Some(&format_args!("{h} (SHA1 Hash HEX)")))?
            }
            tag::CERT_HASH => row(f, &t, name, t.len(), Some(&text::spaced_hex(t.value)))?,
            tag::HASH_ALGORITHM => {
                row(f, &t, name, t.len(), t.as_u8().map(Digest::from_code).as_ref().map(|v| v as &dyn Display))?
            }
            _ => row(f, &t, name, t.len(), None)?,
        }
    }
    Ok(())
}

fn header_table(f: &mut Formatter<'_>, header: &Header<'_>) -> fmt::Result {
    match header.version() {
        Some((a, b)) => writeln!(f, "Version:\t{a}.{b}")?,
        None => writeln!(f, "Version:\t{}", hex::encode(header.version.value))?,
    }
    writeln!(f, "HeaderLength:\t{} (BYTES)", header.length())?;
    writeln!(f)?;
    f.write_str(TABLE_HEAD)?;
    header_rows(f, header)
}

/// Renders the header of a signed `.sgn` file in the same layout, then the payload size.
#[derive(Debug, Clone)]
pub struct ShowSigned<'l, 'a> {
    file: &'l SignedFile<'a>,
}

impl<'l, 'a> ShowSigned<'l, 'a> {
    /// The text for `file`.
    pub fn new(file: &'l SignedFile<'a>) -> Self {
        ShowSigned { file }
    }
}

impl Display for ShowSigned<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let c = Checksums::of(self.file.raw());
        writeln!(f, "{}(MD5)", hex::encode(c.md5))?;
        writeln!(f, "{}(SHA1)", hex::encode(c.sha1))?;
        writeln!(f, "Length of signed file: {}", self.file.raw().len())?;
        writeln!(f)?;
        header_table(f, &self.file.header)?;
        writeln!(f)?;
        if let Some(e) = self.file.encryption() {
            writeln!(
                f,
                "Encrypted config: the payload is encrypted for one phone; only the private key of the phone \
                 certificate named by <certHash> in the companion .sgn can read it."
            )?;
            let opt = |v: Option<String>| v.unwrap_or_else(|| "(missing)".into());
            writeln!(f, "IV:\t\t\t{}", opt(e.iv.map(hex::encode)))?;
            writeln!(f, "Padding:\t\t{}", opt(e.padding.map(|p| format!("{p} bytes"))))?;
            writeln!(f, "Key algorithm:\t\t{}", opt(e.key_algorithm_name()))?;
            writeln!(f, "Key size:\t\t{}", opt(e.key_size.map(|b| format!("{b} bits"))))?;
            writeln!(f, "Wrapped key:\t\t{}", opt(e.wrapped_key.map(|k| format!("{} bytes", k.len()))))?;
            writeln!(f, "Plain-text hash:\t{}", opt(e.hash_digest().map(|d| d.to_string())))?;
            writeln!(f, "Plain-text digest:\t{}", opt(e.hash.map(hex::encode)))?;
            writeln!(f)?;
            return writeln!(
                f,
                "Payload: {} bytes at byte {} (AES-128-CBC)",
                self.file.payload.len(),
                self.file.header.length()
            );
        }
        writeln!(f, "Payload: {} bytes at byte {}", self.file.payload.len(), self.file.header.length())?;
        if let Some(cisco) = crate::cisco::CiscoSigner::of(&self.file.header) {
            writeln!(f)?;
            writeln!(f, "This file is {cisco}.")?;
        }
        Ok(())
    }
}

/// Renders a Cisco phone image in the newer format ([`crate::image::Image`]) as `itlctl sgn
/// show` prints it: checksums, then the header fields, then where the payload is.
#[derive(Debug, Clone)]
pub struct ShowImage<'l, 'a> {
    image: &'l crate::image::Image<'a>,
}

impl<'l, 'a> ShowImage<'l, 'a> {
    /// The text for `image`.
    pub fn new(image: &'l crate::image::Image<'a>) -> Self {
        ShowImage { image }
    }
}

impl Display for ShowImage<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let i = self.image;
        let c = Checksums::of(i.raw());
        writeln!(f, "{}(MD5)", hex::encode(c.md5))?;
        writeln!(f, "{}(SHA1)", hex::encode(c.sha1))?;
        writeln!(f, "Length of image file: {}", i.raw().len())?;
        writeln!(f)?;
        writeln!(f, "Format:			Cisco phone image, 7800/8800 format (magic cd 34 12 ab), not a trust-list header")?;
        writeln!(f, "Header length:		{} (BYTES)", i.header_length)?;
        writeln!(f, "Payload length:		{} (BYTES)", i.payload.len())?;
        let name = String::from_utf8_lossy(i.name);
        writeln!(f, "File name:		{name}")?;
        writeln!(f, "Payload SHA-256:	{}", hex::encode(i.payload_sha256))?;
        let matches = if i.payload_matches() { "yes" } else { "NO: the payload was changed after Cisco signed it" };
        writeln!(f, "Payload matches:	{matches}")?;
        writeln!(
            f,
            "Signature:		{} bytes, Cisco's image-signing key (phones check it; itlctl cannot)",
            i.signature.len()
        )?;
        writeln!(f)?;
        writeln!(f, "Payload: {} bytes at byte {}", i.payload.len(), i.header_length)
    }
}

impl Display for Show<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let list = self.list;
        let k = self.kind.as_str();
        preamble(f, list.raw(), self.kind, self.modified.as_deref())?;
        header_table(f, &list.header)?;
        for (i, r) in list.records.iter().enumerate() {
            writeln!(f)?;
            writeln!(f, "\t{k} Record #:{}", i + 1)?;
            writeln!(f, "\t----")?;
            f.write_str(TABLE_HEAD)?;
            record_rows(f, r)?;
            if r.role() == Some(Role::SAST) {
                let used = if self.verification.signer_record == Some(i + 1) { "was" } else { "was not" };
                writeln!(f, "This etoken {used} used to sign the {k} file.")?;
            }
        }
        writeln!(f)?;
        // A record cut short by a fault can look empty: only a whole file is named.
        if self.error.is_none() && list.is_rollback() {
            writeln!(f, "{}", crate::trustlist::ROLLBACK_NOTE)?;
        }
        if let Some(e) = self.error {
            return parse_error_line(f, self.kind, e);
        }
        match (self.verification.status, &self.verification.reason) {
            (Status::Valid, _) => writeln!(f, "The {k} file was verified successfully."),
            (_, Some(reason)) => {
                writeln!(f, "The {k} file could not be verified: {}.", reason.to_string().trim_end_matches('.'))
            }
            (_, None) => writeln!(f, "The {k} file could not be verified."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Dump<'a>(&'a [u8]);
    impl Display for Dump<'_> {
        fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
            signature_dump(f, self.0)
        }
    }

    #[test]
    fn signature_dump_matches_cucm_10_5_cells() {
        // First line of the 118893 sample's dump: `bf  5   f2  74 …` style cells.
        let s = Dump(&[0x8f, 0xd4, 0x00, 0xcb, 0xa8, 0x23, 0xbc, 0xb0, 0x0f]).to_string();
        assert_eq!(s, "8f  d4  0   cb  a8  23  bc  b0\nf\n");
    }

    #[test]
    fn signature_dump_is_std_cells_trimmed() {
        // The table-driven dump against std's `{b:<4x}` cells with the line end trimmed.
        let bytes: Vec<u8> = (0..=255u8).chain([0, 16, 15, 255, 1]).collect();
        let want: String = bytes
            .chunks(8)
            .map(|c| c.iter().map(|b| format!("{b:<4x}")).collect::<String>().trim_end().to_owned() + "\n")
            .collect();
        assert_eq!(Dump(&bytes).to_string(), want);
    }
}
