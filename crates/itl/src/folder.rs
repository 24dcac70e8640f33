//! What a TFTP folder holds: which file names are trust lists, and the trust lists of a
//! folder. The one rule every command, the server and the Python package use.
//!
//! CUCM's TFTP service serves the cluster-wide `ITLFile.tlv` and `CTLFile.tlv`, one
//! `ITLSEP<MAC>.tlv` / `CTLSEP<MAC>.tlv` a phone, and, to phones on 12.x firmware and later,
//! the extended ITL `ext_ITLSEP<MAC>.tlv` (port 6971; its layout is not documented, so it is
//! read leniently). A file is taken for a trust list by its name, as a TFTP folder names them:
//! `ITL*.tlv`, `CTL*.tlv` or `ext_ITL*.tlv`, in any case, with exactly the `.tlv` extension
//! (`ITLFile.tlv.sgn`, `ITLFile.tlv.bak` and `ITLFile.tlv~` are not trust lists). No source
//! names an extended CTL, so `ext_CTL*.tlv` is not taken for one.
//!
//! ```
//! use itl::folder::trust_list_name;
//! use itl::Kind;
//! let n = trust_list_name("/tftp/ext_ITLSEP001122334455.tlv").unwrap();
//! assert_eq!((n.kind, n.extended, n.cluster_wide), (Kind::Itl, true, false));
//! assert!(trust_list_name("CTLFile.TLV").is_some_and(|n| n.cluster_wide));
//! assert_eq!(trust_list_name("SEP001122334455.cnf.xml.sgn"), None);
//! ```

use std::path::{Path, PathBuf};

use crate::trustlist::Kind;

/// What a trust list's file name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrustListName {
    /// `ITL…` or `CTL…`.
    pub kind: Kind,
    /// The extended ITL, `ext_ITLSEP<MAC>.tlv`.
    pub extended: bool,
    /// The cluster-wide file, `ITLFile.tlv` or `CTLFile.tlv` (not a phone's own).
    pub cluster_wide: bool,
}

/// What the file name (the last part of `name`, after any `/` or `\`) says of a trust list:
/// `None` when it is not one (see the [module](self) for the rule).
pub fn trust_list_name(name: &str) -> Option<TrustListName> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).as_bytes();
    let has =
        |at: usize, what: &str| base.get(at..at + what.len()).is_some_and(|b| b.eq_ignore_ascii_case(what.as_bytes()));
    let extended = has(0, "ext_");
    let at = if extended { 4 } else { 0 };
    let kind = if has(at, "ITL") {
        Kind::Itl
    } else if has(at, "CTL") && !extended {
        Kind::Ctl
    } else {
        return None;
    };
    // The kind's three letters and `.tlv` may not overlap (`ITLtlv`, `ITL.tl` are not names).
    if base.len() < at + 3 + 4 || !has(base.len() - 4, ".tlv") {
        return None;
    }
    let cluster_wide = !extended && base.len() == 11 && has(3, "File.tlv");
    Some(TrustListName { kind, extended, cluster_wide })
}

/// Whether a file name (any folder) is a trust list's: [`trust_list_name`] says what it is.
pub fn is_trust_list_name(name: &str) -> bool {
    trust_list_name(name).is_some()
}

/// The trust lists in folder `dir` ([`is_trust_list_name`]), sorted by path; `recursive`
/// descends into sub-folders, in the same order, but not through links to folders (a link
/// may lead back up). Links to files are listed like files. An error when `dir`, or a
/// sub-folder, cannot be read.
pub fn trust_lists(dir: &Path, recursive: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, recursive, &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        entries.push((e.path(), e.file_type().is_ok_and(|t| t.is_dir())));
    }
    entries.sort();
    for (p, real_dir) in entries {
        if p.is_dir() {
            if recursive && real_dir {
                walk(&p, recursive, out)?;
            }
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(is_trust_list_name) {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, kind, extended, cluster-wide): the names CUCM's TFTP folder uses (docs/format.md, section 2,
    /// §12: `ITLFile.tlv`, `ITLSEP<MAC>.tlv`, `CTLFile.tlv`, `CTLSEP<MAC>.tlv`,
    /// `ext_ITLSEP<MAC>.tlv`) and the cases the three former copies disagreed on.
    type Want = Option<(Kind, bool, bool)>;

    const NAMES: &[(&str, Want)] = &[
        ("ITLFile.tlv", Some((Kind::Itl, false, true))),
        ("CTLFile.tlv", Some((Kind::Ctl, false, true))),
        ("ITLSEP001122334455.tlv", Some((Kind::Itl, false, false))),
        ("CTLSEP001122334455.tlv", Some((Kind::Ctl, false, false))),
        // The CLI took it, the server and the example did not.
        ("ext_ITLSEP886588656002.tlv", Some((Kind::Itl, true, false))),
        ("EXT_itlsep886588656002.TLV", Some((Kind::Itl, true, false))),
        // The CLI took an extended CTL too: no source names one.
        ("ext_CTLSEP001122334455.tlv", None),
        ("ext_ITLFile.tlv", Some((Kind::Itl, true, false))),
        // Case: every copy ignored it.
        ("itlfile.TLV", Some((Kind::Itl, false, true))),
        ("ctlFILE.Tlv", Some((Kind::Ctl, false, true))),
        // `ITL*.tlv` with an empty `*`: the server wanted more than 7 characters.
        ("ITL.tlv", Some((Kind::Itl, false, false))),
        ("ext_ITL.tlv", Some((Kind::Itl, true, false))),
        ("ITL_old (1).tlv", Some((Kind::Itl, false, false))),
        // Other extensions, and names that only start or end right.
        ("ITLFile.tlv.sgn", None),
        ("ITLFile.tlv.bak", None),
        ("ITLFile.tlv~", None),
        ("ITLFile.tl", None),
        ("ITLFile", None),
        ("ITLtlv", None),
        ("ITL", None),
        ("ext_", None),
        ("", None),
        ("SEP001122334455.cnf.xml.sgn", None),
        ("oldITLFile.tlv", None),
        ("ext-ITLSEP001122334455.tlv", None),
        ("._ITLFile.tlv", None),
        ("TLV.tlv", None),
        // Not ASCII: no panic, and the rule still holds (the server sliced bytes here).
        ("ITLé.tlv", Some((Kind::Itl, false, false))),
        ("éITL.tlv", None),
        ("ITL.tlé", None),
        ("ééé.tlv", None),
    ];

    #[test]
    fn trust_list_names() {
        for &(name, want) in NAMES {
            let got = trust_list_name(name).map(|n| (n.kind, n.extended, n.cluster_wide));
            assert_eq!(got, want, "{name}");
            assert_eq!(is_trust_list_name(name), want.is_some(), "{name}");
        }
    }

    #[test]
    fn only_the_last_part_of_a_path_counts() {
        assert_eq!(trust_list_name("/tftp/ITLFile.tlv").map(|n| n.kind), Some(Kind::Itl));
        assert_eq!(trust_list_name(r"C:\tftp\CTLSEP0011.tlv").map(|n| n.kind), Some(Kind::Ctl));
        assert_eq!(trust_list_name("ITL.d/readme.txt"), None);
        assert_eq!(trust_list_name("/tftp/ITLFile.tlv/"), None);
        // The kind agrees with `Kind::from_file_name` wherever that one gives a kind.
        for &(name, want) in NAMES {
            if let (Some(k), Some((kind, false, _))) = (Kind::from_file_name(name), want) {
                assert_eq!(k, kind, "{name}");
            }
        }
    }

    #[test]
    fn a_folder_lists_its_trust_lists_in_order() {
        let dir = std::env::temp_dir().join(format!("itl-folder-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
        for f in ["ITLSEP2.tlv", "CTLFile.tlv", "notes.txt", "ITLFile.tlv.sgn", "ext_ITLSEP1.tlv", "sub/ITLFile.tlv"] {
            std::fs::write(dir.join(f), b"x").unwrap();
        }
        std::fs::write(dir.join("sub/deeper/ctlsep3.TLV"), b"x").unwrap();
        // A folder named like a trust list is not one.
        std::fs::create_dir_all(dir.join("ITLdir.tlv")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).unwrap();
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter().map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/")).collect()
        };
        assert_eq!(names(trust_lists(&dir, false).unwrap()), ["CTLFile.tlv", "ITLSEP2.tlv", "ext_ITLSEP1.tlv"]);
        assert_eq!(
            names(trust_lists(&dir, true).unwrap()),
            ["CTLFile.tlv", "ITLSEP2.tlv", "ext_ITLSEP1.tlv", "sub/ITLFile.tlv", "sub/deeper/ctlsep3.TLV"]
        );
        assert!(trust_lists(&dir.join("missing"), false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
