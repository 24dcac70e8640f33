//! The `itlctl` program: see the crate library for the commands.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(itlctl::run(std::env::args_os()))
}
