//! The certificates a plan regenerates, by CUCM's own names (any case).

use core::fmt;

use serde::Serialize;

/// A CUCM certificate that can be regenerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cert {
    /// `tomcat`: web services; in no trust list.
    Tomcat,
    /// `tomcat-ecdsa`: likewise.
    TomcatEcdsa,
    /// `ipsec`: DRF and IPsec; in no trust list.
    Ipsec,
    /// `capf`: the CAPF record of the ITL and CTL.
    Capf,
    /// `callmanager`: the CallManager/TFTP records, the ITL signer before 12.0.
    CallManager,
    /// `callmanager-ecdsa`: the ECDSA CallManager records.
    CallManagerEcdsa,
    /// `itlrecovery`: the ITL signer from 12.0, a SAST record of ITL and CTL.
    ItlRecovery,
    /// `tvs`: the TVS records of the ITL.
    Tvs,
}

impl Cert {
    /// Every certificate, in the order Cisco's procedures regenerate them (TVS last).
    pub const ALL: [Cert; 8] = [
        Cert::Tomcat,
        Cert::TomcatEcdsa,
        Cert::Ipsec,
        Cert::Capf,
        Cert::CallManager,
        Cert::CallManagerEcdsa,
        Cert::ItlRecovery,
        Cert::Tvs,
    ];

    /// The name on the command line and in JSON: `callmanager`, `tomcat-ecdsa`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Cert::Tomcat => "tomcat",
            Cert::TomcatEcdsa => "tomcat-ecdsa",
            Cert::Ipsec => "ipsec",
            Cert::Capf => "capf",
            Cert::CallManager => "callmanager",
            Cert::CallManagerEcdsa => "callmanager-ecdsa",
            Cert::ItlRecovery => "itlrecovery",
            Cert::Tvs => "tvs",
        }
    }

    /// The name CUCM gives it (`set cert regen NAME`, `NAME.pem`).
    pub fn cucm_name(self) -> &'static str {
        match self {
            Cert::Tomcat => "tomcat",
            Cert::TomcatEcdsa => "tomcat-ECDSA",
            Cert::Ipsec => "ipsec",
            Cert::Capf => "CAPF",
            Cert::CallManager => "CallManager",
            Cert::CallManagerEcdsa => "CallManager-ECDSA",
            Cert::ItlRecovery => "ITLRecovery",
            Cert::Tvs => "TVS",
        }
    }

    /// Reads one name, any case (`CallManager`, `callmanager`, `CALLMANAGER-ECDSA`).
    pub fn parse(name: &str) -> Option<Cert> {
        let n = name.trim();
        Cert::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(n))
    }

    /// Reads a comma-separated list (`callmanager,TVS`), without repeats, in the given order.
    pub fn parse_list(list: &str) -> Result<Vec<Cert>, super::PlanError> {
        let mut out = Vec::new();
        for n in list.split(',').filter(|n| !n.trim().is_empty()) {
            let c = Cert::parse(n).ok_or_else(|| super::PlanError::UnknownCertificate(n.trim().to_owned()))?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        if out.is_empty() {
            return Err(super::PlanError::NothingToRegenerate);
        }
        Ok(out)
    }

    /// The names the command line takes, for messages.
    pub fn names() -> String {
        Cert::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// By [`Cert::as_str`]: `callmanager`, `tomcat-ecdsa`, ….
impl Serialize for Cert {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Cert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The release family, which decides who signs the ITL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    /// 8.x to 11.5: the TFTP node's CallManager certificate signs the ITL.
    Pre12,
    /// 12.0 and later: the ITLRecovery certificate signs the ITL.
    V12,
}

impl Release {
    /// `8.x-11.5` or `12.0+`.
    pub fn as_str(self) -> &'static str {
        match self {
            Release::Pre12 => "8.x-11.5",
            Release::V12 => "12.0+",
        }
    }

    /// Reads `--release`: `11.5`, `12.5`, `14`, `15` (any CUCM version: its major number
    /// decides).
    pub fn parse(version: &str) -> Option<Release> {
        let major: u32 = version.trim().split(['.', '(']).next()?.parse().ok()?;
        match major {
            8..=11 => Some(Release::Pre12),
            12..=99 => Some(Release::V12),
            _ => None,
        }
    }
}
