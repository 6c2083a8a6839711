//! Human output, the way rustc shows an error: the code, the message, `file:line:column`,
//! the offending source line with a marker under it, and the element path.

use super::{visible, visible_but, Finding, Printer, ReportItem, Summary};
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{self, Write};

/// The human printer: `ok: PATH (...)` for a valid document; for an invalid one each
/// violation as rustc shows an error, then `invalid: PATH (...)`; at the end the totals.
pub struct HumanPrinter<W: Write> {
    out: W,
    renderer: Renderer,
}

impl<W: Write> HumanPrinter<W> {
    /// A human printer writing to `out`; `color` turns on ANSI colours (see
    /// [`super::color_wanted`]).
    pub fn new(out: W, color: bool) -> Self {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        HumanPrinter {
            out,
            renderer: renderer.decor_style(DecorStyle::Ascii),
        }
    }

    fn finding(&mut self, item: &ReportItem, f: &Finding) -> io::Result<()> {
        let v = &f.violation;
        // Names and values shown with their control characters escaped.
        let path = visible(&item.path);
        let message = visible(&v.message);
        let element_note = if v.element.is_empty() {
            format!("profile {}", item.profile)
        } else {
            format!("element {} (profile {})", visible(&v.element), item.profile)
        };
        let title = Level::ERROR
            .primary_title(message.as_ref())
            .id(v.code.as_str());
        let rendered = match (&f.source_line, v.line) {
            (Some(src), Some(line)) => {
                let (src, span) = shown_source(src, v.column);
                let report = &[
                    title.element(
                        Snippet::source(src.as_ref())
                            .line_start(usize::try_from(line).unwrap_or(usize::MAX))
                            .path(path.as_ref())
                            .annotation(AnnotationKind::Primary.span(span)),
                    ),
                    Group::with_title(Level::NOTE.secondary_title(element_note.as_str())),
                ];
                self.renderer.render(report)
            }
            _ => {
                let location = match v.line {
                    Some(l) => format!("{path}:{l}:{}", v.column.unwrap_or(1)),
                    None => path.to_string(),
                };
                let note = format!("in {location}: {element_note}");
                let report = &[
                    Group::with_title(title),
                    Group::with_title(Level::NOTE.secondary_title(note.as_str())),
                ];
                self.renderer.render(report)
            }
        };
        writeln!(self.out, "{rendered}\n")
    }
}

/// A source line as shown (control characters escaped, tabs kept) and the range of it to
/// underline, which is [`marker_span`]'s range of the line itself, moved with the escapes.
fn shown_source(
    line: &str,
    column: Option<u32>,
) -> (std::borrow::Cow<'_, str>, std::ops::Range<usize>) {
    let span = marker_span(line, column);
    let tab = |c: char| c == '\t';
    let start = visible_but(&line[..span.start], tab).len();
    let len = visible_but(&line[span.clone()], tab).len();
    (visible_but(line, tab), start..start + len)
}

/// The byte range to underline: from the column (1-based, in characters) to the end of the
/// tag that starts there, or one character when no tag starts there.
fn marker_span(line: &str, column: Option<u32>) -> std::ops::Range<usize> {
    let col = column.map_or(0, |c| c.saturating_sub(1) as usize);
    let start = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = if rest.starts_with('<') {
        rest.find('>').map_or(rest.len(), |g| g + 1)
    } else {
        rest.chars().next().map_or(0, char::len_utf8)
    };
    start..start + len
}

impl<W: Write> Printer for HumanPrinter<W> {
    fn item(&mut self, item: &ReportItem) -> io::Result<()> {
        let path = visible(&item.path);
        if item.valid {
            return writeln!(self.out, "ok: {path} ({})", item.describe());
        }
        for f in &item.violations {
            self.finding(item, f)?;
        }
        writeln!(
            self.out,
            "invalid: {path} ({}): {} violation(s)\n",
            item.describe(),
            item.violations.len()
        )
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let mut line = format!(
            "{} document(s): {} valid, {} invalid",
            s.documents, s.valid, s.invalid
        );
        if s.skipped > 0 {
            line.push_str(&format!(", {} skipped (no SOAP envelope)", s.skipped));
        }
        if s.unreadable > 0 {
            line.push_str(&format!(", {} path(s) unreadable", s.unreadable));
        }
        writeln!(self.out, "{line}")?;
        if !s.codes.is_empty() {
            let codes: Vec<String> = s.codes.iter().map(|(c, n)| format!("{c} x{n}")).collect();
            writeln!(self.out, "violations: {}", codes.join(", "))?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::{marker_span, shown_source};

    #[test]
    fn a_source_line_is_shown_escaped_with_its_marker_moved_along() {
        let l = "\u{1b}[2J\t<a:Reversed>4</a:Reversed>";
        let (shown, span) = shown_source(l, Some(6));
        assert_eq!(shown, "\\u{1b}[2J\t<a:Reversed>4</a:Reversed>");
        assert_eq!(&shown[span], "<a:Reversed>");
    }

    #[test]
    fn marker_covers_the_start_tag() {
        let l = "  <a:Reversed>40000</a:Reversed>";
        assert_eq!(&l[marker_span(l, Some(3))], "<a:Reversed>");
        assert_eq!(&l[marker_span(l, Some(1))], " ");
        assert_eq!(marker_span(l, Some(200)), l.len()..l.len());
    }
}
