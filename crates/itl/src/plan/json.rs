//! The plan as `itlctl plan --json` prints it (the shape docs/plan.md gives).

use serde::Serialize;

use super::request::Cert;

/// The phones' verdict on a step: `diff`'s words, and `unchanged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The served trust lists are byte for byte what they were: no phone impact.
    Unchanged,
    /// The new signer is one the phones hold.
    Accept,
    /// The phones ask TVS, which vouches for the new signer.
    AcceptViaTvs,
    /// Trust List Update Failed.
    Reject,
}

impl Verdict {
    /// `unchanged`, `accept`, `accept-via-tvs`, `reject`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unchanged => "unchanged",
            Verdict::Accept => "accept",
            Verdict::AcceptViaTvs => "accept-via-tvs",
            Verdict::Reject => "reject",
        }
    }
}

/// How serious a finding is: the one scale `lint` uses too.
pub use crate::lint::Severity;

/// The two simulated verdicts of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Phones {
    /// Phones that took every earlier step's files.
    pub online: Verdict,
    /// Phones that were off from before step 1 until now.
    pub offline_since_start: Verdict,
}

/// One step of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based.
    pub step: usize,
    /// The certificates it regenerates; in the second half of ITLRecovery's regeneration
    /// (see [`Step::second_half`]), the certificate whose procedure it completes.
    pub regenerate: Vec<Cert>,
    /// The second half of ITLRecovery's regeneration from 12.0 (TFTP restarted so that the
    /// new ITLRecovery signs): nothing is regenerated again, its commands have no
    /// `set cert regen`. Not in the JSON, whose shape the contract fixes.
    #[serde(skip)]
    pub second_half: bool,
    /// Whether the CTL is updated in this step.
    pub ctl_update: bool,
    /// What the administrator runs, in order.
    pub commands: Vec<String>,
    /// The checks before the next step.
    pub gate: Vec<String>,
    /// Who signs the ITL after the step: `CallManager` or `ITLRecovery`.
    pub itl_signer: &'static str,
    /// The simulated verdicts.
    pub phones: Phones,
}

/// Something the administrator should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable kebab-case code.
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// The step it concerns.
    pub step: Option<usize>,
    /// In words.
    pub message: String,
}

/// A regeneration plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// `8.x-11.5` or `12.0+`.
    pub release: &'static str,
    /// Whether the release was given or guessed rather than read from the files.
    pub release_assumed: bool,
    /// A CTL was given.
    pub mixed_mode: bool,
    /// `eToken`, `tokenless`, or null without a CTL.
    pub ctl_signer: Option<&'static str>,
    /// Node names, the publisher first.
    pub nodes: Vec<String>,
    /// The steps.
    pub steps: Vec<Step>,
    /// The findings.
    pub findings: Vec<Finding>,
}

impl Plan {
    /// Whether every step keeps online phones accepting (exit 0; else 1).
    pub fn keeps_online_phones(&self) -> bool {
        self.steps.iter().all(|s| s.phones.online != Verdict::Reject)
    }

    /// The plan as pretty JSON.
    pub fn to_json(&self) -> String {
        crate::json::to_string(self)
    }
}
