//! The order of the steps: certificates no phone sees first, TVS last (TAC 214231, the
//! seed documents); CallManager and TVS never in one step, nor ITLRecovery and TVS; and
//! no order whose steps make online phones reject when another order avoids it.

use super::request::Cert;
use super::simulate::{State, World};
use super::{PlanError, Verdict};

/// Which part of a certificate's regeneration a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Half {
    /// All of it.
    Whole,
    /// ITLRecovery from 12.0: regenerate, `reset localkey`, reset the phones.
    First,
    /// Then the new ITLRecovery signs: restart TFTP, reset the phones again.
    Second,
}

/// One step before its commands are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Draft {
    pub certs: Vec<Cert>,
    pub half: Half,
    pub state: State,
}

/// The requested certificates grouped into steps: the RSA and ECDSA variants of tomcat and
/// of CallManager together ("identical, including service restarts", TAC 214231), every
/// other certificate alone (so CallManager and TVS, ITLRecovery and TVS never share one).
pub(crate) fn units(request: &[Cert]) -> Vec<Vec<Cert>> {
    let mut out: Vec<Vec<Cert>> = Vec::new();
    for c in Cert::ALL.into_iter().filter(|c| request.contains(c)) {
        let partner = match c {
            Cert::TomcatEcdsa => Some(Cert::Tomcat),
            Cert::CallManagerEcdsa => Some(Cert::CallManager),
            _ => None,
        };
        match partner.and_then(|p| out.iter_mut().find(|u| u.contains(&p))) {
            Some(u) => u.push(c),
            None => out.push(vec![c]),
        }
    }
    out
}

/// Position in Cisco's order (`Cert::ALL`: tomcat, ipsec, CAPF, CallManager, ITLRecovery,
/// TVS last).
fn rank(unit: &[Cert]) -> usize {
    unit.iter().filter_map(|c| Cert::ALL.iter().position(|x| x == c)).min().unwrap_or(0)
}

/// The steps of `order`; ITLRecovery takes two when `dance`.
pub(crate) fn drafts(order: &[Vec<Cert>], dance: bool) -> Vec<Draft> {
    let mut done = 0u16;
    let mut out = Vec::new();
    for unit in order {
        for c in unit {
            done |= c.bit();
        }
        if dance && unit.contains(&Cert::ItlRecovery) {
            out.push(Draft { certs: unit.clone(), half: Half::First, state: State { regenerated: done, reset: true } });
            out.push(Draft {
                certs: unit.clone(),
                half: Half::Second,
                state: State { regenerated: done, reset: false },
            });
        } else {
            out.push(Draft {
                certs: unit.clone(),
                half: Half::Whole,
                state: State { regenerated: done, reset: false },
            });
        }
    }
    out
}

/// The two verdicts of every step: online (previous step's files to this step's) and
/// offline since the start (today's files to this step's).
pub(crate) fn evaluate(world: &mut World<'_, '_>, steps: &[Draft]) -> Result<Vec<(Verdict, Verdict)>, PlanError> {
    let mut prev = State::START;
    let mut out = Vec::with_capacity(steps.len());
    for s in steps {
        out.push((world.verdict(prev, s.state)?, world.verdict(State::START, s.state)?));
        prev = s.state;
    }
    Ok(out)
}

/// Every order of `units`, Cisco's first, then the nearest to it.
pub(crate) fn orders(units: &[Vec<Cert>]) -> Vec<Vec<Vec<Cert>>> {
    let mut sorted = units.to_vec();
    sorted.sort_by_key(|u| rank(u));
    let mut all = Vec::new();
    permute(&mut sorted, 0, &mut all);
    all.sort_by_key(|o: &Vec<Vec<Cert>>| o.iter().map(|u| rank(u)).collect::<Vec<_>>());
    all
}

fn permute(v: &mut Vec<Vec<Cert>>, k: usize, out: &mut Vec<Vec<Vec<Cert>>>) {
    if k == v.len() {
        out.push(v.clone());
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, out);
        v.swap(k, i);
    }
}

/// The two verdicts of each step: online, offline since the start.
pub(crate) type Verdicts = Vec<(Verdict, Verdict)>;

/// How many steps make online phones reject.
pub(crate) fn online_rejects(verdicts: &[(Verdict, Verdict)]) -> usize {
    verdicts.iter().filter(|(online, _)| *online == Verdict::Reject).count()
}

/// The order the plan follows: Cisco's when it keeps online phones accepting; else the
/// nearest order that does; else (none does) the one with the fewest rejecting steps.
pub(crate) fn choose(
    world: &mut World<'_, '_>,
    units: &[Vec<Cert>],
    dance: bool,
) -> Result<(Vec<Draft>, Verdicts), PlanError> {
    choose_by(units, dance, |steps| evaluate(world, steps))
}

/// [`choose`] with the verdicts of a sequence of steps given by `eval` (the simulation, or
/// a table in the property tests).
pub(crate) fn choose_by(
    units: &[Vec<Cert>],
    dance: bool,
    mut eval: impl FnMut(&[Draft]) -> Result<Verdicts, PlanError>,
) -> Result<(Vec<Draft>, Verdicts), PlanError> {
    let mut best: Option<(Vec<Draft>, Verdicts)> = None;
    for order in orders(units) {
        let steps = drafts(&order, dance);
        let v = eval(&steps)?;
        let n = online_rejects(&v);
        if n == 0 {
            return Ok((steps, v));
        }
        if best.as_ref().is_none_or(|(_, bv)| n < online_rejects(bv)) {
            best = Some((steps, v));
        }
    }
    Ok(best.unwrap_or_default())
}
