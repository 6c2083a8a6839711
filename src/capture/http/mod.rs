//! Raw HTTP/1.1 messages (as `curl -i`, Fiddler's raw view or a proxy log save them): the
//! start line and header fields (`start`), the body with chunked bodies decoded and
//! `Content-Length` respected (`framing`), a dump taken apart into its messages (`dump`),
//! and what HTTP said about each document (`meta`). Parsing only: the HTTP-level checks a
//! SOAP message is held to are `rules::http`.
//!
//! A file may hold several messages back to back (a request and its response); a
//! `100 Continue` interim response is passed over. A dump is read in one pass: a cursor that
//! counts lines as it moves names the line of every header and body (`cursor`).
//!
//! Line numbers: when a body stands verbatim in the file (no chunked coding), the violations
//! found in it name lines of the file (the body's line plus the lines before it); a chunked
//! body is decoded first, so its violations name lines of the decoded body. Findings about
//! headers (`http.*`) name the header's line in the file.

mod cursor;
mod dump;
mod framing;
mod meta;
mod start;

pub(crate) use dump::{message_document, parse_dump, share_secrets};
pub use meta::{Header, HttpMeta, MediaType, StartLine};
pub use start::looks_like_http;

/// The bytes after a UTF-8 BOM (an editor's save of a dump may start with one).
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Capture;
    use crate::violation::Code;

    fn docs(bytes: &[u8]) -> Capture {
        parse_dump("dump.http", bytes)
    }

    const ENV: &str =
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";

    #[test]
    fn content_length_is_respected_and_a_second_message_follows() {
        let req = format!(
            "POST /r HTTP/1.1\r\nSOAPAction: \"x\"\r\nContent-Length: {}\r\n\r\n{ENV}",
            ENV.len()
        );
        let resp = format!(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{ENV}\r\n",
            ENV.len()
        );
        let c = docs(format!("{req}{resp}").as_bytes());
        let names: Vec<&str> = c.documents.iter().map(|d| d.source.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "dump.http#messages[0].request",
                "dump.http#messages[1].response"
            ]
        );
        assert_eq!(c.documents[0].text(), Some(ENV));
        assert_eq!(c.documents[1].text(), Some(ENV));
        let meta = c.documents[1].http.as_ref();
        assert_eq!(
            meta.and_then(|m| m.request_action.clone()),
            Some("\"x\"".into())
        );
        assert_eq!(meta.and_then(|m| m.body_line), Some(11));
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        let (a, b) = ENV.split_at(20);
        let dump = format!(
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n{:x};ext=1\n{a}\n{:X}\r\n{b}\r\n0\r\nX-Trailer: 1\r\n\r\n",
            a.len(),
            b.len()
        );
        let c = docs(dump.as_bytes());
        assert_eq!(c.documents.len(), 1);
        assert_eq!(c.documents[0].text(), Some(ENV));
        assert_eq!(c.documents[0].http.as_ref().and_then(|m| m.body_line), None);
    }

    #[test]
    fn broken_framing_is_a_malformed_capture() {
        for dump in [
            "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<s:Envelope/>",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<s:Envelope/>",
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n<s:Envelope/>",
        ] {
            let c = docs(dump.as_bytes());
            let v = c.documents.first().and_then(|d| d.text.clone().err());
            assert_eq!(v.map(|v| v.code), Some(Code::CaptureMalformed), "{dump}");
        }
    }

    #[test]
    fn credential_headers_are_masked_and_collected() {
        let dump = format!(
            "POST /r HTTP/1.1\r\nAuthorization: SOTicket 7T:c2VjcmV0\r\nCookie: a=1; ASP.NET_SessionId=abcd1234efgh\r\n\
             SO-AppToken: app-token-1\r\nX-Long: one\r\n two\r\n\r\n{ENV}"
        );
        let c = docs(dump.as_bytes());
        let d = &c.documents[0];
        for s in ["7T:c2VjcmV0", "abcd1234efgh", "app-token-1"] {
            assert!(d.secrets.iter().any(|x| x == s), "{s} not collected");
        }
        assert!(!d.secrets.iter().any(|x| x == "1"));
        let meta = d.http.as_ref();
        let shown = format!("{meta:?}");
        assert!(!shown.contains("c2VjcmV0") && !shown.contains("abcd1234"));
        assert_eq!(
            meta.and_then(|m| m.header("x-long"))
                .map(|h| h.value.as_str()),
            Some("one two")
        );
    }

    #[test]
    fn messages_without_soap_are_skipped() {
        let c = docs(b"GET /Remote/Services85/Relation.svc?wsdl HTTP/1.1\r\nHost: crm\r\n\r\n");
        assert!(c.documents.is_empty());
        assert_eq!(c.skipped, vec!["dump.http".to_string()]);
    }

    /// What each message in a dump counts as, by name: a document, or skipped.
    fn verdicts(dump: &str) -> (Vec<String>, Vec<String>) {
        let c = docs(dump.as_bytes());
        let names = c.documents.iter().map(|d| d.source.clone()).collect();
        (names, c.skipped)
    }

    #[test]
    fn a_message_is_a_document_by_its_root_or_by_saying_soap_with_a_body() {
        let one = |head: &str, body: &str| {
            let (documents, skipped) = verdicts(&format!("POST /r HTTP/1.1\r\n{head}\r\n{body}"));
            (documents.len(), skipped.len())
        };
        // The root decides, past a declaration, a comment, and with no prefix.
        let declared = format!("<?xml version=\"1.0\"?><!-- saved -->{ENV}");
        assert_eq!(one("Content-Type: text/xml\r\n", &declared), (1, 0));
        let unprefixed =
            "<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><Body/></Envelope>";
        assert_eq!(one("Content-Type: text/xml\r\n", unprefixed), (1, 0));
        // Another root is a document only when the headers say SOAP (either way) and there
        // is a body: what validation then reports about it is the schema's business.
        assert_eq!(one("SOAPAction: \"x\"\r\n", "<foo/>"), (1, 0));
        assert_eq!(
            one("Content-Type: application/soap+xml\r\n", "<foo/>"),
            (1, 0)
        );
        assert_eq!(one("SOAPAction: \"x\"\r\n", " \r\n "), (0, 1));
        assert_eq!(one("Content-Type: text/xml\r\n", "<foo/>"), (0, 1));
    }

    #[test]
    fn responses_without_a_body_leave_the_next_message_alone() {
        for status in ["100 Continue", "204 No Content", "304 Not Modified"] {
            let dump = format!(
                "HTTP/1.1 {status}\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n\r\n{ENV}"
            );
            let c = docs(dump.as_bytes());
            assert_eq!(c.documents.len(), 1, "{status}");
            assert_eq!(c.documents[0].text(), Some(ENV), "{status}");
        }
    }

    #[test]
    fn an_identity_content_encoding_is_no_compression() {
        for coding in ["identity", "Identity", ""] {
            let c = docs(
                format!("HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\n\r\n{ENV}").as_bytes(),
            );
            assert_eq!(c.documents[0].text(), Some(ENV), "`{coding}`");
        }
    }

    #[test]
    fn every_trailer_field_of_a_chunked_body_is_passed_over() {
        let dump = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{ENV}\r\n0\r\n\
             X-A: 1\r\nX-B: 2\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{ENV}",
            ENV.len(),
            ENV.len()
        );
        let c = docs(dump.as_bytes());
        let texts: Vec<Option<&str>> = c.documents.iter().map(|d| d.text()).collect();
        assert_eq!(texts, vec![Some(ENV), Some(ENV)]);
    }

    #[test]
    fn a_broken_chunked_body_says_where_it_broke() {
        let why = |body: &str| {
            let dump = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{body}");
            let c = docs(dump.as_bytes());
            c.documents
                .first()
                .and_then(|d| d.text.clone().err())
                .map(|v| v.message)
                .unwrap_or_default()
        };
        // The size is wrong: the data runs on where a line end should follow it.
        assert!(why("5\r\n<s:Envelope/>").contains("not followed by a line end"));
        // The data ends the file: the last chunk is missing, the size may be right.
        assert!(why("5\r\n<s:En").contains("without its last (zero-size) chunk"));
    }
}
