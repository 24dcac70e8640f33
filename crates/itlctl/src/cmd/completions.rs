//! `itlctl completions SHELL`: the shell completion script on stdout.

use clap::Args;

// The arguments of `completions` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Runs `completions` for the command line `cmd`.
pub fn run(args: &CompletionsArgs, mut cmd: clap::Command) -> u8 {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "itlctl", &mut buf);
    crate::term::write_stdout(&buf);
    crate::exit::OK
}
