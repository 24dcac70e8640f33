//! The `selectCmDevice` request and a streaming reader of its answer (or of a SOAP fault).
//!
//! Element names and nesting are those of Cisco's RISService70 WSDL (`testdata/ris/`):
//! `Envelope/Body/selectCmDeviceResponse/selectCmDeviceReturn/{SelectCmDeviceResult,StateInfo}`,
//! `SelectCmDeviceResult/CmNodes/item` (a node), `…/CmDevices/item` (a device) with `Name`,
//! `DeviceClass`, `TimeStamp` and `IPAddress/item/{IP,IPAddrType}`. Elements are matched by
//! local name, whatever their prefix (CUCM qualifies them with `ns1:`; other SOAP stacks do
//! not), and unknown elements are skipped. The older RisPort shape (no
//! `selectCmDeviceReturn` wrapper, one `IpAddress` text) is read too.

use std::io::BufRead;

use quick_xml::events::Event;

/// Devices asked for per request (RisPort70's maximum).
pub(crate) const MAX_RETURNED: usize = 1000;

/// Longest text kept for one field (a name, a time, an address).
const FIELD_MAX: usize = 1024;
/// Longest `StateInfo` kept (CUCM's is a few hundred bytes per node).
const STATE_MAX: usize = 1 << 20;
/// Deepest element nesting accepted.
const DEPTH_MAX: usize = 64;

/// The request body for one page: every phone (`DeviceClass` Phone, any status, model 255 =
/// any, `SelectBy` Name `*`), continuing after `state_info` (empty on the first page).
pub(crate) fn request(state_info: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:soap="http://schemas.cisco.com/ast/soap">"#,
            "<soapenv:Header/><soapenv:Body><soap:selectCmDevice>",
            "<soap:StateInfo>{state}</soap:StateInfo>",
            "<soap:CmSelectionCriteria>",
            "<soap:MaxReturnedDevices>{max}</soap:MaxReturnedDevices>",
            "<soap:DeviceClass>Phone</soap:DeviceClass>",
            "<soap:Model>255</soap:Model>",
            "<soap:Status>Any</soap:Status>",
            "<soap:NodeName></soap:NodeName>",
            "<soap:SelectBy>Name</soap:SelectBy>",
            "<soap:SelectItems><soap:item><soap:Item>*</soap:Item></soap:item></soap:SelectItems>",
            "<soap:Protocol>Any</soap:Protocol>",
            "<soap:DownloadStatus>Any</soap:DownloadStatus>",
            "</soap:CmSelectionCriteria>",
            "</soap:selectCmDevice></soapenv:Body></soapenv:Envelope>",
        ),
        state = quick_xml::escape::escape(state_info),
        max = MAX_RETURNED,
    )
}

/// One device entry of an answer, as the reader hands it over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `Name`.
    pub name: String,
    /// `DeviceClass` (empty when the entry has none).
    pub class: String,
    /// `TimeStamp` (0 when absent or not a number).
    pub timestamp: i64,
    /// The address: the first IPv4 `IPAddress` item, else the first item, else the older
    /// `IpAddress` text; empty when the entry gives none.
    pub address: String,
}

/// What one answer held besides its entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Page {
    /// Device entries in the answer (every class).
    pub entries: usize,
    /// The `StateInfo` to continue with (empty when none).
    pub state_info: String,
    /// Whether a `selectCmDevice` answer was there at all.
    pub answered: bool,
    /// A SOAP fault's `faultcode` and `faultstring`, if the answer was one.
    pub fault: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    Root,
    Envelope,
    Body,
    Fault,
    FaultCode,
    FaultString,
    Response,
    Return,
    Result,
    StateInfo,
    CmNodes,
    Node,
    CmDevices,
    Device,
    Name,
    Class,
    Time,
    IpArray,
    IpItem,
    Ip,
    IpType,
    LegacyIp,
    Other,
}

fn child(parent: El, local: &[u8]) -> El {
    use El::*;
    match (parent, local) {
        (Root, b"Envelope") => Envelope,
        (Envelope, b"Body") => Body,
        (Body, b"Fault") => Fault,
        (Fault, b"faultcode") => FaultCode,
        (Fault, b"faultstring") => FaultString,
        (Body, n) if n.starts_with(b"selectCmDevice") && n.ends_with(b"Response") => Response,
        (Response, b"selectCmDeviceReturn") => Return,
        (Response | Return, b"SelectCmDeviceResult") => Result,
        (Response | Return | Result, b"StateInfo") => StateInfo,
        (Result, b"CmNodes") => CmNodes,
        (CmNodes, b"item") => Node,
        (Node, b"CmDevices") => CmDevices,
        (CmDevices, b"item") => Device,
        (Device, b"Name") => Name,
        (Device, b"DeviceClass") => Class,
        (Device, b"TimeStamp") => Time,
        (Device, b"IPAddress") => IpArray,
        (Device, b"IpAddress") => LegacyIp,
        (IpArray, b"item") => IpItem,
        (IpItem, b"IP") => Ip,
        (IpItem, b"IPAddrType") => IpType,
        _ => Other,
    }
}

/// Where a device's IPAddress items stand while reading it.
#[derive(Default)]
struct Ips {
    first: String,
    v4: String,
    item_ip: String,
    item_type: String,
}

/// Why an answer could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Reading the body broke (connection, size limit).
    Io(std::io::Error),
    /// The body is not the XML expected; what was wrong.
    Xml(String),
}

impl From<String> for ReadError {
    fn from(s: String) -> Self {
        ReadError::Xml(s)
    }
}

impl From<&str> for ReadError {
    fn from(s: &str) -> Self {
        ReadError::Xml(s.to_owned())
    }
}

/// Reads one answer from `input`, streaming: each device entry goes to `each` as soon as it
/// is complete, so memory holds one entry at a time.
pub(crate) fn read_page<R: BufRead>(input: R, each: &mut dyn FnMut(Entry)) -> Result<Page, ReadError> {
    let mut rd = quick_xml::Reader::from_reader(input);
    let mut buf = Vec::with_capacity(4096);
    let mut stack: Vec<El> = Vec::with_capacity(16);
    let mut page = Page::default();
    let mut entry = Entry::default();
    let mut ips = Ips::default();
    let mut text = String::new();
    let mut fault = (String::new(), String::new());
    let mut in_fault = false;
    loop {
        buf.clear();
        let ev = match rd.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(quick_xml::Error::Io(e)) => {
                return Err(ReadError::Io(
                    std::sync::Arc::try_unwrap(e).unwrap_or_else(|a| std::io::Error::new(a.kind(), a.to_string())),
                ))
            }
            Err(e) => return Err(ReadError::Xml(format!("malformed XML: {e}"))),
        };
        match ev {
            Event::Start(e) => {
                let parent = stack.last().copied().unwrap_or(El::Root);
                let el = if parent == El::Other { El::Other } else { child(parent, e.local_name().as_ref()) };
                if stack.len() >= DEPTH_MAX {
                    return Err("XML nested too deeply".into());
                }
                stack.push(el);
                text.clear();
                match el {
                    El::Device => {
                        entry = Entry::default();
                        ips = Ips::default();
                    }
                    El::IpItem => {
                        ips.item_ip.clear();
                        ips.item_type.clear();
                    }
                    El::Response => page.answered = true,
                    El::Fault => in_fault = true,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                let parent = stack.last().copied().unwrap_or(El::Root);
                if parent != El::Other && child(parent, e.local_name().as_ref()) == El::Response {
                    page.answered = true;
                }
            }
            Event::Text(t) if keeps_text(stack.last()) => {
                let s = t.decode().map_err(|e| format!("malformed XML text: {e}"))?;
                push_capped(&mut text, &s, stack.last())?;
            }
            Event::CData(t) if keeps_text(stack.last()) => {
                let s = t.decode().map_err(|e| format!("malformed XML text: {e}"))?;
                push_capped(&mut text, &s, stack.last())?;
            }
            Event::GeneralRef(g) if keeps_text(stack.last()) => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match g.as_ref() {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        _ => return Err(ReadError::Xml("malformed XML: an unknown entity".into())),
                    },
                };
                push_capped(&mut text, c.encode_utf8(&mut [0; 4]), stack.last())?;
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return Err("malformed XML: an end tag without a start".into());
                };
                match el {
                    El::Name => entry.name = text.trim().to_owned(),
                    El::Class => entry.class = text.trim().to_owned(),
                    El::Time => entry.timestamp = text.trim().parse().unwrap_or(0),
                    El::LegacyIp if ips.first.is_empty() => ips.first = text.trim().to_owned(),
                    El::Ip => ips.item_ip = text.trim().to_owned(),
                    El::IpType => ips.item_type = text.trim().to_owned(),
                    El::IpItem if !ips.item_ip.is_empty() => {
                        if ips.v4.is_empty() && is_v4(&ips.item_type, &ips.item_ip) {
                            ips.v4 = std::mem::take(&mut ips.item_ip);
                        } else if ips.first.is_empty() {
                            ips.first = std::mem::take(&mut ips.item_ip);
                        }
                    }
                    El::Device => {
                        page.entries += 1;
                        let mut e = std::mem::take(&mut entry);
                        e.address = if ips.v4.is_empty() {
                            std::mem::take(&mut ips.first)
                        } else {
                            std::mem::take(&mut ips.v4)
                        };
                        each(e);
                    }
                    El::StateInfo => page.state_info = text.trim().to_owned(),
                    El::FaultCode => fault.0 = text.trim().to_owned(),
                    El::FaultString => fault.1 = text.trim().to_owned(),
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("the answer ended early (XML not closed)".into());
    }
    if in_fault {
        page.fault = Some(fault);
    }
    Ok(page)
}

fn keeps_text(el: Option<&El>) -> bool {
    matches!(
        el,
        Some(
            El::Name
                | El::Class
                | El::Time
                | El::Ip
                | El::IpType
                | El::LegacyIp
                | El::StateInfo
                | El::FaultCode
                | El::FaultString
        )
    )
}

fn push_capped(text: &mut String, s: &str, el: Option<&El>) -> Result<(), ReadError> {
    let cap = if el == Some(&El::StateInfo) { STATE_MAX } else { FIELD_MAX };
    if text.len() + s.len() > cap {
        return Err(ReadError::Xml(format!("an answer field is longer than {cap} bytes")));
    }
    text.push_str(s);
    Ok(())
}

/// `IPAddrType` says ipv4, or (no type) the text reads as an IPv4 address.
fn is_v4(kind: &str, ip: &str) -> bool {
    if kind.is_empty() {
        ip.parse::<std::net::Ipv4Addr>().is_ok()
    } else {
        kind.eq_ignore_ascii_case("ipv4")
    }
}

/// Whether a SOAP fault is CUCM's throttling (`AxisFault: Exceeded allowed rate for
/// Reatime information…`, Cisco's spelling, faultcode `…Server.RateControl`).
pub(crate) fn is_throttle(code: &str, text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    code.contains("RateControl") || t.contains("exceeded allowed rate") || t.contains("rate control")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> (Vec<Entry>, Page) {
        let mut v = Vec::new();
        let p = read_page(xml.as_bytes(), &mut |e| v.push(e)).unwrap();
        (v, p)
    }

    #[test]
    fn empty_answer_as_cucm_sends_it() {
        // The shape of CUCM's "nothing found" answer (testdata/ris/empty-answer.xml).
        let xml = include_str!("../../../../testdata/ris/empty-answer.xml");
        let (v, p) = read(xml);
        assert!(v.is_empty());
        assert!(p.answered);
        assert_eq!(p.entries, 0);
        assert_eq!(p.state_info, "");
        assert_eq!(p.fault, None);
    }

    #[test]
    fn request_escapes_state_info() {
        let r = request(r#"<StateInfo><Node Name="a&b"/></StateInfo>"#);
        assert!(r.contains("<soap:StateInfo>&lt;StateInfo&gt;&lt;Node Name=&quot;a&amp;b&quot;/&gt;&lt;/StateInfo&gt;</soap:StateInfo>"));
        assert!(r.contains("<soap:MaxReturnedDevices>1000</soap:MaxReturnedDevices>"));
    }

    #[test]
    fn the_state_info_round_trips_through_escaping() {
        let state = r#"<StateInfo><Node Name="cucm1" SubsystemStartTime="1" StateId="7"/></StateInfo>"#;
        let answer = format!(
            "<Envelope><Body><selectCmDeviceResponse><selectCmDeviceReturn><SelectCmDeviceResult>\
             <TotalDevicesFound>0</TotalDevicesFound></SelectCmDeviceResult><StateInfo>{}</StateInfo>\
             </selectCmDeviceReturn></selectCmDeviceResponse></Body></Envelope>",
            quick_xml::escape::escape(state)
        );
        assert_eq!(read(&answer).1.state_info, state);
    }

    #[test]
    fn ipv4_item_wins_over_an_earlier_ipv6_one_and_legacy_shape_reads() {
        let xml = "<Envelope><Body><selectCmDeviceResponse><SelectCmDeviceResult><CmNodes><item><CmDevices>\
            <item><Name>SEPA</Name><IPAddress><item><IP>2001:db8::5</IP><IPAddrType>ipv6</IPAddrType></item>\
            <item><IP>10.1.2.3</IP><IPAddrType>ipv4</IPAddrType></item></IPAddress></item>\
            <item><Name>SEPB</Name><IpAddress>10.9.9.9</IpAddress></item>\
            <item><Name>SEPC</Name><IPAddress><item><IP>2001:db8::6</IP><IPAddrType>ipv6</IPAddrType></item></IPAddress></item>\
            </CmDevices></item></CmNodes></SelectCmDeviceResult></selectCmDeviceResponse></Body></Envelope>";
        let (v, p) = read(xml);
        assert_eq!(p.entries, 3);
        let addrs: Vec<_> = v.iter().map(|e| (e.name.as_str(), e.address.as_str())).collect();
        assert_eq!(addrs, [("SEPA", "10.1.2.3"), ("SEPB", "10.9.9.9"), ("SEPC", "2001:db8::6")]);
    }

    #[test]
    fn fault_is_read() {
        let xml = r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server.RateControl</faultcode><faultstring>AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 15 requests per minute.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let (_, p) = read(xml);
        let (code, text) = p.fault.unwrap();
        assert!(is_throttle(&code, &text));
        assert!(!is_throttle("soapenv:Server", "Unmarshalling error"));
    }

    #[test]
    fn truncated_and_hostile_input_is_an_error_not_a_panic() {
        let mut sink = |_e: Entry| {};
        assert!(read_page(&b"<Envelope><Body><selectCmDeviceResponse>"[..], &mut sink).is_err());
        let deep = "<a>".repeat(100);
        assert!(read_page(deep.as_bytes(), &mut sink).is_err());
        let long = format!(
            "<Envelope><Body><selectCmDeviceResponse><SelectCmDeviceResult><CmNodes><item><CmDevices><item><Name>{}</Name></item></CmDevices></item></CmNodes></SelectCmDeviceResult></selectCmDeviceResponse></Body></Envelope>",
            "x".repeat(5000)
        );
        assert!(read_page(long.as_bytes(), &mut sink).is_err());
        assert!(read_page(&b"<Envelope>&bogus;</Envelope>"[..], &mut sink).is_ok());
    }
}
