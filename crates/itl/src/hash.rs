//! Whole-file checksums (what `show itl` prints and phones report) and signature digests.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha512};

use crate::role::Digest;

/// MD5, SHA-1, SHA-256 and SHA-512 of a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksums {
    /// MD5 (16 bytes).
    pub md5: [u8; 16],
    /// SHA-1 (20 bytes).
    pub sha1: [u8; 20],
    /// SHA-256 (32 bytes).
    pub sha256: [u8; 32],
    /// SHA-512 (64 bytes).
    pub sha512: [u8; 64],
}

impl Checksums {
    /// Hashes `bytes` with the four algorithms.
    pub fn of(bytes: &[u8]) -> Self {
        Checksums {
            md5: Md5::digest(bytes).into(),
            sha1: sha1(bytes),
            sha256: Sha256::digest(bytes).into(),
            sha512: Sha512::digest(bytes).into(),
        }
    }
}

/// MD5 and SHA-1 of a whole file: the two `show itl` prints.
#[cfg(feature = "verify")]
pub(crate) fn md5_sha1(bytes: &[u8]) -> ([u8; 16], [u8; 20]) {
    (Md5::digest(bytes).into(), sha1(bytes))
}

/// The four whole-file digests computed over a stream, so a file of any size hashes in
/// constant memory.
#[derive(Debug, Clone, Default)]
pub struct Hasher {
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
    sha512: Sha512,
}

impl Hasher {
    /// A hasher that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.md5.update(bytes);
        self.sha1.update(bytes);
        self.sha256.update(bytes);
        self.sha512.update(bytes);
    }

    /// The digests of everything fed.
    pub fn finish(self) -> Checksums {
        Checksums {
            md5: self.md5.finalize().into(),
            sha1: self.sha1.finalize().into(),
            sha256: self.sha256.finalize().into(),
            sha512: self.sha512.finalize().into(),
        }
    }
}

/// Hashes the concatenation of `parts` with `digest`; `None` for an unknown digest.
pub fn digest_parts(digest: Digest, parts: &[&[u8]]) -> Option<Vec<u8>> {
    fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
        let mut h = D::new();
        for p in parts {
            h.update(p);
        }
        h.finalize().to_vec()
    }
    match digest {
        Digest::Sha1 => Some(run::<Sha1>(parts)),
        Digest::Sha256 => Some(run::<Sha256>(parts)),
        Digest::Sha512 => Some(run::<Sha512>(parts)),
        Digest::Unknown(_) => None,
    }
}

/// SHA-1 of `bytes`, as CUCM prints for a CERTIFICATE row and for the whole file.
///
/// With AWS-LC this is AWS-LC's SHA-1: AWS-LC learnt the CPU's features when the program
/// started, where the `sha1` crate would ask again (two CPUID instructions, each a trap to the
/// hypervisor in a VM, which cost more than hashing a trust list).
pub fn sha1(bytes: &[u8]) -> [u8; 20] {
    #[cfg(feature = "aws-lc")]
    {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes);
        let mut out = [0u8; 20];
        out.iter_mut().zip(d.as_ref()).for_each(|(o, b)| *o = *b);
        out
    }
    #[cfg(not(feature = "aws-lc"))]
    Sha1::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        // FIPS 180 / RFC 1321 test vectors for "abc".
        let c = Checksums::of(b"abc");
        assert_eq!(hex::encode(c.md5), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex::encode(c.sha1), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex::encode(c.sha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(hex::encode(c.sha512).starts_with("ddaf35a193617aba"));
        assert_eq!(digest_parts(Digest::Sha1, &[b"a", b"bc"]).unwrap(), c.sha1.to_vec());
        assert_eq!(sha1(b"abc"), c.sha1);
        assert_eq!(digest_parts(Digest::Unknown(7), &[b"abc"]), None);
        let mut h = Hasher::new();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), c);
    }
}
