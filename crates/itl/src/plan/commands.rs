//! What the administrator runs for each certificate, in CUCM's words, as data: one table,
//! each entry naming the seed document (`../shared/seeds/`) it comes from.

use super::request::Cert;

/// TAC 214231 "Regenerate Certificates In Unified Communications Manager" (seeds/001).
pub const TAC_214231: &str = "TAC 214231";
/// Security Guide 14SU2, "Certificates" chapter (seeds/002).
pub const SECURITY_GUIDE: &str = "Security Guide 14SU2";
/// TAC, "Regenerate certificates in CUCM 12.x" (seeds/000).
pub const TAC_12X: &str = "TAC CUCM 12.x regeneration";
/// Community document "certificate regeneration" with the `set cert regen` CLI (seeds/003).
pub const COMMUNITY: &str = "community certificate-regeneration document";
/// TAC 117598 "ITL Enhancements in Version 10.0(1)" (seeds/004).
pub const TAC_117598: &str = "TAC 117598";

/// Where a service is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The publisher only.
    Publisher,
    /// Every node where it runs, the publisher first.
    EachNode,
}

/// A service restart: CUCM's service name, the Serviceability page, where.
#[derive(Debug, Clone, Copy)]
pub struct Restart {
    /// As `utils service restart` names it.
    pub service: &'static str,
    /// Cisco Unified Serviceability > Tools > Control Center - this page.
    pub page: &'static str,
    /// Publisher only, or every node publisher first.
    pub on: On,
}

/// Regenerating one certificate.
#[derive(Debug, Clone, Copy)]
pub struct Procedure {
    /// The certificate.
    pub cert: Cert,
    /// Regenerated on the publisher only (ITLRecovery from 12.5, CAPF from 14), or on
    /// every node.
    pub regen_on: On,
    /// The restarts, in order, after any CTL update.
    pub restarts: &'static [Restart],
    /// Whether all phones are reset afterwards.
    pub reset_phones: bool,
    /// The seed document.
    pub source: &'static str,
}

const FEATURE: &str = "Feature Services";
const NETWORK: &str = "Network Services";

const fn r(service: &'static str, page: &'static str, on: On) -> Restart {
    Restart { service, page, on }
}

const TVS_TFTP: [Restart; 2] =
    [r("Cisco Trust Verification Service", NETWORK, On::EachNode), r("Cisco TFTP", FEATURE, On::EachNode)];

/// What regenerating a CallManager certificate (RSA or ECDSA) restarts.
const CALLMANAGER_RESTARTS: [Restart; 4] = [
    r("Cisco CallManager", FEATURE, On::EachNode),
    r("Cisco CTIManager", FEATURE, On::EachNode),
    TVS_TFTP[0],
    TVS_TFTP[1],
];

/// The table (TAC 214231's sections; the CLI names from the community document).
pub const PROCEDURES: [Procedure; 8] = [
    Procedure {
        cert: Cert::Tomcat,
        regen_on: On::EachNode,
        restarts: &[r("Cisco Tomcat", NETWORK, On::EachNode)],
        reset_phones: false,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::TomcatEcdsa,
        regen_on: On::EachNode,
        restarts: &[r("Cisco Tomcat", NETWORK, On::EachNode)],
        reset_phones: false,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::Ipsec,
        regen_on: On::EachNode,
        restarts: &[r("Cisco DRF Master", NETWORK, On::Publisher), r("Cisco DRF Local", NETWORK, On::EachNode)],
        reset_phones: false,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::Capf,
        regen_on: On::EachNode,
        restarts: &[r("Cisco Certificate Authority Proxy Function", FEATURE, On::Publisher), TVS_TFTP[0], TVS_TFTP[1]],
        reset_phones: true,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::CallManager,
        regen_on: On::EachNode,
        restarts: &CALLMANAGER_RESTARTS,
        reset_phones: true,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::CallManagerEcdsa,
        regen_on: On::EachNode,
        restarts: &CALLMANAGER_RESTARTS,
        reset_phones: true,
        source: TAC_214231,
    },
    Procedure {
        cert: Cert::ItlRecovery,
        regen_on: On::Publisher,
        restarts: &TVS_TFTP,
        reset_phones: true,
        source: TAC_214231,
    },
    Procedure { cert: Cert::Tvs, regen_on: On::EachNode, restarts: &TVS_TFTP, reset_phones: true, source: TAC_214231 },
];

/// The procedure of a certificate.
pub fn procedure(cert: Cert) -> &'static Procedure {
    PROCEDURES.iter().find(|p| p.cert == cert).unwrap_or(&PROCEDURES[0])
}

/// `set cert regen NAME` (community document) or the OS Administration page (TAC 214231).
pub fn regenerate(cert: Cert, nodes: &str) -> String {
    format!(
        "On {nodes}: `set cert regen {name}`, or Cisco Unified OS Administration > Security > Certificate Management > Find > {name}.pem > Regenerate ({TAC_214231}; CLI: {COMMUNITY})",
        name = cert.cucm_name()
    )
}

/// The CTL update in mixed mode, before any restart (TAC 214231, Security Guide).
pub fn ctl_update(etoken: bool) -> [String; 2] {
    if etoken {
        [
            format!("Update the CTL before any restart: run the CTL client with the USB eTokens, \"CTL Update\" ({COMMUNITY}; {SECURITY_GUIDE}: tokens are not supported from 14SU3)"),
            format!("Reset all encrypted and authenticated phones for the CTL update to take effect ({TAC_214231})"),
        ]
    } else {
        [
            format!("Update the CTL before any restart, on the publisher: `utils ctl update CTLFile` ({TAC_214231}; {SECURITY_GUIDE})"),
            format!("Reset all encrypted and authenticated phones for the CTL update to take effect ({TAC_214231})"),
        ]
    }
}

/// A service restart, in order over `nodes`.
pub fn restart(x: &Restart, nodes: &str, source: &str) -> String {
    format!(
        "Restart {svc} on {nodes}: `utils service restart {svc}`, or Cisco Unified Serviceability > Tools > Control Center - {page} ({source})",
        svc = x.service,
        page = x.page
    )
}

/// Resetting every phone (TAC 214231's two options).
pub fn reset_phones(again: bool) -> String {
    format!(
        "Reset all phones{}: Cisco Unified CM Administration > System > Enterprise Parameters > Reset, or Bulk Administration > Phones > Update Phones > Reset Phones; wait until RTMT shows them registered ({TAC_214231})",
        if again { " a second time" } else { "" }
    )
}

/// The first half of ITLRecovery from 12.0: the trust lists signed by the CallManager key,
/// which the phones hold (Security Guide, TAC 12.x; `reset localkey` in TAC 117598).
pub fn itlrecovery_first_half(mixed_tokenless: bool) -> String {
    if mixed_tokenless {
        format!("On the publisher: `utils ctl reset localkey`: the CTL (and ITL) signed by the CallManager key, with the new ITLRecovery certificate ({SECURITY_GUIDE}; {TAC_12X})")
    } else {
        format!("On the publisher: `utils itl reset localkey`: the ITL signed by the CallManager key, with the new ITLRecovery certificate ({SECURITY_GUIDE}; {TAC_12X}; {TAC_117598})")
    }
}

/// The second half: the new ITLRecovery signs.
pub fn itlrecovery_second_half(mixed_tokenless: bool, nodes: &str) -> Vec<String> {
    if mixed_tokenless {
        vec![
            format!("On the publisher: `utils ctl update CTLFile`: the CTL re-signed by the new ITLRecovery certificate ({SECURITY_GUIDE}; {TAC_12X})"),
            restart(&r("Cisco CallManager", FEATURE, On::EachNode), nodes, TAC_12X),
            restart(&TVS_TFTP[1], nodes, TAC_12X),
        ]
    } else {
        vec![restart(&TVS_TFTP[1], nodes, SECURITY_GUIDE)]
    }
}

/// How phones that reject get back (TAC 117598, Security Guide).
pub fn recovery(release_12: bool) -> String {
    let key = if release_12 { "the CallManager key" } else { "the ITLRecovery key" };
    format!(
        "recover them with `utils itl reset localkey` (or `utils itl reset remotekey` with a saved ITLRecovery.p12), which signs the ITL with {key}, and reset the phones; phones that still show \"Trust List Update Failed\" need their ITL deleted by hand (Settings > Security > Trust List) ({TAC_117598}; {SECURITY_GUIDE})"
    )
}
