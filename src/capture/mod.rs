//! The read stage: bytes in, a [`Document`] out.
//!
//! A document's text is always UTF-8 here: a UTF-8 BOM is dropped, UTF-16 (with a BOM, or
//! recognised by its `<?` / `<` byte pattern) is transcoded. Everything downstream (libxml,
//! the codec, the diff, the printers) reads `Document::text` and never the file again, and
//! line/column numbers refer to that text (the same lines as the original).
//!
//! Captures ([`open`], [`parse`]): a raw HTTP dump or a HAR file yields one document per
//! SOAP message it holds, with its [`HttpMeta`]; see `http` and `har` for how lines map.

mod eightbit;
mod har;
pub mod http;
mod input;
mod text;
pub mod walk;

pub use http::HttpMeta;
pub(crate) use input::malformed_capture;
pub use input::{open, open_file, parse, Capture, InputKind};
pub use text::{Declared, SourceEncoding};

use crate::violation::{Code, Violation};
use std::io::Read;
use std::path::Path;

pub use crate::text::limits::MAX_DOCUMENT_BYTES;

pub use crate::text::limits::MAX_SECRETS;

/// One document on its way through the stages.
#[derive(Debug, Clone)]
pub struct Document {
    /// Display name: a path, or `FILE.har#entries[3].request` for a document inside a capture.
    pub source: String,
    /// The text (UTF-8), or the violation that kept the bytes from being text.
    pub text: Result<String, Violation>,
    /// What the bytes were before they became `text`.
    pub encoding: SourceEncoding,
    /// Secret values found in the document (Ticket, ApplicationToken, HTTP credentials),
    /// for the printers' redaction. Never printed.
    pub secrets: Vec<String>,
    /// What HTTP said about the document, when it came out of an HTTP dump or a HAR file.
    pub http: Option<HttpMeta>,
}

impl Document {
    /// A document from bytes: detects the encoding and collects the secrets it holds.
    pub fn from_bytes(source: impl Into<String>, bytes: &[u8]) -> Document {
        Document::decoded(source, bytes, text::decode_text)
    }

    /// A document from text that was decoded before it came here (a HAR body that is not
    /// base64): its bytes are UTF-8, whatever its declaration says (that named the bytes
    /// the browser decoded).
    pub(crate) fn from_decoded_text(source: impl Into<String>, bytes: &[u8]) -> Document {
        Document::decoded(source, bytes, text::decode_utf8_text)
    }

    fn decoded(
        source: impl Into<String>,
        bytes: &[u8],
        decode: fn(&[u8]) -> text::Decoded,
    ) -> Document {
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Document::too_large(source.into(), bytes.len().to_string(), MAX_DOCUMENT_BYTES);
        }
        let (mut text, encoding) = decode(bytes);
        let secrets = match &text {
            Ok(t) => crate::secrets::find(t),
            // Even undecodable bytes may hold a readable ticket: redact what can be found.
            Err(_) => crate::secrets::find(&String::from_utf8_lossy(bytes)),
        };
        if secrets.len() > MAX_SECRETS {
            text = Err(Violation::new(
                Code::XmlLimit,
                "",
                format!(
                    "the document holds more than {MAX_SECRETS} distinct Ticket or \
                     ApplicationToken values: it is not parsed"
                ),
            ));
        }
        Document {
            source: source.into(),
            text,
            encoding,
            secrets,
            http: None,
        }
    }

    /// Reads a file. `Err` only when the file cannot be read at all (exit code 2 territory).
    /// Reads at most one byte more than [`MAX_DOCUMENT_BYTES`]: a larger file (or an endless
    /// stream) becomes a document refused with `xml.limit`.
    pub fn read(path: &Path) -> std::io::Result<Document> {
        let mut file = open_file(path)?;
        let mut bytes = Vec::new();
        let over = read_limited(&mut file, &mut bytes, MAX_DOCUMENT_BYTES)?;
        Ok(Document::from_read(path, &file, &bytes, over))
    }

    /// The document of bytes read by [`read_limited`]: refused for its size when `over`.
    pub(crate) fn from_read(path: &Path, file: &std::fs::File, bytes: &[u8], over: bool) -> Self {
        let source = path.display().to_string();
        if over {
            let size = file.metadata().ok().filter(|m| m.is_file()).map_or_else(
                || format!("more than {MAX_DOCUMENT_BYTES}"),
                |m| m.len().to_string(),
            );
            return Document::too_large(source, size, MAX_DOCUMENT_BYTES);
        }
        Document::from_bytes(source, bytes)
    }

    /// A document refused for its size: not decoded, not scanned.
    pub(crate) fn too_large(source: String, size: String, limit: usize) -> Document {
        let message = format!(
            "the file is {size} bytes, larger than the {limit} bytes ({} MiB) the tool reads: \
             it is not parsed",
            limit / (1024 * 1024)
        );
        Document {
            source,
            text: Err(Violation::new(Code::XmlLimit, "", message)),
            encoding: SourceEncoding::Unknown,
            secrets: Vec::new(),
            http: None,
        }
    }

    /// The text, if the bytes were text.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref().ok()
    }
}

/// Reads on from `reader` onto `bytes` until the end, or until `bytes` holds one byte more
/// than `limit` (an endless stream stops there). `true` when the limit was passed.
pub(crate) fn read_limited(
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<bool> {
    let wanted = (limit + 1).saturating_sub(bytes.len());
    reader
        .take(u64::try_from(wanted).unwrap_or(u64::MAX))
        .read_to_end(bytes)?;
    Ok(bytes.len() > limit)
}

/// Violation for bytes that did not become text.
pub(crate) fn encoding_violation(message: impl Into<String>, line: u32, column: u32) -> Violation {
    Violation::new(Code::XmlEncoding, "", message).at(Some(line), Some(column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ticket_and_token_with_any_prefix() {
        let t = "<s:Envelope><a:ApplicationToken>tok-1</a:ApplicationToken>\
                 <Credentials><Ticket>7T:abc==</Ticket></Credentials><Ticket/></s:Envelope>";
        assert_eq!(
            crate::secrets::find(t),
            vec!["tok-1".to_string(), "7T:abc==".to_string()]
        );
    }

    #[test]
    fn finds_secrets_in_broken_documents_and_escaped_forms() {
        let t = "<Ticket>a&amp;b</Ticket><ApplicationToken>unclosed";
        let s = crate::secrets::find(t);
        assert!(s.contains(&"a&amp;b".to_string()));
        assert!(s.contains(&"a&b".to_string()));
        assert!(s.contains(&"unclosed".to_string()));
    }

    #[test]
    fn hostile_tag_soup_is_scanned_in_linear_time() {
        // Each of these was quadratic in the number of tags; now one pass.
        for text in [
            "<a".repeat(400_000),
            "<Ticket ".repeat(400_000) + "/>",
            "<Ticket>x".repeat(100_000),
        ] {
            let start = std::time::Instant::now();
            let s = crate::secrets::find(&text);
            assert!(s.len() <= MAX_SECRETS + 1);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(5),
                "{:?} {}",
                start.elapsed(),
                &text[..20]
            );
        }
        let many: String = (0..5000)
            .map(|i| format!("<Ticket>t{i}</Ticket>"))
            .collect();
        assert_eq!(crate::secrets::find(&many).len(), MAX_SECRETS + 1);
        let doc = Document::from_bytes("many", many.as_bytes());
        assert_eq!(doc.text.err().map(|v| v.code), Some(Code::XmlLimit));
    }

    #[test]
    fn the_secret_limit_holds_at_its_edge() {
        let tickets =
            |n: usize| -> String { (0..n).map(|i| format!("<Ticket>t{i}</Ticket>")).collect() };
        let at = Document::from_bytes("at", tickets(MAX_SECRETS).as_bytes());
        assert_eq!(at.secrets.len(), MAX_SECRETS);
        assert!(at.text.is_ok());
        let over = Document::from_bytes("over", tickets(MAX_SECRETS + 1).as_bytes());
        assert_eq!(over.text.err().map(|v| v.code), Some(Code::XmlLimit));
    }

    /// `read_limited` reads on to one byte past the limit and no further, counting what
    /// `bytes` already holds, and says "over" only past the limit.
    #[test]
    fn reading_stops_one_byte_past_the_limit() {
        let read = |held: &[u8], input: &[u8], limit: usize| {
            let mut bytes = held.to_vec();
            let over = read_limited(&mut &input[..], &mut bytes, limit);
            (over.ok(), bytes.len())
        };
        assert_eq!(read(b"", b"abcd", 4), (Some(false), 4));
        assert_eq!(read(b"", b"abcde", 4), (Some(true), 5));
        assert_eq!(read(b"", &[b'x'; 100], 4), (Some(true), 5));
        assert_eq!(read(b"abc", &[b'x'; 100], 4), (Some(true), 5));
        assert_eq!(read(b"abc", b"d", 4), (Some(false), 4));
        assert_eq!(read(b"", b"", 0), (Some(false), 0));
    }

    #[test]
    fn the_text_is_there_only_when_the_bytes_were_text() {
        let doc = Document::from_bytes("d", b"<a>1</a>");
        assert_eq!(doc.text(), Some("<a>1</a>"));
        let broken = Document::from_bytes("e", b"<a>\xff\xfe\xfd</a>");
        assert_eq!(broken.text(), None);
        assert_eq!(broken.text.err().map(|v| v.code), Some(Code::XmlEncoding));
    }

    #[test]
    fn closing_tags_and_other_names_are_not_secrets() {
        assert!(crate::secrets::find("<TicketNumber>1</TicketNumber></Ticket>").is_empty());
    }
}
