//! JUnit XML: one testcase per document, one failure per invalid document.

use super::{Printer, ReportItem, Summary};
use crate::text::escape::escape;
use std::io::{self, Write};

pub struct JunitPrinter<W: Write> {
    out: W,
    cases: String,
}

impl<W: Write> JunitPrinter<W> {
    pub fn new(out: W) -> Self {
        JunitPrinter {
            out,
            cases: String::new(),
        }
    }
}

impl<W: Write> Printer for JunitPrinter<W> {
    fn item(&mut self, item: &ReportItem) -> io::Result<()> {
        let name = escape(item.path.as_str());
        let class = format!("relation-contract.{}", item.profile);
        self.cases.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{name}\">\n",
            escape(class.as_str())
        ));
        if !item.valid {
            let first = item
                .violations
                .first()
                .map(|f| f.violation.code.as_str())
                .unwrap_or("invalid");
            let mut body = String::new();
            for f in &item.violations {
                let v = &f.violation;
                body.push_str(&format!(
                    "{}:{}:{}: {} [{}] {}\n",
                    item.path,
                    v.line.map_or(String::new(), |l| l.to_string()),
                    v.column.map_or(String::new(), |c| c.to_string()),
                    v.element,
                    v.code,
                    v.message
                ));
            }
            let message = format!(
                "{} violation(s) ({})",
                item.violations.len(),
                item.describe()
            );
            self.cases.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(message.as_str()),
                escape(first),
                escape(body.as_str())
            ));
        }
        self.cases.push_str("    </testcase>\n");
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(
            self.out,
            "<testsuites tests=\"{0}\" failures=\"{1}\">\n  <testsuite name=\"relation-contract\" tests=\"{0}\" failures=\"{1}\" errors=\"{2}\">",
            summary.documents, summary.invalid, summary.unreadable
        )?;
        self.out.write_all(self.cases.as_bytes())?;
        writeln!(self.out, "  </testsuite>\n</testsuites>")?;
        self.out.flush()
    }
}
