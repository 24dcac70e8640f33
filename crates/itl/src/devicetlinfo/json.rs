//! The JSON of `itlctl devices --json`: streamed row by row ([`write_json`]), or as one
//! serde value ([`DevicesJson`]); both give the same object.

use serde::Serialize;

use super::collect::Counts;
use super::compare::Status;
use super::row::{DeviceRow, Summary};

/// The JSON fields of a row, in the order `itlctl devices --json` writes them.
#[derive(Serialize)]
struct RowJson<'a> {
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
}

/// The JSON of `itlctl devices --json` (docs/cli.md), written row by row as the rows come:
/// `{"devices": [...], "fragments_skipped", "reports_read", "summary": {...}}`, pretty, keys
/// in order. Returns the ITL status counts.
pub fn write_json<W: std::io::Write>(
    mut w: W,
    rows: impl IntoIterator<Item = DeviceRow>,
    counts: Counts,
) -> std::io::Result<Summary> {
    let mut sum = Summary::default();
    let mut one = Vec::with_capacity(1024);
    let mut first = true;
    w.write_all(b"{\n  \"devices\": [")?;
    for r in rows {
        sum.count(r.itl_status);
        one.clear();
        let j = RowJson {
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
    writeln!(
        w,
        "  \"fragments_skipped\": {},\n  \"reports_read\": {},",
        counts.fragments_skipped, counts.reports_read
    )?;
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
            reports_read: counts.reports_read,
            summary,
        }
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
    }
}
