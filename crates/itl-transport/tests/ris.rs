//! The RIS client against a RisPort70 stand-in over HTTPS on 127.0.0.1, with throwaway
//! certificates made here (rcgen). The answers follow Cisco's RISService70 WSDL
//! (`testdata/ris/RISService70.wsdl`: element names, `ns1:` qualification, the `CmDevice`
//! element order, which `cm_device_order_is_the_wsdls` checks) and CUCM's empty answer and
//! throttle fault (`testdata/ris/`, see SOURCES.md). Waits are recorded, not slept.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use itl_transport::ris::{self, Control, Options, Progress, RisPhone};
use itl_transport::ErrorKind;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

const USER: &str = "risuser";
const PASSWORD: &str = "s3cret!";
/// `printf 'risuser:s3cret!' | base64`
const BASIC: &str = "Basic cmlzdXNlcjpzM2NyZXQh";

// ---------------------------------------------------------------- certificates

/// A certificate and its key, PEM and DER.
struct Cert {
    pem: String,
    der: CertificateDer<'static>,
    key: Vec<u8>,
}

/// A self-signed certificate like CUCM's Tomcat one: CA:TRUE, named for a host that is not
/// the address the test connects to.
fn self_signed_ca_true(name: &str) -> Cert {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::new(vec![name.to_owned()]).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let c = p.self_signed(&key).unwrap();
    Cert { pem: c.pem(), der: c.der().clone(), key: key.serialize_der() }
}

/// A CA and a server certificate it issued for 127.0.0.1.
fn ca_and_leaf() -> (Cert, Cert) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_p = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_p.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca_p, &ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap().signed_by(&leaf_key, &issuer).unwrap();
    (
        Cert { pem: ca.pem(), der: ca.der().clone(), key: ca_key.serialize_der() },
        Cert { pem: leaf.pem(), der: leaf.der().clone(), key: leaf_key.serialize_der() },
    )
}

// ---------------------------------------------------------------- the stand-in

/// What the stand-in saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    auth: String,
    soap_action: String,
    body: String,
}

/// What it answers.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn ok(body: String) -> Reply {
    Reply { status: 200, headers: vec![], body }
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves HTTPS on 127.0.0.1 with `chain`, one request per connection, for at most 60 s.
fn serve(chain: Vec<CertificateDer<'static>>, key: &[u8], handler: Box<Handler>) -> Server {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.to_vec()));
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (seen2, stop2) = (seen.clone(), stop.clone());
    let thread = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !stop2.load(Ordering::SeqCst) && Instant::now() < deadline {
            match listener.accept() {
                Ok((s, _)) => {
                    let _ = one_connection(s, &config, &seen2, &*handler);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    Server { addr, seen, stop, thread: Some(thread) }
}

fn one_connection(
    s: TcpStream,
    config: &Arc<rustls::ServerConfig>,
    seen: &Mutex<Vec<Seen>>,
    handler: &Handler,
) -> std::io::Result<()> {
    s.set_nonblocking(false)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    let conn = rustls::ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
    let mut tls = rustls::StreamOwned::new(conn, s);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = tls.read(&mut chunk)?;
        if n == 0 || buf.len() > 1 << 20 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    let len: usize = header("content-length").parse().unwrap_or(0);
    while buf.len() < head_end + len {
        let n = tls.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let req = Seen {
        auth: header("authorization"),
        soap_action: header("soapaction"),
        body: String::from_utf8_lossy(&buf[head_end..head_end + len]).to_string(),
    };
    let index = {
        let mut v = seen.lock().unwrap();
        v.push(req.clone());
        v.len() - 1
    };
    let reply = handler(index, &req);
    // Tomcat sends large answers chunked; a reply that asks for it gets chunked framing.
    let chunked = reply.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v == "chunked");
    let mut out =
        format!("HTTP/1.1 {} X\r\nContent-Type: text/xml; charset=utf-8\r\nConnection: close\r\n", reply.status);
    if !chunked {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    tls.write_all(out.as_bytes())?;
    if chunked {
        for piece in reply.body.as_bytes().chunks(777) {
            tls.write_all(format!("{:x}\r\n", piece.len()).as_bytes())?;
            tls.write_all(piece)?;
            tls.write_all(b"\r\n")?;
        }
        tls.write_all(b"0\r\n\r\n")?;
    } else {
        tls.write_all(reply.body.as_bytes())?;
    }
    tls.conn.send_close_notify();
    tls.flush()?;
    Ok(())
}

// ---------------------------------------------------------------- answers, as the WSDL has them

/// One device entry: every `CmDevice` element of the WSDL, in its order.
struct Dev {
    name: String,
    class: &'static str,
    status: &'static str,
    timestamp: i64,
    ip: String,
}

fn dev(name: &str, class: &'static str, status: &'static str, timestamp: i64, ip: &str) -> Dev {
    Dev { name: name.into(), class, status, timestamp, ip: ip.into() }
}

const CM_DEVICE_ORDER: [&str; 26] = [
    "Name",
    "DirNumber",
    "DeviceClass",
    "Model",
    "Product",
    "BoxProduct",
    "Httpd",
    "RegistrationAttempts",
    "IsCtiControllable",
    "LoginUserId",
    "Status",
    "StatusReason",
    "PerfMonObject",
    "DChannel",
    "Description",
    "H323Trunk",
    "TimeStamp",
    "Protocol",
    "NumOfLines",
    "LinesStatus",
    "ActiveLoadID",
    "InactiveLoadID",
    "DownloadStatus",
    "DownloadFailureReason",
    "DownloadServer",
    "IPAddress",
];

fn device_xml(d: &Dev, out: &mut String) {
    out.push_str("<ns1:item>");
    for el in CM_DEVICE_ORDER {
        let v = match el {
            "Name" => d.name.clone(),
            "DirNumber" => "1000-Registered".into(),
            "DeviceClass" => d.class.into(),
            "Model" => "36670".into(),
            "Product" => "36670".into(),
            "BoxProduct" => "0".into(),
            "Httpd" => "Yes".into(),
            "RegistrationAttempts" => "0".into(),
            "IsCtiControllable" => "true".into(),
            "LoginUserId" => String::new(),
            "Status" => d.status.into(),
            "StatusReason" => "0".into(),
            "PerfMonObject" => "2".into(),
            "DChannel" => "0".into(),
            "Description" => format!("Auto {}", d.name),
            "H323Trunk" => "<ns1:ConfigName/><ns1:TechPrefix/><ns1:Zone/><ns1:RemoteCmServer1/><ns1:RemoteCmServer2/><ns1:RemoteCmServer3/><ns1:AltGkList/><ns1:ActiveGk/><ns1:CallSignalAddr/><ns1:RasAddr/>".into(),
            "TimeStamp" => d.timestamp.to_string(),
            "Protocol" => "SIP".into(),
            "NumOfLines" => "1".into(),
            "LinesStatus" => "<ns1:item><ns1:DirectoryNumber>1000</ns1:DirectoryNumber><ns1:Status>Registered</ns1:Status></ns1:item>".into(),
            "ActiveLoadID" => "sip88xx.14-2-1-0001-14".into(),
            "InactiveLoadID" => String::new(),
            "DownloadStatus" => "Unknown".into(),
            "DownloadFailureReason" => String::new(),
            "DownloadServer" => String::new(),
            "IPAddress" if d.ip.is_empty() => String::new(),
            "IPAddress" => format!(
                "<ns1:item><ns1:IP>{}</ns1:IP><ns1:IPAddrType>ipv4</ns1:IPAddrType><ns1:Attribute>Unknown</ns1:Attribute></ns1:item>",
                d.ip
            ),
            _ => unreachable!(),
        };
        out.push_str(&format!("<ns1:{el}>{v}</ns1:{el}>"));
    }
    out.push_str("</ns1:item>");
}

/// An answer: nodes with their devices, and the StateInfo to continue with.
fn answer(nodes: &[(&str, Vec<Dev>)], state_info: &str) -> String {
    let total: usize = nodes.iter().map(|n| n.1.len()).sum();
    let mut s = String::with_capacity(2200 * total + 1000);
    s.push_str(concat!(
        r#"<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">"#,
        r#"<soapenv:Body><ns1:selectCmDeviceResponse xmlns:ns1="http://schemas.cisco.com/ast/soap"><ns1:selectCmDeviceReturn>"#,
        "<ns1:SelectCmDeviceResult>"
    ));
    s.push_str(&format!("<ns1:TotalDevicesFound>{total}</ns1:TotalDevicesFound><ns1:CmNodes>"));
    for (node, devs) in nodes {
        s.push_str(&format!("<ns1:item><ns1:ReturnCode>Ok</ns1:ReturnCode><ns1:Name>{node}</ns1:Name><ns1:NoChange>false</ns1:NoChange><ns1:CmDevices>"));
        for d in devs {
            device_xml(d, &mut s);
        }
        s.push_str("</ns1:CmDevices></ns1:item>");
    }
    s.push_str("</ns1:CmNodes></ns1:SelectCmDeviceResult>");
    s.push_str(&format!("<ns1:StateInfo>{}</ns1:StateInfo>", escape(state_info)));
    s.push_str("</ns1:selectCmDeviceReturn></ns1:selectCmDeviceResponse></soapenv:Body></soapenv:Envelope>");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn fault(text: &str) -> Reply {
    Reply {
        status: 500,
        headers: vec![],
        body: format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>{}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
            escape(text)
        ),
    }
}

fn phone(name: &str, ts: i64, ip: &str) -> Dev {
    dev(name, "Phone", "Registered", ts, ip)
}

fn sep(i: usize) -> String {
    format!("SEP{:012X}", 0x0011_2233_0000u64 + i as u64)
}

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", 20 + i / 65536, (i / 256) % 256, i % 256)
}

// ---------------------------------------------------------------- running the client

struct Run {
    waits: Arc<Mutex<Vec<Duration>>>,
    progress: Arc<Mutex<Vec<Progress>>>,
}

fn list(opts: &Options, pace: Duration) -> (Result<Vec<RisPhone>, itl_transport::Error>, Run) {
    let run = Run { waits: Arc::default(), progress: Arc::default() };
    let (w, p) = (run.waits.clone(), run.progress.clone());
    let sleep = move |d: Duration| w.lock().unwrap().push(d);
    let progress = move |x: Progress| p.lock().unwrap().push(x);
    let ctl = Control { sleep: &sleep, progress: &progress, timeout: Duration::from_secs(20), pace };
    (ris::list_phones_with(opts, &ctl), run)
}

fn opts(url: String, ca: Option<&str>) -> Options {
    Options { url, user: USER.into(), password: PASSWORD.into(), ca_pem: ca.map(|c| c.as_bytes().to_vec()) }
}

fn secs(v: &[u64]) -> Vec<Duration> {
    v.iter().map(|s| Duration::from_secs(*s)).collect()
}

fn pinned_server(handler: Box<Handler>) -> (Server, Cert) {
    let c = self_signed_ca_true("cucm-pub.example.com");
    (serve(vec![c.der.clone()], &c.key, handler), c)
}

// ---------------------------------------------------------------- tests

#[test]
fn cm_device_order_is_the_wsdls() {
    let wsdl =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/ris/RISService70.wsdl")).unwrap();
    let start = wsdl.find(r#"<complexType name="CmDevice">"#).unwrap();
    let end = start + wsdl[start..].find("</complexType>").unwrap();
    let names: Vec<&str> =
        wsdl[start..end].split("<element name=\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
    assert_eq!(names, CM_DEVICE_ORDER);
}

#[test]
fn pages_through_state_info_with_a_pinned_ca_true_certificate() {
    // 2,500 phones: 1000 + 1000 + 500, each page continuing from the previous StateInfo.
    let states = [
        "",
        "<StateInfo><Node Name=\"cucm-pub\" StateId=\"1000\"/></StateInfo>",
        "<StateInfo><Node Name=\"cucm-pub\" StateId=\"2000\"/></StateInfo>",
        "<StateInfo><Node Name=\"cucm-pub\" StateId=\"2500\"/></StateInfo>",
    ];
    let (srv, cert) = pinned_server(Box::new(move |i, _| {
        let from = i * 1000;
        let to = (from + 1000).min(2500);
        let devs: Vec<Dev> = (from..to).map(|k| phone(&sep(k), 1_757_300_000 + k as i64, &ip(k))).collect();
        ok(answer(&[("cucm-pub", devs)], states[(i + 1).min(3)]))
    }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::from_secs(4));
    let phones = r.unwrap();
    assert_eq!(phones.len(), 2500);
    assert_eq!(
        phones[0],
        RisPhone { name: "SEP001122330000".into(), address: "10.20.0.0".into(), timestamp: 1_757_300_000 }
    );
    assert_eq!(phones[2499].name, "SEP0011223309C3");
    assert_eq!(phones[2499].address, "10.20.9.195");
    let seen = srv.seen();
    assert_eq!(seen.len(), 3, "the short third page ends the listing");
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(s.auth, BASIC);
        assert_eq!(s.soap_action, "\"selectCmDevice\"");
        assert!(s.body.contains("<soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices>"));
        assert!(s.body.contains("<soap:DeviceClass>Phone</soap:DeviceClass>"));
        assert!(
            s.body.contains(&format!("<soap:StateInfo>{}</soap:StateInfo>", escape(states[i]))),
            "request {i}: {}",
            s.body
        );
    }
    assert_eq!(*run.waits.lock().unwrap(), secs(&[4, 4]), "pages paced, no retry");
    let prog = run.progress.lock().unwrap();
    assert_eq!(
        prog.iter().map(|p| (p.pages, p.entries, p.phones)).collect::<Vec<_>>(),
        [(1, 1000, 1000), (2, 2000, 2000), (3, 2500, 2500)]
    );
}

#[test]
fn a_phone_under_two_nodes_is_counted_once_newest_timestamp_wins_non_phones_skipped() {
    let (srv, cert) = pinned_server(Box::new(|_, _| {
        ok(answer(
            &[
                (
                    "cucm-sub1",
                    vec![
                        dev("SEP001EF72A48C5", "Phone", "UnRegistered", 1_510_588_000, "10.1.1.20"),
                        dev("SEP00AA00BB00CC", "Phone", "Registered", 1_510_599_000, "10.1.1.30"),
                        dev("ANN_2", "MediaResources", "Registered", 1_510_599_000, "10.1.1.2"),
                    ],
                ),
                (
                    "cucm-sub2",
                    vec![
                        dev("SEP001EF72A48C5", "Phone", "Registered", 1_510_588_496, "10.1.2.20"),
                        dev("SEP00AA00BB00CC", "Phone", "UnRegistered", 1_510_500_000, "10.1.2.30"),
                        dev("HQ-GW1", "Gateway", "Registered", 1_510_599_000, "10.1.2.1"),
                        dev("CTIRP1", "Cti", "Registered", 1_510_599_000, "10.1.2.5"),
                    ],
                ),
            ],
            "",
        ))
    }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::from_secs(4));
    assert_eq!(
        r.unwrap(),
        [
            RisPhone { name: "SEP001EF72A48C5".into(), address: "10.1.2.20".into(), timestamp: 1_510_588_496 },
            RisPhone { name: "SEP00AA00BB00CC".into(), address: "10.1.1.30".into(), timestamp: 1_510_599_000 },
        ]
    );
    assert_eq!(srv.seen().len(), 1);
    assert!(run.waits.lock().unwrap().is_empty());
}

#[test]
fn a_chunked_answer_reads_the_same() {
    let (srv, cert) = pinned_server(Box::new(|_, _| Reply {
        status: 200,
        headers: vec![("Transfer-Encoding", "chunked".into())],
        body: answer(&[("cucm-pub", (0..300).map(|k| phone(&sep(k), 1_700_000_000 + k as i64, &ip(k))).collect())], ""),
    }));
    let (r, _) = list(&opts(srv.url(), Some(&cert.pem)), Duration::ZERO);
    let phones = r.unwrap();
    assert_eq!(phones.len(), 300);
    assert_eq!(
        phones[299],
        RisPhone { name: "SEP00112233012B".into(), address: "10.20.1.43".into(), timestamp: 1_700_000_299 }
    );
}

#[test]
fn cucms_empty_answer_lists_nothing() {
    let empty =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/ris/empty-answer.xml")).unwrap();
    let (srv, cert) = pinned_server(Box::new(move |_, _| ok(empty.clone())));
    let (r, _) = list(&opts(srv.url(), Some(&cert.pem)), Duration::ZERO);
    assert_eq!(r.unwrap(), []);
    assert_eq!(srv.seen().len(), 1);
}

#[test]
fn throttling_is_retried_after_one_then_two_seconds() {
    let throttle =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/ris/throttle-fault.xml")).unwrap();
    let (srv, cert) = pinned_server(Box::new(move |i, _| match i {
        0 => Reply { status: 500, headers: vec![], body: throttle.clone() },
        1 => Reply { status: 503, headers: vec![], body: String::new() },
        _ => ok(answer(&[("cucm-pub", vec![phone("SEP0A0B0C0D0E0F", 1_700_000_000, "10.9.8.7")])], "")),
    }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::from_secs(4));
    assert_eq!(
        r.unwrap(),
        [RisPhone { name: "SEP0A0B0C0D0E0F".into(), address: "10.9.8.7".into(), timestamp: 1_700_000_000 }]
    );
    assert_eq!(srv.seen().len(), 3);
    assert_eq!(*run.waits.lock().unwrap(), secs(&[1, 2]));
}

#[test]
fn a_longer_retry_after_is_honoured() {
    let (srv, cert) = pinned_server(Box::new(|i, _| match i {
        0 => Reply { status: 503, headers: vec![("Retry-After", "7".into())], body: String::new() },
        _ => ok(answer(&[("cucm-pub", vec![])], "")),
    }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::ZERO);
    assert_eq!(r.unwrap(), []);
    assert_eq!(*run.waits.lock().unwrap(), secs(&[7]));
}

#[test]
fn a_persistent_soap_fault_stops_after_five_attempts_with_one_clear_line() {
    let (srv, cert) =
        pinned_server(Box::new(|_, _| fault("Unable to query RIS: the Cisco RIS Data Collector is not running")));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::from_secs(4));
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Soap);
    let msg = e.to_string();
    assert!(msg.contains("RIS Data Collector is not running"), "{msg}");
    assert!(msg.contains("5 attempts"), "{msg}");
    assert!(!msg.contains('\n') && !msg.contains(PASSWORD), "{msg}");
    assert_eq!(srv.seen().len(), 5);
    assert_eq!(*run.waits.lock().unwrap(), secs(&[1, 2, 4, 8]));
}

#[test]
fn throttling_that_never_ends_is_an_error_after_five_attempts() {
    let throttle =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/ris/throttle-fault.xml")).unwrap();
    let (srv, cert) =
        pinned_server(Box::new(move |_, _| Reply { status: 500, headers: vec![], body: throttle.clone() }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::ZERO);
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("throttles") && msg.contains("Allowed Device Queries Per Minute"), "{msg}");
    assert_eq!(srv.seen().len(), 5);
    assert_eq!(*run.waits.lock().unwrap(), secs(&[1, 2, 4, 8]));
}

#[test]
fn a_wrong_password_is_one_auth_error_without_retry() {
    let (srv, cert) = pinned_server(Box::new(|_, _| Reply {
        status: 401,
        headers: vec![("WWW-Authenticate", "Basic realm=\"Cisco RIS\"".into())],
        body: "<html><body>HTTP Status 401</body></html>".into(),
    }));
    let (r, run) = list(&opts(srv.url(), Some(&cert.pem)), Duration::ZERO);
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    let msg = e.to_string();
    assert!(msg.contains("401") && msg.contains(USER) && msg.contains("password"), "{msg}");
    assert!(!msg.contains(PASSWORD) && !msg.contains('\n'), "{msg}");
    assert_eq!(srv.seen().len(), 1);
    assert!(run.waits.lock().unwrap().is_empty());
}

#[test]
fn a_ca_issued_certificate_verifies_against_the_given_ca() {
    let (ca, leaf) = ca_and_leaf();
    let srv = serve(
        vec![leaf.der.clone(), ca.der.clone()],
        &leaf.key,
        Box::new(|_, _| ok(answer(&[("cucm-pub", vec![phone("SEP112233445566", 5, "10.0.0.5")])], ""))),
    );
    let (r, _) = list(&opts(srv.url(), Some(&ca.pem)), Duration::ZERO);
    assert_eq!(r.unwrap().len(), 1);
}

#[test]
fn an_unverifiable_certificate_is_refused_without_ca_or_with_the_wrong_pin() {
    let answer_one =
        || -> Box<Handler> { Box::new(|_, _| ok(answer(&[("n", vec![phone("SEP112233445566", 5, "10.0.0.5")])], ""))) };
    // No --ris-ca: a self-signed certificate is not in the system roots.
    let (srv, _) = pinned_server(answer_one());
    let (r, run) = list(&opts(srv.url(), None), Duration::ZERO);
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
    assert!(e.to_string().contains("--ris-ca"), "{e}");
    assert!(srv.seen().is_empty() && run.waits.lock().unwrap().is_empty());
    // A pin of another certificate.
    let other = self_signed_ca_true("cucm-pub.example.com");
    let (r, _) = list(&opts(srv.url(), Some(&other.pem)), Duration::ZERO);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Tls);
    // A CA that did not issue the server's certificate.
    let (ca, _) = ca_and_leaf();
    let (_, leaf2) = ca_and_leaf();
    let srv2 = serve(vec![leaf2.der.clone()], &leaf2.key, answer_one());
    let (r, _) = list(&opts(srv2.url(), Some(&ca.pem)), Duration::ZERO);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Tls);
    assert!(srv.seen().is_empty() && srv2.seen().is_empty());
    // A PEM without a certificate.
    let (r, _) = list(&opts(srv.url(), Some("not a pem")), Duration::ZERO);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Tls);
}

#[test]
fn an_unreachable_cucm_is_retried_then_one_network_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (r, run) = list(&opts(format!("https://127.0.0.1:{port}"), None), Duration::ZERO);
    let e = r.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")) && !e.to_string().contains('\n'), "{e}");
    assert_eq!(*run.waits.lock().unwrap(), secs(&[1, 2, 4, 8]));
}

/// 20,000 phones, 20 pages of 1000, over loopback HTTPS; prints the time and the growth of
/// the process's peak RSS. Run: `cargo test -p itl-transport --test ris -- --ignored --nocapture`.
#[test]
#[ignore]
fn twenty_thousand_phones_in_twenty_pages() {
    fn vm(field: &str) -> u64 {
        let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        s.lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
    let bytes = Arc::new(Mutex::new(0usize));
    let b2 = bytes.clone();
    let (srv, cert) = pinned_server(Box::new(move |i, _| {
        let devs: Vec<Dev> =
            (i * 1000..(i + 1) * 1000).map(|k| phone(&sep(k), 1_757_300_000 + k as i64, &ip(k))).collect();
        let state = if i + 1 < 20 {
            format!("<StateInfo><Node Name=\"cucm-pub\" StateId=\"{}\"/></StateInfo>", (i + 1) * 1000)
        } else {
            String::new()
        };
        let body = answer(&[("cucm-pub", devs)], &state);
        *b2.lock().unwrap() += body.len();
        ok(body)
    }));
    let hwm0 = vm("VmHWM:");
    let per_page = Mutex::new(Vec::new());
    let progress = |p: Progress| per_page.lock().unwrap().push((p.pages, p.phones, vm("VmHWM:")));
    let ctl = Control { sleep: &|_| {}, progress: &progress, timeout: Duration::from_secs(20), pace: Duration::ZERO };
    let t = Instant::now();
    let phones = ris::list_phones_with(&opts(srv.url(), Some(&cert.pem)), &ctl).unwrap();
    let took = t.elapsed();
    let hwm1 = vm("VmHWM:");
    assert_eq!(phones.len(), 20_000);
    let served = *bytes.lock().unwrap();
    let per_page = per_page.into_inner().unwrap();
    println!(
        "ris: 20000 phones, 20 pages, {:.1} MB of XML served, listed in {:.2} s ({:.0} phones/s); peak RSS {} -> {} KiB (+{} KiB)",
        served as f64 / 1e6,
        took.as_secs_f64(),
        20_000.0 / took.as_secs_f64(),
        hwm0,
        hwm1,
        hwm1.saturating_sub(hwm0)
    );
    for (pages, n, hwm) in &per_page {
        if [1, 2, 5, 10, 15, 20].contains(pages) {
            println!("ris:   after page {pages:2}: {n:5} phones, peak RSS {hwm} KiB");
        }
    }
    // The served XML is ~29 MB; a client that kept answers would grow by that. From page 2 to
    // page 20 only rows are added: 18,000 of them, well under 10 MiB.
    let at2 = per_page[1].2;
    assert!(hwm1.saturating_sub(at2) < 10 * 1024, "memory grew by {} KiB over 18 pages", hwm1 - at2);
    assert!((hwm1.saturating_sub(hwm0) as usize) * 1024 < served / 2, "memory grew like the answers, not the rows");
    drop(phones);
}
