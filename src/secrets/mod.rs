//! Secrets: which names hold them, where their values stand, and how they are masked.
//!
//! One module for every output the tool writes (reports, `diff`, goldens, `import`,
//! `--record`, fault strings, stderr). It knows:
//!
//! - the names: [`SECRET_ELEMENTS`] and [`SECRET_ATTRIBUTES`] (local names, any prefix),
//!   [`SECRET_HEADERS`] (HTTP credential headers) and [`SECRET_QUERY_PARAMS`] (request-target
//!   parameters);
//! - a scan ([`find`]) that reads a secret element's value through CDATA, comments, nested
//!   markup and character references, on broken documents too (a malformed capture must
//!   not leak through an error message), in one pass;
//! - structural masking ([`mask_document`], [`mask_source`], [`mask_target`],
//!   [`mask_header`]): the value is replaced where it stands by the one [`MASK`], the markup
//!   around it stays and still parses. Never a replace of the secret's text across a
//!   document;
//! - a [`Masker`] for text that quotes document values (violation messages, fault strings,
//!   stderr lines, diff values): a quoted value equal to a secret, or holding a 6-character
//!   piece of one, is masked whole; the tool's own words are never cut into (a one-character
//!   Ticket `s` leaves `Reversed` and `xs:short` alone).

mod http;
mod mask;
mod masker;
mod scan;
mod vocabulary;

pub use http::{header_secrets, mask_header, mask_start_line, mask_target, target_secrets};
pub use mask::{mask_document, mask_reply, mask_source};
pub use masker::{Masker, PIECE};
pub use scan::find;

/// What replaces a secret in every output. A plain `xs:string` value, so a masked `Ticket`
/// or `ApplicationToken` keeps an envelope valid.
pub const MASK: &str = "[REDACTED]";

/// Local names (any prefix) of elements whose content is a secret.
pub const SECRET_ELEMENTS: [&str; 2] = ["Ticket", "ApplicationToken"];

/// Local names (any prefix) of attributes whose value is a secret. The contract has no such
/// attribute; a capture that carries the credentials as attributes keeps them hidden too.
pub const SECRET_ATTRIBUTES: [&str; 2] = ["Ticket", "ApplicationToken"];

/// HTTP header fields (lower case) whose values are credentials.
pub const SECRET_HEADERS: [&str; 8] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "so-apptoken",
    "so-ticket",
    "x-api-key",
    "x-auth-token",
];

/// Query-string parameters (compared without case, after percent-decoding) whose values are
/// credentials.
pub const SECRET_QUERY_PARAMS: [&str; 8] = [
    "ticket",
    "applicationtoken",
    "apptoken",
    "so-apptoken",
    "token",
    "access_token",
    "password",
    "secret",
];

/// Whether an element's qualified or local name names a secret element.
pub fn is_secret_element(name: &str) -> bool {
    SECRET_ELEMENTS.contains(&local(name))
}

/// Whether a secret is made only of plain words and the contract's names (`valid`,
/// `Envelope`, `RelationDefinitionId`, `was unable to process`). Such a value is masked where
/// it stands as a value, but outside values it cannot be told from the tool's and the
/// document's own words, which masking leaves whole: oracles that look for leaked secrets
/// (the fuzz targets) leave such values to the tests that hold them (`tests/secrets.rs`).
pub fn is_wordlike(secret: &str) -> bool {
    let mut words = secret.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| is_plain_word(w) || vocabulary::is_contract_word(w))
}

/// A word of prose: letters, with the punctuation prose puts in and around words
/// (`kick-off`, `agreement,`), and at least one letter.
fn is_plain_word(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_alphabetic())
        && w.chars().all(|c| {
            c.is_ascii_alphabetic() || matches!(c, '-' | '\'' | '.' | ',' | ';' | ':' | '!' | '?')
        })
}

/// Whether an attribute's qualified or local name names a secret attribute.
pub fn is_secret_attribute(name: &str) -> bool {
    SECRET_ATTRIBUTES.contains(&local(name))
}

/// Whether a header field's name (any case, surrounding blanks ignored) is a credential.
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name.trim()))
}

/// Whether a query parameter's name (already percent-decoded) is a credential.
pub fn is_secret_query_param(name: &str) -> bool {
    SECRET_QUERY_PARAMS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(name.trim()))
}

/// The local part of a qualified name.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {

    #[test]
    fn wordlike_secrets_are_plain_words_and_contract_names_only() {
        for w in [
            "valid",
            "Envelope",
            "RelationDefinitionId",
            "er was unable to process",
            "ramework agreement at the Bergen kick-off",
        ] {
            assert!(is_wordlike(w), "{w}");
        }
        for w in [
            "",
            "  ",
            "7T:abc==",
            "abc1",
            "Basic dXNl0w==",
            "sid=x",
            "--",
            "a b2",
        ] {
            assert!(!is_wordlike(w), "{w}");
        }
    }
    use super::*;

    #[test]
    fn names_are_matched_by_local_name_and_without_case_for_http() {
        assert!(is_secret_element("a:Ticket") && is_secret_element("ApplicationToken"));
        assert!(!is_secret_element("TicketNumber") && !is_secret_element("ticket"));
        assert!(is_secret_attribute("x:Ticket"));
        assert!(is_secret_header(" Set-Cookie ") && is_secret_header("SO-AppToken"));
        assert!(!is_secret_header("Content-Type"));
        assert!(is_secret_query_param("TICKET") && !is_secret_query_param("id"));
    }
}
