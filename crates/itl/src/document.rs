//! Any file that starts with the trust-list header, taken for what it is: a trust list, a
//! signed file (`.sgn`, `.sha512`, `.enc.sgn`, Cisco's firmware and `.loads` manifests), a
//! Cisco phone image in the newer format ([`crate::image`]), or a broken file with what could
//! be read of it. This is where `itlctl show` decides what it is looking at, once, and renders it.

use core::fmt::{self, Display, Formatter};

use serde::Serialize;

use crate::cisco::CiscoSigner;
use crate::error::Error;
use crate::image::Image;
use crate::json::{FileErrorJson, ImageJson, ShowJson, SignedJson};
use crate::mode::Mode;
use crate::sgn::SignedFile;
use crate::show::{parse_error_line, preamble, Show, ShowImage, ShowSigned};
use crate::trustlist::{Kind, TrustList};
use crate::verify::{verify, Verification};

/// What a file turned out to be.
#[derive(Debug, Clone)]
pub enum Document<'a> {
    /// A trust list (strictly parsed; leniently for `ext_ITLSEP<MAC>.tlv`, whose layout is
    /// not documented), with its verdict.
    TrustList(TrustList<'a>, Verification),
    /// A signed file: the same header, then a payload instead of records.
    Signed(SignedFile<'a>),
    /// A Cisco phone image in the newer format (magic `cd 34 12 ab`).
    Image(Image<'a>),
    /// A file that cannot be read strictly: the error, and what lenient parsing recovered.
    Broken {
        /// Why strict parsing failed.
        error: Error,
        /// The lenient parse, when there was one, with its verdict.
        recovered: Option<(TrustList<'a>, Verification)>,
        /// The whole input.
        raw: &'a [u8],
    },
}

/// Whether a file name is one of the signed-file kinds (`.sgn`, `.sha512`).
fn signed_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".sgn") || n.ends_with(".sha512")
}

/// Whether a file name is an extended ITL (`ext_ITLSEP<MAC>.tlv`), read leniently: the
/// rule of [`crate::folder`].
fn extended_name(name: &str) -> bool {
    crate::folder::trust_list_name(name).is_some_and(|n| n.extended)
}

/// What to tell someone who gave `bytes` where a trust list belongs, strict parsing having
/// failed with `e`: a signed file is named as one, with the command that checks it;
/// a file that does not start as every trust list and signed file does (tag 1, VERSION)
/// is named as no such file; anything else gets the error and where it is.
pub fn not_a_trust_list(bytes: &[u8], file: Option<&str>, e: &Error) -> String {
    let check = format!("check it with `itlctl sgn verify {} --itl ITLFile.tlv`", file.unwrap_or("FILE"));
    match Document::read(bytes, file) {
        Document::Signed(_) => format!("a signed file, not a trust list: {check}"),
        Document::Image(_) => format!("{}, not a trust list: {check}", crate::sniff::IMAGE),
        Document::Broken { error, .. } if crate::image::is_image(bytes) => {
            format!("{} whose header does not add up: {}", crate::sniff::IMAGE, error.located())
        }
        _ => match bytes.first() {
            Some(&b) if b != crate::tag::VERSION && !matches!(e, Error::NotBinary { .. }) => format!(
                "not a trust list or signed file (they start with tag 1, VERSION; this starts with byte {b:#04x}): {}",
                e.located()
            ),
            _ => e.located(),
        },
    }
}

impl<'a> Document<'a> {
    /// Reads `bytes`; `file_name` (the name the user gave) helps tell the kinds apart.
    pub fn read(bytes: &'a [u8], file_name: Option<&str>) -> Self {
        let name = file_name.unwrap_or("");
        if crate::image::is_image(bytes) {
            return match Image::parse(bytes) {
                Ok(i) => Document::Image(i),
                Err(error) => Document::Broken { error, recovered: None, raw: bytes },
            };
        }
        let error = match TrustList::parse(bytes) {
            Ok(list) => {
                let v = verify(&list);
                return Document::TrustList(list, v);
            }
            Err(e) => e,
        };
        if let Ok(f) = SignedFile::parse(bytes) {
            let not_a_list_version = f.header.version() != Some((1, 2));
            if signed_name(name) || not_a_list_version {
                return Document::Signed(f);
            }
        }
        let recovered = TrustList::parse_with(bytes, Mode::Lenient).ok().map(|l| {
            let v = verify(&l);
            (l, v)
        });
        match recovered {
            Some((list, v)) if extended_name(name) => Document::TrustList(list, v),
            recovered => Document::Broken { error, recovered, raw: bytes },
        }
    }

    /// ITL or CTL wording for this file (header FILENAME, else `file_name`, else ITL).
    pub fn kind(&self, file_name: Option<&str>) -> Kind {
        match self {
            Document::TrustList(l, _) | Document::Broken { recovered: Some((l, _)), .. } => l.kind(file_name),
            _ => file_name.and_then(Kind::from_file_name).unwrap_or(Kind::Itl),
        }
    }

    /// The text `itlctl show` prints; `modified` is the file's mtime in CUCM's format.
    pub fn show<'d>(&'d self, file_name: Option<&'d str>, modified: Option<String>) -> ShowDocument<'d, 'a> {
        ShowDocument { doc: self, file_name, modified }
    }

    /// The JSON `itlctl show --json` prints (`file` is the name the user gave, or null).
    pub fn json(&self, file: Option<&str>) -> DocumentJson {
        let name = file.unwrap_or("");
        match self {
            Document::TrustList(l, v) => DocumentJson::TrustList(Box::new(ShowJson::new(name, l.kind(file), l, v))),
            Document::Signed(f) => {
                DocumentJson::Signed(Box::new(SignedShowJson { kind: "signed", signed: SignedJson::new(name, f) }))
            }
            Document::Image(i) => {
                DocumentJson::Image(Box::new(ImageShowJson { kind: "cisco-image", image: ImageJson::new(name, i) }))
            }
            Document::Broken { error, .. } => DocumentJson::Error(FileErrorJson::new(name, error)),
        }
    }
}

/// Whether `bytes` (a whole file or its first part) start as a signed file or a Cisco phone
/// image: the kinds that run to megabytes, where no trust list does (phones refuse trust lists
/// over 64 KiB).
pub fn may_be_large(bytes: &[u8]) -> bool {
    crate::image::is_image(bytes) || SignedFile::parse(bytes).is_ok_and(|f| f.header.version() != Some((1, 2)))
}

/// Why a file is refused as larger than `limit` bytes, from its first bytes `prefix`: says
/// what the file is (a signed file and its name, a Cisco image, a ZIP archive, …).
pub fn too_large(prefix: &[u8], limit: u64) -> String {
    let mib = limit / (1024 * 1024);
    let hash = "for its checksums use `itlctl hash`";
    if crate::image::is_image(prefix) {
        let name = crate::image::file_name(prefix).map(|n| format!(" ({n})")).unwrap_or_default();
        return format!("larger than {mib} MiB, the most itlctl reads: {}{name}; {hash}", crate::sniff::IMAGE);
    }
    if let Some(f) = SignedFile::parse_with(prefix, Mode::Lenient).ok().filter(|f| f.header.version() != Some((1, 2))) {
        let name = f.header.file_name().map(|n| format!(" {}", n.trim_end_matches('\0'))).unwrap_or_default();
        let by = CiscoSigner::of(&f.header).map(|c| format!(", {c}")).unwrap_or_default();
        return format!("larger than {mib} MiB, the most itlctl reads: the signed file{name}{by}; {hash}");
    }
    let what = crate::sniff::describe(prefix).map(|w| format!("{w}, ")).unwrap_or_default();
    format!(
        "larger than {mib} MiB: {what}not a trust list or signed file (a trust list is at most 64 KiB); for any \
         file's checksums use `itlctl hash`"
    )
}

/// `show --json` of a signed file: the `sgn show --json` object with `"kind": "signed"`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignedShowJson {
    /// Always `signed`.
    pub kind: &'static str,
    /// The header and payload description.
    #[serde(flatten)]
    pub signed: SignedJson,
}

/// `show --json` of a Cisco phone image: the `sgn show --json` object with `"kind": "cisco-image"`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImageShowJson {
    /// Always `cisco-image`.
    pub kind: &'static str,
    /// The header fields.
    #[serde(flatten)]
    pub image: ImageJson,
}

/// The JSON of a [`Document`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum DocumentJson {
    /// `itlctl show --json` of a trust list.
    TrustList(Box<ShowJson>),
    /// Of a signed file.
    Signed(Box<SignedShowJson>),
    /// Of a Cisco phone image in the newer format.
    Image(Box<ImageShowJson>),
    /// Of a file that cannot be parsed: `{"file", "error"}`.
    Error(FileErrorJson),
}

/// Renders a [`Document`] as `itlctl show` prints it.
#[derive(Debug, Clone)]
pub struct ShowDocument<'d, 'a> {
    doc: &'d Document<'a>,
    file_name: Option<&'d str>,
    modified: Option<String>,
}

impl Display for ShowDocument<'_, '_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let kind = self.doc.kind(self.file_name);
        match self.doc {
            Document::TrustList(l, v) => Show::new(l, v).kind(kind).modified(self.modified.clone()).fmt(f),
            Document::Signed(s) if CiscoSigner::of(&s.header).is_some() => {
                ShowSigned::new(s).fmt(f)?;
                writeln!(f)?;
                writeln!(f, "This is a signed file, not a trust list.")
            }
            Document::Image(i) => {
                ShowImage::new(i).fmt(f)?;
                writeln!(f)?;
                writeln!(
                    f,
                    "This is a Cisco phone image, not a trust list: `itlctl sgn verify {} --itl ITLFile.tlv` checks its \
                     payload against the SHA-256 in its header.",
                    self.file_name.unwrap_or("FILE")
                )
            }
            Document::Signed(s) => {
                ShowSigned::new(s).fmt(f)?;
                writeln!(f)?;
                writeln!(
                    f,
                    "This is a signed file, not a trust list: check its signature as a phone does with `itlctl sgn verify {} --itl ITLFile.tlv`.",
                    self.file_name.unwrap_or("FILE")
                )
            }
            Document::Broken { error, recovered: Some((l, v)), .. } => {
                Show::new(l, v).kind(kind).modified(self.modified.clone()).parse_error(Some(error)).fmt(f)
            }
            // Text given for a binary file, or a damaged Cisco image: the error line on stderr
            // says it all.
            Document::Broken { error: Error::NotBinary { .. }, recovered: None, .. } => Ok(()),
            Document::Broken { recovered: None, raw, .. } if crate::image::is_image(raw) => Ok(()),
            Document::Broken { error, recovered: None, raw } => {
                preamble(f, raw, kind, self.modified.as_deref())?;
                parse_error_line(f, kind, error)
            }
        }
    }
}
