//! Record roles (the FUNCTION tag) and digest algorithm codes.

use core::fmt;

/// A record's role (FUNCTION, tag 4): an open set of u16 codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Role(pub u16);

impl Role {
    /// System Administrator Security Token: may sign the file.
    pub const SAST: Role = Role(0);
    /// CallManager.
    pub const CCM: Role = Role(1);
    /// CallManager and TFTP.
    pub const CCM_TFTP: Role = Role(2);
    /// TFTP server.
    pub const TFTP: Role = Role(3);
    /// Certificate Authority Proxy Function.
    pub const CAPF: Role = Role(4);
    /// Survivable Remote Site Telephony (code from the 2017 certutils table).
    pub const SRST: Role = Role(5);
    /// Application server (certutils `APP-SERVER`, formerly `HTTPS`).
    pub const APP_SERVER: Role = Role(7);
    /// Trust Verification Service.
    pub const TVS: Role = Role(21);

    /// Short name (`SAST`, `CCM+TFTP`, `TVS`, …), `None` for codes nobody documented.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Role::SAST => "SAST",
            Role::CCM => "CCM",
            Role::CCM_TFTP => "CCM+TFTP",
            Role::TFTP => "TFTP",
            Role::CAPF => "CAPF",
            Role::SRST => "SRST",
            Role::APP_SERVER => "APP-SERVER",
            Role::TVS => "TVS",
            _ => return None,
        })
    }

    /// Whether the role is CCM, TFTP or CCM+TFTP: a CallManager certificate, which names
    /// the CallManager token.
    pub fn is_call_manager(self) -> bool {
        matches!(self, Role::CCM | Role::TFTP | Role::CCM_TFTP)
    }

    /// Whether a phone accepts a record with this role as the signer of a trust list or of a
    /// signed configuration file: SAST, TFTP or CCM+TFTP (docs/phone-trust.md: SAST
    /// authenticates trust lists, TFTP and CCM+TFTP configuration files and, in Cisco's
    /// migration wording, trust lists too; a CCM-only, CAPF or TVS record never signs).
    /// This is the one place that rule lives.
    pub fn may_sign(self) -> bool {
        matches!(self, Role::SAST | Role::TFTP | Role::CCM_TFTP)
    }

    /// The words for the roles that may sign, for messages.
    #[cfg(feature = "verify")]
    pub(crate) const SIGNING_ROLES: &'static str = "SAST, TFTP or CCM+TFTP";
}

/// The text CUCM prints in the FUNCTION row: the long SAST name, the short name of the
/// other known roles, the decimal code of unknown ones.
impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (*self, self.name()) {
            (Role::SAST, _) => f.write_str("System Administrator Security Token"),
            (_, Some(n)) => f.write_str(n),
            (Role(n), None) => write!(f, "{n}"),
        }
    }
}

/// Digest algorithm of the header signature (tag 8) or of a CERTHASH (record tag 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Digest {
    /// SHA-1 (code 1): CUCM's default, legacy.
    Sha1,
    /// SHA-256 (code 2).
    Sha256,
    /// SHA-512 (code 3; code 4 from the 2017 certutils table is read as SHA-512 too).
    Sha512,
    /// Any other code.
    Unknown(u8),
}

impl Digest {
    /// Decodes a digest code. This is the one place where the code table lives.
    pub fn from_code(code: u8) -> Digest {
        match code {
            1 => Digest::Sha1,
            2 => Digest::Sha256,
            3 | 4 => Digest::Sha512,
            n => Digest::Unknown(n),
        }
    }

    /// The code CUCM writes for this digest.
    pub fn code(self) -> u8 {
        match self {
            Digest::Sha1 => 1,
            Digest::Sha256 => 2,
            Digest::Sha512 => 3,
            Digest::Unknown(n) => n,
        }
    }

    /// Name used in JSON: `SHA1`, `SHA256`, `SHA512` or `unknown(N)`.
    pub fn json_name(self) -> String {
        match self {
            Digest::Sha1 => "SHA1".into(),
            Digest::Sha256 => "SHA256".into(),
            Digest::Sha512 => "SHA512".into(),
            Digest::Unknown(n) => format!("unknown({n})"),
        }
    }
}

/// The text CUCM prints in the HASH ALGORITHM row: `SHA-1`, `SHA-256`, `SHA-512`.
impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Digest::Sha1 => f.write_str("SHA-1"),
            Digest::Sha256 => f.write_str("SHA-256"),
            Digest::Sha512 => f.write_str("SHA-512"),
            Digest::Unknown(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_text_matches_cucm() {
        assert_eq!(Role::SAST.to_string(), "System Administrator Security Token");
        assert_eq!(Role::CCM_TFTP.to_string(), "CCM+TFTP");
        assert_eq!(Role(99).to_string(), "99");
    }

    #[test]
    fn only_sast_tftp_and_ccm_tftp_may_sign() {
        // docs/phone-trust.md, section 3.1: SAST records authenticate trust lists, TFTP and CCM+TFTP
        // records configuration files; CCM (1), CAPF (4), TVS (21) and the rest never sign.
        // Codes from docs/format.md, section 6.2: 0 SAST, 2 CCM+TFTP, 3 TFTP.
        let signers: Vec<u16> = (0..=u16::MAX).filter(|&c| Role(c).may_sign()).collect();
        assert_eq!(signers, [0, 2, 3]);
    }

    #[test]
    fn digest_codes() {
        assert_eq!(Digest::from_code(3), Digest::Sha512);
        assert_eq!(Digest::from_code(4), Digest::Sha512);
        assert_eq!(Digest::from_code(9).json_name(), "unknown(9)");
        assert_eq!(Digest::Sha1.to_string(), "SHA-1");
    }
}
