//! The terminal conventions of docs/cli.md: a closed pipe, colour, progress, `--quiet`,
//! completions, manual pages and the examples in every `--help`.
//!
//! Where a terminal matters the program runs under a pseudo-terminal made by util-linux
//! `script -qec`, which copies everything written to the terminal (stdout and stderr) to its own
//! stdout.

mod common;

use std::io::{Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{t, testdata, text, tmpdir, TempDir, BIN};
const ESC: &str = "\x1b[";
const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";

/// `itlctl ARGS` whatever the user's `NO_COLOR`.
fn itlctl(args: &[&str]) -> Output {
    common::command(args).env_remove("NO_COLOR").output().unwrap()
}

/// Single-quotes `s` for sh.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Runs `shell_command` with a pseudo-terminal as stdin, stdout and stderr; returns what
/// reached the terminal.
fn on_terminal(shell_command: &str, env: &[(&str, &str)]) -> String {
    let mut c = Command::new("script");
    c.args(["-qec", shell_command, "/dev/null"]).env_remove("NO_COLOR").env("TERM", "xterm").env("COLUMNS", "100");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.stdin(Stdio::null()).output().expect("util-linux script");
    text(&o.stdout)
}

/// The shell command line running itlctl with `args`.
fn line(args: &[&str]) -> String {
    std::iter::once(BIN).chain(args.iter().copied()).map(quote).collect::<Vec<_>>().join(" ")
}

/// `n` SHA-256-signed trust lists (no SHA-1 note) named like phones' ITLs in a fresh folder.
fn many_files(tag: &str, n: usize) -> (TempDir, Vec<String>) {
    let d = tmpdir(tag);
    let files = (0..n)
        .map(|i| {
            let p = d.join(format!("ITLSEP0011223344{i:02X}.tlv"));
            std::fs::copy(testdata().join("ctl-tokenless-sha256.tlv"), &p).unwrap();
            p.to_str().unwrap().to_owned()
        })
        .collect();
    (d, files)
}

// ---------------------------------------------------------------------------------------------
// A closed pipe

/// Command lines for every command, each printing something on stdout.
fn every_command(d: &Path) -> Vec<Vec<String>> {
    let k = |n: &str| t(&format!("keys/{n}"));
    let o = |n: &str| d.join(n).to_str().unwrap().to_owned();
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let sha256 = t("ctl-tokenless-sha256.tlv");
    let many: Vec<&str> = std::iter::repeat_n(sha256.as_str(), 200).collect();
    vec![
        v(&["show", &t("itl-39-records.tlv")]),
        v(&["show", "--json", &t("itl-39-records.tlv")]),
        [vec!["verify".to_owned()], v(&many)].concat(),
        [vec!["verify".to_owned(), "--json".to_owned()], v(&many)].concat(),
        [vec!["hash".to_owned()], v(&many)].concat(),
        [vec!["hash".to_owned(), "--json".to_owned()], v(&many)].concat(),
        [vec!["lint".to_owned(), "--now".to_owned(), "2026-11-24T00:00:00Z".to_owned()], v(&many)].concat(),
        v(&["lint", "--json", &t("itl-39-records.tlv")]),
        v(&["diff", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-regen.tlv")]),
        v(&["diff", "--json", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-regen.tlv")]),
        v(&["devices", "--itl", &format!("other={}", t("itl-11x-cm-sha1.tlv")), &t("reports/refer-sample.txt")]),
        v(&[
            "devices",
            "--json",
            "--itl",
            &format!("other={}", t("itl-11x-cm-sha1.tlv")),
            &t("reports/refer-sample.txt"),
        ]),
        v(&[
            "devices",
            "--csv",
            "--itl",
            &format!("other={}", t("itl-11x-cm-sha1.tlv")),
            &t("reports/refer-sample.txt"),
        ]),
        v(&["sgn", "show", &t("SEP001122334455.cnf.xml.sgn")]),
        v(&["sgn", "verify", &t("SEP001122334455.cnf.xml.sgn"), "--itl", &t("itl-11x-cm-sha1.tlv")]),
        v(&["build", "-o", &o("built.tlv"), "--key", &k("itlrec12.key"), "--sast", &k("itlrec12.pem")]),
        v(&[
            "resign",
            &t("itl-11x-cm-sha1.tlv"),
            "--key",
            &k("itlrec10.key"),
            "--cert",
            &k("itlrec10.pem"),
            "-o",
            &o("r.tlv"),
        ]),
        v(&["cert", "hash", &k("cm10pub.pem")]),
        v(&[
            "sgn",
            "decrypt",
            &t("pbx/certutils-sha1/SEP001122334455.cnf.xml.enc.sgn"),
            "--phone-key",
            &t("pbx/phone.pem"),
        ]),
        v(&["completions", "bash"]),
        v(&["completions", "zsh"]),
        v(&["completions", "fish"]),
        v(&["completions", "powershell"]),
        v(&["completions", "elvish"]),
        v(&["verify", "--help"]),
        v(&["--version"]),
    ]
}

fn quiet_end(args: &[String], status: std::process::ExitStatus, err: &str) {
    assert!(status.code() == Some(0) || status.signal() == Some(13), "{args:?}: {status:?}: {err}");
    assert_eq!(err, "", "{args:?}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_in_every_command() {
    let d = tmpdir("pipe");
    for args in every_command(&d) {
        // The reader is gone before the first write.
        let mut child = Command::new(BIN)
            .args(&args)
            .env("RUST_BACKTRACE", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        let status = child.wait().unwrap();
        quiet_end(&args, status, &err);
        let _ = std::fs::remove_file(d.join("built.tlv"));
        let _ = std::fs::remove_file(d.join("r.tlv"));
        // `| head -1`, as a user types it.
        let sh = format!(
            "{} 2>{}/err | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            line(&args.iter().map(String::as_str).collect::<Vec<_>>()),
            d.display()
        );
        let o = Command::new("bash").args(["-c", &sh]).env("RUST_BACKTRACE", "1").output().unwrap();
        let code: i32 = text(&o.stdout).trim().parse().unwrap();
        let err = std::fs::read_to_string(d.join("err")).unwrap();
        assert!(code == 0 || code == 128 + 13, "{args:?} | head -1: exit {code}: {err}");
        assert_eq!(err, "", "{args:?} | head -1");
        let _ = std::fs::remove_file(d.join("built.tlv"));
        let _ = std::fs::remove_file(d.join("r.tlv"));
    }
}

// ---------------------------------------------------------------------------------------------
// Colour

#[test]
fn colour_on_a_terminal_only() {
    let good = t("itl-11x-cm-sha1.tlv");
    let bad = t("signed-by-stranger.tlv");
    let cmd = line(&["verify", "-q", &good, &bad]);
    let tty = on_terminal(&cmd, &[]);
    assert!(tty.contains(&format!("{GREEN}valid\x1b[0m, signed by CallManager")), "{tty:?}");
    assert!(tty.contains(&format!("{RED}INVALID\x1b[0m: no record matches")), "{tty:?}");
    // NO_COLOR set, --color never, a pipe: none.
    assert!(!on_terminal(&cmd, &[("NO_COLOR", "1")]).contains(ESC));
    assert!(!on_terminal(&format!("{cmd} --color never"), &[]).contains(ESC));
    let piped = itlctl(&["verify", "-q", &good, &bad]);
    assert!(!text(&piped.stdout).contains(ESC) && !text(&piped.stderr).contains(ESC));
    // An empty NO_COLOR does not count.
    assert!(on_terminal(&cmd, &[("NO_COLOR", "")]).contains(GREEN));
    // --color always colours a pipe too.
    let o = itlctl(&["verify", "--color", "always", &good, &bad]);
    assert!(text(&o.stdout).contains(&format!("{GREEN}valid")) && text(&o.stdout).contains(&format!("{RED}INVALID")));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn colour_for_statuses_verdicts_and_severities_never_in_json_or_csv() {
    let always = |args: &[&str]| {
        let mut a = vec!["--color", "always"];
        a.extend_from_slice(args);
        text(&itlctl(&a).stdout)
    };
    let itl = format!("cucm-115.home.lab={}", t("itl-11x-cm-sha1.tlv"));
    let report = t("reports/refer-sample.txt");
    let s = always(&["devices", "--itl", &itl, &report]);
    assert!(s.contains(&format!("{RED}Mismatch\x1b[0m")), "{s:?}");
    // The column stays aligned: padding outside the colour codes.
    let plain = text(&itlctl(&["devices", "--itl", &itl, &report]).stdout);
    assert_eq!(s.replace(RED, "").replace("\x1b[0m", ""), plain);
    let s = always(&["diff", &t("itl-12x-itlrecovery-sha512.tlv"), &t("scenario-12x-cm-regen.tlv")]);
    assert!(s.contains(&format!(": {GREEN}accept\x1b[0m: ")), "{s:?}");
    let s = always(&["diff", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-tvs-regen.tlv")]);
    assert!(s.contains(&format!(": {RED}reject\x1b[0m: ")), "{s:?}");
    let s = always(&["lint", "--now", "2026-11-24T00:00:00Z", &t("lint-40-records.tlv"), &t("itl-11x-cm-sha1.tlv")]);
    assert!(s.contains(&format!(": {RED}error\x1b[0m too-many-records")), "{s:?}");
    assert!(s.contains(&format!(": {YELLOW}warning\x1b[0m itlrecovery-weak-key")), "{s:?}");
    for args in [
        vec!["verify", "--json", &t("itl-11x-cm-sha1.tlv"), &t("signed-by-stranger.tlv")],
        vec!["show", "--json", &t("itl-11x-cm-sha1.tlv")],
        vec!["devices", "--json", "--itl", &itl, &report],
        vec!["devices", "--csv", "--itl", &itl, &report],
        vec!["diff", "--json", &t("scenario-11x-before.tlv"), &t("scenario-11x-cm-tvs-regen.tlv")],
        vec!["lint", "--json", &t("lint-40-records.tlv")],
        vec!["hash", "--json", &t("itl-11x-cm-sha1.tlv")],
    ] {
        let s = always(&args);
        assert!(!s.is_empty() && !s.contains(ESC), "{args:?}");
        let s = on_terminal(&line(&args), &[]);
        assert!(!s.contains(ESC), "{args:?} on a terminal: {s:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Progress and --quiet

#[test]
fn progress_for_many_files_on_a_terminal_only() {
    let (_d, files) = many_files("progress", 60);
    let few = &files[..50];
    for cmd in ["verify", "hash", "lint"] {
        let mut args = vec![cmd];
        args.extend(files.iter().map(String::as_str));
        // stdout into a file, stderr on the terminal.
        let shown = on_terminal(&format!("{} >/dev/null", line(&args)), &[]);
        assert!(shown.contains("/60 files"), "{cmd}: {shown:?}");
        assert!(shown.contains("/s"), "{cmd}: a rate: {shown:?}");
        let quiet = on_terminal(&format!("{} -q >/dev/null", line(&args)), &[]);
        assert!(!quiet.contains("files"), "{cmd} -q: {quiet:?}");
        // No more than 50 files: no bar.
        let mut a = vec![cmd];
        a.extend(few.iter().map(String::as_str));
        let shown = on_terminal(&format!("{} >/dev/null", line(&a)), &[]);
        assert!(!shown.contains("files"), "{cmd} on 50 files: {shown:?}");
        // stderr not a terminal: nothing there.
        let o = itlctl(&args);
        assert_eq!(text(&o.stderr), "", "{cmd}");
    }
    // A folder is "many files" however few it holds.
    let (d, _) = many_files("progress-folder", 5);
    let shown = on_terminal(&format!("{} >/dev/null", line(&["verify", d.to_str().unwrap()])), &[]);
    assert!(shown.contains("/5 files"), "a folder: {shown:?}");
    // With the bar on the same terminal, every line still arrives, in order.
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let shown = on_terminal(&line(&args), &[]);
    let at: Vec<usize> = files.iter().map(|f| shown.find(&format!("{f}: ")).expect(f)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn progress_for_large_reports_including_stdin() {
    let d = tmpdir("large");
    let big = d.join("syslog.txt");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        let other = "Nov 24 12:00:00 cucm-pub 1234: %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEP001122334455][IPAddress=10.1.1.2][Protocol=SIP][AppID=Cisco CallManager]: Endpoint registered\n";
        let mut n = 0;
        while n <= 65 * 1024 * 1024 {
            f.write_all(other.as_bytes()).unwrap();
            n += other.len();
        }
    }
    let itl = t("itl-11x-cm-sha1.tlv");
    let b = big.to_str().unwrap();
    let shown = on_terminal(&format!("{} >/dev/null", line(&["devices", "--itl", &itl, b])), &[]);
    assert!(shown.contains(" MiB/65.0"), "bytes and total: {shown:?}");
    assert!(shown.contains("iB/s"), "rate: {shown:?}");
    let shown = on_terminal(&format!("{} <{} >/dev/null", line(&["devices", "--itl", &itl, "-"]), quote(b)), &[]);
    assert!(shown.contains("iB/s"), "stdin: {shown:?}");
    let quiet = on_terminal(&format!("{} -q <{} >/dev/null", line(&["devices", "--itl", &itl, "-"]), quote(b)), &[]);
    assert!(!quiet.contains("MiB"), "{quiet:?}");
    let o = itlctl(&["devices", "--itl", &itl, b]);
    assert!(!text(&o.stderr).contains("MiB"));
    // A small report: no bar.
    let shown =
        on_terminal(&format!("{} >/dev/null", line(&["devices", "--itl", &itl, &t("reports/refer-sample.txt")])), &[]);
    assert!(!shown.contains("MiB") && !shown.contains(" B/s"), "{shown:?}");
}

#[test]
fn quiet_drops_notes_but_not_errors() {
    let sha1 = t("itl-11x-cm-sha1.tlv");
    let o = itlctl(&["verify", &sha1]);
    assert!(text(&o.stderr).contains("note: signed with SHA-1"));
    for q in ["-q", "--quiet"] {
        let o = itlctl(&["verify", q, &sha1]);
        assert_eq!(text(&o.stderr), "");
        assert_eq!(o.stdout, itlctl(&["verify", &sha1]).stdout);
        let o = itlctl(&["verify", &sha1, q, "/nonexistent/ITLFile.tlv"]);
        assert!(text(&o.stderr).starts_with("itlctl: /nonexistent/ITLFile.tlv: cannot read: "));
        assert_eq!(o.status.code(), Some(2));
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs

#[test]
fn many_files_in_argument_order_whatever_the_jobs() {
    let names = [
        "itl-11x-cm-sha1.tlv",
        "err-truncated.tlv",
        "missing.tlv",
        "ctl-tokenless-sha256.tlv",
        "signed-by-stranger.tlv",
        "lint-40-records.tlv",
    ];
    let files: Vec<String> = (0..40).map(|i| t(names[i % names.len()])).collect();
    for cmd in [
        vec!["verify"],
        vec!["verify", "--json"],
        vec!["hash"],
        vec!["hash", "--json"],
        vec!["lint", "--now", "2026-11-24T00:00:00Z"],
        vec!["lint", "--json", "--now", "2026-11-24T00:00:00Z"],
    ] {
        let run = |jobs: &str| {
            let mut a = cmd.clone();
            a.extend(["--jobs", jobs]);
            a.extend(files.iter().map(String::as_str));
            itlctl(&a)
        };
        let one = run("1");
        for jobs in ["2", "7"] {
            let o = run(jobs);
            assert_eq!(o.stdout, one.stdout, "{cmd:?} --jobs {jobs}");
            assert_eq!(o.stderr, one.stderr, "{cmd:?} --jobs {jobs}");
            assert_eq!(o.status.code(), one.status.code());
        }
    }
    assert_eq!(itlctl(&["verify", "--jobs", "0", &t("itl-11x-cm-sha1.tlv")]).status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Completions, manual pages, examples

#[test]
fn completions_for_every_shell() {
    for (shell, mark) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef itlctl"),
        ("fish", "complete -c itlctl"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[itlctl]"),
    ] {
        let o = itlctl(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let s = text(&o.stdout);
        assert!(s.contains(mark), "{shell}");
        assert!(s.contains("verify") && s.contains("anchor"), "{shell}");
    }
    // bash itself accepts the script.
    let d = tmpdir("compl");
    std::fs::write(d.join("itlctl.bash"), itlctl(&["completions", "bash"]).stdout).unwrap();
    let o = Command::new("bash").args(["-n", d.join("itlctl.bash").to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(itlctl(&["completions", "tcsh"]).status.code(), Some(2));
}

/// The commands `itlctl PATH --help` lists (not `help`).
fn subcommands(path: &[&str]) -> Vec<String> {
    let mut a = path.to_vec();
    a.push("--help");
    let help = text(&itlctl(&a).stdout);
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

/// Every command path: `[]`, `["show"]`, …, `["sgn", "show"]`, ….
fn every_command_path() -> Vec<Vec<String>> {
    let mut out = vec![vec![]];
    for c in subcommands(&[]) {
        let subs = subcommands(&[&c]);
        out.push(vec![c.clone()]);
        for s in subs {
            out.push(vec![c.clone(), s]);
        }
    }
    out
}

/// Each command's `--help` opens with the summary its parent's `--help` lists for it: the
/// arguments are built late (clap's `defer`), and an argument struct's doc comment must not
/// replace the command's text then.
#[test]
fn every_help_opens_with_the_summary_its_parent_lists() {
    for p in every_command_path().into_iter().filter(|p| !p.is_empty()) {
        let (name, parent) = p.split_last().unwrap();
        let parent: Vec<&str> = parent.iter().map(String::as_str).collect();
        let listing = text(&itlctl(&[parent.as_slice(), &["--help"]].concat()).stdout);
        let listed = listing
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(name.as_str()).filter(|r| r.starts_with("  ")))
            .unwrap_or_else(|| panic!("{p:?}: not listed in {listing}"))
            .trim();
        let args: Vec<&str> = p.iter().map(String::as_str).chain(["--help"]).collect();
        let help = text(&itlctl(&args).stdout);
        assert_eq!(help.lines().next(), Some(listed), "{p:?}");
    }
}

#[test]
fn manual_pages_for_every_command() {
    let d = tmpdir("man");
    let out = d.join("man1");
    let o = itlctl(&["manpage", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let paths = every_command_path();
    assert!(paths.len() > 12);
    for p in paths {
        let name = std::iter::once("itlctl").chain(p.iter().map(String::as_str)).collect::<Vec<_>>().join("-");
        let page = std::fs::read_to_string(out.join(format!("{name}.1"))).unwrap_or_else(|_| panic!("{name}.1"));
        assert!(page.lines().any(|l| l.starts_with(&format!(".TH {name} 1"))), "{name}: {}", &page[..200]);
        assert!(page.contains("Examples:"), "{name}");
    }
    // An unwritable folder: exit 2 with one line.
    let o = itlctl(&["manpage", "-o", "/proc/itlctl-man"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stderr).lines().count(), 1);
}

/// A folder holding the files the examples name.
fn example_fixtures(d: &Path) {
    let copy = |from: &str, to: &str| {
        let p = d.join(to);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::copy(testdata().join(from), p).unwrap();
    };
    copy("itl-11x-cm-sha1.tlv", "ITLFile.tlv");
    copy("itl-11x-reset-itlrecovery.tlv", "new/ITLFile.tlv");
    copy("ctl-etoken.tlv", "CTLFile.tlv");
    copy("itl-11x-cm-sha1.tlv", "tftp/ITLSEP001122334455.tlv");
    copy("itl-12x-itlrecovery-sha512.tlv", "tftp/ITLSEP0011223344AA.tlv");
    copy("reports/refer-sample.txt", "syslog.txt");
    copy("SEP001122334455.cnf.xml.sgn", "SEP001122334455.cnf.xml.sgn");
    for (from, to) in [("itlrec10", "itlrecovery"), ("cm10pub", "callmanager"), ("node01", "phone")] {
        copy(&format!("keys/{from}.key"), &format!("{to}.key"));
        copy(&format!("keys/{from}.pem"), &format!("{to}.pem"));
    }
    copy("keys/capf10.pem", "capf.pem");
    copy("keys/tvs10pub.pem", "tvs.pem");
    std::fs::write(
        d.join("SEP0011223344AA.cnf.xml"),
        "<device><loadInformation>sip78xx.14-1-1</loadInformation></device>\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.join("home/.config/fish/completions")).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// A loopback HTTP server that answers every request with the bytes of `body`.
fn http_server(body: Vec<u8>) -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    port
}

#[test]
fn every_help_ends_with_examples_that_exit_as_documented() {
    let fixtures = tmpdir("examples");
    example_fixtures(&fixtures);
    let port = http_server(std::fs::read(testdata().join("itl-11x-cm-sha1.tlv")).unwrap());
    let bin_dir = Path::new(BIN).parent().unwrap().to_str().unwrap().to_owned();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let mut ran = 0;
    for (n, p) in every_command_path().into_iter().enumerate() {
        let mut args: Vec<&str> = p.iter().map(String::as_str).collect();
        args.push("--help");
        let help = text(&itlctl(&args).stdout);
        let lines: Vec<&str> = help.lines().collect();
        let at = lines.iter().position(|l| *l == "Examples:").unwrap_or_else(|| panic!("{p:?}: no examples"));
        let examples = &lines[at + 1..];
        let last = examples.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
        assert!(last.contains("itlctl ") && !last.trim_start().starts_with('#'), "{p:?} ends with {last:?}");
        let mut expected = None;
        for l in examples {
            let l = l.trim();
            if let Some(c) = l.strip_prefix('#') {
                let code = c.split("(exit ").nth(1).and_then(|r| r.chars().next()).and_then(|c| c.to_digit(10));
                expected = Some(code.unwrap_or_else(|| panic!("{p:?}: {l:?} says no exit code")));
                continue;
            }
            let want = expected.take().unwrap_or_else(|| panic!("{p:?}: {l:?} has no comment before it"));
            let dir = tmpdir(&format!("ex{n}-{ran}"));
            copy_tree(&fixtures, &dir);
            let cmd = l.replace("cucm-pub:6970", &format!("127.0.0.1:{port}"));
            let o = Command::new("bash")
                .args(["-c", &cmd])
                .current_dir(&dir)
                .env("PATH", &path)
                .env("HOME", dir.join("home"))
                .env_remove("NO_COLOR")
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(want as i32), "{p:?}: {cmd}: {}{}", text(&o.stdout), text(&o.stderr));
            ran += 1;
        }
    }
    assert!(ran > 15, "{ran} examples");
}

#[test]
fn a_full_disk_is_one_line_and_exit_2() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    for args in
        [vec!["show", "--json", &t("itl-39-records.tlv")[..]], vec!["verify", "-q", &t("itl-11x-cm-sha1.tlv")[..]]]
    {
        let o = Command::new(BIN).args(&args).stdout(full.try_clone().unwrap()).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(err.starts_with("itlctl: cannot write to standard output: No space left"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn fetch_shows_progress_past_50_urls() {
    let port = http_server(std::fs::read(testdata().join("itl-11x-cm-sha1.tlv")).unwrap());
    let d = tmpdir("fetch");
    let urls: Vec<String> = (0..51).map(|i| format!("http://127.0.0.1:{port}/ITLSEP0011223344{i:02X}.tlv")).collect();
    let mut args = vec!["fetch", "-o", d.to_str().unwrap()];
    args.extend(urls.iter().map(String::as_str));
    let shown = on_terminal(&format!("{} >/dev/null", line(&args)), &[]);
    assert!(shown.contains("/51 files"), "{shown:?}");
    let quiet = on_terminal(&format!("{} -q >/dev/null", line(&args)), &[]);
    assert!(!quiet.contains("files"), "{quiet:?}");
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 51);
    let few = on_terminal(&format!("{} >/dev/null", line(&args[..args.len() - 1])), &[]);
    assert!(!few.contains("files"), "50 URLs: {few:?}");
}
