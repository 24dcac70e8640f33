//! Certificates and keys as users have them: PEM or DER files, a PEM holding the private key
//! and the certificate together (what certutils `mkcert` writes), names in CUCM's spelling,
//! serial numbers as trust lists store them.

use rsa::RsaPrivateKey;
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use crate::error::{CryptoError, Error, Result};

/// Decodes a DER certificate.
pub(crate) fn parse(der: &[u8]) -> Result<X509Certificate<'_>> {
    X509Certificate::from_der(der).map(|(_, c)| c).map_err(|e| CryptoError::CertificateDecode(e.to_string()).into())
}

/// The PEM blocks of a text, in order; empty when it holds none.
fn pem_blocks(bytes: &[u8]) -> Vec<Pem> {
    Pem::iter_from_buffer(bytes).map_while(|p| p.ok()).collect()
}

/// A certificate's DER bytes from DER input or PEM input (the first `CERTIFICATE` block, so a
/// PEM that holds the private key first is fine), checked to decode as X.509.
pub fn load_certificate(bytes: &[u8]) -> Result<Vec<u8>> {
    let der = if looks_like_pem(bytes) {
        pem_blocks(bytes)
            .into_iter()
            .find(|p| p.label == "CERTIFICATE" || p.label == "X509 CERTIFICATE")
            .map(|p| p.contents)
            .ok_or(Error::Crypto(CryptoError::NoCertificate))?
    } else {
        bytes.to_vec()
    };
    parse(&der)?;
    Ok(der)
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"-----BEGIN ").is_some()
}

/// An RSA private key from PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`), also when
/// the file holds the certificate too, in either order.
pub fn load_private_key(pem: &str) -> Result<RsaPrivateKey> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let blocks = pem_blocks(pem.as_bytes());
    if let Some(b) = blocks.iter().find(|p| p.label == "PRIVATE KEY") {
        return RsaPrivateKey::from_pkcs8_der(&b.contents).map_err(|e| {
            // id-ecPublicKey: an EC key in PKCS#8, as openssl and cert new write them.
            let ec = rsa::pkcs8::PrivateKeyInfo::try_from(&b.contents[..])
                .is_ok_and(|k| k.algorithm.oid.to_string() == "1.2.840.10045.2.1");
            if ec {
                return CryptoError::EcSigningKey.into();
            }
            CryptoError::PrivateKeyDecode { label: "PRIVATE KEY", format: "PKCS#8", message: e.to_string() }.into()
        });
    }
    if let Some(b) = blocks.iter().find(|p| p.label == "RSA PRIVATE KEY") {
        return RsaPrivateKey::from_pkcs1_der(&b.contents).map_err(|e| {
            CryptoError::PrivateKeyDecode { label: "RSA PRIVATE KEY", format: "PKCS#1", message: e.to_string() }.into()
        });
    }
    if blocks.iter().any(|p| p.label == "EC PRIVATE KEY") {
        return Err(CryptoError::EcSigningKey.into());
    }
    if pem.contains("ENCRYPTED PRIVATE KEY") {
        return Err(CryptoError::EncryptedKey.into());
    }
    Err(CryptoError::NoPrivateKey.into())
}

/// Whether `key` is the private key of the certificate `cert_der`.
pub fn key_matches(key: &RsaPrivateKey, cert_der: &[u8]) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey;
    match crate::key::PublicKey::from_certificate(cert_der) {
        Ok(crate::key::PublicKey::Rsa { der, .. }) => {
            rsa::RsaPublicKey::from_pkcs1_der(&der).is_ok_and(|p| p == key.to_public_key())
        }
        _ => false,
    }
}

/// A name as CUCM writes it: `ATTR=value` joined by `;` without spaces, CN, OU, O, L, ST, C
/// first whatever the order inside the certificate, then any other attribute in certificate
/// order.
pub(crate) fn cucm_name(name: &X509Name<'_>) -> String {
    let reg = x509_parser::objects::oid_registry();
    let mut parts: Vec<(usize, String)> = Vec::new();
    for rdn in name.iter_rdn() {
        for attr in rdn.iter() {
            let key = match x509_parser::objects::oid2abbrev(attr.attr_type(), reg) {
                Ok("commonName") => "CN".to_owned(),
                Ok(k) => k.to_owned(),
                Err(_) => attr.attr_type().to_id_string(),
            };
            let value = attr.as_str().map(str::to_owned).unwrap_or_else(|_| hex::encode(attr.as_slice()));
            parts.push((crate::name::cucm_rank(&key), format!("{key}={value}")));
        }
    }
    // A stable sort keeps certificate order within a rank.
    parts.sort_by_key(|(rank, _)| *rank);
    parts.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join(";")
}

/// A DER INTEGER's content bytes as an unsigned magnitude (the sign byte dropped).
pub(crate) fn serial_bytes(raw: &[u8]) -> Vec<u8> {
    let skip = raw.iter().take_while(|&&b| b == 0).count().min(raw.len().saturating_sub(1));
    raw[skip..].to_vec()
}

/// Whether two serial numbers are the same integer: byte strings compared without their
/// leading zero bytes (CUCM stores the unsigned magnitude, some tools keep DER's sign byte).
pub(crate) fn same_serial(a: &[u8], b: &[u8]) -> bool {
    let strip = |s: &[u8]| -> usize { s.iter().take_while(|&&x| x == 0).count() };
    a[strip(a)..] == b[strip(b)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_drops_sign_byte_only() {
        assert_eq!(serial_bytes(&[0x00, 0x83, 0xe9]), vec![0x83, 0xe9]);
        assert_eq!(serial_bytes(&[0x61, 0x40]), vec![0x61, 0x40]);
        assert_eq!(serial_bytes(&[0x00]), vec![0x00]);
        assert!(same_serial(&[0x00, 0x83, 0xe9], &[0x83, 0xe9]));
        assert!(!same_serial(&[0x83, 0xe9, 0x00], &[0x83, 0xe9]));
    }
}
