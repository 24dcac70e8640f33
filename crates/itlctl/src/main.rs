//! `itlctl`: read, verify and explain Cisco Unified CM ITL/CTL trust lists.
//!
//! A thin shell over the `itl` library: argument parsing, file reading, printing and exit
//! codes (0 success, 1 negative verdict, 2 unreadable file or bad command line).
#![forbid(unsafe_code)]

mod cmd;
mod input;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Read, verify and explain Cisco Unified CM trust lists (ITLFile.tlv, CTLFile.tlv).
#[derive(Debug, Parser)]
#[command(name = "itlctl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a trust list as CUCM's `show itl` / `show ctl` does, ending with the verdict.
    Show {
        /// The ITL or CTL file.
        file: String,
        /// Print JSON instead of CUCM's text.
        #[arg(long)]
        json: bool,
    },
    /// Check the signature of one or more trust lists and say which token signed each.
    Verify {
        /// The files (for example every `ITLSEP<MAC>.tlv` of a TFTP folder).
        #[arg(required = true)]
        files: Vec<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
        /// Trust only this certificate (PEM/DER), or the SAST/TFTP records of this trust
        /// list, as a phone holding it would.
        #[arg(long, value_name = "CERT_OR_TLV")]
        anchor: Option<String>,
    },
    /// Print MD5, SHA-1, SHA-256 and SHA-512 of whole files, also as phones show them.
    Hash {
        /// The files.
        #[arg(required = true)]
        files: Vec<String>,
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Show { file, json } => cmd::show(&file, json),
        Command::Verify {
            files,
            json,
            anchor,
        } => cmd::verify_cmd(&files, json, anchor.as_deref()),
        Command::Hash { files, json } => cmd::hash(&files, json),
    };
    ExitCode::from(code)
}
