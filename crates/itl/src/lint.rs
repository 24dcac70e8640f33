//! Findings about a trust list that a CUCM administrator should act on before the phones
//! reset (`itlctl lint`). Every finding is collected; none stops the others.

use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cert::{cucm_name, serial_bytes};
use crate::key::PublicKey;
use crate::name::same_name;
use crate::record::Record;
use crate::role::{Digest, Role};
use crate::trustlist::{Kind, TrustList};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Will hurt later.
    Warning,
    /// Hurts now: phones fail.
    Error,
}

impl Severity {
    /// `info`, `warning`, `error`, as the JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (`expired-certificate`, …).
    pub code: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The record it concerns (1-based), if one.
    pub record: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

/// Settings of a lint run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The current time, Unix seconds.
    pub now: i64,
    /// Warn about certificates expiring within this many days.
    pub days: i64,
    /// ITL or CTL.
    pub kind: Kind,
}

/// Phones fail to load trust lists with more certificates than this (Security Guide).
pub const MAX_CERTIFICATES: usize = 39;
/// Or larger than this.
pub const MAX_FILE_SIZE: usize = 64 * 1024;

fn is_itl_recovery(r: &Record<'_>) -> bool {
    r.subject().is_some_and(crate::name::is_itl_recovery)
}

/// Runs every check on `list`.
pub fn lint(list: &TrustList<'_>, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code, severity, record: Option<usize>, message: String| {
        out.push(Finding { code, severity, record: record.map(|i| i + 1), message })
    };
    let mut max_bits = 0;
    let mut recovery: Vec<(usize, usize)> = Vec::new();
    for (i, r) in list.records.iter().enumerate() {
        let bits = PublicKey::from_record(r).ok().and_then(|k| k.bits()).unwrap_or(0);
        if is_itl_recovery(r) {
            recovery.push((i, bits));
        } else {
            max_bits = max_bits.max(bits);
        }
        let Some(der) = r.certificate_der() else { continue };
        let Ok((_, cert)) = X509Certificate::from_der(der) else {
            add("record-cert-mismatch", Severity::Error, Some(i), format!("{}: the CERTIFICATE does not decode as X.509; regenerate the trust list (restart the TFTP service, or `utils ctl update CTLFile` for a CTL)", r.label()));
            continue;
        };
        let expiry = cert.validity().not_after;
        let not_after = expiry.timestamp();
        let when = expiry.to_datetime().date();
        if not_after < opts.now {
            add("expired-certificate", Severity::Error, Some(i), format!("{}: the certificate expired on {}; regenerate it (`set cert regen <name>`), one certificate at a time, and let the phones take the new trust list before the next", r.label(), when));
        } else if not_after < opts.now + opts.days * 86_400 {
            add("expiring-certificate", Severity::Warning, Some(i), format!("{}: the certificate expires on {}, within {} days; plan `set cert regen <name>` (never CallManager and TVS together on 8.x-11.5)", r.label(), when, opts.days));
        }
        let mut bad = Vec::new();
        if !r.subject().is_some_and(|s| same_name(s, &cucm_name(cert.subject()))) {
            bad.push("SUBJECTNAME");
        }
        if !r.issuer().is_some_and(|s| same_name(s, &cucm_name(cert.issuer()))) {
            bad.push("ISSUERNAME");
        }
        if !r.serial().is_some_and(|s| crate::cert::same_serial(s, &serial_bytes(cert.raw_serial()))) {
            bad.push("SERIALNUMBER");
        }
        if r.public_key().is_some_and(|k| k != &cert.public_key().subject_public_key.data[..]) {
            bad.push("PUBLICKEY");
        }
        if !bad.is_empty() {
            add("record-cert-mismatch", Severity::Error, Some(i), format!("{}: {} disagree(s) with the embedded certificate; the file was edited or built wrongly: regenerate it from CUCM (restart the TFTP service, or `utils ctl update CTLFile`)", r.label(), bad.join(", ")));
        }
    }
    for &(i, bits) in &recovery {
        if bits > 0 && bits < 2048 && max_bits >= 2048 {
            add("itlrecovery-weak-key", Severity::Warning, Some(i), format!("{}: the ITLRecovery key has {bits} bits while other certificates have {max_bits}: `utils itl reset` then fails; regenerate it with `set cert regen ITLRecovery` (2048 bits), restart the TFTP service and reset the phones", list.records[i].label()));
        }
    }
    let rollback = opts.kind == Kind::Itl && list.records.iter().any(Record::is_empty_entry);
    if rollback {
        let empty: Vec<String> = list
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_empty_entry())
            .map(|(i, r)| format!("#{} {}", i + 1, r.role().map(|x| x.to_string()).unwrap_or_default()))
            .collect();
        add("rollback-itl", Severity::Info, None, format!("the \"Prepare Cluster for Rollback to pre-8.0\" ITL: records {} have a role but no certificate; phones that take it accept any configuration file and any new ITL. Serve it only to move phones to another cluster, then set the enterprise parameter Prepare Cluster for Rollback to pre-8.0 back to False", empty.join(", ")));
    }
    if opts.kind == Kind::Itl && recovery.is_empty() && !rollback {
        add("missing-itlrecovery", Severity::Warning, None, "no ITLRECOVERY record: phones holding this ITL cannot be recovered with `utils itl reset localkey`; restart the TFTP service on a CUCM 10.0+ publisher so the ITL carries the ITLRecovery certificate, and reset the phones".into());
    }
    let certs = list.records.iter().filter(|r| r.certificate.is_some() || r.cert_hash.is_some()).count();
    if certs > MAX_CERTIFICATES || list.raw().len() > MAX_FILE_SIZE {
        add("too-many-records", Severity::Error, None, format!("{certs} certificates, {} bytes: phones fail to load trust lists over {MAX_CERTIFICATES} certificates or 64 KiB and do not register; remove unused TVS/TFTP nodes or certificates from the trust stores", list.raw().len()));
    }
    if list.header.digest() == Some(Digest::Sha1) {
        add("sha1-digest", Severity::Info, None, "signed with SHA-1 (legacy); set the enterprise parameter TFTP File Signature Algorithm to SHA-512 once every phone model supports it".into());
    }
    let v = crate::verify::verify(list);
    if v.signer_record.is_some() && v.status == crate::verify::Status::Invalid {
        add("invalid-signature", Severity::Error, v.signer_record.and_then(|i| i.checked_sub(1)), format!("the signature does not verify ({}): phones reject this file; restore the file CUCM wrote, or regenerate it (restart the TFTP service, or `utils ctl update CTLFile`)", v.reason.as_ref().map(ToString::to_string).unwrap_or_default()));
    }
    if v.status == crate::verify::Status::Unsupported {
        add("unsupported-signature", Severity::Warning, v.signer_record.and_then(|i| i.checked_sub(1)), format!("the signature cannot be checked here ({}): CUCM signs with SHA-1, SHA-256 or SHA-512 and RSA; check that a tool other than CUCM did not write this file", v.reason.as_ref().map(ToString::to_string).unwrap_or_default()));
    }
    if v.signer_record.is_none() {
        add("signer-not-in-file", Severity::Error, None, format!("no record matches the header signer {} / {}: phones cannot verify this file; regenerate it (restart the TFTP service, `utils itl reset localkey`, or `utils ctl update CTLFile`)", list.header.signer_name().unwrap_or("(no name)"), list.header.serial_text().unwrap_or_default()));
    }
    if list.header.signer_version().is_some_and(|v| v >= (1, 1)) {
        let ec_tftp = list.records.iter().any(|r| {
            r.role().is_some_and(|ro| ro == Role::TFTP || ro == Role::CCM_TFTP)
                && matches!(PublicKey::from_record(r), Ok(PublicKey::P256(_) | PublicKey::P384(_)))
        });
        if !ec_tftp {
            add("aea-without-ec-tftp", Severity::Warning, None, "a version 1.1 ITL (header tag 28) makes phones fetch their configuration over HTTPS on port 6971 first, but no TFTP or CCM+TFTP record holds an EC key: add the EC (CallManager-ECDSA) TFTP certificate, or build the file as version 1.0".into());
        }
    }
    let sast: Vec<usize> =
        list.records.iter().enumerate().filter(|(_, r)| r.role() == Some(Role::SAST)).map(|(i, _)| i).collect();
    if sast.len() > 2 {
        add("too-many-sast", Severity::Warning, sast.get(2).copied(), format!("{} SAST records: phones keep at most 2; remove the extra eTokens with the CTL client or `utils ctl update CTLFile`", sast.len()));
    }
    out
}
