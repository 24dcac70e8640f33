//! Verdict words in colour: green, red, yellow, only when colour is on.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--color WHEN`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour (also into a pipe).
    Always,
    /// Never colour.
    Never,
}

static COLOR: AtomicBool = AtomicBool::new(false);

/// Turns colour on or off for this run, from `--color` and whether stdout is a terminal.
pub(super) fn set(choice: ColorChoice, terminal: bool) {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    COLOR.store(on, Ordering::Relaxed);
}

/// A word printed in a colour when colour is on; honours the formatter's width and alignment
/// (`{:<14}`), padding outside the escape codes so columns stay aligned.
pub struct Painted<'a> {
    text: &'a str,
    style: anstyle::Style,
}

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !COLOR.load(Ordering::Relaxed) {
            return f.pad(self.text);
        }
        let width = f.width().unwrap_or(0);
        let fill = width.saturating_sub(self.text.chars().count());
        let (before, after) = match f.align() {
            Some(fmt::Alignment::Right) => (fill, 0),
            Some(fmt::Alignment::Center) => (fill / 2, fill - fill / 2),
            _ => (0, fill),
        };
        write!(f, "{:before$}{}{}{}{:after$}", "", self.style.render(), self.text, self.style.render_reset(), "")
    }
}

fn paint(text: &str, color: anstyle::AnsiColor) -> Painted<'_> {
    Painted { text, style: anstyle::Style::new().fg_color(Some(color.into())) }
}

/// A positive verdict (`valid`, `Match`, `accept`): green.
pub fn good(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Green)
}

/// A negative verdict or an error (`INVALID`, `Mismatch`, `reject`, `error`): red.
pub fn bad(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Red)
}

/// A warning: yellow.
pub fn warn(text: &str) -> Painted<'_> {
    paint(text, anstyle::AnsiColor::Yellow)
}

/// A verdict, status or severity word in its colour: green for `valid`, `Match`, `accept`
/// (and `accept-via-tvs`), red for `INVALID`, `Mismatch`, `reject`, `error`, yellow for
/// `warning`, plain otherwise.
pub fn verdict(word: &str) -> Painted<'_> {
    match word {
        "valid" | "Match" | "accept" | "accept-via-tvs" => good(word),
        "INVALID" | "Mismatch" | "reject" | "error" => bad(word),
        "warning" => warn(word),
        _ => Painted { text: word, style: anstyle::Style::new() },
    }
}
