//! Certificates for a PBX that serves Cisco phones (feature `pbx`): the base64 certificate
//! hash that usecallmanager configuration asks for, and new self-signed CallManager/TFTP,
//! CAPF or TVS certificates made with rcgen.

use base64::Engine as _;

use crate::hash::digest_parts;
use crate::role::Digest;

/// Base64 (standard alphabet, padded) of the `digest` of a certificate's DER, as certutils
/// `certhash` prints it; `None` for an unknown digest.
pub fn certificate_hash(der: &[u8], digest: Digest) -> Option<String> {
    digest_parts(digest, &[der]).map(|h| base64::engine::general_purpose::STANDARD.encode(h))
}

/// The key of a new certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// RSA with this many bits (2048 or 4096: the sizes phones and ring both take).
    Rsa(usize),
    /// ECDSA on P-256 (signed with SHA-256).
    P256,
    /// ECDSA on P-384 (signed with SHA-384).
    P384,
}

/// What `itlctl cert new` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertificate {
    /// CN.
    pub common_name: String,
    /// O.
    pub organization: String,
    /// OU.
    pub unit: String,
    /// L.
    pub locality: Option<String>,
    /// ST.
    pub state: Option<String>,
    /// C, two letters.
    pub country: Option<String>,
    /// The key to make.
    pub key: KeyKind,
    /// Validity from today, in years (at least 1).
    pub years: u32,
    /// Signature digest: SHA-256 (the default, `None`) or SHA-512 for an RSA key; an EC key
    /// signs with its curve's digest (P-256 SHA-256, P-384 SHA-384) and takes no other.
    pub digest: Option<Digest>,
}

/// A new key and its self-signed certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Minted {
    /// The private key, PKCS#8 PEM (`PRIVATE KEY`).
    pub key_pem: String,
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
}

impl Minted {
    /// Key then certificate in one PEM text, as certutils `mkcert` writes them.
    pub fn pem(&self) -> String {
        format!("{}{}", self.key_pem, self.cert_pem)
    }
}

/// Why a certificate could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MintError {
    /// A value of the request that cannot go into a certificate (what and why).
    #[error("{0}")]
    Invalid(String),
    /// Key generation, random numbers or signing failed (the backend's message).
    #[error("{0}")]
    Failed(String),
}

pub use make::{mint, throwaway, Throwaway};

mod make {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, SanType, SerialNumber,
    };

    use super::{KeyKind, MintError, Minted, NewCertificate};
    use crate::role::Digest;

    type Result<T> = core::result::Result<T, MintError>;

    /// id-kp-ipsecEndSystem (RFC 2459), which certutils `mkcert` sets and Cisco certificates carry.
    const IPSEC_END_SYSTEM: [u64; 9] = [1, 3, 6, 1, 5, 5, 7, 3, 5];

    fn crypto(what: &str) -> impl Fn(rcgen::Error) -> MintError + '_ {
        move |e| MintError::Failed(format!("{what}: {e}"))
    }

    fn key_pair(kind: KeyKind, digest: Option<Digest>) -> Result<KeyPair> {
        match kind {
            KeyKind::Rsa(bits) => {
                use rsa::pkcs8::{EncodePrivateKey, LineEnding};
                if bits != 2048 && bits != 4096 {
                    return Err(MintError::Invalid(format!("an RSA key of {bits} bits: give 2048 or 4096")));
                }
                let alg = match digest.unwrap_or(Digest::Sha256) {
                    Digest::Sha256 => &rcgen::PKCS_RSA_SHA256,
                    Digest::Sha512 => &rcgen::PKCS_RSA_SHA512,
                    d => {
                        return Err(MintError::Invalid(format!(
                            "cannot sign a certificate with {d}: give SHA-256 or SHA-512"
                        )))
                    }
                };
                let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
                    .map_err(|e| MintError::Failed(format!("RSA key generation failed: {e}")))?;
                let pem = key
                    .to_pkcs8_pem(LineEnding::LF)
                    .map_err(|e| MintError::Failed(format!("cannot encode the RSA key: {e}")))?;
                KeyPair::from_pkcs8_pem_and_sign_algo(&pem, alg).map_err(crypto("cannot load the RSA key"))
            }
            KeyKind::P256 | KeyKind::P384 => {
                let (alg, own) = if kind == KeyKind::P256 {
                    (&rcgen::PKCS_ECDSA_P256_SHA256, Digest::Sha256)
                } else {
                    (&rcgen::PKCS_ECDSA_P384_SHA384, Digest::Sha512)
                };
                if let Some(d) = digest.filter(|&d| d != own || kind == KeyKind::P384) {
                    return Err(MintError::Invalid(format!(
                        "an EC certificate is signed with its curve's digest (P-256: SHA-256, P-384: SHA-384), \
                         not {d}: leave the digest out"
                    )));
                }
                KeyPair::generate_for(alg).map_err(crypto("EC key generation failed"))
            }
        }
    }

    fn random_serial() -> Result<[u8; 16]> {
        use rand_core::RngCore;
        let mut s = [0u8; 16];
        rand_core::OsRng
            .try_fill_bytes(&mut s)
            .map_err(|e| MintError::Failed(format!("the system random generator failed: {e}")))?;
        // Sixteen significant bytes: a leading zero byte would shorten the serial.
        if s[0] == 0 {
            s[0] = 1;
        }
        Ok(s)
    }

    /// Makes a key and a self-signed certificate: serial 16 random bytes, valid from now for
    /// `years` years, basic constraints CA (path length 0), key usages digitalSignature,
    /// keyEncipherment, dataEncipherment and keyCertSign, extended key usages serverAuth,
    /// clientAuth and ipsecEndSystem, subject CN, O, OU[, L, ST, C] in that order and the CN
    /// (lower case) as DNS subject alternative name when it is one.
    pub fn mint(req: &NewCertificate) -> Result<Minted> {
        if req.years == 0 || req.years > 100 {
            return Err(MintError::Invalid(format!("a validity of {} years: give 1 to 100", req.years)));
        }
        if let Some(c) = &req.country {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(MintError::Invalid(format!("country {c:?}: give a two-letter code such as NZ")));
            }
        }
        for (what, v) in [("CN", &req.common_name), ("O", &req.organization), ("OU", &req.unit)] {
            if v.trim().is_empty() {
                return Err(MintError::Invalid(format!("{what} is empty")));
            }
        }
        let key = key_pair(req.key, req.digest)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, req.common_name.as_str());
        dn.push(DnType::OrganizationName, req.organization.as_str());
        dn.push(DnType::OrganizationalUnitName, req.unit.as_str());
        if let Some(l) = &req.locality {
            dn.push(DnType::LocalityName, l.as_str());
        }
        if let Some(st) = &req.state {
            dn.push(DnType::StateOrProvinceName, st.as_str());
        }
        if let Some(c) = &req.country {
            dn.push(DnType::CountryName, c.to_ascii_uppercase());
        }
        let mut params = CertificateParams::default();
        params.distinguished_name = dn;
        params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now;
        let end_year = now.year().saturating_add(i32::try_from(req.years).unwrap_or(100));
        params.not_after = now
            .replace_year(end_year)
            .or_else(|_| (now - time::Duration::days(1)).replace_year(end_year))
            .map_err(|e| MintError::Failed(format!("cannot compute the end date: {e}")))?;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::DataEncipherment,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::Other(IPSEC_END_SYSTEM.to_vec()),
        ];
        let dns = req.common_name.to_ascii_lowercase();
        if !dns.is_empty() && dns.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            if let Ok(name) = dns.try_into() {
                params.subject_alt_names = vec![SanType::DnsName(name)];
            }
        }
        let cert = params.self_signed(&key).map_err(crypto("cannot sign the certificate"))?;
        Ok(Minted { key_pem: key.serialize_pem(), cert_pem: cert.pem(), cert_der: cert.der().to_vec() })
    }

    /// A throwaway RSA key and a self-signed certificate for it, for simulations that need
    /// a certificate nobody will ever trust (`itl::plan`): any key size the `rsa` crate makes
    /// (512 bits and up, fast), SHA-256, CN (and O, OU when given), a random 16-byte serial.
    #[derive(Debug, Clone)]
    pub struct Throwaway {
        /// The private key.
        pub key: rsa::RsaPrivateKey,
        /// The certificate, DER.
        pub cert_der: Vec<u8>,
    }

    /// rcgen signs with ring, which refuses RSA keys under 2048 bits: sign with `rsa`.
    struct SmallRsa {
        key: rsa::RsaPrivateKey,
        public_der: Vec<u8>,
    }

    impl rcgen::PublicKeyData for SmallRsa {
        fn der_bytes(&self) -> &[u8] {
            &self.public_der
        }
        fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
            &rcgen::PKCS_RSA_SHA256
        }
    }

    impl rcgen::SigningKey for SmallRsa {
        fn sign(&self, msg: &[u8]) -> core::result::Result<Vec<u8>, rcgen::Error> {
            crate::build::sign_rsa(&self.key, Digest::Sha256, &[msg]).map_err(|_| rcgen::Error::RingUnspecified)
        }
    }

    /// Makes a [`Throwaway`] key of `bits` bits and its certificate named `CN=common_name`
    /// (then `OU`, `O` when given).
    pub fn throwaway(
        common_name: &str,
        unit: Option<&str>,
        organization: Option<&str>,
        bits: usize,
    ) -> Result<Throwaway> {
        use rsa::pkcs1::EncodeRsaPublicKey;
        let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
            .map_err(|e| MintError::Failed(format!("RSA key generation failed: {e}")))?;
        let public_der = key
            .to_public_key()
            .to_pkcs1_der()
            .map_err(|e| MintError::Failed(format!("cannot encode the RSA key: {e}")))?
            .as_bytes()
            .to_vec();
        let signer = SmallRsa { key, public_der };
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, common_name);
        if let Some(ou) = unit {
            dn.push(DnType::OrganizationalUnitName, ou);
        }
        if let Some(o) = organization {
            dn.push(DnType::OrganizationName, o);
        }
        let mut params = CertificateParams::default();
        params.distinguished_name = dn;
        params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
        let cert = params.self_signed(&signer).map_err(crypto("cannot sign the certificate"))?;
        Ok(Throwaway { key: signer.key, cert_der: cert.der().to_vec() })
    }
}
