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

/// Encrypted config header (version 2.0) container: [`IV_INFO`] and [`KEY_INFO`].
pub const ENCRYPTION_INFO: u8 = 16;
/// Encrypted config header container: [`IV_RESERVED`], [`IV`], [`IV_PADDING`].
pub const IV_INFO: u8 = 17;
/// Encrypted config header: u8, always 0 (meaning unknown).
pub const IV_RESERVED: u8 = 18;
/// Encrypted config header: the 16-byte AES-CBC initialisation vector.
pub const IV: u8 = 19;
/// Encrypted config header: u16, how many `\r` bytes pad the plain text to 16 bytes.
pub const IV_PADDING: u8 = 20;
/// Encrypted config header container: [`KEY_RESERVED`], [`KEY_SIZE`], [`KEY_ALGORITHM`],
/// [`WRAPPED_KEY`].
pub const KEY_INFO: u8 = 21;
/// Encrypted config header: u8, always 0 (meaning unknown).
pub const KEY_RESERVED: u8 = 22;
/// Encrypted config header: u16, key size in bits (certutils writes the wrapped key's).
pub const KEY_SIZE: u8 = 23;
/// Encrypted config header: u8 key algorithm (1 = AES-128-CBC).
pub const KEY_ALGORITHM: u8 = 24;
/// Encrypted config header: the AES key wrapped with the phone's RSA key (PKCS#1 v1.5).
pub const WRAPPED_KEY: u8 = 25;
/// Encrypted config header: u8 digest code of [`PLAIN_HASH`] (1 SHA-1, 3 SHA-512).
pub const PLAIN_HASH_ALGORITHM: u8 = 26;
/// Encrypted config header: digest of the plain-text config.
pub const PLAIN_HASH: u8 = 27;

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
    matches!(tag, SIGNER_ID | SIGNATURE_INFO | SIGNATURE_ALGO_INFO | ENCRYPTION_INFO | IV_INFO | KEY_INFO)
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
        ENCRYPTION_INFO => "ENCRYPTIONINFO",
        IV_INFO => "IVINFO",
        IV_RESERVED => "IVRESERVED",
        IV => "IV",
        IV_PADDING => "IVPADDING",
        KEY_INFO => "KEYINFO",
        KEY_RESERVED => "KEYRESERVED",
        KEY_SIZE => "KEYSIZE",
        KEY_ALGORITHM => "KEYALGORITHM",
        WRAPPED_KEY => "WRAPPEDKEY",
        PLAIN_HASH_ALGORITHM => "PLAINHASHALGORITHM",
        PLAIN_HASH => "PLAINHASH",
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
