//! `import`: every SOAP document a capture holds, written as a bare, redacted envelope file
//! ready to become a fixture, named `OPERATION.KIND.HASH.xml`; never overwriting a file.
//!
//! Import writes files, so it sits above the read stage (capture only parses). What it
//! writes has always passed through [`crate::secrets`]: there is no other way to a file.

use crate::capture::{Capture, Document};
use crate::pipeline::{self, Verdict};
use crate::secrets::{self, Masker};
use crate::Profile;
use sha2::{Digest, Sha256};
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What became of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// Written to this new file.
    Written(PathBuf),
    /// A file with the same content was there already: nothing written.
    Present(PathBuf),
    /// The bytes were not text: nothing to write.
    NotText,
}

/// The envelope text with every secret replaced by the one mask ([`secrets::MASK`]) where it stands: the
/// content of each Ticket and ApplicationToken element (any prefix, CDATA, comments and
/// nested markup included), secret attributes, and any other value that equals one of the
/// document's secrets (HTTP credentials, a Ticket echoed in another field) or holds a piece
/// of one. Credential lines of an HTTP dump that was not recognised as one are masked too.
/// An encoding named by the XML declaration becomes UTF-8, which is what the file is
/// written in.
pub fn redact(text: &str, secrets: &[String]) -> String {
    let masker = Masker::new(secrets);
    crate::text::xmldecl::with_utf8_encoding(secrets::mask_document(text, &masker))
}

/// The document's verdict, as every command gives it: the one pipeline under `auto` (an
/// imported envelope is a fixture of the `other` group, held to `auto` by `check`).
pub fn verdict(doc: &Document) -> Verdict {
    pipeline::check(doc, Profile::Auto)
}

/// The file name for a redacted envelope: operation (from the body, else from the HTTP
/// action), kind and the first `hex` hex digits of the SHA-256 of the text.
fn file_name(doc: &Document, v: &Verdict, text: &str, hex: usize) -> String {
    let op = v
        .operation
        .or_else(|| doc.http.as_ref().and_then(|h| h.named_operation()))
        .map_or("Unknown", |op| op.name());
    let kind = v.kind.map_or("unknown", |k| k.as_str());
    let digest = Sha256::digest(text.as_bytes());
    let hash: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{op}.{kind}.{}.xml", &hash[..hex.min(hash.len())])
}

/// Every secret of every document of a capture: a response may echo its request's Ticket
/// (a fault string quoting it), so each document of a capture is masked with all of them.
pub fn capture_secrets(capture: &Capture) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in capture.documents.iter().flat_map(|d| d.secrets.iter()) {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// Writes one document into `dir` as a redacted envelope, never overwriting: a file of the
/// same name and content counts as present; a name taken by other content (a hash prefix
/// collision) makes the name longer.
pub fn import_document(doc: &Document, dir: &Path) -> io::Result<Imported> {
    import_document_among(doc, &doc.secrets, dir).map(|(imported, _)| imported)
}

/// [`import_document`], masking `secrets` (the document's own and those of the capture it
/// came from, see [`capture_secrets`]); with the document's [`verdict`], judged once.
pub fn import_document_among(
    doc: &Document,
    secrets: &[String],
    dir: &Path,
) -> io::Result<(Imported, Verdict)> {
    let v = verdict(doc);
    let Some(text) = doc.text() else {
        return Ok((Imported::NotText, v));
    };
    let mut all = doc.secrets.clone();
    all.extend(secrets.iter().cloned());
    let redacted = redact(text, &all);
    for hex in [8, 16, 64] {
        let path = dir.join(file_name(doc, &v, &redacted, hex));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(redacted.as_bytes())?;
                f.flush()?;
                return Ok((Imported::Written(path), v));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if std::fs::read(&path).is_ok_and(|b| b == redacted.as_bytes()) {
                    return Ok((Imported::Present(path), v));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "every name for this document is taken by a file with other content",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_elements_lose_their_content_whatever_it_is() {
        let t = "<h:ApplicationToken xmlns:h=\"x\">tok-1</h:ApplicationToken>\
                 <Ticket><![CDATA[7T:abc]]></Ticket><Ticket i:nil=\"true\"/><Ticket></Ticket>";
        let r = redact(t, &["cookie-value".into()]);
        assert_eq!(
            r,
            "<h:ApplicationToken xmlns:h=\"x\">[REDACTED]</h:ApplicationToken>\
             <Ticket>[REDACTED]</Ticket><Ticket i:nil=\"true\"/><Ticket></Ticket>"
        );
    }

    #[test]
    fn other_secrets_are_replaced_and_the_declaration_says_utf8() {
        // The value that holds a secret is masked whole, where it stands; a one-character
        // secret elsewhere cannot be told from data and stays.
        let t = "<?xml version=\"1.0\" encoding='utf-16'?><a>sid=cookie-value</a><b>x</b>";
        assert_eq!(
            redact(t, &["cookie-value".into(), "x".into()]),
            "<?xml version=\"1.0\" encoding='UTF-8'?><a>[REDACTED]</a><b>x</b>"
        );
    }
}
