//! Asking the phones themselves for `devices`: the `--probe` / `--ris` arguments, the RIS
//! password (environment or a prompt without echo, never an argument), and the run with its
//! progress bar.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use itl::devicetlinfo::Probed;
use itl_transport::fleet::Fleet;
use itl_transport::{probe, ris};

use crate::input::fail;

pub use itl_transport::ris::PASSWORD_VAR;

// How `devices` asks phones directly (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct PhoneArgs {
    /// Ask these phones their trust lists on their own web page: an address or host name, a
    /// CIDR block (10.1.20.0/24; at most /16, /112 for IPv6), or @FILE (one address a line,
    /// or a CSV export with an IP Address column). Repeatable.
    #[arg(long, value_name = "ADDR|CIDR|@FILE")]
    pub probe: Vec<String>,
    /// Ask every phone CUCM's RisPort70 lists (https://cucm-pub[:8443]); the password comes
    /// from ITLCTL_RIS_PASSWORD or is asked on the terminal.
    #[arg(long, value_name = "URL", requires = "ris_user")]
    pub ris: Option<String>,
    /// The RIS user (roles Standard CCM Admin Users and Standard SERVICEABILITY Read Only).
    #[arg(long, value_name = "USER", requires = "ris")]
    pub ris_user: Option<String>,
    /// A CA (PEM) to trust for RIS besides the system roots, or CUCM's own Tomcat
    /// certificate, then pinned.
    #[arg(long, value_name = "PEM", requires = "ris")]
    pub ris_ca: Option<String>,
    /// The phones' web port (default 80, or 443 with --phone-https).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub phone_port: Option<u16>,
    /// Ask the phones over HTTPS (web access set to HTTPS only).
    #[arg(long)]
    pub phone_https: bool,
    /// Phones asked at once.
    #[arg(long = "jobs", value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub phone_jobs: u16,
    /// The longest one request to a phone may take, in milliseconds (two attempts a phone).
    #[arg(long, value_name = "MS", default_value_t = 3000, value_parser = clap::value_parser!(u64).range(1..=600_000))]
    pub timeout_ms: u64,
}

impl PhoneArgs {
    /// Whether any phone is to be asked.
    pub fn any(&self) -> bool {
        !self.probe.is_empty() || self.ris.is_some()
    }

    /// How phones are reached.
    fn options(&self) -> probe::Options {
        probe::Options {
            port: self.phone_port.unwrap_or(itl_transport::probe::default_port(self.phone_https)),
            https: self.phone_https,
            jobs: usize::from(self.phone_jobs),
            timeout: Duration::from_millis(self.timeout_ms),
        }
    }
}

/// What `check` found: the `--probe` addresses and, with `--ris`, how to ask RIS.
pub struct Planned {
    fleet: Fleet,
    ris: Option<ris::Options>,
}

/// Checks the arguments before any phone or CUCM is asked: every `--probe` value names
/// phones, the RIS CA file reads, a RIS password is at hand. Prints the error and gives
/// `None` otherwise.
pub fn check(args: &PhoneArgs) -> Option<Planned> {
    let fleet = match Fleet::from_targets(&args.probe) {
        Ok(f) => f,
        Err(e) => {
            crate::term::report("--probe", &format!("{}: {}", e.spec, e.error));
            return None;
        }
    };
    let ris = match (&args.ris, &args.ris_user) {
        (Some(url), Some(user)) => {
            let ca_pem = match &args.ris_ca {
                None => None,
                Some(p) => match std::fs::read(p) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        fail(p, &format!("cannot read the --ris-ca certificate: {e}; check the path"));
                        return None;
                    }
                },
            };
            let password = password(url, user)?;
            Some(ris::Options { url: url.clone(), user: user.clone(), password, ca_pem })
        }
        _ => None,
    };
    Some(Planned { fleet, ris })
}

/// The RIS password: `ITLCTL_RIS_PASSWORD`, else asked on the terminal without echo.
fn password(url: &str, user: &str) -> Option<String> {
    if let Some(p) = std::env::var_os(PASSWORD_VAR) {
        return match p.into_string() {
            Ok(p) => Some(p),
            Err(_) => {
                crate::term::report("--ris", &format!("{PASSWORD_VAR} is not valid UTF-8"));
                None
            }
        };
    }
    let no_terminal = || {
        crate::term::report(
            "--ris",
            &format!("no RIS password: set {PASSWORD_VAR}, or run on a terminal to be asked for it"),
        );
        None
    };
    if !std::io::stdin().is_terminal() {
        return no_terminal();
    }
    match rpassword::prompt_password(format!("RIS password for {user} at {}: ", ris::shown_url(url))) {
        Ok(p) => Some(p),
        Err(_) => no_terminal(),
    }
}

/// Lists RIS's phones (with `--ris`) and asks every phone, drawing the progress bar. `None`
/// (the error printed) when RIS could not be asked.
pub fn run(args: &PhoneArgs, planned: Planned) -> Option<(Vec<Probed>, Fleet)> {
    let Planned { mut fleet, ris } = planned;
    if let Some(opts) = &ris {
        match ris::list_phones(opts) {
            Ok(phones) => fleet.add_ris(phones),
            Err(e) => {
                crate::term::report(&ris::shown_url(&opts.url), &format!("RIS: {e}"));
                return None;
            }
        }
    }
    let bar = crate::term::Progress::phones(fleet.len());
    let progress = |p: probe::Progress| bar.phones_done(p.asked, p.answered, p.failed);
    let probed = probe::probe_all(&fleet.addresses, &args.options(), &progress);
    drop(bar);
    Some((probed, fleet))
}
