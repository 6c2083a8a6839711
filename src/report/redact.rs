//! Kept for the merge: the redaction API other modules still call, each piece now a thin
//! wrapper over [`crate::secrets`]. The lead removes this file once every caller uses
//! `secrets` directly.

use crate::secrets::{self, Masker};

/// Kept for the merge: [`crate::secrets::MASK`].
#[doc(hidden)]
pub use crate::secrets::MASK;

/// Kept for the merge: a [`Masker`] under its old name. `text` masks values quoted in a
/// message (never a substring of the tool's words); `source_line` masks a line of source
/// text structurally.
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    masker: Masker,
}

impl Redactor {
    pub fn new(secrets: &[String]) -> Self {
        Redactor {
            masker: Masker::new(secrets),
        }
    }

    /// A message or value with the secrets it quotes masked.
    pub fn text(&self, s: &str) -> String {
        self.masker.text(s)
    }

    /// A line (or lines) of source text: secret elements masked where they stand, values
    /// equal to a secret masked whole.
    pub fn source_line(&self, line: &str) -> String {
        secrets::mask_source(line, &self.masker)
    }

    /// The masker behind this redactor.
    pub fn masker(&self) -> &Masker {
        &self.masker
    }
}

/// Kept for the merge: [`crate::secrets::mask_elements`].
#[doc(hidden)]
pub fn mask_secret_elements(text: &str, mask: &str) -> String {
    secrets::mask_elements(text, mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shim_masks_quoted_values_and_secret_elements() {
        let r = Redactor::new(&["abc".into(), "abcdef".into(), String::new()]);
        assert_eq!(
            r.text("x 'abcdef' y 'abc' abc"),
            format!("x '{MASK}' y '{MASK}' abc")
        );
        assert_eq!(r.text("nothing here"), "nothing here");
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
        assert_eq!(
            mask_secret_elements("<Ticket><![CDATA[x]]></Ticket>", "R"),
            "<Ticket>R</Ticket>"
        );
    }
}
