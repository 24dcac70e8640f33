//! The commands, one a file: each defines its arguments (clap), reads its files, calls the
//! library and prints. They return an exit code of [`crate::exit`].

pub mod build;
pub mod cert;
pub mod completions;
pub mod devices;
pub mod diff;
pub mod fetch;
pub mod hash;
mod keys;
pub mod lint;
pub mod manpage;
mod phones;
pub mod plan;
pub mod resign;
pub mod sgn;
pub mod show;
pub mod verify;

use clap::Args;
use itl::TrustList;

use crate::input::fail;

// The file arguments of `verify`, `lint` and `hash` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The files (for example every `ITLSEP<MAC>.tlv` of a TFTP folder), or folders: every
    /// ITL*.tlv and CTL*.tlv in them.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
    /// With folders, descend into their sub-folders.
    #[arg(short, long)]
    pub recursive: bool,
    /// Files worked on at the same time (default: one per core).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

impl FileArgs {
    /// `--jobs N` as a thread count.
    pub fn jobs(&self) -> Option<usize> {
        self.jobs.map(usize::from)
    }
}

/// Parses a trust list strictly, or prints `itlctl: FILE: <what> at byte N (tag T)` and
/// gives `None`.
pub fn parse_or_fail<'a>(path: &str, bytes: &'a [u8]) -> Option<TrustList<'a>> {
    match TrustList::parse(bytes) {
        Ok(l) => Some(l),
        Err(e) => {
            fail(path, &e.located());
            None
        }
    }
}
