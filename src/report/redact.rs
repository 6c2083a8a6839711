//! Redaction: the one place where secrets are taken out of everything a printer may show.

use crate::capture::SECRET_ELEMENTS;

/// What replaces a secret in every output.
pub const MASK: &str = "[REDACTED]";

/// Masks a document's secret values wherever they appear, and the content of `Ticket` and
/// `ApplicationToken` elements in any source text shown.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret that contains another is masked whole.
    secrets: Vec<String>,
}

impl Redactor {
    pub fn new(secrets: &[String]) -> Self {
        let mut secrets: Vec<String> = secrets.iter().filter(|s| !s.is_empty()).cloned().collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// Masks every known secret value in a message or value.
    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// Masks a line of source text: known secrets, and the text content of secret elements
    /// that stand on the line (so even a secret the scan could not pin down stays hidden).
    pub fn source_line(&self, line: &str) -> String {
        mask_secret_elements(&self.text(line), MASK)
    }
}

/// Replaces the content of every `Ticket` and `ApplicationToken` element (any prefix) with
/// `mask`: up to its closing tag (so CDATA, comments and character references inside are
/// covered), or up to the next `<` (or the end) when the closing tag is not in `text` (a
/// single source line, a broken document). Empty elements stay empty.
pub fn mask_secret_elements(text: &str, mask: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tag = &rest[lt..];
        let name_end = tag[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(tag.len(), |e| e + 1);
        let name = &tag[1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        match tag.find('>') {
            Some(gt) if SECRET_ELEMENTS.contains(&local) && !tag[..gt].ends_with('/') => {
                out.push_str(&tag[..=gt]);
                let content = &tag[gt + 1..];
                let close = format!("</{name}");
                let end = content
                    .find(&close)
                    .or_else(|| content.find('<'))
                    .unwrap_or(content.len());
                if !content[..end].trim().is_empty() {
                    out.push_str(mask);
                }
                rest = &content[end..];
            }
            _ => {
                out.push('<');
                rest = &tag[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_values_everywhere_longest_first() {
        let r = Redactor::new(&["abc".into(), "abcdef".into(), String::new()]);
        assert_eq!(r.text("x abcdef y abc"), format!("x {MASK} y {MASK}"));
        assert_eq!(r.text("nothing here"), "nothing here");
    }

    #[test]
    fn masks_secret_elements_in_source_lines() {
        let r = Redactor::new(&[]);
        assert_eq!(
            r.source_line("  <a:Ticket>7T:xyz==</a:Ticket><b/>"),
            format!("  <a:Ticket>{MASK}</a:Ticket><b/>")
        );
        assert_eq!(
            r.source_line("<ApplicationToken i:nil=\"true\"/><TicketNo>1</TicketNo>"),
            "<ApplicationToken i:nil=\"true\"/><TicketNo>1</TicketNo>"
        );
        assert_eq!(
            r.source_line("<Ticket>starts here"),
            format!("<Ticket>{MASK}")
        );
    }
}
