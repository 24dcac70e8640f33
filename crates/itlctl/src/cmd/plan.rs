//! `itlctl plan`: a certificate regeneration simulated before the cluster is touched.

use itl::plan::{plan, Cert, Plan, Release, Served, Verdict};
use itl::TrustList;

use crate::exit::{FAILED, NEGATIVE, OK};
use crate::input::{fail, read, Input};
use crate::term::{self, outln};

// The arguments of `itlctl plan` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The ITL each TFTP server serves today, as HOST=FILE (or FILE); a URL works too.
    /// Repeat for each server.
    #[arg(long, required = true, num_args = 1.., value_name = "[HOST=]FILE")]
    itl: Vec<String>,
    /// The CTL (mixed mode).
    #[arg(long, value_name = "FILE")]
    ctl: Option<String>,
    /// The certificates to regenerate, by CUCM's names (any case): callmanager,
    /// callmanager-ecdsa, tvs, capf, itlrecovery, tomcat, tomcat-ecdsa, ipsec.
    #[arg(long, required = true, value_name = "CERT[,CERT...]")]
    regenerate: Vec<String>,
    /// The CUCM release (11.5, 12.5, 14, 15) when the files should not decide it.
    #[arg(long, value_name = "VERSION")]
    release: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Splits `HOST=FILE` (a host has no slash; a URL's `=` is not one).
fn host_file(arg: &str) -> (Option<&str>, &str) {
    match arg.split_once('=') {
        Some((h, f)) if !h.is_empty() && !h.contains(['/', '\\', ':']) => (Some(h), f),
        _ => (None, arg),
    }
}

fn parse<'a>(path: &str, input: &'a Input) -> Option<TrustList<'a>> {
    match TrustList::parse(&input.bytes) {
        Ok(l) => Some(l),
        Err(e) => {
            fail(path, &itl::document::not_a_trust_list(&input.bytes, Some(path), &e));
            None
        }
    }
}

/// `itlctl plan --itl [HOST=]FILE... [--ctl FILE] --regenerate CERT[,CERT...] [--release VERSION] [--json]`.
pub fn plan_cmd(args: &PlanArgs) -> u8 {
    let certs = match Cert::parse_list(&args.regenerate.join(",")) {
        Ok(c) => c,
        Err(e) => {
            fail("--regenerate", &e.to_string());
            return FAILED;
        }
    };
    let release = match args.release.as_deref().map(|r| (r, Release::parse(r))) {
        None => None,
        Some((_, Some(r))) => Some(r),
        Some((r, None)) => {
            fail("--release", &itl::plan::PlanError::UnknownRelease(r.to_owned()).to_string());
            return FAILED;
        }
    };
    let mut inputs = Vec::new();
    for a in &args.itl {
        let (host, file) = host_file(a);
        let Some(i) = read(file) else { return FAILED };
        inputs.push((host, file, i));
    }
    let ctl_input = match &args.ctl {
        Some(c) => match read(c) {
            Some(i) => Some((c.as_str(), i)),
            None => return FAILED,
        },
        None => None,
    };
    let mut lists = Vec::new();
    for (_, file, i) in &inputs {
        let Some(l) = parse(file, i) else { return FAILED };
        lists.push(l);
    }
    let ctl = match &ctl_input {
        Some((path, i)) => match parse(path, i) {
            Some(l) => Some(l),
            None => return FAILED,
        },
        None => None,
    };
    let served: Vec<Served<'_, '_>> = inputs
        .iter()
        .zip(&lists)
        .map(|((host, file, _), list)| Served { host: *host, file: Some(file), list })
        .collect();
    let p = match plan(&served, ctl.as_ref(), &certs, release) {
        Ok(p) => p,
        Err(e) => {
            fail("plan", &e.to_string());
            return FAILED;
        }
    };
    if args.json {
        outln!("{}", p.to_json());
    } else {
        print_text(&p, &certs);
    }
    if p.keeps_online_phones() {
        OK
    } else {
        NEGATIVE
    }
}

fn verdict(v: Verdict) -> term::color::Painted<'static> {
    term::verdict(v.as_str())
}

fn print_text(p: &Plan, certs: &[Cert]) {
    let names: Vec<&str> = certs.iter().map(|c| c.as_str()).collect();
    outln!("Plan: regenerate {}", names.join(", "));
    outln!(
        "Cluster: CUCM {}{}; {}; nodes: {}",
        p.release,
        if p.release_assumed { " (assumed)" } else { "" },
        match p.ctl_signer {
            Some(s) => format!("mixed mode, CTL signed by {s}"),
            None => "non-secure (no CTL)".to_owned(),
        },
        if p.nodes.is_empty() { "(none named in the files)".to_owned() } else { p.nodes.join(", ") }
    );
    for f in p.findings.iter().filter(|f| f.code == "release") {
        outln!("Assumption: {}", f.message);
    }
    for s in &p.steps {
        let regen: Vec<&str> = s.regenerate.iter().map(|c| c.as_str()).collect();
        outln!("");
        outln!(
            "Step {}: {}{} (ITL signed by {}{})",
            s.step,
            regen.join(", "),
            if s.second_half { ", second half: the new ITLRecovery signs" } else { "" },
            s.itl_signer,
            if s.ctl_update { "; the CTL is updated" } else { "" }
        );
        for (i, c) in s.commands.iter().enumerate() {
            outln!("  {}. {c}", i + 1);
        }
        outln!("  Gate:");
        for g in &s.gate {
            outln!("    {g}");
        }
        outln!(
            "  Phones online: {}; phones off since before step 1: {}",
            verdict(s.phones.online),
            verdict(s.phones.offline_since_start)
        );
    }
    let rest: Vec<_> = p.findings.iter().filter(|f| f.code != "release").collect();
    if !rest.is_empty() {
        outln!("");
        outln!("Findings:");
        for f in rest {
            let at = f.step.map(|n| format!(" (step {n})")).unwrap_or_default();
            outln!("  {}{at}: {}", term::verdict(f.severity.as_str()), f.message);
        }
    }
}
