//! Distinguished-name strings as trust lists and signed files spell them, compared as CUCM
//! means them.
//!
//! CUCM writes `CN=…;OU=…;O=…;L=…;ST=…;C=…` whatever the order of the RDNs inside the
//! certificate; certutils writes RFC 4514 (`C=US,ST=NC,…,CN=…`, DER order reversed, `\`
//! escapes); the Windows CTL client writes `cn="SAST-ADN…   ";ou=IPCBU;o="Cisco Systems`.
//! All three name the same certificate, so names are compared as sets of attribute=value
//! pairs ([`same_name`]), never as ordered strings.

/// One `attribute=value` pair of a name string, as written (trimmed, quotes and escapes kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attribute<'a> {
    /// The attribute type as written (`CN`, `cn`, `ST`, `S`, `2.5.4.3`, …).
    pub key: &'a str,
    /// The value as written.
    pub value: &'a str,
}

/// Splits a name string into its attributes: separators are `;`, `,` and `+`, except inside
/// double quotes or after a backslash. Parts without `=` are ignored.
pub(crate) fn attributes(name: &str) -> impl Iterator<Item = Attribute<'_>> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in name.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' | ',' | '+' if !quoted => {
                parts.push(&name[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&name[start..]);
    parts.into_iter().filter_map(|p| {
        let (k, v) = p.split_once('=')?;
        let key = k.trim();
        (!key.is_empty()).then_some(Attribute { key, value: v.trim() })
    })
}

/// The canonical short name of an attribute type: `CN`, `OU`, `O`, `L`, `ST`, `C`, …
/// (aliases such as `S`, `commonName`, `stateOrProvinceName` and the OIDs mapped),
/// upper-case otherwise.
pub(crate) fn canonical_key(key: &str) -> String {
    let k = key.trim().to_ascii_lowercase();
    let short = match k.as_str() {
        "cn" | "commonname" | "2.5.4.3" => "CN",
        "ou" | "organizationalunitname" | "2.5.4.11" => "OU",
        "o" | "organizationname" | "2.5.4.10" => "O",
        "l" | "localityname" | "2.5.4.7" => "L",
        "st" | "s" | "stateorprovincename" | "2.5.4.8" => "ST",
        "c" | "countryname" | "2.5.4.6" => "C",
        "e" | "email" | "emailaddress" | "1.2.840.113549.1.9.1" => "EMAILADDRESS",
        "serialnumber" | "2.5.4.5" => "SERIALNUMBER",
        "dc" | "domaincomponent" | "0.9.2342.19200300.100.1.25" => "DC",
        "uid" | "userid" | "0.9.2342.19200300.100.1.1" => "UID",
        _ => return k.to_ascii_uppercase(),
    };
    short.to_owned()
}

/// A value as compared: quotes and backslash escapes removed, surrounding and repeated
/// white space dropped, lower-case.
fn canonical_value(v: &str) -> String {
    let v = v.trim();
    let v = v.strip_prefix('"').map(|s| s.strip_suffix('"').unwrap_or(s)).unwrap_or(v);
    let mut out = String::with_capacity(v.len());
    let mut escaped = false;
    for c in v.chars() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c != '"' {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The name as a sorted list of canonical (key, value) pairs.
fn canonical(name: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        attributes(name).map(|a| (canonical_key(a.key), canonical_value(a.value))).collect();
    v.sort();
    v
}

/// Whether two name strings name the same entity: the same attributes with the same values,
/// in any order, with any separator, quoting, case and spacing of the values.
///
/// ```
/// use itl::name::same_name;
/// assert!(same_name(
///     "CN=ITLRECOVERY_pub;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US",
///     "C=US,O=Cisco,OU=TAC,CN=ITLRECOVERY_pub,ST=NC,L=RTP",
/// ));
/// assert!(!same_name("CN=a;O=x", "CN=a;O=y"));
/// ```
pub fn same_name(a: &str, b: &str) -> bool {
    a == b || canonical(a) == canonical(b)
}

/// The common name (`CN=x;OU=y`, `cn="x";ou=y`, `C=US,CN=x`), unquoted and trimmed.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) fn common_name(name: &str) -> Option<&str> {
    attributes(name).find(|a| canonical_key(a.key) == "CN").map(|a| a.value.trim_matches('"').trim())
}

/// Whether a subject names an ITLRecovery certificate: its CN starts with `ITLRECOVERY`,
/// any case.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) fn is_itl_recovery(subject: &str) -> bool {
    common_name(subject).and_then(|cn| cn.get(..11)).is_some_and(|p| p.eq_ignore_ascii_case("ITLRECOVERY"))
}

/// The order CUCM writes attributes in: CN, OU, O, L, ST, C, then the others.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) fn cucm_rank(key: &str) -> usize {
    match canonical_key(key).as_str() {
        "CN" => 0,
        "OU" => 1,
        "O" => 2,
        "L" => 3,
        "ST" => 4,
        "C" => 5,
        _ => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name() {
        // docs/format.md, section 5.3: the CUCM 12.5 ITLRecovery certificate printed by Windows (DER order
        // L, ST, CN, OU, O, C) and by `show itl`.
        let cucm = "CN=ITLRECOVERY_1cucm1251.sckiewer.lab;OU=TAC;O=Cisco;L=RTP;ST=NC;C=US";
        let windows = "L=RTP, S=NC, CN=ITLRECOVERY_1cucm1251.sckiewer.lab, OU=TAC, O=Cisco, C=US";
        assert!(same_name(cucm, windows));
        // The eToken spelling of the Windows CTL client, padded and quoted.
        assert!(same_name(
            "cn=\"SAST-ADN0054f509        \";ou=IPCBU;o=\"Cisco Systems",
            "CN=SAST-ADN0054f509,OU=IPCBU,O=Cisco Systems"
        ));
        // RFC 4514 escapes.
        assert!(same_name("CN=a\\,b;O=x", "O=x,CN=a\\,b"));
        assert!(!same_name("CN=a;O=x", "CN=a;O=x;OU=y"));
        assert!(!same_name("CN=a;O=x", "CN=a;O=x;O=x"));
        assert_eq!(common_name("C=US,CN=x,O=y"), Some("x"));
        assert_eq!(common_name("cn=\"SAST-ADN0054f509        \";ou=IPCBU"), Some("SAST-ADN0054f509"));
        assert_eq!(common_name("O=x"), None);
        assert!(is_itl_recovery("CN=itlrecovery_pub;O=x"));
        assert!(!is_itl_recovery("CN=ITLRECOVERé_pub"));
        assert!(!is_itl_recovery("CN=ITLRECOVER"));
    }
}
