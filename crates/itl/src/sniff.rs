//! What a file that is not a trust list looks like, so that an error can say "a PEM
//! certificate, not a trust list" instead of "length 8297 overruns the file".

/// What [`describe`] calls a file in Cisco's newer phone image format ([`crate::image`]).
pub const IMAGE: &str = "a Cisco phone image in the 7800/8800 format (magic cd 34 12 ab)";

/// Describes `bytes` when they are evidently not a TLV file (which starts with the VERSION
/// tag, byte 1): `None` when they may be one.
pub fn describe(bytes: &[u8]) -> Option<&'static str> {
    if bytes.first() == Some(&crate::tag::VERSION) {
        return None;
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let text = &text[start..];
    let has = |needle: &[u8]| memchr::memmem::find(&text[..text.len().min(4096)], needle).is_some();
    Some(if bytes.is_empty() {
        "an empty file"
    } else if crate::image::is_image(bytes) {
        IMAGE
    } else if text.is_empty() {
        "a file of white space"
    } else if text.starts_with(b"-----BEGIN") {
        if text.starts_with(b"-----BEGIN CERTIFICATE") || text.starts_with(b"-----BEGIN X509 CERTIFICATE") {
            if has(b"PRIVATE KEY-----") {
                "a PEM file with a certificate and a private key"
            } else {
                "a PEM certificate"
            }
        } else if has(b"PRIVATE KEY-----") && has(b"BEGIN CERTIFICATE") {
            "a PEM file with a private key and a certificate"
        } else if has(b"PRIVATE KEY-----") {
            "a PEM private key"
        } else {
            "a PEM file"
        }
    } else if text.starts_with(b"<") {
        "an XML or HTML file"
    } else if text.starts_with(b"{") || text.starts_with(b"[") {
        "a JSON file"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP archive"
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        "a gzip file"
    } else if bytes.starts_with(&[0x30, 0x82]) {
        "a DER certificate or key"
    } else if text[..text.len().min(512)].iter().all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace() || b >= 0x80)
    {
        "a text file"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn describes_what_users_mix_up() {
        assert_eq!(describe(b"-----BEGIN CERTIFICATE-----\nMIIB"), Some("a PEM certificate"));
        assert_eq!(describe(b"-----BEGIN PRIVATE KEY-----\nMIIB"), Some("a PEM private key"));
        assert_eq!(describe(b"<?xml version=\"1.0\"?><device/>"), Some("an XML or HTML file"));
        assert_eq!(describe(b"Oct 14 2015 05:50:19 log line"), Some("a text file"));
        assert_eq!(describe(b""), Some("an empty file"));
        assert_eq!(describe(&[1, 0, 2, 1, 2]), None);
        assert_eq!(describe(&[7, 0, 0, 0xff]), None);
        assert_eq!(describe(&[0xcd, 0x34, 0x12, 0xab, 0x50, 1]), Some(super::IMAGE));
    }
}
