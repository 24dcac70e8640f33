//! The comparison: a reported hash, normalised, against the file a TFTP server serves, in
//! CUCM 14's words (`Match`, `Mismatch`, `Not Installed`, `Unknown`).

use serde::Serialize;

use crate::hash::Checksums;

/// A hash as a phone reports it, normalised: case, spaces and colons ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    /// The phone has no such trust list.
    NotInstalled,
    /// Bytes of a hash of a length that names its algorithm (16, 20, 32 or 64).
    Hash(Vec<u8>),
    /// Empty, `N/A`, or not a hash.
    Unusable,
}

/// Lower-case hex of a reported hash (at most 64 bytes, as [`hash_bytes`] gives them),
/// through a buffer: `hex::encode` builds its string a char at a time.
pub(crate) fn lower_hex(b: &[u8]) -> String {
    let mut buf = [0u8; 128];
    match buf.get_mut(..2 * b.len()).map(|out| hex::encode_to_slice(b, out).map(|()| out)) {
        Some(Ok(out)) => String::from_utf8_lossy(out).into_owned(),
        _ => hex::encode(b),
    }
}

/// The bytes of a reported hash (spaces, colons, tabs and dashes ignored, any case), when it
/// is 16, 20, 32 or 64 bytes long; no allocation.
pub(crate) fn hash_bytes(v: &str) -> Option<([u8; 64], usize)> {
    let mut out = [0u8; 64];
    let (mut n, mut half) = (0usize, None::<u8>);
    for &c in v.as_bytes() {
        let d = match c {
            b' ' | b':' | b'\t' | b'-' => continue,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        match half.take() {
            None => half = Some(d),
            Some(h) => {
                *out.get_mut(n)? = h << 4 | d;
                n += 1;
            }
        }
    }
    (half.is_none() && matches!(n, 16 | 20 | 32 | 64)).then_some((out, n))
}

/// Normalises a reported `ITL_Signature` / `CTL_Signature`.
pub fn normalize(value: Option<&str>) -> Reported {
    let Some(v) = value.map(str::trim) else { return Reported::Unusable };
    if v.eq_ignore_ascii_case("Not Installed") {
        return Reported::NotInstalled;
    }
    match hash_bytes(v) {
        Some((b, n)) => Reported::Hash(b[..n].to_vec()),
        None => Reported::Unusable,
    }
}

/// Status of one trust list on one phone, in CUCM 14's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Status {
    /// The phone holds the file the server serves.
    Match,
    /// It holds another one.
    Mismatch,
    /// It holds none.
    #[serde(rename = "Not Installed")]
    NotInstalled,
    /// No file given for that server, or no usable hash.
    Unknown,
}

impl Status {
    /// `Match`, `Mismatch`, `Not Installed`, `Unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Match => "Match",
            Status::Mismatch => "Mismatch",
            Status::NotInstalled => "Not Installed",
            Status::Unknown => "Unknown",
        }
    }
}

/// A trust list served by a TFTP server (`None` = by any server).
#[derive(Debug, Clone)]
pub struct Served {
    /// The TFTP server's name as phones report it; `None` for any.
    pub host: Option<String>,
    /// Where the file came from, for the output.
    pub label: String,
    /// Its whole-file digests.
    pub checksums: Checksums,
}

/// The file `served` for `server`: the one named for it, else one for any server.
fn served_for<'s>(served: &'s [Served], server: Option<&str>) -> Option<&'s Served> {
    let server = server.map(str::trim).unwrap_or("");
    served
        .iter()
        .find(|s| s.host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(server)))
        .or_else(|| served.iter().find(|s| s.host.is_none()))
}

/// Compares normalised hash bytes (`None`: not a hash) with the file served by `server`.
pub(super) fn compare_hash<'s>(
    served: &'s [Served],
    server: Option<&str>,
    hash: Option<&[u8]>,
) -> (Status, Option<&'s str>) {
    let Some(f) = served_for(served, server) else { return (Status::Unknown, None) };
    let Some(h) = hash else { return (Status::Unknown, Some(&f.label)) };
    let c = &f.checksums;
    let same = match h.len() {
        16 => h == c.md5,
        20 => h == c.sha1,
        32 => h == c.sha256,
        _ => h == c.sha512,
    };
    (if same { Status::Match } else { Status::Mismatch }, Some(&f.label))
}

/// Compares a reported hash with the file served by `server`. Returns the status and the
/// label of the file compared with.
pub fn compare<'s>(served: &'s [Served], server: Option<&str>, reported: Option<&str>) -> (Status, Option<&'s str>) {
    compare_reported(served, server, &normalize(reported))
}

/// [`compare`] of a value already normalised.
pub(crate) fn compare_reported<'s>(
    served: &'s [Served],
    server: Option<&str>,
    reported: &Reported,
) -> (Status, Option<&'s str>) {
    match reported {
        Reported::NotInstalled => (Status::NotInstalled, None),
        Reported::Hash(h) => compare_hash(served, server, Some(h)),
        Reported::Unusable => compare_hash(served, server, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_normalise() {
        assert_eq!(normalize(Some("Not Installed")), Reported::NotInstalled);
        assert_eq!(normalize(Some("N/A")), Reported::Unusable);
        assert!(
            matches!(normalize(Some("1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6D ")), Reported::Hash(h) if h.len() == 20)
        );
        assert!(
            matches!(normalize(Some("1b:a1:c9:07:e9:9e:4d:3c:53:9d:c8:14:24:af:6c:9f")), Reported::Hash(h) if h.len() == 16)
        );
        assert_eq!(normalize(Some("1B A1")), Reported::Unusable);
        assert_eq!(normalize(Some("1B A1 C9 07 E9 9E 4D 3C 53 9D C8 14 24 AF 6C 9F 7D CE 4D 6")), Reported::Unusable);
        assert_eq!(normalize(Some(&"ab".repeat(65))), Reported::Unusable);
        assert_eq!(normalize(Some("")), Reported::Unusable);
    }

    #[test]
    fn hash_bytes_agree_with_hex_decode() {
        // The `hex` crate is the reference for what a hash string decodes to.
        for s in ["00112233445566778899aabbccddeeff", "0-0:1 1\t22 33445566778899AABBCCDDEEFF", "0g", "abc", ""] {
            let stripped: String = s.chars().filter(|c| !matches!(c, ' ' | ':' | '\t' | '-')).collect();
            let want = hex::decode(stripped).ok().filter(|b| matches!(b.len(), 16 | 20 | 32 | 64));
            assert_eq!(hash_bytes(s).map(|(b, n)| b[..n].to_vec()), want, "{s}");
        }
    }
}
