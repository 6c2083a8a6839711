//! The XML declaration: the one reader of its `encoding`, and the one rewriter.

use std::ops::Range;

/// The byte range of the `encoding` value (inside its quotes) of the XML declaration the text
/// starts with, if it has one.
fn encoding_range(text: &str) -> Option<Range<usize>> {
    let decl = text.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let after_name = at + "encoding".len();
    let rest = decl[after_name..].trim_start().strip_prefix('=')?;
    let rest_trimmed = rest.trim_start();
    let quote = rest_trimmed
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let value_start = "<?xml".len() + decl.len() - rest_trimmed.len() + 1;
    let len = rest_trimmed[1..].find(quote)?;
    Some(value_start..value_start + len)
}

/// The `encoding` of the XML declaration, if the text starts with one that names it.
pub fn declared_encoding(text: &str) -> Option<&str> {
    encoding_range(text).map(|r| &text[r])
}

/// The text with its declaration's `encoding` made `UTF-8` (what the tool writes). A text
/// without a declaration, or whose declaration names no encoding or UTF-8 already (in any
/// case), is returned as it is.
pub fn with_utf8_encoding(text: String) -> String {
    match encoding_range(&text) {
        Some(r) if !text[r.clone()].eq_ignore_ascii_case("utf-8") => {
            let mut out = String::with_capacity(text.len());
            out.push_str(&text[..r.start]);
            out.push_str("UTF-8");
            out.push_str(&text[r.end..]);
            out
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_either_quote_and_spaces() {
        assert_eq!(
            declared_encoding("<?xml version=\"1.0\" encoding='utf-16'?><a/>"),
            Some("utf-16")
        );
        assert_eq!(
            declared_encoding("<?xml version=\"1.0\" encoding = \"ISO-8859-1\" ?><a/>"),
            Some("ISO-8859-1")
        );
        assert_eq!(declared_encoding("<?xml version=\"1.0\"?><a/>"), None);
        assert_eq!(declared_encoding("<a encoding=\"x\"/>"), None);
        assert_eq!(declared_encoding("<?xml encoding=\"x\""), None);
        assert_eq!(declared_encoding("<?xml encoding=x?>"), None);
    }

    #[test]
    fn rewrites_only_the_value() {
        assert_eq!(
            with_utf8_encoding(
                "<?xml version=\"1.0\" encoding = 'utf-16' ?><a encoding='x'/>".into()
            ),
            "<?xml version=\"1.0\" encoding = 'UTF-8' ?><a encoding='x'/>"
        );
        assert_eq!(with_utf8_encoding("<a/>".into()), "<a/>");
        assert_eq!(
            with_utf8_encoding("<?xml version='1.0' encoding='utf-8'?><a/>".into()),
            "<?xml version='1.0' encoding='utf-8'?><a/>"
        );
        assert_eq!(
            with_utf8_encoding("<?xml version=\"1.0\"?><a/>".into()),
            "<?xml version=\"1.0\"?><a/>"
        );
    }
}
