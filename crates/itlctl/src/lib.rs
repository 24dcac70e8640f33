//! `itlctl`: read, verify and explain Cisco Unified CM ITL/CTL trust lists.
//!
//! A thin shell over the `itl` library: argument parsing, file reading, printing and exit
//! codes (0 success, 1 negative verdict, 2 unreadable file or bad command line). The
//! binary and the Python package's `itlctl` command both call [`run`].
#![forbid(unsafe_code)]

mod cmd;
mod devices;
mod fetch;
mod help;
mod input;
mod jobs;
mod output;
mod pbx;
mod plan;
mod review;
mod term;
mod tftp;
mod write;

use std::ffi::OsString;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// Read, verify and explain Cisco Unified CM trust lists (ITLFile.tlv, CTLFile.tlv).
#[derive(Debug, Parser)]
#[command(name = "itlctl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// No progress bars, and no notes or warnings that are not errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Colour verdicts: auto (when stdout is a terminal and NO_COLOR is unset or empty),
    /// always, never. JSON and CSV are never coloured.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = term::ColorChoice::Auto)]
    color: term::ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a trust list as CUCM's `show itl` / `show ctl` does, ending with the verdict.
    Show {
        /// The ITL or CTL file (a signed .sgn file is described too), or a folder: every
        /// ITL*.tlv and CTL*.tlv in it.
        file: String,
        /// Print JSON instead of CUCM's text.
        #[arg(long)]
        json: bool,
        /// With a folder, descend into its sub-folders.
        #[arg(short, long)]
        recursive: bool,
    },
    /// Check the signature of one or more trust lists and say which token signed each.
    Verify {
        #[command(flatten)]
        files: FileArgs,
        /// Trust only this certificate (PEM/DER), or the SAST/TFTP records of this trust
        /// list, as a phone holding it would.
        #[arg(long, value_name = "CERT_OR_TLV")]
        anchor: Option<String>,
    },
    /// Print MD5, SHA-1, SHA-256 and SHA-512 of whole files, also as phones show them.
    Hash {
        #[command(flatten)]
        files: FileArgs,
    },
    /// Find the phones that hold a stale ITL or CTL, from their DeviceTLInfo reports.
    Devices {
        /// The ITL a TFTP server serves, as HOST=FILE (HOST as phones report it in
        /// ITL_TFTP_Server), or FILE for any server. Repeat for each server.
        #[arg(long, required = true, value_name = "[HOST=]FILE")]
        itl: Vec<String>,
        /// The CTL, likewise.
        #[arg(long, value_name = "[HOST=]FILE")]
        ctl: Vec<String>,
        /// Print JSON.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print CSV.
        #[arg(long)]
        csv: bool,
        /// Files holding DeviceTLInfo alarms (phone XML, SIP traces, console logs, CUCM
        /// alarm or syslog text, CSV); `-` for standard input.
        #[arg(required = true)]
        reports: Vec<String>,
    },
    /// Compare two trust lists and say whether phones holding OLD accept NEW.
    Diff {
        /// The trust list the phones hold.
        old: String,
        /// The trust list the TFTP servers will serve.
        new: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check trust lists for expiring certificates, weak or missing ITLRecovery, size limits.
    Lint {
        #[command(flatten)]
        files: FileArgs,
        /// Warn about certificates expiring within this many days.
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// Pretend the time is this (RFC 3339), for reproducible checks.
        #[arg(long)]
        now: Option<String>,
    },
    /// Download trust lists from TFTP servers (tftp://host/ITLFile.tlv, http://host:6970/…)
    /// and save them byte for byte.
    Fetch {
        /// The URLs.
        #[arg(required = true)]
        urls: Vec<String>,
        /// The folder to save into.
        #[arg(short, long, default_value = ".")]
        output: String,
    },
    /// Write a signed trust list in CUCM's layout from certificates with roles.
    Build(write::BuildArgs),
    /// Replace the signature and signer of a trust list with another key whose certificate
    /// is in the file (what `utils itl reset localkey` does with the ITLRecovery key).
    Resign {
        /// The trust list.
        file: String,
        /// The new signer's RSA private key (PEM; may hold the certificate too).
        #[arg(long)]
        key: String,
        /// The new signer's certificate (PEM or DER); one of the file's records. Default:
        /// the certificate in the --key file.
        #[arg(long)]
        cert: Option<String>,
        /// Where to write the result.
        #[arg(short, long)]
        output: String,
        /// Digest of the new signature (default: the file's).
        #[arg(long, value_enum)]
        digest: Option<write::DigestArg>,
        /// Overwrite OUT if it exists (OUT may be FILE itself).
        #[arg(long)]
        force: bool,
    },
    /// Signed files: `SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`, `.sha512`.
    #[command(subcommand)]
    Sgn(pbx::SgnCommand),
    /// Certificates for a PBX: the base64 hash phones' configuration asks for, new
    /// self-signed certificates.
    #[command(subcommand)]
    Cert(pbx::CertCommand),
    /// Simulate a certificate regeneration before touching the cluster: the steps, CUCM's
    /// commands, a gate after each, and whether phones keep trusting the served trust lists.
    Plan(plan::PlanArgs),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages: itlctl.1 and itlctl-<command>.1 for each command.
    Manpage {
        /// The folder to write them into (created if missing).
        #[arg(short, long, value_name = "DIR")]
        output: String,
    },
    /// Serve a local web page for trust lists and a live fleet view fed by CUCM's syslog.
    #[cfg(feature = "serve")]
    Serve {
        /// The web page's address; any address that is not loopback needs --token.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
        listen: String,
        /// The SQLite database holding the fleet (`:memory:` keeps nothing).
        #[arg(long, default_value = "itlctl.db", value_name = "PATH")]
        db: String,
        /// Receive CUCM's remote syslog: udp://ADDR:PORT, tcp://ADDR:PORT or tls://ADDR:PORT (repeatable).
        #[arg(long, value_name = "URL")]
        syslog: Vec<String>,
        /// Key and certificate (PEM, one file) for tls:// syslog.
        #[arg(long, value_name = "PEM")]
        syslog_cert: Option<String>,
        /// The ITL a TFTP server serves, [HOST=]FILE, or a TFTP folder (every ITL*.tlv).
        #[arg(long, value_name = "[HOST=]FILE|DIR")]
        itl: Vec<String>,
        /// The CTL, likewise.
        #[arg(long, value_name = "[HOST=]FILE|DIR")]
        ctl: Vec<String>,
        /// Require this token (Authorization: Bearer, or open /?token=TOKEN once); also ITLCTL_TOKEN.
        #[arg(long)]
        token: Option<String>,
        /// Days of report history kept (the latest report of each phone is always kept).
        #[arg(long, default_value_t = 90)]
        keep_days: u32,
    },
}

/// The file arguments of `verify`, `lint` and `hash`.
#[derive(Debug, Args)]
struct FileArgs {
    /// The files (for example every `ITLSEP<MAC>.tlv` of a TFTP folder), or folders: every
    /// ITL*.tlv and CTL*.tlv in them.
    #[arg(required = true)]
    files: Vec<String>,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
    /// With folders, descend into their sub-folders.
    #[arg(short, long)]
    recursive: bool,
    /// Files worked on at the same time (default: one per core).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// The command line definition, with the examples that end each `--help`.
fn command() -> clap::Command {
    help::with_examples(Cli::command())
}

/// Downloads a `tftp://`, `http://` or `https://` URL byte for byte (size-capped).
pub fn download(url: &str) -> Result<Vec<u8>, String> {
    fetch::get(url)
}

/// Whether `arg` is a URL that [`download`] fetches.
pub fn is_url(arg: &str) -> bool {
    fetch::is_url(arg)
}

pub use input::cucm_date;

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches: ArgMatches = match command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => e.exit(),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    term::configure(cli.color, cli.quiet);
    let jobs = |j: Option<u16>| j.map(usize::from);
    term::guard(|| match cli.command {
        Command::Show { file, json, recursive } => cmd::show(&file, json, recursive),
        Command::Verify { files: f, anchor } => {
            cmd::verify_cmd(&f.files, f.json, anchor.as_deref(), f.recursive, jobs(f.jobs))
        }
        Command::Hash { files: f } => cmd::hash(&f.files, f.json, f.recursive, jobs(f.jobs)),
        Command::Devices { itl, ctl, json, csv, reports } => devices::devices(&itl, &ctl, json, csv, &reports),
        Command::Diff { old, new, json } => review::diff_cmd(&old, &new, json),
        Command::Lint { files: f, days, now } => {
            review::lint_cmd(&f.files, f.json, days, now.as_deref(), f.recursive, jobs(f.jobs))
        }
        Command::Fetch { urls, output } => cmd::fetch(&urls, &output),
        Command::Build(args) => write::build(&args, matches.subcommand_matches("build")),
        Command::Resign { file, key, cert, output, digest, force } => {
            write::resign(&file, &key, cert.as_deref(), &output, digest, force)
        }
        Command::Sgn(c) => pbx::sgn(c),
        Command::Cert(c) => pbx::cert(c),
        Command::Plan(args) => plan::plan_cmd(&args),
        Command::Completions { shell } => help::completions(command(), shell),
        Command::Manpage { output } => help::manpage(command(), &output),
        #[cfg(feature = "serve")]
        Command::Serve { listen, db, syslog, syslog_cert, itl, ctl, token, keep_days } => {
            itl_serve::run(itl_serve::Options { listen, db, syslog, syslog_cert, itl, ctl, token, keep_days })
        }
    })
}
