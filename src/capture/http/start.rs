//! The head of a message: its start line (`POST /path HTTP/1.1`, `HTTP/1.1 200 OK`) and its
//! header fields, each with its line in the dump.

use super::cursor::Cursor;
use super::meta::{Header, StartLine};

/// Whether the first bytes look like an HTTP message: `HTTP/1.1 200 OK` or
/// `POST /path HTTP/1.1` after any whitespace (and a UTF-8 BOM). The start line is read to
/// its end within `head`; a prefix that ends inside it is judged by what it holds.
pub fn looks_like_http(head: &[u8]) -> bool {
    let mut cursor = Cursor::new(super::strip_bom(head));
    cursor.skip_ws();
    let line = cursor.read_line();
    std::str::from_utf8(line).is_ok_and(|l| parse_start_line(l).is_some())
}

pub(super) fn parse_start_line(line: &str) -> Option<StartLine> {
    let mut parts = line.splitn(3, ' ');
    let first = parts.next()?;
    let second = parts.next()?;
    let third = parts.next().unwrap_or("");
    if is_http_version(first) {
        if second.len() != 3 || !second.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let status = second.parse().ok()?;
        return Some(StartLine::Response {
            status,
            reason: third.trim().to_string(),
        });
    }
    let method_ok = !first.is_empty() && first.bytes().all(|b| b.is_ascii_uppercase());
    if method_ok && !second.is_empty() && is_http_version(third.trim()) {
        return Some(StartLine::Request {
            method: first.to_string(),
            target: second.to_string(),
        });
    }
    None
}

fn is_http_version(s: &str) -> bool {
    s.strip_prefix("HTTP/").is_some_and(|v| {
        let mut it = v.split('.');
        let major = it.next().unwrap_or("");
        let minor = it.next();
        major.len() == 1
            && major.bytes().all(|b| b.is_ascii_digit())
            && minor.is_none_or(|m| m.len() == 1 && m.bytes().all(|b| b.is_ascii_digit()))
            && it.next().is_none()
    })
}

/// A message's start line and header fields.
pub(super) struct Head {
    pub start: StartLine,
    pub headers: Vec<Header>,
    /// Whether the empty line that ends the header section was there (else the dump ended
    /// inside it, and the message has no body).
    pub ended: bool,
}

/// Reads a head from the cursor; the cursor is left where the body starts. `Err` says why
/// the bytes are not a message, naming lines and never echoing bytes (they may hold
/// credentials).
pub(super) fn read_head(cursor: &mut Cursor) -> Result<Head, String> {
    let start_line = cursor.line();
    let first = String::from_utf8_lossy(cursor.read_line());
    let start = parse_start_line(&first).ok_or_else(|| {
        format!(
            "line {start_line} is not an HTTP start line (`HTTP/1.1 200 OK` or \
             `POST /path HTTP/1.1`): the bytes after the previous message are not a message"
        )
    })?;
    let mut headers: Vec<Header> = Vec::new();
    while !cursor.at_end() {
        let line_no = cursor.line();
        let line = cursor.read_line();
        if line.is_empty() {
            return Ok(Head {
                start,
                headers,
                ended: true,
            });
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with([' ', '\t']) {
            // An obsolete folded continuation of the previous field.
            if let Some(h) = headers.last_mut() {
                h.value.push(' ');
                h.value.push_str(line.trim());
                continue;
            }
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!(
                "line {line_no} is not a header field (name: value)"
            ));
        };
        headers.push(Header {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
            line: Some(line_no),
        });
    }
    Ok(Head {
        start,
        headers,
        ended: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_lines() {
        assert!(looks_like_http(b"HTTP/1.1 200 OK\r\n"));
        assert!(looks_like_http(b"HTTP/2 500\n"));
        assert!(looks_like_http(
            b"POST /Remote/Services85/Relation.svc HTTP/1.1\r\n"
        ));
        assert!(looks_like_http(b"\xEF\xBB\xBF\r\nHTTP/1.1 200 OK\r\n"));
        assert!(!looks_like_http(b"<s:Envelope>"));
        assert!(!looks_like_http(b"post / HTTP/1.1"));
        assert!(!looks_like_http(b"HTTP/1.1 20 OK"));
    }

    #[test]
    fn a_version_is_one_digit_a_point_and_one_digit() {
        for good in ["HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/3"] {
            assert!(is_http_version(good), "{good}");
        }
        // Each part of the rule on its own: the major's length, its digits, the minor's
        // length, its digits, and nothing after the minor.
        for bad in [
            "HTTP/11.1",
            "HTTP/x.1",
            "HTTP/",
            "HTTP/1.11",
            "HTTP/1.x",
            "HTTP/1.",
            "HTTP/1.1.1",
            "HTTPS/1.1",
        ] {
            assert!(!is_http_version(bad), "{bad}");
        }
    }

    #[test]
    fn a_start_line_is_read_to_its_end_however_long() {
        let target = format!("https://crm.example/{}", "a".repeat(5000));
        let line = format!("POST {target} HTTP/1.1\r\nHost: crm\r\n");
        assert!(looks_like_http(line.as_bytes()));
        // Cut inside the target, the prefix is no start line.
        assert!(!looks_like_http(&line.as_bytes()[..100]));
    }

    #[test]
    fn header_lines_are_lines_of_the_dump() {
        let dump = b"\n\nPOST /r HTTP/1.1\r\nA: 1\r\nB: 2\r\n  folded\r\n\r\nbody";
        let mut c = Cursor::new(dump);
        c.skip_ws();
        let head = read_head(&mut c);
        let Ok(head) = head else {
            panic!("not a head");
        };
        let lines: Vec<(&str, Option<u32>)> = head
            .headers
            .iter()
            .map(|h| (h.value.as_str(), h.line))
            .collect();
        assert_eq!(lines, vec![("1", Some(4)), ("2 folded", Some(5))]);
        assert!(head.ended);
        assert_eq!((c.rest(), c.line()), (&b"body"[..], 8));
    }
}
