//! Cisco's own signer: the files Cisco signs itself, which administrators put on the TFTP
//! servers beside the trust lists (firmware `.sbn`, `.sb2`, `.sbin`, `.zz.sgn`, the `.loads`
//! manifests) or install on CUCM (`.cop.sgn` packages).
//!
//! Their headers are the trust-list header of a signed file, but the signer is not a
//! certificate of any cluster: every firmware image and load manifest names the same
//! placeholder signer ([`IMAGE_SIGNER`], serial [`IMAGE_SERIAL`], issuer [`IMAGE_ISSUER`]),
//! and COP packages name their key as `PT=…;KT=…`. Phones check firmware against Cisco's
//! image-signing key, which they carry in their own firmware; CUCM checks a COP package when it
//! installs it. No trust list holds either key, so a verifier here can say whose signature it
//! is and no more. The newer image format (`cd 34 12 ab`) is read by [`crate::image`].
//!
//! See `docs/cisco-images.md` for the files these facts come from.

use core::fmt;

use crate::header::Header;

/// The SIGNERNAME of every Cisco firmware image and load manifest (without its NUL).
pub const IMAGE_SIGNER: &str = "CN=someSigner;OU=someOrgUnit;O=someOrg";

/// The CANAME (issuer) of every Cisco firmware image and load manifest.
pub const IMAGE_ISSUER: &str = "CN=someCA;OU=someOrgUnit;O=someOrg";

/// The SERIALNUMBER of every Cisco firmware image and load manifest: `12:34:56:78:90:AB:CD:EF`.
pub const IMAGE_SERIAL: [u8; 8] = [0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef];

/// Which of Cisco's own keys signed a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CiscoSigner {
    /// Cisco's image-signing key, named by the placeholder signer [`IMAGE_SIGNER`] with serial
    /// [`IMAGE_SERIAL`]: firmware images and `.loads` manifests.
    Image,
    /// A COP package's key, named `PT=<product>;KT=<key>`.
    Cop {
        /// The `PT=` value.
        product: String,
        /// The `KT=` value.
        key: String,
    },
    /// The signature of the newer image format ([`crate::image::Image`]), whose payload
    /// SHA-256 matches its header.
    NewImage,
}

impl CiscoSigner {
    /// Cisco's signer named by `header`, if it is one: the placeholder image signer (name
    /// and serial both), or a COP package's `PT=…;KT=…` name. A header whose FILENAME ends
    /// in `.xml` is a config file, which phones check against their trust list: never Cisco's.
    pub fn of(header: &Header<'_>) -> Option<Self> {
        // Config files (`SEP….cnf.xml`, dial plans, ring lists) are signed by the cluster's
        // TFTP key and checked against the trust list, whatever signer they name.
        if header.file_name().is_some_and(|n| n.trim_end_matches('\0').to_ascii_lowercase().ends_with(".xml")) {
            return None;
        }
        let name = header.signer_name()?.trim_end_matches('\0');
        if name == IMAGE_SIGNER && header.serial() == Some(&IMAGE_SERIAL[..]) {
            return Some(CiscoSigner::Image);
        }
        let (product, key) = cop_name(name)?;
        Some(CiscoSigner::Cop { product: product.to_owned(), key: key.to_owned() })
    }

    /// A short stable name: `image`, `cop` or `new-image`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CiscoSigner::Image => "image",
            CiscoSigner::Cop { .. } => "cop",
            CiscoSigner::NewImage => "new-image",
        }
    }
}

/// The `PT` and `KT` values of a COP package's signer name (`PT=…;KT=…`, more `;`-separated
/// parts allowed, in any order); `None` when `name` lacks either.
pub fn cop_name(name: &str) -> Option<(&str, &str)> {
    let part = |key: &str| name.split(';').find_map(|p| p.trim().strip_prefix(key)).filter(|v| !v.is_empty());
    Some((part("PT=")?, part("KT=")?))
}

/// What the verdict says: whose key it is and why it is not checked here.
impl fmt::Display for CiscoSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CiscoSigner::Image => write!(
                f,
                "signed by Cisco's image-signing key ({IMAGE_SIGNER}, serial {}), which phones carry in their own \
                 firmware; no trust list holds it, so the signature is not checked here",
                crate::text::colon_hex(&IMAGE_SERIAL)
            ),
            CiscoSigner::Cop { product, key } => write!(
                f,
                "signed by Cisco's COP-package key (PT={product};KT={key}), which CUCM checks when it installs the \
                 package; no trust list holds it, so the signature is not checked here"
            ),
            CiscoSigner::NewImage => f.write_str(
                "signed by Cisco's image-signing key, which phones carry in their own firmware: the payload matches \
                 the SHA-256 in the header, but the signature itself is not checkable here",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cop_names_need_both_parts() {
        assert_eq!(cop_name("PT=UCM;KT=REL"), Some(("UCM", "REL")));
        assert_eq!(cop_name("KT=DEV; PT=UCM;CN=x"), Some(("UCM", "DEV")));
        assert_eq!(cop_name("PT=UCM"), None);
        assert_eq!(cop_name("PT=;KT=REL"), None);
        assert_eq!(cop_name(IMAGE_SIGNER), None);
        assert_eq!(cop_name("CN=cucm;OU=PT=x"), None);
    }
}
