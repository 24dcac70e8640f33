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
    // DX80 (its network page also has `Wifi Host Name`, the same name).
    ("ethernet host name", Field::DeviceName),
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

/// The page header real phones show above every page, `Cisco IP Phone CP-8845 (
/// SEP5006AB806306 )` (`Cisco Unified IP Phone CP-7841 ( … )`, `Cisco Systems, Inc. IP Phone
/// CP-7940G ( … )`, `Cisco CP-DX80 ( … )`; their `<TITLE>` is only `Cisco Systems, Inc.`): the
/// model (the word starting `CP-`, when there is one) and the device name in parentheses.
fn header(cell: &str) -> Option<(Option<&str>, &str)> {
    let rest = cell.strip_prefix("Cisco ")?;
    let open = rest.rfind('(')?;
    let name = rest[open + 1..].trim_end().strip_suffix(')')?.trim();
    let max = super::MAX_VALUE_BYTES;
    let name_ok = !name.is_empty()
        && name.len() <= max
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let model = rest[..open].split_whitespace().find(|w| w.starts_with("CP-") && w.len() > 3 && w.len() <= max);
    name_ok.then_some((model, name))
}

/// The page the lines describe. Of a label given twice, the first non-empty value counts;
/// every `TVS` value is kept, up to [`super::MAX_TVS`]. The page header gives the model and
/// the device name where no row does.
pub(super) fn read(lines: &[Line]) -> PhonePage {
    let mut page = PhonePage::default();
    let (mut itl_file, mut itl_sig, mut ctl_file, mut ctl_sig) = (None, None, None, None);
    let head = lines.iter().flatten().find_map(|c| header(c));
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
    if let Some((model, name)) = head {
        page.model = page.model.or(model.map(str::to_owned));
        page.device_name = page.device_name.or(Some(name.to_owned()));
    }
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

    #[test]
    fn header_names_model_and_device_where_no_row_does() {
        assert_eq!(header("Cisco IP Phone CP-8861 ( SEP7802B1429B4F )"), Some((Some("CP-8861"), "SEP7802B1429B4F")));
        assert_eq!(header("Cisco Communicator ( CIPCX )"), Some((None, "CIPCX")));
        assert_eq!(header("Cisco IP Phone CP-8861 ( two words )"), None);
        assert_eq!(header("Cisco IP Phone CP-8861 ( )"), None);
        assert_eq!(header("Phone CP-8861 ( SEP1 )"), None);
        let p = read(&[l(&["Cisco IP Phone CP-8845 ( SEPAAA )"]), l(&["Host name", "SEPBBB"])]);
        assert_eq!((p.model.as_deref(), p.device_name.as_deref()), (Some("CP-8845"), Some("SEPBBB")));
    }
}
