//! The pages a probe asks a phone for, per model family: the one place they are written.

/// The web pages of one family of phones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePaths {
    /// The models that serve these pages.
    pub family: &'static str,
    /// The network setup page: the trust rows, `TFTP server 1`, usually `Host name`.
    pub network: &'static str,
    /// The device information page: `Model number` and `Host name`, when the family has one.
    pub device: Option<&'static str>,
    /// The page asked when the network page shows no trust rows: the DX series shows them
    /// on a separate "Security information" page.
    pub security: Option<&'static str>,
}

/// Every family, in the order a probe tries them (the most common first): a phone that
/// answers the first network page with an HTTP error is asked the next one, and so on.
pub const PAGE_PATHS: &[PagePaths] = &[
    PagePaths {
        family: "7800, 8800, 8900/9900, DX (Java serviceability pages)",
        network: "/CGI/Java/Serviceability?adapter=device.statistics.configuration",
        device: Some("/CGI/Java/Serviceability?adapter=device.statistics.device"),
        security: Some("/CGI/Java/Serviceability?adapter=device.statistics.security"),
    },
    PagePaths {
        family: "7900, IP Communicator",
        network: "/NetworkConfiguration",
        device: Some("/DeviceInformation"),
        security: None,
    },
    PagePaths { family: "ATA 190/191", network: "/Network_Setup.htm", device: None, security: None },
    PagePaths {
        family: "DX (adapter at the root; the trust rows on its security page)",
        network: "/?adapter=device.statistics.configuration",
        device: Some("/?adapter=device.statistics.device"),
        security: Some("/?adapter=device.statistics.security"),
    },
];
