//! The examples that end every command's `--help` (and its manual page).
//!
//! Each example is a comment line saying what it does and its exit code, `(exit N…)`, then the
//! command line; `tests/terminal.rs` runs every one on the fixtures and checks that code.

use clap::Command;

/// `(command path, examples)`: the path is the subcommand names after `itlctl`, space-separated
/// (`""` for `itlctl` itself). Entries for commands this build lacks are ignored.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "",
        "# Check the ITL of every phone in a TFTP folder (exit 0: all valid; 1: one is not)
  itlctl verify tftp/ITLSEP*.tlv
  # Print a trust list as CUCM's `show itl` does (exit 0)
  itlctl show ITLFile.tlv",
    ),
    (
        "show",
        "# Print a trust list as CUCM's `show itl` does (exit 0: the signature is valid)
  itlctl show ITLFile.tlv
  # The same as JSON, for scripts (exit 0)
  itlctl show --json CTLFile.tlv",
    ),
    (
        "verify",
        "# Check the ITL of every phone in a TFTP folder (exit 0: all valid; 1: one is INVALID)
  itlctl verify tftp/ITLSEP*.tlv
  # Judge a new ITL as the phones that hold the current one will (exit 0: they accept it)
  itlctl verify --anchor ITLFile.tlv new/ITLFile.tlv",
    ),
    (
        "hash",
        "# The hashes a phone shows under Settings > Security > Trust List (exit 0)
  itlctl hash ITLFile.tlv",
    ),
    (
        "devices",
        "# Phones whose ITL is not the one the TFTP server serves (exit 1: some are not)
  itlctl devices --itl cucm-115.home.lab=ITLFile.tlv syslog.txt
  # The same as CSV, for a spreadsheet (exit 1: some Mismatch)
  itlctl devices --csv --itl ITLFile.tlv syslog.txt > phones.csv",
    ),
    (
        "diff",
        "# Will the phones that hold the current ITL accept the new one? (exit 0: accept)
  itlctl diff ITLFile.tlv new/ITLFile.tlv",
    ),
    (
        "lint",
        "# Certificates expiring within half a year, ITLRecovery, size limits (exit 0: no error)
  itlctl lint --days 180 ITLFile.tlv CTLFile.tlv",
    ),
    (
        "fetch",
        "# Save the ITL that the TFTP service of cucm-pub serves over HTTP (exit 0)
  itlctl fetch -o new http://cucm-pub:6970/ITLFile.tlv",
    ),
    (
        "build",
        "# An ITL signed by the ITLRecovery key, with CallManager, CAPF and TVS records (exit 0)
  itlctl build -o ITLFile.new.tlv --key itlrecovery.key --sast itlrecovery.pem --ccm-tftp callmanager.pem --capf capf.pem --tvs tvs.pem",
    ),
    (
        "resign",
        "# Sign with the ITLRecovery key, as `utils itl reset localkey` does (exit 0)
  itlctl resign ITLFile.tlv --key itlrecovery.key --cert itlrecovery.pem -o ITLFile.reset.tlv",
    ),
    (
        "sgn",
        "# What signed a phone's configuration file (exit 0)
  itlctl sgn show SEP001122334455.cnf.xml.sgn",
    ),
    (
        "sgn show",
        "# What signed a phone's configuration file (exit 0)
  itlctl sgn show SEP001122334455.cnf.xml.sgn",
    ),
    (
        "sgn verify",
        "# Does a phone holding this ITL accept the configuration file? (exit 0: yes)
  itlctl sgn verify SEP001122334455.cnf.xml.sgn --itl ITLFile.tlv",
    ),
    (
        "sgn extract",
        "# The configuration file without its signature (exit 0)
  itlctl sgn extract SEP001122334455.cnf.xml.sgn -o SEP001122334455.cnf.xml",
    ),
    (
        "sgn sign",
        "# Sign a phone's configuration file with the TFTP (CallManager) key (exit 0)
  itlctl sgn sign SEP0011223344AA.cnf.xml --key callmanager.key --cert callmanager.pem",
    ),
    (
        "sgn encrypt",
        "# Encrypt a configuration file for one phone, then read it back (exit 0)
  itlctl sgn encrypt SEP0011223344AA.cnf.xml --key callmanager.key --cert callmanager.pem --phone-cert phone.pem",
    ),
    (
        "sgn decrypt",
        "# Encrypt a configuration file for one phone, then read it back with its key (exit 0)
  itlctl sgn encrypt SEP0011223344AA.cnf.xml --key callmanager.key --cert callmanager.pem --phone-cert phone.pem && itlctl sgn decrypt SEP0011223344AA.cnf.xml.enc.sgn --phone-key phone.key",
    ),
    (
        "cert",
        "# The base64 SHA-1 hash CUCM shows for a certificate (exit 0)
  itlctl cert hash callmanager.pem",
    ),
    (
        "cert hash",
        "# The base64 SHA-1 hash CUCM shows for a certificate (exit 0)
  itlctl cert hash callmanager.pem",
    ),
    (
        "cert new",
        "# A self-signed certificate and key for a lab TFTP server (exit 0)
  itlctl cert new --cn cucm-lab.example.com --org Example --unit VoIP -o cucm-lab.pem",
    ),
    (
        "serve",
        "# Listening beyond loopback needs a token, so this is refused; add --token TOKEN (exit 2)
  itlctl serve --listen 0.0.0.0:8080 --db :memory:",
    ),
    (
        "plan",
        "# Regenerate CallManager and TVS on a 10.x cluster: the steps, commands and verdicts (exit 0: online phones keep accepting)
  itlctl plan --itl cucm-pub=ITLFile.tlv --regenerate callmanager,tvs
  # The same in mixed mode, as JSON for a script (exit 0)
  itlctl plan --json --itl ITLFile.tlv --ctl CTLFile.tlv --regenerate CallManager,TVS,CAPF",
    ),
    (
        "completions",
        "# Tab completion for bash, in this shell (exit 0)
  source <(itlctl completions bash)
  # Installed for fish (exit 0)
  itlctl completions fish > ~/.config/fish/completions/itlctl.fish",
    ),
    (
        "manpage",
        "# Install the manual pages for this user, then `man itlctl-verify` (exit 0)
  itlctl manpage -o ~/.local/share/man/man1",
    ),
];

/// `cmd` with the examples at the end of its help and of its subcommands' help.
pub fn with_examples(cmd: Command) -> Command {
    add(cmd, "")
}

fn add(mut cmd: Command, path: &str) -> Command {
    if let Some((_, text)) = EXAMPLES.iter().find(|(p, _)| *p == path) {
        cmd = cmd.after_help(format!("Examples:\n  {text}\n"));
    }
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    for name in names {
        let sub = if path.is_empty() { name.clone() } else { format!("{path} {name}") };
        cmd = cmd.mut_subcommand(&name, |c| add(c, &sub));
    }
    cmd
}
