//! Properties of CUCM's split messages (`[part=SEQ.i/n]`) read from a file: a report split
//! at any tag boundary, its parts interleaved with another host's parts and other alarms,
//! reads as the same report unsplit; losing any one part loses the report and counts a
//! fragment, never another phone's report.
#![cfg(feature = "devicetlinfo")]

use itl::devicetlinfo::collect;
use proptest::prelude::*;

/// The tags of one DeviceTLInfo report.
fn tags(device: &str, hash: &str, server: &str) -> Vec<String> {
    vec![
        format!("[DeviceName={device}]"),
        "[IPv4Address=10.1.2.3]".into(),
        "[CTL_Signature=Not Installed]".into(),
        "[CTL_TFTP_Server=N/A]".into(),
        format!("[ITL_Signature={hash}]"),
        format!("[ITL_TFTP_Server={server}]"),
        "[StatusCode=3]".into(),
    ]
}

fn line(seq: usize, host: &str, tags: &str) -> String {
    format!("<190>{seq}: {host}: Mar 09 2024 06:32:45 PM.042 UTC : %UC_CALLMANAGER-6-DeviceTLInfo: %{tags}: Device TL info\n")
}

/// The report's parts: `cuts` (sorted, within 1..7) are where the tag list is cut.
fn parts(seq: usize, host: &str, tags: &[String], cuts: &[usize]) -> Vec<String> {
    let mut bounds = vec![0];
    bounds.extend(cuts.iter().copied());
    bounds.push(tags.len());
    bounds.dedup();
    let n = bounds.len() - 1;
    (0..n)
        .map(|i| {
            let body = tags[bounds[i]..bounds[i + 1]].concat();
            line(seq + i, host, &format!("[part={seq}.{}/{n}]{body}", i + 1))
        })
        .collect()
}

fn hash(seed: u64) -> String {
    (0..20).map(|i| format!("{:02X} ", (seed >> (i % 8 * 8)) as u8 ^ i as u8)).collect()
}

/// (device, IPv4, ITL hash) of each row.
type Row = (String, Option<String>, Option<String>);

fn rows(text: &str) -> (Vec<Row>, usize, usize) {
    let c = collect(text.as_bytes());
    let (rows, _) = c.latest.rows(&[], &[]);
    let rows = rows.into_iter().map(|r| (r.device, r.ipv4, r.itl_hash)).collect();
    (rows, c.counts.reports_read, c.counts.fragments_skipped)
}

proptest! {
    #[test]
    fn split_and_interleaved_reads_as_unsplit(
        cuts_a in prop::collection::btree_set(1usize..7, 1..4),
        cuts_b in prop::collection::btree_set(1usize..7, 1..4),
        order in prop::collection::vec(any::<bool>(), 12),
        seed in any::<u64>(),
    ) {
        let (ta, tb) = (tags("SEP0000000000AA", &hash(seed), "pub"), tags("SEP0000000000BB", &hash(!seed), "pub"));
        let whole = line(1, "cucm-pub", &ta.concat()) + &line(1, "cucm-sub", &tb.concat());
        // The same sequence numbers from both hosts: only the host tells the parts apart.
        let a: Vec<String> = parts(100, "cucm-pub", &ta, &cuts_a.iter().copied().collect::<Vec<_>>());
        let b: Vec<String> = parts(100, "cucm-sub", &tb, &cuts_b.iter().copied().collect::<Vec<_>>());
        let other = "<189>7: cucm-pub: Mar 09 2024 06:32:45 PM.043 UTC :  %UC_CALLMANAGER-6-EndPointRegistered: %[DeviceName=SEP0000000000AA][IPAddress=10.1.2.3]: registered\n";
        let (mut ia, mut ib, mut text) = (a.iter(), b.iter(), String::new());
        for &first in order.iter().cycle().take(a.len() + b.len() + 4) {
            let next = if first { ia.next().or_else(|| ib.next()) } else { ib.next().or_else(|| ia.next()) };
            match next {
                Some(p) => text.push_str(p),
                None => break,
            }
            text.push_str(other);
        }
        let (want, want_read, _) = rows(&whole);
        let (got, read, frags) = rows(&text);
        prop_assert_eq!(got, want);
        prop_assert_eq!((read, frags), (want_read, 0));
    }

    #[test]
    fn a_lost_part_loses_only_its_report(cuts in prop::collection::btree_set(1usize..7, 1..4), lost in any::<prop::sample::Index>()) {
        let t = tags("SEP0000000000AA", &hash(1), "pub");
        let mut p = parts(100, "cucm-pub", &t, &cuts.iter().copied().collect::<Vec<_>>());
        p.remove(lost.index(p.len()));
        let text = p.concat() + &line(200, "cucm-pub", &tags("SEP0000000000CC", &hash(2), "pub").concat());
        let (got, read, frags) = rows(&text);
        prop_assert_eq!(got.len(), 1);
        prop_assert_eq!(got[0].0.as_str(), "SEP0000000000CC");
        prop_assert_eq!((read, frags), (1, 1));
    }
}
