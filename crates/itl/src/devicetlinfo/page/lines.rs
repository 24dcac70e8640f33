//! A page as lines of cells: a table row is a line and its `<td>`/`<th>` are its cells; outside
//! tables a line runs from one `<br>` or block tag to the next. Text is whitespace-collapsed
//! (no-break spaces included), character references decoded by the tokenizer.

use html5gum::{DefaultEmitter, Token, Tokenizer};

/// One line: its non-empty cells, in order.
pub(super) type Line = Vec<String>;

/// Tags that end a line (start or end tag).
const LINE_TAGS: &[&[u8]] = &[
    b"tr",
    b"table",
    b"tbody",
    b"thead",
    b"tfoot",
    b"caption",
    b"br",
    b"p",
    b"div",
    b"li",
    b"ul",
    b"ol",
    b"dl",
    b"dt",
    b"dd",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"hr",
    b"body",
    b"html",
    b"head",
    b"title",
    b"form",
    b"center",
    b"pre",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"nav",
    b"fieldset",
    b"legend",
];

/// Tags whose text is never shown.
const HIDDEN_TAGS: &[&[u8]] = &[b"script", b"style", b"template"];

#[derive(Default)]
struct Builder {
    lines: Vec<Line>,
    line: Line,
    cell: String,
    space: bool,
    hidden: u32,
}

impl Builder {
    fn end_cell(&mut self) {
        if !self.cell.is_empty() {
            self.line.push(std::mem::take(&mut self.cell));
        }
        self.space = false;
    }

    fn end_line(&mut self) {
        self.end_cell();
        if !self.line.is_empty() {
            self.lines.push(std::mem::take(&mut self.line));
        }
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.cell.is_empty() {
                    self.cell.push(' ');
                }
                self.space = false;
                self.cell.push(c);
            }
        }
    }

    fn tag(&mut self, name: &[u8], start: bool) {
        if HIDDEN_TAGS.contains(&name) {
            self.hidden = if start { self.hidden.saturating_add(1) } else { self.hidden.saturating_sub(1) };
        } else if name == b"td" || name == b"th" {
            self.end_cell();
        } else if LINE_TAGS.contains(&name) {
            self.end_line();
        } else {
            // An inline tag (`<b>`, `<font>`, `<a>`): `<B>Host name</B><B>SEP…</B>` are two words.
            self.space = true;
        }
    }
}

/// The lines of `html`, in page order.
pub(super) fn lines(html: &str) -> Vec<Line> {
    let mut emitter = DefaultEmitter::default();
    // Switch to the raw-text states after `<script>`, `<style>`, `<title>`… as a tree builder
    // would, so their contents are not read as tags.
    emitter.naively_switch_states(true);
    let mut b = Builder::default();
    for token in Tokenizer::new_with_emitter(html, emitter).flatten() {
        match token {
            Token::StartTag(t) => {
                b.tag(&t.name, true);
                if t.self_closing && HIDDEN_TAGS.contains(&t.name.as_slice()) {
                    b.hidden = b.hidden.saturating_sub(1);
                }
            }
            Token::EndTag(t) => b.tag(&t.name, false),
            Token::String(s) if b.hidden == 0 => b.text(&String::from_utf8_lossy(&s)),
            _ => {}
        }
    }
    b.end_line();
    b.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_runs_and_entities() {
        let html = "<table><TR><TD><B>Host name</B></TD><td width=20></TD><TD><B>SEP1</B></TD></TR>\
                    <tr><td>TFTP server 2</td><td></td></tr></table>\
                    <B>ITL signature</B><B>93&#x2D;B6&nbsp;&nbsp;4C</B><BR>x<script>a<b>c</script>";
        let want: Vec<Line> = vec![
            vec!["Host name".into(), "SEP1".into()],
            vec!["TFTP server 2".into()],
            vec!["ITL signature 93-B6 4C".into()],
            vec!["x".into()],
        ];
        assert_eq!(lines(html), want);
    }
}
