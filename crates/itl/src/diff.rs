//! What changed between two trust lists, and whether phones holding the old one will
//! accept the new one (`itlctl diff`).

use serde::Serialize;

use crate::key::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::trustlist::{Kind, TrustList};
use crate::verify::{find_signer, same_identity, token_of, verify, Status, Token};

/// A record of one list, named for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordRef {
    /// 1-based position in its list.
    pub index: usize,
    /// Role as CUCM prints it.
    pub role: String,
    /// SUBJECTNAME.
    pub subject: Option<String>,
    /// DNSNAME.
    pub dns_name: Option<String>,
    /// SERIALNUMBER, `61:40:…`.
    pub serial: Option<String>,
}

impl RecordRef {
    fn new(index: usize, r: &Record<'_>) -> Self {
        RecordRef {
            index: index + 1,
            role: r.role().map(|x| x.to_string()).unwrap_or_else(|| "?".into()),
            subject: r.subject_name.map(|t| t.text_lossy().into_owned()),
            dns_name: r.dns_name.map(|t| t.text_lossy().into_owned()),
            serial: r.serial_text(),
        }
    }
}

/// A record present in both lists whose certificate, key or serial changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// In the old list.
    pub old: RecordRef,
    /// In the new list.
    pub new: RecordRef,
    /// What differs: `certificate`, `public key`, `serial`, `certificate hash`.
    pub what: Vec<&'static str>,
}

/// The phones' verdict on the new list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhoneTrust {
    /// The new signer is a certificate the old list trusts directly.
    Accept,
    /// The phones ask TVS, which they still trust and which knows the new signer.
    AcceptViaTvs,
    /// Trust List Update Failed.
    Reject,
}

impl PhoneTrust {
    /// `accept`, `accept-via-tvs`, `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneTrust::Accept => "accept",
            PhoneTrust::AcceptViaTvs => "accept-via-tvs",
            PhoneTrust::Reject => "reject",
        }
    }
}

/// The differences between two lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Records only in the new list.
    pub added: Vec<RecordRef>,
    /// Records only in the old list.
    pub removed: Vec<RecordRef>,
    /// Records in both whose certificate, key or serial changed.
    pub changed: Vec<Changed>,
    /// Whether the header signer (serial and issuer) changed.
    pub signer_changed: bool,
    /// The verdict of phones that hold the old list.
    pub phone_trust: PhoneTrust,
    /// The verdict in plain words.
    pub reason: String,
}

fn key_of(r: &Record<'_>) -> Option<PublicKey> {
    PublicKey::from_record(r).ok()
}

/// Whether two records are the same entry of a list: same role and DNS name, and subjects
/// that name the same attributes.
fn same_entry(a: &Record<'_>, b: &Record<'_>) -> bool {
    let names = |x: &Record<'_>| x.subject_name.map(|t| t.text_lossy().into_owned());
    a.role() == b.role()
        // certutils leaves DNSNAME out where CUCM writes it empty: the same thing.
        && a.dns_name.map_or(&[][..], |t| t.c_bytes()) == b.dns_name.map_or(&[][..], |t| t.c_bytes())
        && match (names(a), names(b)) {
            (Some(x), Some(y)) => crate::name::same_name(&x, &y),
            (x, y) => x == y,
        }
}

/// Same serial, issuer and key.
fn same_certificate(a: &Record<'_>, b: &Record<'_>) -> bool {
    same_identity(a, b)
        && match (key_of(a), key_of(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
}

/// Same serial and issuer, and the same key or certificate hash (TVS records often carry
/// only a hash).
fn same_tvs(a: &Record<'_>, b: &Record<'_>) -> bool {
    same_identity(a, b)
        && (a.public_key().is_some() && a.public_key() == b.public_key()
            || a.cert_hash().is_some() && a.cert_hash() == b.cert_hash()
            || a.certificate_der().is_some() && a.certificate_der() == b.certificate_der())
}

fn name(r: &Record<'_>) -> String {
    format!("{}, serial {}", r.label(), r.serial_text().unwrap_or_default())
}

/// Compares `old` (what the phones hold) with `new` (what the TFTP servers will serve).
pub fn diff(old: &TrustList<'_>, new: &TrustList<'_>) -> Diff {
    let mut used = vec![false; old.records.len()];
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (ni, n) in new.records.iter().enumerate() {
        let m = old.records.iter().enumerate().position(|(oi, o)| !used[oi] && same_entry(o, n));
        let Some(oi) = m else {
            added.push(RecordRef::new(ni, n));
            continue;
        };
        used[oi] = true;
        let o = &old.records[oi];
        let mut what = Vec::new();
        if o.certificate_der() != n.certificate_der() {
            what.push("certificate");
        }
        if o.public_key() != n.public_key() {
            what.push("public key");
        }
        if o.serial() != n.serial() {
            what.push("serial");
        }
        if o.cert_hash() != n.cert_hash() {
            what.push("certificate hash");
        }
        if !what.is_empty() {
            changed.push(Changed { old: RecordRef::new(oi, o), new: RecordRef::new(ni, n), what });
        }
    }
    let removed =
        old.records.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(i, r)| RecordRef::new(i, r)).collect();
    let issuer = |l: &TrustList<'_>| l.header.ca_name.map(|t| t.text_lossy().into_owned());
    let signer_changed = old.header.serial() != new.header.serial()
        || match (issuer(old), issuer(new)) {
            (Some(a), Some(b)) => !crate::name::same_name(&a, &b),
            (a, b) => a != b,
        };
    let (phone_trust, reason) = phone_trust(old, new);
    Diff { added, removed, changed, signer_changed, phone_trust, reason }
}

fn phone_trust(old: &TrustList<'_>, new: &TrustList<'_>) -> (PhoneTrust, String) {
    let v = verify(new);
    if v.status != Status::Valid {
        return (
            PhoneTrust::Reject,
            format!(
                "the new file's own signature does not verify ({}): no phone accepts it",
                v.reason.map(|r| r.to_string()).unwrap_or_default()
            ),
        );
    }
    let Some(si) = find_signer(new) else {
        return (PhoneTrust::Reject, "the new file names a signer that none of its records holds".into());
    };
    let signer = &new.records[si];
    let who = name(signer);
    let trusted = |r: &&Record<'_>| r.role().is_some_and(Role::may_sign);
    if let Some(o) = old.records.iter().filter(trusted).find(|o| same_certificate(o, signer)) {
        return (
            PhoneTrust::Accept,
            format!(
                "the new signer {who} is already trusted: the old file holds it as {}{}",
                o.role().map(|x| x.to_string()).unwrap_or_default(),
                if o.issuer_name.map(|t| t.c_bytes()) == signer.issuer_name.map(|t| t.c_bytes()) {
                    ""
                } else {
                    " (its issuer spelled differently in the two files: the same name, matched by attributes)"
                }
            ),
        );
    }
    let token = token_of(new, Some(si));
    if token == Token::CallManager {
        if new.kind(None) == Kind::Ctl {
            return (
                PhoneTrust::AcceptViaTvs,
                format!(
                    "phones do not trust the new signer {who} through the old CTL; they accept it only if the ITL they hold still trusts TVS, which diff does not see (a CTL holds no TVS record): check the ITLs too"
                ),
            );
        }
        let tvs = |r: &&Record<'_>| r.role() == Some(Role::TVS);
        if let Some(t) = old.records.iter().filter(tvs).find(|o| new.records.iter().filter(tvs).any(|n| same_tvs(o, n)))
        {
            return (
                PhoneTrust::AcceptViaTvs,
                format!(
                    "the phones do not hold the new signer {who}, but they still trust TVS {} and TVS knows this node's CallManager certificate",
                    name(t)
                ),
            );
        }
        return (
            PhoneTrust::Reject,
            format!(
                "the phones hold neither the new signer {who} nor an unchanged TVS certificate (were CallManager and TVS regenerated together?): they will show \"Trust List Update Failed\" until `utils itl reset localkey` or the ITL is deleted on each phone; TVS may still vouch for certificates imported into the CallManager-trust or Phone-SAST-trust stores, which no file shows"
            ),
        );
    }
    let extra = if token == Token::ItlRecovery {
        "; a newly generated ITLRecovery key is unknown to TVS: re-sign with `utils itl reset localkey` from a key the phones hold, let them take that file, then serve the new one"
    } else {
        ""
    };
    (
        PhoneTrust::Reject,
        format!(
            "the phones do not hold the new signer {who} and cannot ask TVS for it: they will show \"Trust List Update Failed\"{extra}; TVS may still vouch for certificates imported into the CallManager-trust or Phone-SAST-trust stores, which no file shows"
        ),
    )
}
