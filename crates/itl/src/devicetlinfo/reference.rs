//! The reference files phones' reports are compared with, as a command line names them:
//! `[HOST=]FILE|DIR` (`itlctl devices --itl`, `itlctl serve --itl`, the Python `devices`).
//!
//! `HOST=` names the TFTP server that serves the file, as phones report it in
//! `ITL_TFTP_Server` / `CTL_TFTP_Server`; without it the file stands for any server. A
//! folder stands for the trust lists of the kind asked for in it (a TFTP folder).

use std::path::{Path, PathBuf};

use crate::folder::trust_list_name;
use crate::Kind;

/// One `[HOST=]FILE|DIR` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The TFTP server, or `None` for any.
    pub host: Option<String>,
    /// A file, a URL or a folder, as given.
    pub path: PathBuf,
}

impl Reference {
    /// Reads `[HOST=]FILE|DIR`: what comes before the first `=` is a host when it is not
    /// empty and holds no `/` or `\` (so `./a=b.tlv` and `C:\x=y\ITLFile.tlv` are paths).
    ///
    /// ```
    /// use itl::devicetlinfo::Reference;
    /// let r = Reference::parse("cucm-pub=/tftp/ITLFile.tlv");
    /// assert_eq!((r.host.as_deref(), r.path.to_str()), (Some("cucm-pub"), Some("/tftp/ITLFile.tlv")));
    /// assert_eq!(Reference::parse("./a=b.tlv").host, None);
    /// ```
    pub fn parse(arg: &str) -> Reference {
        match arg.split_once('=') {
            Some((h, f)) if !h.is_empty() && !h.contains(['/', '\\']) => {
                Reference { host: Some(h.to_owned()), path: f.into() }
            }
            _ => Reference { host: None, path: arg.into() },
        }
    }

    /// The files it names for trust lists of `kind`: see [`reference_files`].
    pub fn files(&self, kind: Kind) -> std::io::Result<Vec<PathBuf>> {
        reference_files(&self.path, kind)
    }
}

/// The files `path` names for trust lists of `kind`: `path` itself when it is not a folder
/// (a file, a URL, or a path that does not exist, for the reader to report); for a folder,
/// its `ITL*.tlv` (or `CTL*.tlv`) files, not its sub-folders', the cluster-wide
/// `ITLFile.tlv` / `CTLFile.tlv` first, then by name in any case. The extended ITL
/// (`ext_ITLSEP<MAC>.tlv`) is left out: phones report the hash of the ITL they installed
/// (`ITLSEP<MAC>.tlv` or `ITLFile.tlv`), and its undocumented layout would not parse strictly.
/// An error when the folder cannot be read; an empty list when it holds no such file.
pub fn reference_files(path: &Path, kind: Kind) -> std::io::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<(bool, String, PathBuf)> = crate::folder::trust_lists(path, false)?
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let n = trust_list_name(name).filter(|n| n.kind == kind && !n.extended)?;
            Some((!n.cluster_wide, name.to_ascii_lowercase(), p))
        })
        .collect();
    files.sort();
    Ok(files.into_iter().map(|(_, _, p)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_path() {
        let r = |a: &str| {
            let r = Reference::parse(a);
            (r.host, r.path.to_string_lossy().into_owned())
        };
        let some = |h: &str, p: &str| (Some(h.to_owned()), p.to_owned());
        let none = |p: &str| (None, p.to_owned());
        assert_eq!(r("pub=ITLFile.tlv"), some("pub", "ITLFile.tlv"));
        assert_eq!(r("10.0.0.1=/tftp"), some("10.0.0.1", "/tftp"));
        assert_eq!(r("pub=tftp://10.0.0.1/ITLFile.tlv"), some("pub", "tftp://10.0.0.1/ITLFile.tlv"));
        assert_eq!(r("pub=a=b.tlv"), some("pub", "a=b.tlv"));
        assert_eq!(r("pub="), some("pub", ""));
        assert_eq!(r("ITLFile.tlv"), none("ITLFile.tlv"));
        assert_eq!(r("=ITLFile.tlv"), none("=ITLFile.tlv"));
        assert_eq!(r("./a=b.tlv"), none("./a=b.tlv"));
        assert_eq!(r(r"C:\x=y\ITLFile.tlv"), none(r"C:\x=y\ITLFile.tlv"));
        assert_eq!(r("http://h/f?x=y"), none("http://h/f?x=y"));
        assert_eq!(r(""), none(""));
    }

    #[test]
    fn a_folder_gives_its_files_of_the_kind_cluster_wide_first() {
        let dir = std::env::temp_dir().join(format!("itl-reference-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in [
            "ITLSEP0A.tlv",
            "itlsep0b.tlv",
            "ITLFile.tlv",
            "CTLFile.tlv",
            "CTLSEP0A.tlv",
            "ext_ITLSEP0A.tlv",
            "ITL.tlv",
            "ITLFile.tlv.sgn",
            "sub/ITLSEP0C.tlv",
        ] {
            std::fs::write(dir.join(f), b"x").unwrap();
        }
        let names = |kind| -> Vec<String> {
            let r = Reference { host: None, path: dir.clone() };
            r.files(kind).unwrap().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
        };
        assert_eq!(names(Kind::Itl), ["ITLFile.tlv", "ITL.tlv", "ITLSEP0A.tlv", "itlsep0b.tlv"]);
        assert_eq!(names(Kind::Ctl), ["CTLFile.tlv", "CTLSEP0A.tlv"]);
        // A file, or a path that is not there, is itself, whatever its name.
        let file = dir.join("ITLFile.tlv.sgn");
        assert_eq!(reference_files(&file, Kind::Ctl).unwrap(), vec![file]);
        let missing = dir.join("missing");
        assert_eq!(reference_files(&missing, Kind::Itl).unwrap(), vec![missing]);
        let empty = dir.join("sub/empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(reference_files(&empty, Kind::Itl).unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
