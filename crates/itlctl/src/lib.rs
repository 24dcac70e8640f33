//! `itlctl`: read, verify and explain Cisco Unified CM ITL/CTL trust lists.
//!
//! A thin shell over the `itl` library: argument parsing, file reading, printing and exit
//! codes (0 success, 1 negative verdict, 2 unreadable file or bad command line). The
//! binary and the Python package's `itlctl` command both call [`run`].
//!
//! Each command is a file of `cmd/` holding its arguments and its work; around them,
//! `input` reads the user's files and folders (URLs through `itl-transport`), `output`
//! writes them, `exit` names the exit codes, `term` keeps the terminal conventions
//! (colour, closed pipe, progress), `jobs` spreads files over the cores and `help` holds
//! the examples of every `--help`.
#![forbid(unsafe_code)]

mod cmd;
mod exit;
mod help;
mod input;
mod jobs;
mod output;
mod term;

use std::ffi::OsString;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

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

/// The commands; each one's arguments are defined in its file of `cmd/`.
///
/// `defer`: a command's arguments are built only when that command runs or its help is
/// shown, not all of them at every start (a tenth of `show`'s time). Under `defer` clap
/// would apply an argument struct's doc comment after the variant's, so the structs of
/// `cmd/` carry plain comments: the text of each command is its variant's here. The global
/// options (`--quiet`, `--color`) are copied into a command before its own arguments are
/// built, so no command may name an argument `quiet` or `color`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
enum Command {
    /// Print a trust list as CUCM's `show itl` / `show ctl` does, ending with the verdict.
    Show(cmd::show::ShowArgs),
    /// Check the signature of one or more trust lists and say which token signed each.
    Verify(cmd::verify::VerifyArgs),
    /// Print MD5, SHA-1, SHA-256 and SHA-512 of whole files, also as phones show them.
    Hash(cmd::hash::HashArgs),
    /// Find the phones that hold a stale ITL or CTL, from their DeviceTLInfo reports.
    Devices(cmd::devices::DevicesArgs),
    /// Compare two trust lists and say whether phones holding OLD accept NEW.
    Diff(cmd::diff::DiffArgs),
    /// Check trust lists for expiring certificates, weak or missing ITLRecovery, size limits.
    Lint(cmd::lint::LintArgs),
    /// Download trust lists from TFTP servers (tftp://host/ITLFile.tlv, http://host:6970/…)
    /// and save them byte for byte.
    Fetch(cmd::fetch::FetchArgs),
    /// Write a signed trust list in CUCM's layout from certificates with roles.
    Build(cmd::build::BuildArgs),
    /// Replace the signature and signer of a trust list with another key whose certificate
    /// is in the file (what `utils itl reset localkey` does with the ITLRecovery key).
    Resign(cmd::resign::ResignArgs),
    /// Signed files: `SEP<MAC>.cnf.xml.sgn`, firmware `.sgn`, `.sha512`.
    #[command(subcommand)]
    Sgn(cmd::sgn::SgnCommand),
    /// Certificates for a PBX: the base64 hash phones' configuration asks for, new
    /// self-signed certificates.
    #[command(subcommand)]
    Cert(cmd::cert::CertCommand),
    /// Simulate a certificate regeneration before touching the cluster: the steps, CUCM's
    /// commands, a gate after each, and whether phones keep trusting the served trust lists.
    Plan(cmd::plan::PlanArgs),
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(cmd::completions::CompletionsArgs),
    /// Write the manual pages: itlctl.1 and itlctl-<command>.1 for each command.
    Manpage(cmd::manpage::ManpageArgs),
    /// Serve a local web page for trust lists and a live fleet view fed by CUCM's syslog.
    #[cfg(feature = "serve")]
    Serve {
        /// The web page's address (default 127.0.0.1:8080); any address that is not loopback needs --token.
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
        /// The SQLite database holding the fleet (default itlctl.db; `:memory:` keeps nothing).
        #[arg(long, value_name = "PATH")]
        db: Option<String>,
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
        /// Days of report history kept (default 90; the latest report of each phone is always kept).
        #[arg(long)]
        keep_days: Option<u32>,
        /// A name the page may be opened by without a token, besides loopback names and the
        /// listen address (repeatable; refuses DNS rebinding).
        #[arg(long = "host", value_name = "NAME")]
        hosts: Vec<String>,
        /// Read the settings from a TOML file (the same names as these flags, plus [limits]);
        /// flags given here win.
        #[arg(long, value_name = "FILE")]
        config: Option<String>,
        /// Phones to ask directly on their web pages: ADDR, CIDR (at most /16, or /112 for IPv6) or @FILE (repeatable).
        #[arg(long, value_name = "ADDR|CIDR|@FILE")]
        probe: Vec<String>,
        /// Ask every phone CUCM's RisPort70 lists (https://cucm-pub[:8443]); the password
        /// comes from ITLCTL_RIS_PASSWORD or --ris-password-file.
        #[arg(long, value_name = "URL")]
        ris: Option<String>,
        /// The RIS user.
        #[arg(long, value_name = "USER")]
        ris_user: Option<String>,
        /// A CA, or CUCM's own Tomcat certificate (then pinned), trusted for RIS besides the system roots.
        #[arg(long, value_name = "PEM")]
        ris_ca: Option<String>,
        /// A file holding the RIS password (a service has no terminal to ask on).
        #[arg(long, value_name = "FILE")]
        ris_password_file: Option<String>,
        /// How often the phones are asked (default 6h; 0: once at start).
        #[arg(long, value_name = "DURATION")]
        probe_every: Option<String>,
        /// The phones' web port (default 80, or 443 with --phone-https).
        #[arg(long, value_name = "N")]
        phone_port: Option<u16>,
        /// Reach the phones over HTTPS.
        #[arg(long)]
        phone_https: bool,
        /// Phones asked at once (default 64).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// The longest one request to a phone may take, in milliseconds (default 3000).
        #[arg(long, value_name = "MS")]
        timeout_ms: Option<u64>,
    },
}

/// The command line definition, with the examples that end each `--help`.
fn command() -> clap::Command {
    help::with_examples(Cli::command())
}

/// Whether `args` may ask for help (`help`, `--help`, `-h` alone or among short flags): only
/// then are the examples added, which costs more than the rest of a `show`.
fn may_ask_for_help(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .any(|a| a == "help" || a == "--help" || (a.starts_with('-') && !a.starts_with("--") && a.contains('h')))
}

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let cmd = if may_ask_for_help(&args) { command() } else { Cli::command() };
    let matches: ArgMatches = match cmd.try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => e.exit(),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    term::configure(cli.color, cli.quiet);
    term::guard(|| match cli.command {
        Command::Show(a) => cmd::show::run(&a),
        Command::Verify(a) => cmd::verify::run(&a),
        Command::Hash(a) => cmd::hash::run(&a),
        Command::Devices(a) => cmd::devices::run(&a),
        Command::Diff(a) => cmd::diff::run(&a),
        Command::Lint(a) => cmd::lint::run(&a),
        Command::Fetch(a) => cmd::fetch::run(&a),
        Command::Build(a) => cmd::build::run(&a, matches.subcommand_matches("build")),
        Command::Resign(a) => cmd::resign::run(&a),
        Command::Sgn(c) => cmd::sgn::run(c),
        Command::Cert(c) => cmd::cert::run(c),
        Command::Plan(a) => cmd::plan::plan_cmd(&a),
        Command::Completions(a) => cmd::completions::run(&a, command()),
        Command::Manpage(a) => cmd::manpage::run(&a, command()),
        #[cfg(feature = "serve")]
        Command::Serve {
            listen,
            db,
            syslog,
            syslog_cert,
            itl,
            ctl,
            token,
            keep_days,
            hosts,
            config,
            probe,
            ris,
            ris_user,
            ris_ca,
            ris_password_file,
            probe_every,
            phone_port,
            phone_https,
            jobs,
            timeout_ms,
        } => {
            let cli = itl_serve::Config {
                listen,
                db,
                syslog,
                syslog_cert,
                itl,
                ctl,
                token,
                keep_days,
                host: hosts,
                limits: None,
                probe,
                ris,
                ris_user,
                ris_ca,
                ris_password_file,
                probe_every,
                phone_port,
                phone_https: phone_https.then_some(true),
                jobs,
                timeout_ms,
            };
            match itl_serve::Options::from_config(cli, config.as_deref()) {
                Ok(opts) => itl_serve::run(opts),
                Err(e) => {
                    eprintln!("itlctl: serve: {e}");
                    2
                }
            }
        }
    })
}
