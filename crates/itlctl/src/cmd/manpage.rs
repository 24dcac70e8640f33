//! `itlctl manpage -o DIR`: the manual pages, `itlctl.1` and `itlctl-<command>.1` for each
//! command.

use clap::Args;

// The arguments of `manpage` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct ManpageArgs {
    /// The folder to write them into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: String,
}

/// Runs `manpage` for the command line `cmd`.
pub fn run(args: &ManpageArgs, cmd: clap::Command) -> u8 {
    let dir = &args.output;
    let res = std::fs::create_dir_all(dir).and_then(|_| clap_mangen::generate_to(cmd, dir));
    match res {
        Ok(()) => crate::exit::OK,
        Err(e) => {
            crate::input::fail(dir, &format!("cannot write the manual pages: {e}"));
            crate::exit::FAILED
        }
    }
}
