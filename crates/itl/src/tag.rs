//! Tag numbers of the ITL/CTL TLV format and the names CUCM prints for them.
//!
//! Header and record tags share numbers (1 is VERSION in the header and RECORDLENGTH in a
//! record), so the two sets are kept apart.

/// Header: file format version, 2 bytes (major, minor).
pub const VERSION: u8 = 1;
/// Header: total header length, u16 big-endian.
pub const HEADER_LENGTH: u8 = 2;
/// Header container: signer name, serial and issuer.
pub const SIGNER_ID: u8 = 3;
/// Header: signer certificate subject, NUL-terminated.
pub const SIGNER_NAME: u8 = 4;
/// Header: signer certificate serial number, unsigned big-endian bytes.
pub const SERIAL_NUMBER: u8 = 5;
/// Header: signer certificate issuer, NUL-terminated.
pub const CA_NAME: u8 = 6;
/// Header container: digest and signature algorithm.
pub const SIGNATURE_INFO: u8 = 7;
/// Header: digest algorithm code, u8.
pub const DIGEST_ALGORITHM: u8 = 8;
/// Header container: signature algorithm and modulus.
pub const SIGNATURE_ALGO_INFO: u8 = 9;
/// Header: signature algorithm code, u8 (0 = RSA).
pub const SIGNATURE_ALGORITHM: u8 = 10;
/// Header: modulus size code, u8 (0..3 = 512..4096 bits).
pub const SIGNATURE_MODULUS: u8 = 11;
/// Header: the signature bytes.
pub const SIGNATURE: u8 = 12;
/// Header: one padding byte, no length and no value.
pub const PADDING: u8 = 13;
/// Header: file name, NUL-terminated.
pub const FILENAME: u8 = 14;
/// Header: signing time, u32 big-endian Unix seconds.
pub const TIMESTAMP: u8 = 15;
/// Header: signer version, 2 bytes (written by certutils, not by CUCM).
pub const SIGNER_VERSION: u8 = 28;

/// Record: record length (including this TLV), u16 big-endian.
pub const RECORD_LENGTH: u8 = 1;
/// Record: DNS name or IP address text, NUL-terminated.
pub const DNS_NAME: u8 = 2;
/// Record: certificate subject, NUL-terminated.
pub const SUBJECT_NAME: u8 = 3;
/// Record: role (FUNCTION), u16 big-endian.
pub const FUNCTION: u8 = 4;
/// Record: certificate issuer, NUL-terminated.
pub const ISSUER_NAME: u8 = 5;
/// Record: certificate serial number.
pub const RECORD_SERIAL_NUMBER: u8 = 6;
/// Record: public key (DER RSAPublicKey, or an EC point).
pub const PUBLIC_KEY: u8 = 7;
/// Record: the certificate's own signature value.
pub const RECORD_SIGNATURE: u8 = 8;
/// Record: DER certificate.
pub const CERTIFICATE: u8 = 9;
/// Record: IPv4 address, 4 bytes.
pub const IP_ADDRESS: u8 = 10;
/// Record: hash of a certificate not carried in full.
pub const CERT_HASH: u8 = 11;
/// Record: digest code of [`CERT_HASH`].
pub const HASH_ALGORITHM: u8 = 12;

/// Whether a header tag is a container whose value is the nested TLVs that follow it.
pub fn is_container(tag: u8) -> bool {
    matches!(tag, SIGNER_ID | SIGNATURE_INFO | SIGNATURE_ALGO_INFO)
}

/// The name CUCM prints for a header tag (its spelling, typos included).
pub fn header_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        VERSION => "VERSION",
        HEADER_LENGTH => "HEADERLENGTH",
        SIGNER_ID => "SIGNERID",
        SIGNER_NAME => "SIGNERNAME",
        SERIAL_NUMBER => "SERIALNUMBER",
        CA_NAME => "CANAME",
        SIGNATURE_INFO => "SIGNATUREINFO",
        DIGEST_ALGORITHM => "DIGESTALGORTITHM",
        SIGNATURE_ALGO_INFO => "SIGNATUREALGOINFO",
        SIGNATURE_ALGORITHM => "SIGNATUREALGORTITHM",
        SIGNATURE_MODULUS => "SIGNATUREMODULUS",
        SIGNATURE => "SIGNATURE",
        PADDING => "PADDING",
        FILENAME => "FILENAME",
        TIMESTAMP => "TIMESTAMP",
        SIGNER_VERSION => "SIGNERVERSION",
        _ => return None,
    })
}

/// The name CUCM prints for a record tag.
pub fn record_name(tag: u8) -> Option<&'static str> {
    Some(match tag {
        RECORD_LENGTH => "RECORDLENGTH",
        DNS_NAME => "DNSNAME",
        SUBJECT_NAME => "SUBJECTNAME",
        FUNCTION => "FUNCTION",
        ISSUER_NAME => "ISSUERNAME",
        RECORD_SERIAL_NUMBER => "SERIALNUMBER",
        PUBLIC_KEY => "PUBLICKEY",
        RECORD_SIGNATURE => "SIGNATURE",
        CERTIFICATE => "CERTIFICATE",
        IP_ADDRESS => "IPADDRESS",
        CERT_HASH => "CERTHASH",
        HASH_ALGORITHM => "HASH ALGORITHM",
        _ => return None,
    })
}
