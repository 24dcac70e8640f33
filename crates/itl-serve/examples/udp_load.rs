//! Loopback load test of `itlctl serve`: sends DeviceTLInfo alarms in CUCM's syslog shape
//! over UDP at a given rate and measures how fast they are received and committed (by
//! polling `/api/health`), and whether any was lost.
//!
//! ```text
//! itlctl serve --db /tmp/load.db --itl testdata/itl-11x-cm-sha1.tlv --syslog udp://127.0.0.1:5514 &
//! cargo run --release -p itl-serve --example udp_load -- 127.0.0.1:5514 127.0.0.1:8080 150000 0
//! ```
//! Arguments: UDP address, HTTP address, number of reports (distinct phones), rate per
//! second (0 = as fast as possible), first device number (default 0), one phone in how many
//! reports another ITL than the reference, `Mismatch` (default 10).

use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

fn health(http: &str) -> Option<(u64, u64)> {
    let mut s = TcpStream::connect(http).ok()?;
    write!(s, "GET /api/health HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n").ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    let json = &body[body.find("\r\n\r\n")? + 4..];
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    Some((v["reports"].as_u64()?, v["phones"].as_u64()?))
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: udp_load UDP_ADDR HTTP_ADDR COUNT RATE [FIRST [MISMATCH_EVERY]]");
        std::process::exit(2);
    }
    let (udp, http) = (&a[1], &a[2]);
    let count: u64 = a[3].parse().expect("COUNT");
    let rate: u64 = a[4].parse().expect("RATE");
    let first: u64 = a.get(5).map_or(0, |f| f.parse().expect("FIRST"));
    let every: u64 = a.get(6).map_or(10, |f| f.parse().expect("MISMATCH_EVERY")).max(1);
    let (before, _) = health(http).expect("the server's /api/health");
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.connect(udp.as_str()).expect("UDP_ADDR");
    let hashes = [
        "28 0A D9 1C CB 97 8F 07 3A 14 9C BA 91 63 C1 A0 ED 4E 7D 13",
        "9F 3B 11 42 7A 0C D5 E8 61 2B 44 90 AB CD EF 01 23 45 67 89",
    ];
    let start = Instant::now();
    for i in 0..count {
        let n = first + i;
        let msg = format!(
            "<190>{n}: cucm-pub: Dec 02 2026 01:32:45 AM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %[DeviceName=SEP{n:012X}][IPv4Address=10.{}.{}.{}][ITL_Signature={}][ITL_TFTP_Server=cucm-pub][CTL_Signature=Not Installed][StatusCode=0][AppID=Cisco CallManager][ClusterID=StandAloneCluster][NodeID=cucm-pub]: Device trust list information",
            (n >> 16) & 255, (n >> 8) & 255, n & 255, hashes[n.is_multiple_of(every) as usize]
        );
        while sock.send(msg.as_bytes()).is_err() {
            std::thread::sleep(Duration::from_micros(50));
        }
        if rate > 0 {
            let due = Duration::from_secs_f64((i + 1) as f64 / rate as f64);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
    }
    let sent = start.elapsed();
    let mut last = before;
    let mut last_change = Instant::now();
    loop {
        let (r, _) = health(http).unwrap_or((last, 0));
        if r != last {
            last = r;
            last_change = Instant::now();
        }
        if r - before >= count || last_change.elapsed() > Duration::from_secs(3) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let done = last_change.duration_since(start);
    let got = last - before;
    println!(
        "sent {count} in {:.2} s ({:.0}/s); committed {got} ({} lost) in {:.2} s: {:.0} reports/s received and committed",
        sent.as_secs_f64(),
        count as f64 / sent.as_secs_f64(),
        count - got.min(count),
        done.as_secs_f64(),
        got as f64 / done.as_secs_f64()
    );
}
