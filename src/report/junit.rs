//! JUnit XML: one testcase per document (with the time it took to judge, when timed), one
//! failure per invalid document, one testcase with an `<error>` per unreadable path.
//!
//! A failure's `message` is the first violation as `file:line:column [code] message` and
//! its `type` that code; its text lists every violation the same way, with the element.

use super::{position, Printer, ReportItem, Summary};
use crate::text::escape::escape;
use std::io::{self, Write};

/// The JUnit printer: it gathers the testcases and writes the whole `<testsuite>` at
/// [`Printer::finish`], so nothing is written before then.
pub struct JunitPrinter<W: Write> {
    out: W,
    cases: String,
    /// Testcases written for unreadable paths.
    errors: usize,
    /// Seconds over every timed testcase.
    time: f64,
}

impl<W: Write> JunitPrinter<W> {
    /// A JUnit printer writing to `out`.
    pub fn new(out: W) -> Self {
        JunitPrinter {
            out,
            cases: String::new(),
            errors: 0,
            time: 0.0,
        }
    }
}

impl<W: Write> Printer for JunitPrinter<W> {
    fn item(&mut self, item: &ReportItem) -> io::Result<()> {
        let name = escape(item.path.as_str());
        let class = format!("relation-contract.{}", item.profile);
        let secs = item.elapsed.map_or(0.0, |d| d.as_secs_f64());
        self.time += secs;
        self.cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{name}\" time=\"{secs:.6}\">\n",
            escape(class.as_str())
        ));
        if let (false, Some(first)) = (item.valid, item.violations.first()) {
            let line = |v: &crate::violation::Violation| {
                format!(
                    "{} [{}] {}",
                    position(&item.path, v.line, v.column),
                    v.code,
                    v.message
                )
            };
            let mut body = String::new();
            for f in &item.violations {
                let v = &f.violation;
                let at = if v.element.is_empty() {
                    String::new()
                } else {
                    format!(" (element {})", v.element)
                };
                body.push_str(&format!("{}{at}\n", line(v)));
            }
            body.push_str(&format!(
                "{} violation(s) ({})\n",
                item.violations.len(),
                item.describe()
            ));
            self.cases.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(line(&first.violation).as_str()),
                escape(first.violation.code.as_str()),
                escape(body.as_str())
            ));
        }
        self.cases.push_str("    </testcase>\n");
        Ok(())
    }

    fn unreadable(&mut self, path: &str, why: &str) -> io::Result<()> {
        self.errors += 1;
        let message = format!("{path}: cannot be read: {why}");
        self.cases.push_str(&format!(
            "    <testcase classname=\"relation-contract\" name=\"{}\" time=\"0\">\n      \
             <error message=\"{}\" type=\"unreadable\"/>\n    </testcase>\n",
            escape(path),
            escape(message.as_str())
        ));
        Ok(())
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
        self.out.write_all(self.cases.as_bytes())?;
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}
