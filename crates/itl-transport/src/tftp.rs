//! A small RFC 1350 TFTP client: read requests in octet mode, 512-byte blocks.
//!
//! CUCM's TFTP service serves the trust lists (`ITLFile.tlv`, `CTLFile.tlv`, `ITLSEP<MAC>.tlv`)
//! and phone configuration files on UDP port 69.
//!
//! Written here because the kept crate `tftp_client` 0.3 appends a retransmitted DATA
//! block a second time (after a lost ACK the file comes out corrupted), panics on an
//! ERROR packet whose message is not UTF-8, and does not bound the transfer size.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

use crate::{Error, ErrorKind};

const RRQ: u16 = 1;
const DATA: u16 = 3;
const ACK: u16 = 4;
const ERROR: u16 = 5;
const BLOCK: usize = 512;

/// Timeouts and limits of a transfer.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Wait for each packet this long before sending the last packet again.
    pub timeout: Duration,
    /// Give up after this many timeouts in a row.
    pub retries: u32,
    /// Refuse files larger than this.
    pub max_bytes: usize,
}

fn error_packet(code: u16, msg: &str) -> Vec<u8> {
    let mut p = Vec::with_capacity(5 + msg.len());
    p.extend_from_slice(&ERROR.to_be_bytes());
    p.extend_from_slice(&code.to_be_bytes());
    p.extend_from_slice(msg.as_bytes());
    p.push(0);
    p
}

/// Downloads `path` from `host:port`; a retransmitted block is kept once, and a file over
/// `opts.max_bytes` is refused.
pub fn get(host: &str, port: u16, path: &str, opts: Options) -> Result<Vec<u8>, Error> {
    let net = |e: std::io::Error| Error::new(ErrorKind::Network, e.to_string());
    let server: SocketAddr = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::new(ErrorKind::Resolve, format!("cannot resolve {host}: {e}")))?
        .next()
        .ok_or_else(|| Error::new(ErrorKind::Resolve, format!("cannot resolve {host}")))?;
    let bind: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let sock =
        UdpSocket::bind(bind).map_err(|e| Error::new(ErrorKind::Network, format!("cannot open a UDP socket: {e}")))?;
    sock.set_read_timeout(Some(opts.timeout)).map_err(net)?;
    let mut last = Vec::with_capacity(4 + path.len() + 8);
    last.extend_from_slice(&RRQ.to_be_bytes());
    last.extend_from_slice(path.as_bytes());
    last.push(0);
    last.extend_from_slice(b"octet\0");
    let mut peer: Option<SocketAddr> = None;
    let mut out = Vec::new();
    let mut expected: u16 = 1;
    let mut misses = 0;
    let mut buf = [0u8; 4 + BLOCK + 4];
    sock.send_to(&last, server).map_err(|e| Error::new(ErrorKind::Network, format!("cannot send to {server}: {e}")))?;
    loop {
        let (n, from) = match sock.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                misses += 1;
                if misses > opts.retries {
                    return Err(Error::new(
                        ErrorKind::Network,
                        format!(
                            "no answer from TFTP server {server} after {misses} tries; check the host, port 69 and firewalls"
                        ),
                    ));
                }
                sock.send_to(&last, peer.unwrap_or(server)).map_err(net)?;
                continue;
            }
            Err(e) => return Err(Error::new(ErrorKind::Network, format!("TFTP receive failed: {e}"))),
        };
        if from.ip() != server.ip() || peer.is_some_and(|p| p != from) {
            // Another transfer's packet (RFC 1350 section 4): tell it and carry on.
            let _ = sock.send_to(&error_packet(5, "Unknown transfer ID"), from);
            continue;
        }
        let pkt = &buf[..n];
        if n < 4 {
            continue;
        }
        let op = u16::from_be_bytes([pkt[0], pkt[1]]);
        let arg = u16::from_be_bytes([pkt[2], pkt[3]]);
        match op {
            ERROR => {
                let msg = String::from_utf8_lossy(&pkt[4..]);
                let msg = msg.trim_end_matches('\0');
                let hint =
                    if arg == 1 { "; check the file name (ITLFile.tlv, CTLFile.tlv, ITLSEP<MAC>.tlv)" } else { "" };
                return Err(Error::new(ErrorKind::Server, format!("TFTP server error {arg}: {msg}{hint}")));
            }
            DATA => {
                peer = Some(from);
                misses = 0;
                if arg == expected {
                    let data = &pkt[4..];
                    if out.len() + data.len() > opts.max_bytes {
                        let _ = sock.send_to(&error_packet(3, "Too large"), from);
                        return Err(Error::new(
                            ErrorKind::TooLarge,
                            format!("the file is larger than {} bytes: not a trust list", opts.max_bytes),
                        ));
                    }
                    out.extend_from_slice(data);
                    last = [ACK.to_be_bytes(), arg.to_be_bytes()].concat();
                    sock.send_to(&last, from).map_err(net)?;
                    if data.len() < BLOCK {
                        return Ok(out);
                    }
                    expected = expected.wrapping_add(1);
                } else if arg == expected.wrapping_sub(1) {
                    // A retransmission: our ACK was lost; ACK it again, keep the data once.
                    sock.send_to(&[ACK.to_be_bytes(), arg.to_be_bytes()].concat(), from).map_err(net)?;
                }
            }
            _ => {}
        }
    }
}
