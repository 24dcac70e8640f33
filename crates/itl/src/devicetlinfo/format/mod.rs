//! The report formats, one parser each: the phone's alarm XML ([`xml`]), `[Name=Value]`
//! brackets ([`brackets`]), `Name=Value` pairs ([`pairs`]) and CSV ([`csv`]). The reader
//! finds a report and its format; [`Parsers::parse`] is the one place that picks the parser.

use super::report::{EventRef, Param, ReportRef};

mod brackets;
mod csv;
mod pairs;
mod xml;

/// Which parser reads a report.
#[derive(Debug, Clone, Copy)]
pub(super) enum Format {
    /// `[Name=Value]` brackets.
    Brackets,
    /// `Name=Value` pairs.
    Pairs,
    /// A row of the CSV table being read.
    Csv,
    /// The alarm XML.
    Xml,
}

/// What the parsers keep between reports: the CSV reader's tables and the columns of the
/// table being read, and room for the pairs' keys.
#[derive(Debug)]
pub(super) struct Parsers {
    csv: csv_core::Reader,
    /// The columns of the CSV table being read (`None`: a column that is no parameter).
    pub(super) csv_header: Option<Vec<Option<Param>>>,
    keys: Vec<(usize, usize)>,
}

impl Parsers {
    pub(super) fn new() -> Self {
        Parsers { csv: csv_core::Reader::new(), csv_header: None, keys: Vec::new() }
    }

    /// Reads the report in `text` (found on line `line`) as `format`.
    pub(super) fn parse<'t>(&mut self, format: Format, text: &'t str, line: usize) -> EventRef<'t> {
        match format {
            Format::Brackets => brackets::parse(text, line),
            Format::Pairs => pairs::parse(text, line, &mut self.keys),
            Format::Csv => csv::parse_row(&mut self.csv, self.csv_header.as_deref().unwrap_or(&[]), text, line),
            Format::Xml => xml::parse(text, line),
        }
    }

    /// The columns of a CSV header line, when `text` is one.
    pub(super) fn csv_header(&mut self, text: &str) -> Option<Vec<Option<Param>>> {
        csv::header(&mut self.csv, text)
    }
}

/// An alarm's XML joined from several lines, read by quick-xml (entities, any layout).
pub(super) fn alarm(text: &str, line: usize) -> EventRef<'static> {
    xml::parse_xml(text, line)
}

/// The event for a report read: skipped when it names no device.
fn finish(r: ReportRef<'_>) -> EventRef<'_> {
    if r.device_name.as_deref().is_none_or(str::is_empty) {
        EventRef::MissingDeviceName { line: r.line }
    } else {
        EventRef::Report(r)
    }
}
