//! Files by URL, against servers these tests start on 127.0.0.1 only: Debian's tftpd-hpa,
//! a scripted TFTP server that loses and repeats packets, and a small HTTP server.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::process::{Child, Command, Output};
use std::time::Duration;

use common::{testdata, tmpdir};

/// `itlctl ARGS` with short network timeouts.
fn itlctl(args: &[&str]) -> Output {
    common::command(args).env("ITLCTL_TIMEOUT_MS", "200").output().unwrap()
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Tftpd(Child);

impl Drop for Tftpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts tftpd-hpa on 127.0.0.1 serving testdata/, or `None` when it is not installed
/// (`.ci/run` installs it; there its absence fails the test).
fn tftpd() -> Option<(Tftpd, u16)> {
    let bin = "/usr/sbin/in.tftpd";
    if !std::path::Path::new(bin).exists() {
        assert!(std::env::var_os("CI").is_none(), "tftpd-hpa is missing: .ci/run installs it");
        eprintln!("skipped: tftpd-hpa is not installed (apt-get install tftpd-hpa)");
        return None;
    }
    let port = free_udp_port();
    let child = Command::new(bin)
        .args(["-L", "-a", &format!("127.0.0.1:{port}"), "-u", "root", "-s"])
        .arg(testdata())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    Some((Tftpd(child), port))
}

#[test]
fn show_verify_fetch_and_devices_over_real_tftp() {
    let Some((_server, port)) = tftpd() else { return };
    let url = |n: &str| format!("tftp://127.0.0.1:{port}/{n}");
    // show: the golden text, without the modified line (a download has no mtime).
    let o = itlctl(&["show", &url("ctl-etoken.tlv")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let golden = std::fs::read_to_string(testdata().join("ctl-etoken.tlv.show")).unwrap();
    let golden: String =
        golden.lines().filter(|l| !l.contains("was last modified")).map(|l| format!("{l}\n")).collect();
    assert_eq!(String::from_utf8(o.stdout).unwrap(), golden);
    // fetch: byte for byte, several files at once, same names from two "servers" kept apart.
    let dir = tmpdir("net");
    let o = itlctl(&[
        "fetch",
        "-o",
        dir.to_str().unwrap(),
        &url("itl-39-records.tlv"),
        &url("SEP001122334455.cnf.xml.sgn"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    for n in ["itl-39-records.tlv", "SEP001122334455.cnf.xml.sgn"] {
        assert_eq!(std::fs::read(dir.join(n)).unwrap(), std::fs::read(testdata().join(n)).unwrap(), "{n}");
    }
    // A missing file: the server's error, exit 2.
    let o = itlctl(&["verify", &url("ITLSEP000000000000.tlv")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("TFTP server error 1"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // devices with the cluster's files by URL.
    let o = itlctl(&[
        "devices",
        "--json",
        "--itl",
        &format!("cucm-115.home.lab={}", url("itl-11x-cm-sha1.tlv")),
        testdata().join("reports/refer-sample.txt").to_str().unwrap(),
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["devices"][0]["itl_status"], "Mismatch");
    assert_eq!(j["devices"][0]["itl_file"], url("itl-11x-cm-sha1.tlv"));
}

/// A TFTP server that ignores the first request, sends block 1 twice, and drops the first
/// ACK of block 2, as a lossy network would.
fn lossy_server(data: Vec<u8>) -> u16 {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    std::thread::spawn(move || {
        sock.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut buf = [0u8; 600];
        let (_, _) = sock.recv_from(&mut buf).unwrap(); // first RRQ: lost
        let (_, client) = sock.recv_from(&mut buf).unwrap(); // retried RRQ
        let xfer = UdpSocket::bind("127.0.0.1:0").unwrap();
        xfer.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let blocks: Vec<&[u8]> =
            data.chunks(512).chain(if data.len().is_multiple_of(512) { Some(&[][..]) } else { None }).collect();
        let send = |n: usize| {
            let mut p = vec![0, 3];
            p.extend_from_slice(&((n + 1) as u16).to_be_bytes());
            p.extend_from_slice(blocks[n]);
            xfer.send_to(&p, client).unwrap();
        };
        let mut dropped = false;
        let mut n = 0;
        send(0);
        send(0); // duplicate
        while n < blocks.len() {
            let Ok((len, _)) = xfer.recv_from(&mut buf) else { return };
            if len < 4 || buf[1] != 4 {
                continue;
            }
            let acked = u16::from_be_bytes([buf[2], buf[3]]) as usize;
            if acked == 2 && !dropped {
                dropped = true; // this ACK is "lost"
                continue;
            }
            if acked == n + 1 {
                n += 1;
                if n < blocks.len() {
                    send(n);
                }
            }
        }
    });
    port
}

#[test]
fn lost_and_repeated_packets_still_give_the_exact_bytes() {
    let want = std::fs::read(testdata().join("ctl-tokenless-sha256.tlv")).unwrap();
    assert!(want.len() > 3 * 512);
    let port = lossy_server(want.clone());
    let dir = tmpdir("lossy");
    let o = itlctl(&["fetch", "-o", dir.to_str().unwrap(), &format!("tftp://127.0.0.1:{port}/CTLFile.tlv")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(dir.join("CTLFile.tlv")).unwrap(), want);
}

#[test]
fn a_silent_server_times_out() {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    let start = std::time::Instant::now();
    let o = itlctl(&["show", &format!("tftp://127.0.0.1:{port}/ITLFile.tlv")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no answer from TFTP server"));
    assert!(start.elapsed() < Duration::from_secs(10));
    drop(sock);
}

/// A one-thread HTTP/1.1 server: `/ITLFile.tlv` as is, `/short.tlv` announcing fewer
/// bytes than it sends, anything else 404.
fn http_server(data: Vec<u8>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().take(8) {
            let Ok(mut s) = s else { continue };
            let mut req = [0u8; 2048];
            let n = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..n]).lines().next().unwrap_or("").to_owned();
            let resp = if line.starts_with("GET /ITLFile.tlv ") {
                [
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", data.len())
                        .into_bytes(),
                    data.clone(),
                ]
                .concat()
            } else if line.starts_with("GET /short.tlv ") {
                [
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", 100).into_bytes(),
                    data.clone(),
                ]
                .concat()
            } else {
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            };
            let _ = s.write_all(&resp);
        }
    });
    port
}

#[test]
fn http_downloads_404_and_overlong_bodies() {
    let want = std::fs::read(testdata().join("itl-11x-cm-sha1.tlv")).unwrap();
    let port = http_server(want.clone());
    let o = itlctl(&["hash", "--json", &format!("http://127.0.0.1:{port}/ITLFile.tlv")]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sha1 = Command::new("sha1sum").arg(testdata().join("itl-11x-cm-sha1.tlv")).output().unwrap();
    assert_eq!(j[0]["sha1"], String::from_utf8_lossy(&sha1.stdout).split_whitespace().next().unwrap());
    let o = itlctl(&["show", &format!("http://127.0.0.1:{port}/ITLSEPAABBCCDDEEFF.tlv")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("HTTP 404"));
    // More bytes than announced: only the announced 100 are taken, and they are not a trust list.
    let o = itlctl(&["show", &format!("http://127.0.0.1:{port}/short.tlv")]);
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Length of ITL file: 100"), "{out}");
}

/// An HTTP/1.1 server on 127.0.0.1 giving the files of testdata/ by path (`n` requests).
fn http_folder(n: usize) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().take(n) {
            let Ok(mut s) = s else { continue };
            let mut req = [0u8; 2048];
            let k = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..k]).lines().next().unwrap_or("").to_owned();
            let path = line.split(' ').nth(1).unwrap_or("/").trim_start_matches('/').to_owned();
            let resp = match std::fs::read(testdata().join(&path)) {
                Ok(data) if !path.contains("..") => [
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", data.len())
                        .into_bytes(),
                    data,
                ]
                .concat(),
                _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = s.write_all(&resp);
        }
    });
    port
}

#[test]
fn every_file_argument_may_be_a_url() {
    let port = http_folder(16);
    let url = |p: &str| format!("http://127.0.0.1:{port}/{p}");
    let local = |p: &str| testdata().join(p).to_str().unwrap().to_owned();
    let dir = tmpdir("urls");
    let out = |n: &str| dir.join(n).to_str().unwrap().to_owned();
    let ok = |o: &Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout.clone()
    };
    // cert hash: the same line as for the local file.
    let by_url = ok(&itlctl(&["cert", "hash", &url("pbx/tftp.pem")]));
    assert_eq!(by_url, ok(&itlctl(&["cert", "hash", &local("pbx/tftp.pem")])));
    // sgn sign: the input and the key by URL; the payload is the file's bytes.
    ok(&itlctl(&["sgn", "sign", &url("pbx/dialplan.xml"), "--key", &url("pbx/tftp.pem"), "-o", &out("d.sgn")]));
    ok(&itlctl(&["sgn", "extract", &out("d.sgn"), "-o", &out("d.xml")]));
    assert_eq!(std::fs::read(out("d.xml")).unwrap(), std::fs::read(local("pbx/dialplan.xml")).unwrap());
    // build: certificates and key by URL.
    let (key, cert) = (url("keys/cm12pub.key"), url("keys/cm12pub.pem"));
    ok(&itlctl(&["build", "-o", &out("b.tlv"), "--key", &key, "--sast", &cert, "--tftp", &cert]));
    let v = String::from_utf8(ok(&itlctl(&["verify", &out("b.tlv")]))).unwrap();
    assert!(v.contains(": valid"), "{v}");
    // resign: the trust list by URL.
    ok(&itlctl(&[
        "resign",
        &url("itl-11x-cm-sha1.tlv"),
        "--key",
        &url("keys/itlrec10.key"),
        "--cert",
        &url("keys/itlrec10.pem"),
        "-o",
        &out("r.tlv"),
    ]));
    // devices: a report file by URL.
    let o = itlctl(&["devices", "--json", "--itl", &url("itl-11x-cm-sha1.tlv"), &url("reports/refer-sample.txt")]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["devices"][0]["device"], "SEPC80084AA8743", "{j}");
    // Existing outputs are kept unless --force.
    for args in [
        vec!["sgn", "extract", &out("d.sgn"), "-o", &out("d.xml")],
        vec![
            "resign",
            &out("r.tlv"),
            "--key",
            &local("keys/itlrec10.key"),
            "--cert",
            &local("keys/itlrec10.pem"),
            "-o",
            &out("r.tlv"),
        ],
    ] {
        let o = itlctl(&args.iter().map(|s| s.as_ref()).collect::<Vec<&str>>());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("give --force"), "{args:?}");
        let mut forced = args.clone();
        forced.push("--force");
        ok(&itlctl(&forced.iter().map(|s| s.as_ref()).collect::<Vec<&str>>()));
    }
}
