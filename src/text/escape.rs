//! XML escaping for everything the tool writes as XML text or attribute values (JUnit,
//! faults, encoded messages). Characters XML 1.0 forbids (C0 controls but tab, line feed and
//! carriage return; U+FFFE, U+FFFF) cannot be written at all, not even as references: they
//! become U+FFFD so the output always parses.

/// Whether XML 1.0 allows the character in a document.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` escaped for element content or a quoted attribute value (`"` and `'` are
/// escaped too, so one function serves both).
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
}

/// `s` escaped for element content or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_forbidden_characters() {
        assert_eq!(escape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&apos;c");
        assert_eq!(escape("x\u{1}y\u{0}\u{FFFE}"), "x\u{FFFD}y\u{FFFD}\u{FFFD}");
        assert_eq!(escape("\t\n\r ok é \u{10000}"), "\t\n\r ok é \u{10000}");
        assert!(!is_xml_char('\u{1F}'));
        assert!(!is_xml_char('\u{FFFF}'));
        assert!(is_xml_char('\u{20}'));
        assert!(is_xml_char('\u{D7FF}'));
        assert!(is_xml_char('\u{E000}'));
        assert!(is_xml_char('\u{FFFD}'));
    }
}
