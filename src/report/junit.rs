//! JUnit XML: one testcase per document (with the time it took to judge, when timed), one
//! failure per invalid document, one testcase with an `<error>` per unreadable path.
//!
//! A failure's `message` is the first violation as `file:line:column [code] message` and
//! its `type` that code; its text lists every violation the same way, with the element.
//! Names and values are written with their control characters escaped textually
//! ([`super::visible`]: XML 1.0 cannot hold most of them, not even as references), so the
//! output is always well-formed and a name stays recognisable.
//!
//! The suite's counts stand in its start tag, before the cases: each case is written as it
//! comes into a spool, in memory up to [`SPOOL_IN_MEMORY`] bytes and in an anonymous
//! temporary file beyond, and copied out after the counts at [`Printer::finish`]. Memory
//! stays bounded whatever the number of documents.

use super::{position, visible, Printer, ReportItem, Summary};
use crate::text::escape::escape_into;
use std::io::{self, Seek, Write};

/// How many bytes of testcases are kept in memory before they go to a temporary file.
pub const SPOOL_IN_MEMORY: usize = 1024 * 1024;

/// The JUnit printer: it spools the testcases and writes the whole `<testsuite>` at
/// [`Printer::finish`], so nothing is written to `out` before then.
pub struct JunitPrinter<W: Write> {
    out: W,
    spool: Spool,
    /// Testcases written for unreadable paths.
    errors: usize,
    /// Seconds over every timed testcase.
    time: f64,
}

/// The testcases written so far: in memory, then in a temporary file.
struct Spool {
    memory: Vec<u8>,
    file: Option<io::BufWriter<std::fs::File>>,
}

impl Spool {
    fn push(&mut self, text: &str) -> io::Result<()> {
        if self.file.is_none() && self.memory.len() + text.len() <= SPOOL_IN_MEMORY {
            self.memory.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        let file = match &mut self.file {
            Some(f) => f,
            None => {
                let f = tempfile::tempfile().map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("JUnit cases cannot be spooled to a temporary file: {e}"),
                    )
                })?;
                let mut f = io::BufWriter::new(f);
                f.write_all(&self.memory)?;
                self.memory = Vec::new();
                self.file.insert(f)
            }
        };
        file.write_all(text.as_bytes())
    }

    /// Copies every case to `out`, in the order they came.
    fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.file.take() {
            None => out.write_all(&self.memory),
            Some(f) => {
                let mut f = f.into_inner().map_err(io::IntoInnerError::into_error)?;
                f.rewind()?;
                io::copy(&mut f, out).map(|_| ())
            }
        }
    }
}

impl<W: Write> JunitPrinter<W> {
    /// A JUnit printer writing to `out`.
    pub fn new(out: W) -> Self {
        JunitPrinter {
            out,
            spool: Spool {
                memory: Vec::new(),
                file: None,
            },
            errors: 0,
            time: 0.0,
        }
    }
}

/// `s` for an XML attribute or element content: control characters made visible, markup
/// escaped.
fn xml(out: &mut String, s: &str) {
    escape_into(out, &visible(s));
}

/// One violation as a failure names it: `file:line:column [code] message`.
fn violation_line(out: &mut String, path: &str, v: &crate::violation::Violation) {
    xml(out, &position(path, v.line, v.column));
    out.push_str(" [");
    xml(out, v.code.as_str());
    out.push_str("] ");
    xml(out, &v.message);
}

impl<W: Write> Printer for JunitPrinter<W> {
    fn item(&mut self, item: &ReportItem) -> io::Result<()> {
        let secs = item.elapsed.map_or(0.0, |d| d.as_secs_f64());
        self.time += secs;
        let mut case = String::with_capacity(256);
        case.push_str("    <testcase classname=\"");
        xml(&mut case, &format!("relation-contract.{}", item.profile));
        case.push_str("\" name=\"");
        xml(&mut case, &item.path);
        case.push_str(&format!("\" time=\"{secs:.6}\">\n"));
        if let (false, Some(first)) = (item.valid, item.violations.first()) {
            case.push_str("      <failure message=\"");
            violation_line(&mut case, &item.path, &first.violation);
            case.push_str("\" type=\"");
            xml(&mut case, first.violation.code.as_str());
            case.push_str("\">");
            for f in &item.violations {
                let v = &f.violation;
                violation_line(&mut case, &item.path, v);
                if !v.element.is_empty() {
                    case.push_str(" (element ");
                    xml(&mut case, &v.element);
                    case.push(')');
                }
                case.push('\n');
            }
            let total = format!(
                "{} violation(s) ({})\n",
                item.violations.len(),
                item.describe()
            );
            xml(&mut case, &total);
            case.push_str("</failure>\n");
        }
        case.push_str("    </testcase>\n");
        self.spool.push(&case)
    }

    fn unreadable(&mut self, path: &str, why: &str) -> io::Result<()> {
        self.errors += 1;
        let mut case = String::from("    <testcase classname=\"relation-contract\" name=\"");
        xml(&mut case, path);
        case.push_str("\" time=\"0\">\n      <error message=\"");
        xml(&mut case, &format!("{path}: cannot be read: {why}"));
        case.push_str("\" type=\"unreadable\"/>\n    </testcase>\n");
        self.spool.push(&case)
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let tests = summary.documents + self.errors;
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{time:.6}\">\n  \
             <testsuite name=\"relation-contract\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
             skipped=\"0\" time=\"{time:.6}\">",
            failures = summary.invalid,
            errors = self.errors,
            time = self.time
        )?;
        self.spool.copy_to(&mut self.out)?;
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spool_keeps_the_order_across_memory_and_file() {
        let mut spool = Spool {
            memory: Vec::new(),
            file: None,
        };
        let piece = "x".repeat(1000) + "\n";
        let n = SPOOL_IN_MEMORY / piece.len() * 3;
        let mut expected = String::new();
        for i in 0..n {
            let line = format!("{i} {piece}");
            spool.push(&line).expect("spooled");
            expected.push_str(&line);
        }
        assert!(
            spool.file.is_some(),
            "more than the memory part went to a file"
        );
        assert!(spool.memory.is_empty());
        let mut out = Vec::new();
        spool.copy_to(&mut out).expect("copied");
        assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
    }

    #[test]
    fn a_small_spool_stays_in_memory() {
        let mut spool = Spool {
            memory: Vec::new(),
            file: None,
        };
        spool.push("<a/>\n").expect("spooled");
        assert!(spool.file.is_none());
        let mut out = Vec::new();
        spool.copy_to(&mut out).expect("copied");
        assert_eq!(out, b"<a/>\n");
    }
}
