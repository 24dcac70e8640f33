//! Whole-process wall time of commands run in turn, one run of each per round, so that a
//! machine whose speed drifts (a VM sharing its host) slows every command alike. Prints each
//! command's median, quartiles and ratio to the first command's median.
//!
//!     rustc --edition 2021 -O benches/alternate.rs -o /tmp/alternate
//!     /tmp/alternate 400 /tmp/hello 'target/release/itlctl show testdata/itl-11x-cm-sha1.tlv'
//!
//! Each command is split on spaces; its output goes to /dev/null. Ten warm-up rounds are
//! not counted.
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: alternate ROUNDS 'COMMAND ARGS' ...";
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).expect(usage);
    let commands: Vec<Vec<String>> = args.map(|c| c.split_whitespace().map(String::from).collect()).collect();
    assert!(!commands.is_empty() && commands.iter().all(|c| !c.is_empty()), "{usage}");
    let mut times = vec![Vec::with_capacity(rounds); commands.len()];
    for round in 0..rounds + 10 {
        for (c, t) in commands.iter().zip(&mut times) {
            let start = Instant::now();
            let status = Command::new(&c[0]).args(&c[1..]).stdout(Stdio::null()).stderr(Stdio::null()).status();
            let ms = start.elapsed().as_secs_f64() * 1e3;
            assert!(status.is_ok_and(|s| s.code().is_some_and(|code| code <= 1)), "{c:?} failed");
            if round >= 10 {
                t.push(ms);
            }
        }
    }
    let at = |t: &[f64], q: f64| t[((t.len() - 1) as f64 * q).round() as usize];
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    let base = at(&times[0], 0.5);
    for (c, t) in commands.iter().zip(&times) {
        let median = at(t, 0.5);
        println!(
            "{median:7.3} ms  [{:.3} {:.3}]  {:.2}x  {}",
            at(t, 0.25),
            at(t, 0.75),
            median / base,
            c.join(" ")
        );
    }
}
