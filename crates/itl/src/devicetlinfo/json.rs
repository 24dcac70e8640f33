//! The JSON of `itlctl devices --json`: streamed row by row ([`write_json`]), or as one
//! serde value ([`DevicesJson`]); both give the same object.

use serde::Serialize;

use super::collect::Counts;
use super::compare::Status;
use super::page::Reason;
use super::probed::ProbeCounts;
use super::row::{DeviceRow, Source, Summary};

/// The JSON fields of a row, in the order `itlctl devices --json` writes them.
#[derive(Serialize)]
struct RowJson<'a> {
    address: &'a Option<String>,
    ctl_file: &'a Option<String>,
    ctl_hash: &'a Option<String>,
    ctl_status: Status,
    ctl_tftp_server: &'a Option<String>,
    device: &'a str,
    ipv4: &'a Option<String>,
    itl_file: &'a Option<String>,
    itl_hash: &'a Option<String>,
    itl_status: Status,
    itl_tftp_server: &'a Option<String>,
    model: &'a Option<String>,
    reason: Option<Reason>,
    source: Source,
    tvs: &'a [String],
}

/// The JSON of `itlctl devices --json` (docs/cli.md), written row by row as the rows come:
/// `{"devices": [...], "fragments_skipped", "reports_read", "summary": {...}}`, pretty, keys
/// in order. Returns the ITL status counts.
pub fn write_json<W: std::io::Write>(
    w: W,
    rows: impl IntoIterator<Item = DeviceRow>,
    counts: Counts,
) -> std::io::Result<Summary> {
    write_json_probed(w, rows, counts, None)
}

/// [`write_json`] with the `probe` object (between `fragments_skipped` and `reports_read`)
/// when anything was probed.
pub fn write_json_probed<W: std::io::Write>(
    mut w: W,
    rows: impl IntoIterator<Item = DeviceRow>,
    counts: Counts,
    probe: Option<ProbeCounts>,
) -> std::io::Result<Summary> {
    let mut sum = Summary::default();
    let mut one = Vec::with_capacity(1024);
    let mut first = true;
    w.write_all(b"{\n  \"devices\": [")?;
    for r in rows {
        sum.count(r.itl_status);
        one.clear();
        let j = RowJson {
            address: &r.address,
            ctl_file: &r.ctl_file,
            ctl_hash: &r.ctl_hash,
            ctl_status: r.ctl_status,
            ctl_tftp_server: &r.ctl_tftp_server,
            device: &r.device,
            ipv4: &r.ipv4,
            itl_file: &r.itl_file,
            itl_hash: &r.itl_hash,
            itl_status: r.itl_status,
            itl_tftp_server: &r.itl_tftp_server,
            model: &r.model,
            reason: r.reason,
            source: r.source,
            tvs: &r.tvs,
        };
        serde_json::to_writer_pretty(&mut one, &j).map_err(std::io::Error::other)?;
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        // JSON strings hold no raw newline: indent every line of the row by two levels.
        for (i, l) in one.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                w.write_all(b"\n")?;
            }
            w.write_all(b"    ")?;
            w.write_all(l)?;
        }
    }
    w.write_all(if first { b"],\n" } else { b"\n  ],\n" })?;
    writeln!(w, "  \"fragments_skipped\": {},", counts.fragments_skipped)?;
    if let Some(p) = probe {
        writeln!(
            w,
            "  \"probe\": {{\n    \"answered\": {},\n    \"asked\": {},\n    \"no_web_access\": {},\n    \"not_understood\": {},\n    \"unreachable\": {}\n  }},",
            p.answered, p.asked, p.no_web_access, p.not_understood, p.unreachable
        )?;
    }
    writeln!(w, "  \"reports_read\": {},", counts.reports_read)?;
    writeln!(
        w,
        "  \"summary\": {{\n    \"Match\": {},\n    \"Mismatch\": {},\n    \"Not Installed\": {},\n    \"Unknown\": {}\n  }}\n}}",
        sum.matched, sum.mismatch, sum.not_installed, sum.unknown
    )?;
    Ok(sum)
}

/// `itlctl devices --json`: the rows, the counts of what was read, and the ITL statuses.
/// [`write_json`] streams the same object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DevicesJson<'a> {
    /// One row per (device, ITL TFTP server).
    pub devices: &'a [DeviceRow],
    /// Text skipped: alarms that never closed, lines not understood, reports without
    /// `DeviceName`.
    pub fragments_skipped: usize,
    /// What the probes gave, when anything was probed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeCounts>,
    /// Reports read, duplicates included.
    pub reports_read: usize,
    /// Counts of ITL statuses.
    pub summary: Summary,
}

impl<'a> DevicesJson<'a> {
    /// The object for `rows` read with `counts`; the summary is counted from the rows.
    pub fn new(rows: &'a [DeviceRow], counts: Counts) -> Self {
        let mut summary = Summary::default();
        for r in rows {
            summary.count(r.itl_status);
        }
        DevicesJson {
            devices: rows,
            fragments_skipped: counts.fragments_skipped,
            probe: None,
            reports_read: counts.reports_read,
            summary,
        }
    }

    /// The same object with the `probe` counts.
    pub fn with_probe(mut self, probe: Option<ProbeCounts>) -> Self {
        self.probe = probe;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devicetlinfo::collect;

    #[test]
    fn the_streamed_json_is_the_serde_json() {
        let text = "x [DeviceName=SEP1][ITL_Signature=00112233445566778899aabbccddeeff00112233][ITL_TFTP_Server=a]\n\
                    y [DeviceName=SEP2][ITL_Signature=Not Installed][ITL_TFTP_Server=b]\n<x-cisco-alarm>\n";
        let c = collect(text.as_bytes());
        assert_eq!(c.counts.reports_read, 2);
        let (rows, _) = c.latest.rows(&[], &[]);
        let mut streamed = Vec::new();
        write_json(&mut streamed, rows.clone(), c.counts).unwrap();
        // The same object (the streamed writer sorts keys as the CLI always printed them).
        let streamed: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        assert_eq!(streamed, serde_json::to_value(DevicesJson::new(&rows, c.counts)).unwrap());
        assert_eq!(streamed["devices"][0]["source"], "report");
        assert_eq!(streamed["devices"][0]["tvs"], serde_json::json!([]));
        assert!(streamed.get("probe").is_none());
    }

    #[test]
    fn the_streamed_json_with_probes_is_the_serde_json() {
        use crate::devicetlinfo::{PhonePage, ProbeRows, Probed, Reason};
        let page = PhonePage {
            device_name: Some("SEP5006AB806306".into()),
            model: Some("CP-8845".into()),
            itl_signature: Some("93 B6 4C B3 49 63 11 57 AB 2C 89 49 0D B8 FB BC 56 67 F5 51".into()),
            ctl_signature: Some("Not Installed".into()),
            tvs: vec!["cucm1.example.com".into(), "cucm2.example.com".into()],
            tftp_server: Some("172.19.74.90".into()),
        };
        let probes = [
            Probed { address: "127.0.0.2".into(), at: 1, page: Ok(page) },
            Probed { address: "127.0.0.3".into(), at: 1, page: Err(Reason::NoWebAccess) },
        ];
        let c = collect(&b"x [DeviceName=SEP1][ITL_Signature=Not Installed][ITL_TFTP_Server=a]\n"[..]);
        let (reports, _) = c.latest.rows(&[], &[]);
        let pr = ProbeRows::new(&probes, &Default::default(), &[], &[]);
        let counts = pr.counts;
        let rows: Vec<DeviceRow> = pr.merge(reports.into_iter()).collect();
        let mut streamed = Vec::new();
        write_json_probed(&mut streamed, rows.clone(), c.counts, Some(counts)).unwrap();
        let streamed: serde_json::Value = serde_json::from_slice(&streamed).unwrap();
        let serde = serde_json::to_value(DevicesJson::new(&rows, c.counts).with_probe(Some(counts))).unwrap();
        assert_eq!(streamed, serde);
        // The fields phones.md names, with the values given above.
        assert_eq!(
            streamed["probe"],
            serde_json::json!({"asked": 2, "answered": 1, "unreachable": 0, "no_web_access": 1, "not_understood": 0})
        );
        let d = &streamed["devices"];
        assert_eq!(d[0]["device"], "127.0.0.3");
        assert_eq!(d[0]["reason"], "no-web-access");
        assert_eq!(d[1]["device"], "SEP1");
        assert_eq!(d[1]["source"], "report");
        assert_eq!(d[2]["source"], "probe");
        assert_eq!(d[2]["address"], "127.0.0.2");
        assert_eq!(d[2]["model"], "CP-8845");
        assert_eq!(d[2]["reason"], serde_json::Value::Null);
        assert_eq!(d[2]["tvs"], serde_json::json!(["cucm1.example.com", "cucm2.example.com"]));
        assert_eq!(d[2]["itl_hash"], "93b64cb349631157ab2c89490db8fbbc5667f551");
        assert_eq!(d[2]["ctl_status"], "Not Installed");
        assert_eq!(d[2]["itl_tftp_server"], "172.19.74.90");
    }
}
