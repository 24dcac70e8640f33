//! What the cluster is, read from the files it serves: the release family from the ITL's
//! signer, mixed mode from the CTL and token or tokenless from its signer (`verify`'s
//! reading), the nodes from the CallManager and TVS records (`show`'s).

use crate::key::PublicKey;
use crate::record::Record;
use crate::role::Role;
use crate::trustlist::TrustList;
use crate::verify::{same_identity, verify, Token};

use super::request::{Cert, Release};

/// Who signs the CTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtlSigner {
    /// Hardware USB eTokens (the CTL client).
    EToken,
    /// A CallManager or ITLRecovery key (`utils ctl update CTLFile`).
    Tokenless,
}

impl CtlSigner {
    /// `eToken` or `tokenless`.
    pub fn as_str(self) -> &'static str {
        match self {
            CtlSigner::EToken => "eToken",
            CtlSigner::Tokenless => "tokenless",
        }
    }
}

/// The cluster as its files show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// The release family.
    pub release: Release,
    /// Whether the release was given (`--release`) or could not be read from the files.
    pub release_assumed: bool,
    /// Why, in words.
    pub release_note: String,
    /// A CTL was given.
    pub mixed_mode: bool,
    /// Who signs the CTL.
    pub ctl_signer: Option<CtlSigner>,
    /// Node names, the publisher first.
    pub nodes: Vec<String>,
}

/// The certificate a record holds: ITLRecovery by its name, TVS and CAPF by role, a
/// CallManager certificate by role (CCM, TFTP, CCM+TFTP) or as the SAST copy of one (RSA or
/// ECDSA by its key); `None` for eTokens and anything else no regeneration touches.
pub fn cert_of(list: &TrustList<'_>, r: &Record<'_>) -> Option<Cert> {
    if r.subject().is_some_and(crate::name::is_itl_recovery) {
        return Some(Cert::ItlRecovery);
    }
    let role = r.role()?;
    let call_manager = role.is_call_manager()
        || role == Role::SAST
            && list.records.iter().any(|o| o.role().is_some_and(Role::is_call_manager) && same_identity(r, o));
    if call_manager {
        return Some(match PublicKey::from_record(r) {
            Ok(PublicKey::P256(_) | PublicKey::P384(_)) => Cert::CallManagerEcdsa,
            _ => Cert::CallManager,
        });
    }
    match role {
        Role::TVS => Some(Cert::Tvs),
        Role::CAPF => Some(Cert::Capf),
        _ => None,
    }
}

/// The name of the node a record belongs to: its DNS name, else its subject's CN, else its
/// IP address.
pub fn node_of(r: &Record<'_>) -> Option<String> {
    let dns = r.dns_name().filter(|d| !d.trim().is_empty());
    let cn = r.subject().and_then(crate::name::common_name).filter(|c| !c.trim().is_empty());
    dns.or(cn).map(str::to_owned).or_else(|| r.ip_address().map(|a| a.to_string()))
}

fn release_of(list: &TrustList<'_>) -> Option<Release> {
    match verify(list).token {
        Token::ItlRecovery => Some(Release::V12),
        Token::CallManager => Some(Release::Pre12),
        _ => None,
    }
}

/// Reads the cluster from its ITLs and CTL; `release` overrides the files.
pub fn read(itls: &[&TrustList<'_>], ctl: Option<&TrustList<'_>>, release: Option<Release>) -> (Cluster, Vec<String>) {
    let mut warnings = Vec::new();
    let read: Vec<Option<Release>> = itls.iter().map(|l| release_of(l)).collect();
    let found = read.iter().flatten().copied().next();
    if read.iter().flatten().any(|r| Some(*r) != found) {
        warnings.push(
            "the ITLs disagree on who signs them (some by ITLRecovery, some by a CallManager certificate): the first one's reading is used".to_owned(),
        );
    }
    let (release, release_assumed, release_note) = match (release, found) {
        (Some(r), _) => (r, true, format!("release {} as given by --release", r.as_str())),
        (None, Some(r @ Release::V12)) => (r, false, "the ITL is signed by ITLRecovery: CUCM 12.0 or later".to_owned()),
        (None, Some(r)) => (r, false, "the ITL is signed by a CallManager certificate: CUCM 8.x-11.5".to_owned()),
        (None, None) => (
            Release::V12,
            true,
            "the ITL's signer is neither ITLRecovery nor a CallManager certificate: CUCM 12.0 or later assumed (give --release)".to_owned(),
        ),
    };
    let ctl_signer = ctl.map(|c| match verify(c).token {
        Token::EToken => CtlSigner::EToken,
        _ => CtlSigner::Tokenless,
    });
    let mut nodes: Vec<String> = Vec::new();
    let mut publisher = None;
    for list in itls.iter().copied().chain(ctl) {
        for r in &list.records {
            if r.subject().is_some_and(crate::name::is_itl_recovery) && publisher.is_none() {
                // ITLRECOVERY_<publisher> (TAC 117598: only the publisher's is used).
                publisher = r
                    .subject()
                    .and_then(crate::name::common_name)
                    .and_then(|cn| cn.split_once('_').map(|(_, host)| host.to_owned()).filter(|h| !h.is_empty()));
            }
            let node_role = r.role().is_some_and(|ro| ro.is_call_manager() || ro == Role::TVS);
            if let Some(n) = node_of(r).filter(|_| node_role) {
                if !nodes.iter().any(|x| x.eq_ignore_ascii_case(&n)) {
                    nodes.push(n);
                }
            }
        }
    }
    if let Some(p) = publisher {
        if let Some(i) = nodes.iter().position(|n| n.eq_ignore_ascii_case(&p)) {
            let n = nodes.remove(i);
            nodes.insert(0, n);
        }
    }
    let cluster = Cluster { release, release_assumed, release_note, mixed_mode: ctl.is_some(), ctl_signer, nodes };
    (cluster, warnings)
}
