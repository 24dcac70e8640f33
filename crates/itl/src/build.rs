//! Writing trust lists in CUCM's layout, and signing them.
//!
//! Header order `1, 2, [28], 3{4, 5, 6}, 7{8, 9{10, 11}}, 12, 14, 15`, then PADDING bytes to a
//! multiple of 4; records `1, 2, 3, 4, 5, 6, 7, 8, 9[, 10]` (CTL records carry 10, TVS and
//! CAPF records may carry 11 + 12 instead of 9).

use core::fmt;
use core::net::Ipv4Addr;

use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;

use crate::cert::{cucm_name, key_matches, parse as parse_cert, serial_bytes};
use crate::error::{CryptoError, Result};
use crate::hash::digest_parts;
use crate::role::{Digest, Role};
use crate::tag;
use crate::tlv::put_tlv;
use crate::trustlist::{Kind, TrustList};

/// The signer fields of a header: certificate subject, serial number and issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerId {
    /// Subject, as CUCM writes it (`CN=…;OU=…`).
    pub name: String,
    /// Serial number, unsigned big-endian without a sign byte.
    pub serial: Vec<u8>,
    /// Issuer, as CUCM writes it.
    pub issuer: String,
}

impl SignerId {
    /// Takes the signer fields from a DER certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self> {
        let cert = parse_cert(der)?;
        Ok(SignerId {
            name: cucm_name(cert.subject()),
            serial: serial_bytes(cert.raw_serial()),
            issuer: cucm_name(cert.issuer()),
        })
    }
}

/// One record under construction: TLVs in the order they are added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordBuilder {
    tlvs: Vec<(u8, Vec<u8>)>,
}

fn c_string(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

impl RecordBuilder {
    /// An empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// The record CUCM writes for a certificate: DNSNAME, SUBJECTNAME, FUNCTION, ISSUERNAME,
    /// SERIALNUMBER, PUBLICKEY, SIGNATURE and CERTIFICATE.
    pub fn from_certificate(role: Role, der: &[u8], dns_name: &str) -> Result<Self> {
        let cert = parse_cert(der)?;
        Ok(RecordBuilder::new()
            .dns_name(dns_name)
            .subject(&cucm_name(cert.subject()))
            .role(role)
            .issuer(&cucm_name(cert.issuer()))
            .serial(&serial_bytes(cert.raw_serial()))
            .public_key(&cert.public_key().subject_public_key.data)
            .signature(&cert.signature_value.data)
            .certificate(der))
    }

    /// Adds any TLV.
    pub fn tlv(mut self, tag: u8, value: &[u8]) -> Self {
        self.tlvs.push((tag, value.to_vec()));
        self
    }

    /// Replaces the value of the first TLV with this tag, or adds the TLV.
    pub fn set(mut self, tag: u8, value: &[u8]) -> Self {
        match self.tlvs.iter_mut().find(|(t, _)| *t == tag) {
            Some(slot) => slot.1 = value.to_vec(),
            None => self.tlvs.push((tag, value.to_vec())),
        }
        self
    }

    /// Removes every TLV with this tag.
    pub fn without(mut self, tag: u8) -> Self {
        self.tlvs.retain(|(t, _)| *t != tag);
        self
    }

    /// DNSNAME (a NUL is appended).
    pub fn dns_name(self, name: &str) -> Self {
        self.tlv(tag::DNS_NAME, &c_string(name))
    }

    /// SUBJECTNAME (a NUL is appended).
    pub fn subject(self, name: &str) -> Self {
        self.tlv(tag::SUBJECT_NAME, &c_string(name))
    }

    /// FUNCTION.
    pub fn role(self, role: Role) -> Self {
        self.tlv(tag::FUNCTION, &role.0.to_be_bytes())
    }

    /// ISSUERNAME (a NUL is appended).
    pub fn issuer(self, name: &str) -> Self {
        self.tlv(tag::ISSUER_NAME, &c_string(name))
    }

    /// SERIALNUMBER.
    pub fn serial(self, serial: &[u8]) -> Self {
        self.tlv(tag::RECORD_SERIAL_NUMBER, serial)
    }

    /// PUBLICKEY.
    pub fn public_key(self, key: &[u8]) -> Self {
        self.tlv(tag::PUBLIC_KEY, key)
    }

    /// SIGNATURE (the certificate's signature value).
    pub fn signature(self, sig: &[u8]) -> Self {
        self.tlv(tag::RECORD_SIGNATURE, sig)
    }

    /// CERTIFICATE (DER).
    pub fn certificate(self, der: &[u8]) -> Self {
        self.tlv(tag::CERTIFICATE, der)
    }

    /// IPADDRESS.
    pub fn ip(self, ip: Ipv4Addr) -> Self {
        self.tlv(tag::IP_ADDRESS, &ip.octets())
    }

    /// CERTHASH and HASH ALGORITHM.
    pub fn cert_hash(self, digest: Digest, hash: &[u8]) -> Self {
        self.tlv(tag::CERT_HASH, hash).tlv(tag::HASH_ALGORITHM, &[digest.code()])
    }

    /// The record bytes, RECORDLENGTH first.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let len = 5 + self.tlvs.iter().map(|(_, v)| 3 + v.len()).sum::<usize>();
        let len16 = u16::try_from(len).map_err(|_| CryptoError::TooLong { what: "record".into(), length: len })?;
        let mut out = Vec::with_capacity(len);
        put_tlv(&mut out, tag::RECORD_LENGTH, &len16.to_be_bytes());
        for (t, v) in &self.tlvs {
            if v.len() > usize::from(u16::MAX) {
                return Err(CryptoError::TooLong { what: format!("tag {t} value"), length: v.len() }.into());
            }
            put_tlv(&mut out, *t, v);
        }
        Ok(out)
    }
}

/// A trust list under construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Builder {
    /// File format version (1.2 for every CUCM trust list).
    pub version: (u8, u8),
    /// Signer version (tag 28), written only when set.
    pub signer_version: Option<(u8, u8)>,
    /// Signature digest.
    pub digest: Digest,
    /// FILENAME.
    pub filename: String,
    /// TIMESTAMP, Unix seconds.
    pub timestamp: u32,
    /// Records, in file order.
    pub records: Vec<RecordBuilder>,
}

impl Builder {
    /// An empty ITL (`ITLFile.tlv`) or CTL (`CTLFile.tlv`), version 1.2, SHA-1, time 0.
    pub fn new(kind: Kind) -> Self {
        Builder {
            version: (1, 2),
            signer_version: None,
            digest: Digest::Sha1,
            filename: format!("{}File.tlv", kind.as_str()),
            timestamp: 0,
            records: Vec::new(),
        }
    }

    /// Adds a record.
    pub fn record(mut self, r: RecordBuilder) -> Self {
        self.records.push(r);
        self
    }

    /// The header without its SIGNATURE TLV, cut where the signature goes: `(before, after)`.
    /// `extra` (encoded TLVs, e.g. the encryption fields of a version 2.0 file) follows
    /// TIMESTAMP.
    fn header_parts(&self, signer: &SignerId, signature_len: usize, extra: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let name = c_string(&signer.name);
        let issuer = c_string(&signer.issuer);
        let mut pre = Vec::new();
        put_tlv(&mut pre, tag::VERSION, &[self.version.0, self.version.1]);
        put_tlv(&mut pre, tag::HEADER_LENGTH, &[0, 0]);
        if let Some((a, b)) = self.signer_version {
            put_tlv(&mut pre, tag::SIGNER_VERSION, &[a, b]);
        }
        let id_len = 3 * 3 + name.len() + signer.serial.len() + issuer.len();
        pre.push(tag::SIGNER_ID);
        pre.extend_from_slice(
            &u16::try_from(id_len)
                .map_err(|_| CryptoError::TooLong { what: "signer names".into(), length: id_len })?
                .to_be_bytes(),
        );
        put_tlv(&mut pre, tag::SIGNER_NAME, &name);
        put_tlv(&mut pre, tag::SERIAL_NUMBER, &signer.serial);
        put_tlv(&mut pre, tag::CA_NAME, &issuer);
        pre.extend_from_slice(&[tag::SIGNATURE_INFO, 0, 15]);
        put_tlv(&mut pre, tag::DIGEST_ALGORITHM, &[self.digest.code()]);
        pre.extend_from_slice(&[tag::SIGNATURE_ALGO_INFO, 0, 8]);
        put_tlv(&mut pre, tag::SIGNATURE_ALGORITHM, &[0]);
        put_tlv(&mut pre, tag::SIGNATURE_MODULUS, &[modulus_code(signature_len)]);
        let mut post = Vec::new();
        put_tlv(&mut post, tag::FILENAME, &c_string(&self.filename));
        put_tlv(&mut post, tag::TIMESTAMP, &self.timestamp.to_be_bytes());
        post.extend_from_slice(extra);
        while !(pre.len() + 3 + signature_len + post.len()).is_multiple_of(4) {
            post.push(tag::PADDING);
        }
        let total = pre.len() + 3 + signature_len + post.len();
        let total = u16::try_from(total).map_err(|_| CryptoError::TooLong { what: "header".into(), length: total })?;
        pre[8..10].copy_from_slice(&total.to_be_bytes());
        Ok((pre, post))
    }

    /// Lays the file out and signs it as `signing` says: the header (with the signer fields
    /// of [`Signing::signer`] and any [`Signing::extra_header`] TLVs after TIMESTAMP), then
    /// [`Signing::payload`] or else the encoded [`Builder::records`]; the signature covers
    /// every byte but the SIGNATURE TLV.
    ///
    /// ```
    /// # fn main() -> Result<(), itl::Error> {
    /// use itl::build::{Builder, RecordBuilder, SignerId, Signing};
    /// use itl::{Kind, Role};
    ///
    /// let signer = SignerId { name: "CN=signer".into(), serial: vec![1], issuer: "CN=ca".into() };
    /// let record = RecordBuilder::new().subject("CN=signer").role(Role::SAST).issuer("CN=ca").serial(&[1]);
    /// let builder = Builder::new(Kind::Itl).record(record);
    /// // An outside signer (a token, an HSM) gets the signed bytes and returns the signature.
    /// let sign = |_: &[u8]| Ok(vec![0x5a; 128]);
    /// let bytes = builder.build(&Signing::external(&signer, 128, &sign))?;
    /// let list = itl::TrustList::parse(&bytes)?;
    /// assert_eq!(list.header.signature_bytes(), Some(&[0x5a; 128][..]));
    /// # Ok(()) }
    /// ```
    pub fn build(&self, signing: &Signing<'_>) -> Result<Vec<u8>> {
        let records;
        let body = match signing.payload {
            Some(p) => p,
            None => {
                let mut encoded = Vec::new();
                for r in &self.records {
                    encoded.extend_from_slice(&r.encode()?);
                }
                records = encoded;
                &records
            }
        };
        let signature_len = signing.key.signature_len();
        let (pre, post) = self.header_parts(signing.signer, signature_len, signing.extra_header)?;
        let mut signed = Vec::with_capacity(pre.len() + post.len() + body.len());
        signed.extend_from_slice(&pre);
        signed.extend_from_slice(&post);
        signed.extend_from_slice(body);
        let sig = match signing.key {
            SigningKey::Rsa(key) => sign_rsa(key, self.digest, &[&signed])?,
            SigningKey::External { sign, .. } => sign(&signed)?,
        };
        if sig.len() != signature_len {
            return Err(CryptoError::SignatureLength { found: sig.len(), expected: signature_len }.into());
        }
        let mut out = pre;
        put_tlv(&mut out, tag::SIGNATURE, &sig);
        out.extend_from_slice(&post);
        out.extend_from_slice(body);
        Ok(out)
    }
}

/// What signs a file that [`Builder::build`] lays out.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum SigningKey<'s> {
    /// An RSA key: PKCS#1 v1.5 under [`Builder::digest`], as CUCM and certutils sign; the
    /// signature is as long as the modulus.
    Rsa(&'s RsaPrivateKey),
    /// Any other signer (a hardware token, an HSM, openssl): `sign` gets the signed bytes
    /// and must return exactly `signature_len` bytes.
    External {
        /// The length of the signature, reserved in the header before signing.
        signature_len: usize,
        /// Signs the bytes it is given.
        sign: &'s dyn Fn(&[u8]) -> Result<Vec<u8>>,
    },
}

impl SigningKey<'_> {
    /// The length of the signature this key makes, in bytes.
    fn signature_len(&self) -> usize {
        match self {
            SigningKey::Rsa(key) => key.size(),
            SigningKey::External { signature_len, .. } => *signature_len,
        }
    }
}

impl fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningKey::Rsa(key) => write!(f, "Rsa({} bits)", key.size() * 8),
            SigningKey::External { signature_len, .. } => {
                f.debug_struct("External").field("signature_len", signature_len).finish_non_exhaustive()
            }
        }
    }
}

/// How [`Builder::build`] signs a file and what follows its header: the one set of options
/// for trust lists, signed files (`.sgn`) and encrypted configs.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Signing<'s> {
    /// The signer fields written into the header (SIGNERNAME, SERIALNUMBER, CANAME).
    pub signer: &'s SignerId,
    /// What makes the signature.
    pub key: SigningKey<'s>,
    /// What follows the header: `None` for the builder's records; `Some(bytes)` for the
    /// payload of a signed file (or records encoded elsewhere), written unchanged.
    pub payload: Option<&'s [u8]>,
    /// Encoded TLVs written into the header after TIMESTAMP, before the padding (the tags
    /// 16-27 of an encrypted config); empty for none.
    pub extra_header: &'s [u8],
}

impl<'s> Signing<'s> {
    /// Signs with an RSA key (PKCS#1 v1.5 under [`Builder::digest`]); the header names
    /// `signer`, which should be the key's certificate ([`SignerId::from_certificate`]).
    pub fn rsa(signer: &'s SignerId, key: &'s RsaPrivateKey) -> Self {
        Signing { signer, key: SigningKey::Rsa(key), payload: None, extra_header: &[] }
    }

    /// Signs with `sign`, which gets the signed bytes and must return exactly
    /// `signature_len` bytes.
    pub fn external(signer: &'s SignerId, signature_len: usize, sign: &'s dyn Fn(&[u8]) -> Result<Vec<u8>>) -> Self {
        Signing { signer, key: SigningKey::External { signature_len, sign }, payload: None, extra_header: &[] }
    }

    /// Writes `payload` after the header instead of the builder's records.
    pub fn payload(mut self, payload: &'s [u8]) -> Self {
        self.payload = Some(payload);
        self
    }

    /// Writes the encoded TLVs `tlvs` into the header after TIMESTAMP.
    pub fn extra_header(mut self, tlvs: &'s [u8]) -> Self {
        self.extra_header = tlvs;
        self
    }
}

/// Re-signs a trust list with another key whose certificate is one of its records, as
/// `utils itl reset localkey` does with the ITLRecovery key: the header signer fields
/// and signature change, the records stay byte-identical. `digest` defaults to the file's.
pub fn resign(list: &TrustList<'_>, cert_der: &[u8], key: &RsaPrivateKey, digest: Option<Digest>) -> Result<Vec<u8>> {
    let from_cert = SignerId::from_certificate(cert_der)?;
    if !key_matches(key, cert_der) {
        return Err(CryptoError::KeyMismatch.into());
    }
    let rec = list
        .records
        .iter()
        .find(|r| r.certificate_der() == Some(cert_der))
        .or_else(|| {
            list.records.iter().find(|r| {
                r.serial() == Some(from_cert.serial.as_slice()) && r.issuer() == Some(from_cert.issuer.as_str())
            })
        })
        .ok_or_else(|| CryptoError::NotInFile(from_cert.name.clone()))?;
    let signer = SignerId {
        name: rec.subject().map(str::to_owned).unwrap_or(from_cert.name),
        serial: rec.serial().map(<[u8]>::to_vec).unwrap_or(from_cert.serial),
        issuer: rec.issuer().map(str::to_owned).unwrap_or(from_cert.issuer),
    };
    let h = &list.header;
    let b = Builder {
        version: h.version().unwrap_or((1, 2)),
        signer_version: h.signer_version(),
        digest: digest.or_else(|| h.digest()).unwrap_or(Digest::Sha1),
        filename: h.file_name().unwrap_or("ITLFile.tlv").to_owned(),
        timestamp: h.timestamp().unwrap_or(0),
        records: Vec::new(),
    };
    b.build(&Signing::rsa(&signer, key).payload(&list.raw()[h.length()..]))
}

/// Signs the concatenation of `parts` with RSA PKCS#1 v1.5 under `digest`.
pub(crate) fn sign_rsa(key: &RsaPrivateKey, digest: Digest, parts: &[&[u8]]) -> Result<Vec<u8>> {
    let hashed = digest_parts(digest, parts).ok_or(CryptoError::UnsupportedDigest(digest))?;
    let scheme = crate::key::pkcs1_scheme(digest).ok_or(CryptoError::UnsupportedDigest(digest))?;
    key.sign(scheme, &hashed).map_err(|e| CryptoError::Signing(e.to_string()).into())
}

/// SIGNATUREMODULUS code for a signature length: 0..3 for 512..4096 bits.
pub(crate) fn modulus_code(signature_len: usize) -> u8 {
    match signature_len {
        64 => 0,
        128 => 1,
        256 => 2,
        512 => 3,
        _ => 0xff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lengths_match_cucm_sample_118892() {
        // eToken-signed CTL from Cisco doc 118892: SIGNERID 117, HeaderLength 304 with a
        // 1024-bit signature.
        let signer = SignerId {
            name: "cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems".into(),
            serial: vec![0x3C, 0xF9, 0x27, 0, 0, 0, 0xAF, 0xA2, 0xDA, 0x45],
            issuer: "cn=Cisco Manufacturing CA;o=Cisco Systems".into(),
        };
        let (pre, post) = Builder::new(Kind::Ctl).header_parts(&signer, 128, &[]).unwrap();
        assert_eq!(u16::from_be_bytes([pre[11], pre[12]]), 117);
        assert_eq!(pre.len() + 131 + post.len(), 304);
        assert_eq!(u16::from_be_bytes([pre[8], pre[9]]), 304);
    }
}
