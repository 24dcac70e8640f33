//! `itlctl plan`: a certificate regeneration simulated step by step before anything on the
//! cluster is touched.
//!
//! From the trust lists the cluster serves today and the certificates to regenerate,
//! [`plan`] orders the steps (certificates no phone sees first, TVS last; never CallManager
//! and TVS, nor ITLRecovery and TVS, in one step; no order that makes online phones reject
//! when another avoids it), lists CUCM's commands for each ([`commands`]) and a gate, and
//! simulates the phones' verdict after each step: the trust lists CUCM would then serve
//! are built in memory (fresh throwaway keys, same names, signed as CUCM signs) and judged
//! by [`crate::diff`]'s phone-trust rule, for phones that took every step (`online`) and
//! for phones off since before step 1 (`offline_since_start`).
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use itl::plan::{plan, Cert, Served, Verdict};
//! let bytes = include_bytes!("../../../../testdata/itl-12x-itlrecovery-sha512.tlv");
//! let itl = itl::TrustList::parse(bytes)?;
//! let p = plan(&[Served::new(&itl)], None, &[Cert::Tomcat], None)?;
//! assert_eq!(p.release, "12.0+");
//! assert_eq!(p.steps[0].phones.online, Verdict::Unchanged);
//! # Ok(()) }
//! ```

mod cluster;
pub mod commands;
mod json;
mod order;
mod request;
mod simulate;

pub use cluster::{cert_of, Cluster, CtlSigner};
pub use json::{Finding, Phones, Plan, Severity, Step, Verdict};
pub use request::{Cert, Release};

use crate::trustlist::TrustList;
use commands::{procedure, On};
use order::{Draft, Half};
use simulate::World;

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A certificate name CUCM does not have.
    #[error("unknown certificate {0:?}: give one or more of {names}, separated by commas", names = Cert::names())]
    UnknownCertificate(String),
    /// `--regenerate` named nothing.
    #[error("nothing to regenerate: give one or more of {names}", names = Cert::names())]
    NothingToRegenerate,
    /// No ITL was given.
    #[error("no ITL given: the plan needs the ITL each TFTP server serves")]
    NoItl,
    /// `--release` is not a CUCM version.
    #[error("unknown release {0:?}: give 11.5, 12.5, 14 or 15")]
    UnknownRelease(String),
    /// The simulation could not build a trust list (key generation, signing).
    #[error("the simulation failed: {0}")]
    Simulation(String),
}

/// An ITL a TFTP server serves: the server's name (`HOST=` on the command line) and the
/// file's name as given, both optional.
#[derive(Debug, Clone, Copy)]
pub struct Served<'l, 'a> {
    /// The TFTP server.
    pub host: Option<&'l str>,
    /// The file as the user named it.
    pub file: Option<&'l str>,
    /// The parsed ITL.
    pub list: &'l TrustList<'a>,
}

impl<'l, 'a> Served<'l, 'a> {
    /// An ITL of an unnamed server.
    pub fn new(list: &'l TrustList<'a>) -> Self {
        Served { host: None, file: None, list }
    }
}

fn join_nodes(nodes: &[String]) -> String {
    nodes.join(", then ")
}

fn where_text(nodes: &[String], on: On) -> String {
    match (on, nodes.first()) {
        (On::Publisher, Some(p)) => format!("the publisher ({p})"),
        (On::Publisher, None) => "the publisher".into(),
        (On::EachNode, Some(_)) => format!("each node, publisher first ({})", join_nodes(nodes)),
        (On::EachNode, None) => "each node, publisher first".into(),
    }
}

struct Context<'c> {
    cluster: &'c Cluster,
    hosts: Vec<(String, String)>,
}

fn step_commands(cx: &Context<'_>, d: &Draft, ctl_update: bool) -> Vec<String> {
    let nodes = &cx.cluster.nodes;
    let etoken = cx.cluster.ctl_signer == Some(CtlSigner::EToken);
    let tokenless = cx.cluster.ctl_signer == Some(CtlSigner::Tokenless);
    let mut out = Vec::new();
    match d.half {
        Half::Whole => {
            for &c in &d.certs {
                out.push(commands::regenerate(c, &where_text(nodes, procedure(c).regen_on)));
            }
            if ctl_update {
                out.extend(commands::ctl_update(etoken));
            }
            let mut seen: Vec<&str> = Vec::new();
            for &c in &d.certs {
                let p = procedure(c);
                for x in p.restarts {
                    if !seen.contains(&x.service) {
                        seen.push(x.service);
                        out.push(commands::restart(x, &where_text(nodes, x.on), p.source));
                    }
                }
            }
            if d.certs.iter().any(|&c| procedure(c).reset_phones) {
                out.push(commands::reset_phones(false));
            }
        }
        Half::First => {
            out.push(commands::regenerate(Cert::ItlRecovery, &where_text(nodes, On::Publisher)));
            out.push(commands::itlrecovery_first_half(tokenless));
            if etoken {
                out.extend(commands::ctl_update(true));
            }
            out.push(commands::reset_phones(false));
        }
        Half::Second => {
            out.extend(commands::itlrecovery_second_half(tokenless, &where_text(nodes, On::EachNode)));
            out.push(commands::reset_phones(true));
        }
    }
    out
}

fn step_gate(cx: &Context<'_>, n: usize, last: bool, online: Verdict) -> Vec<String> {
    let mut out = Vec::new();
    let mixed = cx.cluster.mixed_mode;
    for (h, before) in &cx.hosts {
        let dir = format!("step{n}/{h}");
        let (ctl_url, ctl_file) = if mixed {
            (format!(" tftp://{h}/CTLFile.tlv"), format!(" {dir}/CTLFile.tlv"))
        } else {
            (String::new(), String::new())
        };
        out.push(format!(
            "itlctl fetch tftp://{h}/ITLFile.tlv{ctl_url} -o {dir} && itlctl verify {dir}/ITLFile.tlv{ctl_file}"
        ));
        let prev = if n == 1 { before.clone() } else { format!("step{}/{h}/ITLFile.tlv", n - 1) };
        out.push(format!("itlctl diff {prev} {dir}/ITLFile.tlv  (expect: {})", online.as_str()));
        let until = if last { "before you finish".to_owned() } else { format!("before step {}", n + 1) };
        out.push(format!(
            "itlctl devices --itl {h}={dir}/ITLFile.tlv REPORT... (or serve's /fleet): every phone on the new ITL {until}"
        ));
    }
    out
}

/// Plans the regeneration of `regenerate` on the cluster that serves `itls` (one per TFTP
/// server) and, in mixed mode, `ctl`; `release` overrides the release the files show.
pub fn plan(
    itls: &[Served<'_, '_>],
    ctl: Option<&TrustList<'_>>,
    regenerate: &[Cert],
    release: Option<Release>,
) -> Result<Plan, PlanError> {
    if itls.is_empty() {
        return Err(PlanError::NoItl);
    }
    if regenerate.is_empty() {
        return Err(PlanError::NothingToRegenerate);
    }
    let lists: Vec<&TrustList<'_>> = itls.iter().map(|s| s.list).collect();
    let (cluster, warnings) = cluster::read(&lists, ctl, release);
    let hosted: Vec<(Option<String>, &TrustList<'_>)> =
        itls.iter().map(|s| (s.host.map(str::to_owned), s.list)).collect();
    let mut world = World::new(&hosted, ctl, cluster.release);
    let units = order::units(regenerate);
    let dance = world.itlrecovery_signs();
    let (drafts, verdicts) = order::choose(&mut world, &units, dance)?;

    let hosts = itls
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let h = s.host.map(str::to_owned).unwrap_or_else(|| {
                if itls.len() == 1 {
                    "TFTP-SERVER".to_owned()
                } else {
                    format!("TFTP-SERVER-{}", i + 1)
                }
            });
            let file = s.file.map(str::to_owned).unwrap_or_else(|| format!("before/{h}/ITLFile.tlv"));
            (h, file)
        })
        .collect();
    let cx = Context { cluster: &cluster, hosts };
    let mixed = cluster.mixed_mode;
    let tokenless = cluster.ctl_signer == Some(CtlSigner::Tokenless);
    let mut steps = Vec::new();
    for (i, (d, &(online, offline))) in drafts.iter().zip(&verdicts).enumerate() {
        let ctl_update = mixed
            && match d.half {
                Half::Whole => world.ctl_holds(&d.certs),
                Half::First => tokenless || world.ctl_holds(&d.certs),
                Half::Second => tokenless,
            };
        steps.push(Step {
            step: i + 1,
            regenerate: d.certs.clone(),
            second_half: d.half == Half::Second,
            ctl_update,
            commands: step_commands(&cx, d, ctl_update),
            gate: step_gate(&cx, i + 1, i + 1 == drafts.len(), online),
            itl_signer: world.itl_signer(d.state),
            phones: Phones { online, offline_since_start: offline },
        });
    }

    let mut findings = vec![Finding {
        code: "release",
        severity: Severity::Info,
        step: None,
        message: format!(
            "{}{}",
            cluster.release_note,
            if cluster.release_assumed { " (assumed: the simulation signs as this release does)" } else { "" }
        ),
    }];
    for w in warnings {
        findings.push(Finding { code: "release-mismatch", severity: Severity::Warning, step: None, message: w });
    }
    let unseen: Vec<&str> = regenerate.iter().filter(|c| !world.holds(**c)).map(|c| c.as_str()).collect();
    if !unseen.is_empty() {
        findings.push(Finding {
            code: "not-in-trust-lists",
            severity: Severity::Info,
            step: None,
            message: format!(
                "{}: in none of the served trust lists, so no phone sees the change (the files stay byte for byte the same)",
                unseen.join(", ")
            ),
        });
    }
    for s in itls {
        if !s.list.records.iter().any(|r| r.role() == Some(crate::role::Role::TVS)) {
            findings.push(Finding {
                code: "no-tvs-record",
                severity: Severity::Warning,
                step: None,
                message: format!(
                    "{} holds no TVS record: phones holding it cannot ask TVS about a new signer, so any change of its signer is rejected",
                    s.file.or(s.host).unwrap_or("the ITL")
                ),
            });
        }
    }
    if cluster.ctl_signer == Some(CtlSigner::EToken) {
        findings.push(Finding {
            code: "ctl-etoken",
            severity: Severity::Info,
            step: None,
            message: "the CTL is signed by USB eTokens: every CTL update needs the CTL client and the tokens (from CUCM 14SU3 only tokenless CTLs are supported)".into(),
        });
    }
    let cisco = order::drafts(&order::orders(&units).into_iter().next().unwrap_or_default(), dance);
    if cisco != drafts {
        findings.push(Finding {
            code: "order-changed",
            severity: Severity::Info,
            step: None,
            message: "Cisco's order (certificates no phone sees first, TVS last) makes online phones reject; this order avoids it".into(),
        });
    }
    let release_12 = cluster.release == Release::V12;
    for s in &steps {
        if s.phones.online == Verdict::Reject {
            findings.push(Finding {
                code: "online-reject",
                severity: Severity::Error,
                step: Some(s.step),
                message: format!(
                    "step {} makes phones that took every earlier step reject the new trust lists (\"Trust List Update Failed\"), and no order of the steps avoids it: {}",
                    s.step,
                    commands::recovery(release_12)
                ),
            });
        }
    }
    if let Some(s) = steps.iter().find(|s| s.phones.offline_since_start == Verdict::Reject) {
        findings.push(Finding {
            code: "offline-reject",
            severity: Severity::Warning,
            step: Some(s.step),
            message: format!(
                "phones switched off from before step 1 until step {n} reject the trust lists served from step {n} on: power on and register every phone before step 1 and let each step's gate pass (TAC 214231: \"All the endpoints need to be powered on and registered before the certificates regeneration\"); otherwise {}",
                commands::recovery(release_12),
                n = s.step
            ),
        });
    }
    if let Some(f) = tftp_last(&mut world, &units, dance)? {
        findings.push(f);
    }
    Ok(Plan {
        release: cluster.release.as_str(),
        release_assumed: cluster.release_assumed,
        mixed_mode: mixed,
        ctl_signer: cluster.ctl_signer.map(CtlSigner::as_str),
        nodes: cluster.nodes.clone(),
        steps,
        findings,
    })
}

/// The Security Guide's order (the TFTP, that is CallManager, certificate last) simulated
/// next to the seeds' (TVS last), when both are asked for.
fn tftp_last(world: &mut World<'_, '_>, units: &[Vec<Cert>], dance: bool) -> Result<Option<Finding>, PlanError> {
    let Some(cm) = units.iter().position(|u| u.contains(&Cert::CallManager)) else { return Ok(None) };
    if !units.iter().any(|u| u.contains(&Cert::Tvs)) {
        return Ok(None);
    }
    let mut alt: Vec<Vec<Cert>> = order::orders(units).into_iter().next().unwrap_or_default();
    alt.retain(|u| *u != units[cm]);
    alt.push(units[cm].clone());
    let v = order::evaluate(world, &order::drafts(&alt, dance))?;
    let rejects = order::online_rejects(&v);
    let verdicts: Vec<&str> = v.iter().map(|(on, _)| on.as_str()).collect();
    Ok(Some(Finding {
        code: "tftp-certificate-last",
        severity: Severity::Info,
        step: None,
        message: format!(
            "the Security Guide's order, the TFTP (CallManager) certificate last, {} (online: {}); this plan follows TAC 214231 and the seed documents: TVS last",
            if rejects == 0 { "also keeps online phones accepting" } else { "makes online phones reject" },
            verdicts.join(", ")
        ),
    }))
}

#[cfg(test)]
mod tests;
