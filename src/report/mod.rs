//! The report stage: one result stream, several printers (human, JSON lines, JUnit).
//!
//! Every printer reads [`ReportItem`]s, and the only way to make one is [`ReportItem::new`],
//! which masks the document's secrets through [`crate::secrets`]: no printer can forget
//! redaction. Messages are masked where they quote a value, element paths by segment, source
//! lines structurally (a Ticket spanning lines is masked on each of them).

mod human;
mod junit;

pub use human::HumanPrinter;
pub use junit::JunitPrinter;

use crate::capture::Document;
use crate::contract::{Contract, Kind, Operation, Profile, SoapVersion};
use crate::schema::Validation;
use crate::secrets::{self, Masker};
use crate::text::LineIndex;
use crate::violation::Violation;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub use crate::text::limits::MAX_SOURCE_LINE;

/// The version of the JSON lines format, in the summary line (`"format"`): a consumer that
/// reads version 1 reads every later line it knows the `type` of.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Text as a terminal or a log may show it: every control character (C0, DEL and C1, tab
/// and line breaks included) written as a visible escape, `\u{1b}`, so that a file name or
/// a quoted value (a SOAPAction) can neither move the cursor, colour the terminal nor fake
/// a line of output. Borrowed when there is none. The human printer and JUnit show names
/// and values through it; JSON escapes them its own way.
pub fn visible(s: &str) -> Cow<'_, str> {
    visible_but(s, |_| false)
}

/// [`visible`], leaving the characters `keep` says alone (a source line keeps its tabs).
pub(crate) fn visible_but(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let hidden = |c: char| c.is_control() && !keep(c);
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line text the tool rendered around document values (a diff): as [`visible`], but
/// line breaks and tabs stay, and with `colour` so do the colour sequences (`ESC [ 1;31 m`)
/// the renderer wrote; any other escape sequence (a value's `ESC [ 2 J`) is shown escaped.
pub fn visible_text(text: &str, colour: bool) -> Cow<'_, str> {
    let hidden = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let sgr = if colour && c == '\u{1b}' {
            colour_sequence(rest)
        } else {
            0
        };
        if sgr > 0 {
            out.push_str(&rest[..sgr]);
            rest = &rest[sgr..];
            continue;
        }
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of the colour sequence (`ESC [`, digits and `;`, `m`) `s` starts with, or 0.
fn colour_sequence(s: &str) -> usize {
    let Some(params) = s.strip_prefix("\u{1b}[") else {
        return 0;
    };
    let n = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if params.as_bytes().get(n) == Some(&b'm') {
        2 + n + 1
    } else {
        0
    }
}

/// `path:line:column`, `path:line` or `path`, as much as is known.
pub fn position(path: &str, line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
        (Some(l), None) => format!("{path}:{l}"),
        _ => path.to_string(),
    }
}

/// One violation as printed: redacted, with the source line it points at.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The violation, its message and element path masked, its line counted in the file (an
    /// HTTP dump's body lines are shifted to the file's).
    #[serde(flatten)]
    pub violation: Violation,
    /// The redacted text of the line the violation points at.
    #[serde(skip)]
    pub source_line: Option<String>,
}

/// One document's verdict, redacted and ready for any printer.
#[derive(Debug, Clone, Serialize)]
pub struct ReportItem {
    /// The document's display name: a path, or `FILE.har#entries[3].request` for a document
    /// inside a capture.
    pub path: String,
    /// The operation, when the document was recognised as one.
    pub operation: Option<Operation>,
    /// Request, response or fault, when recognised.
    pub kind: Option<Kind>,
    /// The SOAP version, when the envelope's namespace was one of the two.
    pub soap_version: Option<SoapVersion>,
    /// The profile that was applied (never `Auto`: the resolved one).
    pub profile: Profile,
    /// The contract version that was applied (never `auto`: the resolved one).
    pub contract: Contract,
    /// Whether the document has no violation.
    pub valid: bool,
    /// Every finding, in the pipeline's order.
    pub violations: Vec<Finding>,
    /// How long judging the document took, when it was timed (JUnit's `time`).
    #[serde(skip)]
    pub elapsed: Option<std::time::Duration>,
}

impl ReportItem {
    /// Builds the printable verdict of a document; redaction happens here, once.
    pub fn new(doc: &Document, mut validation: Validation) -> ReportItem {
        let found = std::mem::take(&mut validation.violations);
        let violations = if found.is_empty() {
            // Nothing to mask: a valid document never pays for the masker.
            Vec::new()
        } else {
            Self::findings(doc, found)
        };
        ReportItem {
            path: doc.source.clone(),
            operation: validation.operation,
            kind: validation.kind,
            soap_version: validation.soap_version,
            profile: validation.profile,
            contract: validation.contract,
            valid: violations.is_empty(),
            violations,
            elapsed: None,
        }
    }

    /// The findings of a verdict as a report shows them: secrets masked where they stand,
    /// each with its source line (masked too) when it names one.
    fn findings(doc: &Document, found: Vec<Violation>) -> Vec<Finding> {
        let masker = Masker::new(&doc.secrets);
        // The source as it may be shown: masked once, whole, with its lines kept where they
        // were (only when a finding points at a line).
        let shown = match doc.text() {
            Some(t) if found.iter().any(|v| v.line.is_some()) => {
                Some(secrets::mask_source(t, &masker))
            }
            _ => None,
        };
        let index = shown.as_deref().map(LineIndex::new);
        // A body that stands verbatim in an HTTP dump: its lines are named as lines of the
        // file. Findings about headers name lines of the file already.
        let shift = doc
            .http
            .as_ref()
            .and_then(|h| h.body_line)
            .map_or(0, |l| l.saturating_sub(1));
        found
            .into_iter()
            .map(|v| {
                let in_body = !v.code.is_http();
                let source_line = match (&index, v.line) {
                    (Some(idx), Some(line)) if in_body => idx
                        .line(line)
                        .filter(|l| l.len() <= MAX_SOURCE_LINE)
                        .map(str::to_string),
                    _ => None,
                };
                let line = if in_body {
                    v.line.map(|l| l.saturating_add(shift))
                } else {
                    v.line
                };
                let violation = Violation {
                    message: masker.text(&v.message),
                    element: masker.path(&v.element),
                    line,
                    ..v
                };
                Finding {
                    violation,
                    source_line,
                }
            })
            .collect()
    }

    /// "SaveContactRelation request, SOAP 1.1" or what is known of it.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.operation, self.kind) {
            (Some(op), Some(kind)) => parts.push(format!("{op} {kind}")),
            (None, Some(kind)) => parts.push(kind.to_string()),
            (Some(op), None) => parts.push(op.to_string()),
            (None, None) => parts.push("unrecognised document".to_string()),
        }
        if let Some(v) = self.soap_version {
            parts.push(format!("SOAP {v}"));
        }
        parts.push(format!("profile {}", self.profile));
        parts.push(format!("contract {}", self.contract));
        parts.join(", ")
    }
}

/// Totals over a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Documents judged.
    pub documents: usize,
    /// Documents without a violation.
    pub valid: usize,
    /// Documents with at least one violation.
    pub invalid: usize,
    /// Parts of captures that hold no SOAP envelope (non-SOAP HAR entries, ...).
    pub skipped: usize,
    /// Paths that could not be read.
    pub unreadable: usize,
    /// Violations per code.
    pub codes: BTreeMap<&'static str, usize>,
}

impl Summary {
    /// Counts one document's verdict: the document, valid or invalid, and its violations per
    /// code.
    pub fn add(&mut self, item: &ReportItem) {
        self.documents += 1;
        if item.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        for f in &item.violations {
            *self.codes.entry(f.violation.code.as_str()).or_default() += 1;
        }
    }

    /// Exit status of a run: 2 when a path could not be read, 1 when a document is
    /// invalid, 0 when all is well.
    pub fn exit_code(&self) -> i32 {
        if self.unreadable > 0 {
            2
        } else if self.invalid > 0 {
            1
        } else {
            0
        }
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style text with the source line and a marker (see [`HumanPrinter`]).
    #[default]
    Human,
    /// JSON lines: one `"type": "document"` line each, then a `"type": "summary"` line (see
    /// [`JsonPrinter`]).
    Json,
    /// JUnit XML, one testcase per document (see [`JunitPrinter`]).
    Junit,
}

/// A printer over the result stream.
pub trait Printer {
    /// Prints one document's verdict.
    fn item(&mut self, item: &ReportItem) -> io::Result<()>;
    /// A path that could not be read (counted in the summary's `unreadable`). Printers
    /// that have a place for it say so there (JUnit: a testcase with an `<error>`); the
    /// others leave it to the caller's message on stderr.
    fn unreadable(&mut self, _path: &str, _why: &str) -> io::Result<()> {
        Ok(())
    }
    /// Prints the totals and flushes; the last call on a printer.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// JSON lines: one object per document.
pub struct JsonPrinter<W: Write> {
    out: W,
}

impl<W: Write> JsonPrinter<W> {
    /// A JSON lines printer writing to `out`.
    pub fn new(out: W) -> Self {
        JsonPrinter { out }
    }
}

/// One JSON line of a document: its `type` first, then the item's fields.
#[derive(Serialize)]
struct DocumentLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    item: &'a ReportItem,
}

impl<W: Write> Printer for JsonPrinter<W> {
    /// `{"type": "document", "path": ..., ...}`.
    fn item(&mut self, item: &ReportItem) -> io::Result<()> {
        let line = DocumentLine {
            kind: "document",
            item,
        };
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")
    }

    /// The last line: `{"type": "summary", "format": 1, "summary": {...}}`.
    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        #[derive(Serialize)]
        struct SummaryLine<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            format: u32,
            summary: &'a Summary,
        }
        let line = SummaryLine {
            kind: "summary",
            format: JSON_FORMAT_VERSION,
            summary,
        };
        serde_json::to_writer(&mut self.out, &line)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

/// The printer for a format, writing to `out`.
pub fn printer<'a, W: Write + 'a>(format: Format, out: W, color: bool) -> Box<dyn Printer + 'a> {
    match format {
        Format::Human => Box::new(HumanPrinter::new(out, color)),
        Format::Json => Box::new(JsonPrinter::new(out)),
        Format::Junit => Box::new(JunitPrinter::new(out)),
    }
}

/// Whether colour is wanted on a stream: a terminal, and NO_COLOR unset or empty.
pub fn color_wanted(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes_and_the_rest_stays() {
        assert!(matches!(visible("plain é/a.xml"), Cow::Borrowed(_)));
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(
            visible("\t\n\r\u{0}\u{7f}\u{9b}"),
            "\\u{9}\\u{a}\\u{d}\\u{0}\\u{7f}\\u{9b}"
        );
        assert_eq!(visible_but("a\tb\u{7}", |c| c == '\t'), "a\tb\\u{7}");
        // What is escaped is well-formed XML once escaped for markup.
        let shown = crate::text::escape::escape(&visible("x\u{1}\u{1f}y"));
        assert!(shown.chars().all(crate::text::escape::is_xml_char));
        assert_eq!(shown, "x\\u{1}\\u{1f}y");
    }

    #[test]
    fn rendered_text_keeps_its_lines_and_only_colour_sequences() {
        let t = "a\tb\n\u{1b}[1;31mred\u{1b}[0m \u{1b}[2J\u{9b}x\n";
        assert_eq!(
            visible_text(t, true),
            "a\tb\n\u{1b}[1;31mred\u{1b}[0m \\u{1b}[2J\\u{9b}x\n"
        );
        assert_eq!(
            visible_text(t, false),
            "a\tb\n\\u{1b}[1;31mred\\u{1b}[0m \\u{1b}[2J\\u{9b}x\n"
        );
        assert!(matches!(visible_text("a\n\tb", true), Cow::Borrowed(_)));
        assert_eq!(visible_text("\u{1b}[", true), "\\u{1b}[");
    }
}
