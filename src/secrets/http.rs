//! Secrets in HTTP: credential headers, credential query parameters of a request target, and
//! the header lines of a dump that reached an output as plain text.

use super::{is_secret_header, is_secret_query_param, Masker, MASK};
use crate::text::limits::MIN_SECRET_LEN;

/// The secret values a credential header holds: the credentials after an Authorization
/// scheme (the whole value when there is no scheme), each cookie's value (not the cookies'
/// names: `SuperOffice.Culture` is no secret, and its pieces stand in the tool's own words),
/// the whole value of any other credential header. Parts shorter than [`MIN_SECRET_LEN`] are
/// left out (the header's value itself is never shown).
pub fn header_secrets(name: &str, value: &str) -> Vec<String> {
    // Each once, in the order found; a set beside the list, so a header of 40,000 cookies
    // costs no pairwise comparisons.
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if s.len() >= MIN_SECRET_LEN && seen.insert(s.to_string()) {
            out.push(s.to_string());
        }
    };
    let name = name.trim().to_ascii_lowercase();
    if name.ends_with("authorization") {
        match value.trim().split_once(' ') {
            Some((_, cred)) => push(cred),
            None => push(value),
        }
    } else if name != "cookie" && name != "set-cookie" {
        push(value);
    } else {
        // Set-Cookie: only the first pair is the cookie; the rest are its attributes.
        let pairs: Vec<&str> = value.split(';').collect();
        let take = if name == "cookie" { pairs.len() } else { 1 };
        for pair in pairs.into_iter().take(take) {
            if let Some((_, v)) = pair.split_once('=') {
                push(v);
            }
        }
    }
    out
}

/// A header's value as it may be written: the mask for a credential header (or one named
/// like a secret parameter, `Ticket: ...`), and for any other header whose value equals a
/// known secret or holds a piece of one.
pub fn mask_header(name: &str, value: &str, masker: &Masker) -> String {
    if is_secret_header(name) || is_secret_query_param(name) || masker.hides_value(value, 1) {
        MASK.to_string()
    } else {
        value.to_string()
    }
}

/// `%54icket` -> `Ticket`; `+` is a space. Broken escapes (`%4`, `%zz`, `%+5`) stay as
/// written. Each turn takes at least one byte off the front, so the loop ends on any input
/// (no index arithmetic a change could make stand still).
fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&c, tail)) = rest.split_first() {
        rest = tail;
        match c {
            b'%' => match tail.get(..2).and_then(hex_byte) {
                Some(v) => {
                    out.push(v);
                    rest = &tail[2..];
                }
                None => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Two hex digits as a byte; a sign or anything else is no escape.
fn hex_byte(pair: &[u8]) -> Option<u8> {
    let n = crate::text::lexical::unsigned(std::str::from_utf8(pair).ok()?, 16)?;
    u8::try_from(n).ok()
}

/// The values of a request target's credential query parameters.
pub fn target_secrets(target: &str) -> Vec<String> {
    let Some((_, query)) = target.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or(query);
    let mut out = Vec::new();
    for pair in query.split(['&', ';']) {
        if let Some((name, value)) = pair.split_once('=') {
            if is_secret_query_param(&percent_decode(name)) {
                for v in [value.to_string(), percent_decode(value)] {
                    if !v.trim().is_empty() && !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

/// A request target as it may be written: the value of each credential query parameter
/// masked, and any path segment or parameter value that equals a known secret or holds a
/// piece of one. The rest stays byte for byte.
pub fn mask_target(target: &str, masker: &Masker) -> String {
    let (target, fragment) = match target.find('#') {
        Some(h) => target.split_at(h),
        None => (target, ""),
    };
    let mut out = mask_target_part(target, masker);
    out.push_str(fragment);
    out
}

fn mask_target_part(target: &str, masker: &Masker) -> String {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut out: String = path
        .split('/')
        .map(|seg| {
            if masker.hides_value(&percent_decode(seg), MIN_SECRET_LEN) {
                MASK
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    let Some(query) = query else {
        return out;
    };
    out.push('?');
    let mut first = true;
    for pair in query.split('&') {
        if !first {
            out.push('&');
        }
        first = false;
        match pair.split_once('=') {
            Some((name, value)) => {
                let secret = is_secret_query_param(&percent_decode(name))
                    || masker.hides_value(&percent_decode(value), 1);
                out.push_str(name);
                out.push('=');
                out.push_str(if secret { MASK } else { value });
            }
            None if masker.hides_value(&percent_decode(pair), 1) => out.push_str(MASK),
            None => out.push_str(pair),
        }
    }
    out
}

/// A request line (`POST /x?Ticket=T HTTP/1.1`) with its target masked; any other line as
/// the masker's text.
pub fn mask_start_line(line: &str, masker: &Masker) -> String {
    let mut parts = line.splitn(3, ' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(target), Some(version)) if version.starts_with("HTTP/") => {
            format!("{method} {} {version}", mask_target(target, masker))
        }
        _ => masker.text(line),
    }
}

/// Text that may be (part of) an HTTP dump not recognised as one: credential header lines
/// get their value masked, request lines their target. `None` when nothing changed.
pub(crate) fn mask_dump_lines(text: &str) -> Option<String> {
    if !text.contains(':') && !text.contains('?') {
        return None;
    }
    let none = Masker::default();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        let ending = &line[body.len()..];
        let unindented = body.trim_start();
        let indent = &body[..body.len() - unindented.len()];
        let masked = match body.split_once(':') {
            // A header line, indented or not (a dump quoted in a body often is).
            Some((name, _))
                if !name.trim().is_empty()
                    && !name.trim().contains(char::is_whitespace)
                    && (is_secret_header(name.trim()) || is_secret_query_param(name.trim())) =>
            {
                Some(format!("{indent}{}: {MASK}", name.trim()))
            }
            // Only a shortcut (mutation testing: `&&` to `||`, or the guard to `true`, is
            // equivalent): `mask_start_line` leaves a line without an HTTP version as the
            // empty masker's text, which is the line itself, and a target without `?` holds
            // no parameter (`a_start_line_needs_an_http_version`); the indent is kept and
            // nothing else is trimmed (`dump_lines_keep_their_indent`).
            _ if body.contains(" HTTP/") && body.contains('?') => {
                Some(format!("{indent}{}", mask_start_line(unindented, &none)))
            }
            _ => None,
        };
        match masked {
            Some(m) if m != body => {
                changed = true;
                out.push_str(&m);
            }
            _ => out.push_str(body),
        }
        out.push_str(ending);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_query_parameters_are_masked_in_place() {
        let m = Masker::new(&["7T:abcdefgh".to_string()]);
        assert_eq!(
            mask_target("/Relation.svc?%54icket=T&id=1&x=7T%3Aabcdefgh#f", &m),
            "/Relation.svc?%54icket=[REDACTED]&id=1&x=[REDACTED]".to_string() + "#f"
        );
        assert_eq!(target_secrets("/a?ticket=x%2By&b=2"), vec!["x%2By", "x+y"]);
        assert_eq!(
            mask_start_line("POST /a?Ticket=s HTTP/1.1", &Masker::default()),
            "POST /a?Ticket=[REDACTED] HTTP/1.1"
        );
    }

    /// An escape cut short at the end of a value stays as written (and reading it never
    /// looks past the end); a whole one at the end is decoded.
    #[test]
    fn percent_escapes_at_the_end_of_a_value() {
        assert_eq!(target_secrets("/a?ticket=a%4"), vec!["a%4"]);
        assert_eq!(target_secrets("/a?ticket=ab%4"), vec!["ab%4"]);
        assert_eq!(target_secrets("/a?ticket=ab%"), vec!["ab%"]);
        assert_eq!(target_secrets("/a?ticket=x%41"), vec!["x%41", "xA"]);
        assert_eq!(target_secrets("/a?%54icket%4=x"), Vec::<String>::new());
    }

    /// Broken escapes and `+` anywhere in a value, and an escape at its very start.
    #[test]
    fn percent_decoding_reads_broken_escapes_and_plus_signs() {
        assert_eq!(
            target_secrets("/a?ticket=%zzab+c%41"),
            vec!["%zzab+c%41", "%zzab cA"]
        );
        assert_eq!(target_secrets("/a?ticket=%41%42+"), vec!["%41%42+", "AB "]);
        // A sign is not a hex digit, though `from_str_radix` takes one.
        assert_eq!(target_secrets("/a?ticket=%+5x"), vec!["%+5x", "% 5x"]);
        assert_eq!(target_secrets("/a?ticket=%-5x"), vec!["%-5x"]);
    }

    /// A dump line naming a credential header is masked whether or not the text also holds
    /// a `?`, and a request line whether or not it also holds a `:`.
    #[test]
    fn dump_lines_are_masked_with_either_sign_alone() {
        assert_eq!(
            mask_dump_lines("Cookie: sid=abc\n").as_deref(),
            Some("Cookie: [REDACTED]\n")
        );
        assert_eq!(
            mask_dump_lines("POST /a?ticket=1 HTTP/1.1").as_deref(),
            Some("POST /a?ticket=[REDACTED] HTTP/1.1")
        );
        assert_eq!(mask_dump_lines("no sign at all"), None);
        // A request line with nothing to mask is no change.
        assert_eq!(mask_dump_lines("GET /a?page=1 HTTP/1.1\n"), None);
        assert_eq!(mask_dump_lines("Host: a\nGET /a?p HTTP/1.1"), None);
    }

    /// Only a line ending in an HTTP version is a request line; another of three words is
    /// text, which the masker alone may change.
    #[test]
    fn a_start_line_needs_an_http_version() {
        let none = Masker::default();
        assert_eq!(mask_start_line("x /a?Ticket=s c", &none), "x /a?Ticket=s c");
        assert_eq!(
            mask_start_line("x /a?Ticket=s HTTP/1.0", &none),
            "x /a?Ticket=[REDACTED] HTTP/1.0"
        );
        // Without a `?` the target holds no parameter: the line stays.
        assert_eq!(
            mask_start_line("POST /a/Ticket=s HTTP/1.1", &none),
            "POST /a/Ticket=s HTTP/1.1"
        );
    }

    /// Lines of a dump inside a body are masked where they stand: the indent and the rest
    /// of a line stay as written, lines without a secret stay byte for byte.
    #[test]
    fn dump_lines_keep_their_indent() {
        let text = "  POST /a?Ticket=s HTTP/1.1  \r\n\tx /b?c d\n  Ticket: t\n  a: b ?\n";
        assert_eq!(
            mask_dump_lines(text).as_deref(),
            Some("  POST /a?Ticket=[REDACTED] HTTP/1.1  \r\n\tx /b?c d\n  Ticket: [REDACTED]\n  a: b ?\n")
        );
        assert_eq!(mask_dump_lines("  GET /a?b=c HTTP/1.1\n\ty: z?\n"), None);
        // A blank before the colon, and words that only end in a header's name.
        assert_eq!(
            mask_dump_lines("Ticket : t\nthe Ticket: u\n").as_deref(),
            Some("Ticket: [REDACTED]\nthe Ticket: u\n")
        );
    }

    /// A credential parameter's values, each once and none empty.
    #[test]
    fn target_secrets_are_each_once_and_never_empty() {
        assert_eq!(target_secrets("/a?ticket="), Vec::<String>::new());
        assert_eq!(target_secrets("/a?ticket=abc&Ticket=abc"), vec!["abc"]);
    }

    /// A query part without `=` is masked when it is (or, escaped, reads as) a known
    /// secret, and left byte for byte when it is not.
    #[test]
    fn a_bare_query_part_is_masked_only_when_it_is_a_secret() {
        let m = Masker::new(&["abcdefgh".to_string()]);
        assert_eq!(mask_target("/a?abcdefgh&flag", &m), "/a?[REDACTED]&flag");
        assert_eq!(mask_target("/a?%61bcdefgh", &m), "/a?[REDACTED]");
        assert_eq!(mask_target("/a?flag&x=1", &m), "/a?flag&x=1");
    }

    /// Each part once, and none shorter than `MIN_SECRET_LEN` (a one-character cookie value
    /// would mask that character everywhere).
    #[test]
    fn header_secrets_are_long_enough_and_each_once() {
        let long = "s".repeat(MIN_SECRET_LEN);
        let short = "s".repeat(MIN_SECRET_LEN - 1);
        let cookies = format!("a={long}; b={short}; c={long}; d=xyzxyzxyzxyz");
        assert_eq!(
            header_secrets("Cookie", &cookies),
            vec![long.clone(), "xyzxyzxyzxyz".to_string()]
        );
        assert_eq!(header_secrets("X-Api-Key", &short), Vec::<String>::new());
        assert_eq!(
            header_secrets("X-Api-Key", &format!(" {long} ")),
            vec![long]
        );
    }

    #[test]
    fn headers_and_dump_lines() {
        let m = Masker::new(&["T".to_string()]);
        assert_eq!(mask_header("Authorization", "Basic x", &m), MASK);
        assert_eq!(mask_header("X-Debug", "T", &m), MASK);
        assert_eq!(mask_header("Content-Type", "text/xml", &m), "text/xml");
        assert_eq!(
            mask_dump_lines("POST /a?ticket=1 HTTP/1.1\r\nCookie: sid=abc\r\nHost: h\r\n")
                .as_deref(),
            Some("POST /a?ticket=[REDACTED] HTTP/1.1\r\nCookie: [REDACTED]\r\nHost: h\r\n")
        );
        assert_eq!(mask_dump_lines("a: b\n"), None);
    }
}
