//! The known labels of a phone's pages, read from lines of cells into a [`PhonePage`].

use super::lines::Line;
use super::PhonePage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    DeviceName,
    Model,
    ItlFile,
    ItlSignature,
    CtlFile,
    CtlSignature,
    Tvs,
    Tftp1,
}

/// Labels, lower case, longest first among those sharing a start.
const LABELS: &[(&str, Field)] = &[
    ("host name", Field::DeviceName),
    ("hostname", Field::DeviceName),
    ("model number", Field::Model),
    ("itl signature", Field::ItlSignature),
    ("itl file", Field::ItlFile),
    ("ctl signature", Field::CtlSignature),
    ("ctl file", Field::CtlFile),
    ("tftp server 1", Field::Tftp1),
    ("tvs", Field::Tvs),
];

/// The label a cell is (case, a trailing colon and spaces ignored).
fn label(cell: &str) -> Option<Field> {
    let key = cell.trim_end_matches([':', ' ']);
    LABELS.iter().find(|(l, _)| key.eq_ignore_ascii_case(l)).map(|&(_, f)| f)
}

/// A label at the start of a one-cell line (`Host name: SEP…`, `Host name SEP…`) and the
/// rest of the line.
fn label_prefix(cell: &str) -> Option<(Field, &str)> {
    LABELS.iter().find_map(|&(l, f)| {
        let head = cell.get(..l.len())?;
        let rest = cell.get(l.len()..)?;
        (head.eq_ignore_ascii_case(l) && (rest.is_empty() || rest.starts_with([' ', ':'])))
            .then(|| (f, rest.trim_start_matches([':', ' ']).trim_end()))
    })
}

/// The label and value of a line, if it starts with a known label.
fn pair(line: &Line) -> Option<(Field, &str)> {
    let first = line.first()?;
    match label(first) {
        Some(f) => Some((f, line.get(1).map(String::as_str).unwrap_or(""))),
        None => label_prefix(first),
    }
}

fn is_not_installed(v: &str) -> bool {
    v.eq_ignore_ascii_case("not installed")
}

/// A trust list's value from its `file` and `signature` rows: `Not Installed` when either
/// says so, else the signature, else what the file row says (`Installed`, not a hash).
fn trust(file: Option<String>, signature: Option<String>) -> Option<String> {
    if file.as_deref().is_some_and(is_not_installed) || signature.as_deref().is_some_and(is_not_installed) {
        return Some("Not Installed".to_owned());
    }
    signature.or(file)
}

/// The page the lines describe. Of a label given twice, the first non-empty value counts;
/// every `TVS` value is kept, up to [`super::MAX_TVS`].
pub(super) fn read(lines: &[Line]) -> PhonePage {
    let mut page = PhonePage::default();
    let (mut itl_file, mut itl_sig, mut ctl_file, mut ctl_sig) = (None, None, None, None);
    for (field, value) in lines.iter().filter_map(pair) {
        // Longer than any name, model or hash a phone shows: not a value of this page.
        if value.is_empty() || value.len() > super::MAX_VALUE_BYTES {
            continue;
        }
        let slot = match field {
            Field::DeviceName => &mut page.device_name,
            Field::Model => &mut page.model,
            Field::ItlFile => &mut itl_file,
            Field::ItlSignature => &mut itl_sig,
            Field::CtlFile => &mut ctl_file,
            Field::CtlSignature => &mut ctl_sig,
            Field::Tftp1 => &mut page.tftp_server,
            Field::Tvs => {
                if page.tvs.len() < super::MAX_TVS {
                    page.tvs.push(value.to_owned());
                }
                continue;
            }
        };
        slot.get_or_insert_with(|| value.to_owned());
    }
    page.itl_signature = trust(itl_file, itl_sig);
    page.ctl_signature = trust(ctl_file, ctl_sig);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(cells: &[&str]) -> Line {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn labels_in_cells_and_at_line_starts() {
        let lines = [
            l(&["HOST NAME:", "SEP1"]),
            l(&["Model Number CP-7965G"]),
            l(&["ITL File", "Not installed"]),
            l(&["ITL Signature", "11 22"]),
            l(&["CTL file", "Installed"]),
            l(&["TVS", "a"]),
            l(&["TVS:b"]),
            l(&["TVSx", "no"]),
            l(&["TFTP server 10", "no"]),
            l(&["TFTP Server 1:", "10.0.0.1"]),
        ];
        let p = read(&lines);
        assert_eq!(p.device_name.as_deref(), Some("SEP1"));
        assert_eq!(p.model.as_deref(), Some("CP-7965G"));
        assert_eq!(p.itl_signature.as_deref(), Some("Not Installed"));
        assert_eq!(p.ctl_signature.as_deref(), Some("Installed"));
        assert_eq!(p.tvs, ["a", "b"]);
        assert_eq!(p.tftp_server.as_deref(), Some("10.0.0.1"));
    }
}
