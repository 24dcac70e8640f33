//! The probe parts of `/fleet`: the state of the scheduled probes (last run, asked,
//! answered, failed, the run under way, the next one) and each phone's source.

use maud::{html, Markup};

use crate::probe::{Run, Status};
use crate::store::Extra;

/// `2026-12-02T00:51:15Z` as `2026-12-02 00:51:15 UTC`.
fn when(t: &str) -> String {
    t.replacen('T', " ", 1).replace('Z', " UTC")
}

fn counts(r: &Run) -> Markup {
    let c = &r.counts;
    html! {
        span.pcount data-probe="asked" { b { (c.asked) } " asked" }
        " · " span.pcount data-probe="answered" { b { (c.answered) } " answered" }
        " · " span.pcount data-probe="failed" { b { (c.failed()) } " failed" }
        @if c.failed() > 0 {
            span.meta {
                " (" (c.unreachable) " unreachable, " (c.no_web_access) " no web access, "
                (c.not_understood) " not understood)"
            }
        }
    }
}

/// The card of the probe state, or nothing when nothing is probed.
pub fn card(s: Option<&Status>) -> Markup {
    let Some(s) = s else { return html! {} };
    html! {
        section.card.probes {
            h2 { "Phones asked directly" }
            p.meta {
                @match s.every_s {
                    Some(e) if e % 3600 == 0 => { "Every " (e / 3600) " h" }
                    Some(e) => { "Every " (e / 60) " min" }
                    None => { "Once at start" }
                }
                @if let Some(n) = &s.next { " · next run " (when(n)) }
            }
            @if let Some(r) = &s.running {
                p.probe-run data-probe-state="running" {
                    "Running since " (when(&r.started)) ": " (r.counts.asked) " of " (r.total) " phones asked, "
                    (r.counts.answered) " answered"
                }
            }
            @match &s.last {
                Some(r) => {
                    p.probe-run data-probe-state="last" {
                        "Last run " (when(&r.started)) ": " (counts(r))
                        @if let Some(n) = r.ris_listed { span.meta { " · " (n) " listed by RIS" } }
                    }
                }
                None => {
                    @if s.running.is_none() { p.meta { "No run yet." } }
                }
            }
        }
    }
}

/// A phone's source cell: `report` or `probe` (with the model), and a failed probe beside
/// values kept from earlier.
pub fn source_cell(e: &Extra, time: impl Fn(i64) -> String) -> Markup {
    html! {
        span class={ "src " (if e.is_probe() { "probe" } else { "report" }) } { (if e.is_probe() { "probe" } else { "report" }) }
        @if let Some(m) = &e.model { " " span.meta { (m) } }
        @if let Some(r) = &e.reason {
            br;
            span.probe-failed title=(e.address.as_deref().unwrap_or("")) {
                "probe failed: " (r) @if let Some(t) = e.probe_failed { " · " (time(t)) }
            }
        }
    }
}
