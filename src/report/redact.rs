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
        mask_secret_elements(&self.text(line))
    }
}

/// Replaces the text after `<prefix:Ticket ...>` / `<ApplicationToken>` up to the next `<`
/// (or the end of the line) with the mask.
fn mask_secret_elements(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(lt) = rest.find('<') {
        let (before, tag_and_after) = rest.split_at(lt);
        out.push_str(before);
        let name_end = tag_and_after[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(tag_and_after.len(), |e| e + 1);
        let name = &tag_and_after[1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        let is_secret_open = SECRET_ELEMENTS.contains(&local);
        match tag_and_after.find('>') {
            Some(gt) if is_secret_open && !tag_and_after[..gt].ends_with('/') => {
                out.push_str(&tag_and_after[..=gt]);
                let content = &tag_and_after[gt + 1..];
                let end = content.find('<').unwrap_or(content.len());
                if !content[..end].trim().is_empty() {
                    out.push_str(MASK);
                }
                rest = &content[end..];
            }
            _ => {
                out.push('<');
                rest = &tag_and_after[1..];
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
