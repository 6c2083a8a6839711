//! The character classes and lexical rules of XML 1.0 the tokenizer ([`super::tokens`])
//! needs: names, forbidden characters, line ends, references, attribute values.

use crate::text::escape::is_xml_char;
use crate::violation::Code;
use std::borrow::Cow;

use super::tokens::Error;

/// Bytes that end a plain run of character data or need a look: markup, references,
/// `]` (of `]]>`), carriage returns, C0 controls other than tab and newline, and 0xEF (the
/// lead byte of U+FFFE and U+FFFF).
pub(super) static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b as u8, b'\t' | b'\n');
        b += 1;
    }
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b']' as usize] = true;
    t[0xEF] = true;
    t
};

/// ASCII bytes that may be in an `NCName` (`Some(true)`: may also start one).
pub(super) fn ascii_name(b: u8) -> Option<bool> {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' | b'_' => Some(true),
        b'0'..=b'9' | b'-' | b'.' => Some(false),
        _ => None,
    }
}

pub(super) fn is_name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

pub(super) fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// The end of the `NCName` that starts at byte `i` of `text`, or `None` when none does.
pub(super) fn ncname_end(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut j = i;
    while let Some(&c) = b.get(j) {
        if c < 0x80 {
            match ascii_name(c) {
                Some(start) if j > i || start => j += 1,
                _ => break,
            }
        } else {
            let ch = text[j..].chars().next().unwrap_or(' ');
            let ok = if j == i {
                is_name_start(ch)
            } else {
                is_name_char(ch)
            };
            if !ok {
                break;
            }
            j += ch.len_utf8();
        }
    }
    (j > i).then_some(j)
}

/// Whether all of `s` is one `NCName` (an XML name without a colon).
pub(super) fn is_ncname(s: &str) -> bool {
    ncname_end(s, 0) == Some(s.len())
}

pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first character of `s` XML 1.0 forbids, if any (a byte scan first: in UTF-8 only C0
/// controls and 0xEF-led characters can be such).
pub(super) fn bad_char(s: &str) -> Option<char> {
    let suspect = s
        .bytes()
        .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    if suspect {
        s.chars().find(|c| !is_xml_char(*c))
    } else {
        None
    }
}

pub(super) fn bad_char_error(c: char, pos: usize) -> Error {
    Error {
        code: Code::XmlMalformed,
        pos,
        msg: format!("character U+{:04X} is not allowed in XML 1.0", u32::from(c)),
    }
}

/// `\r\n` and lone `\r` to `\n` (XML's end-of-line handling).
pub(super) fn normalize_eols(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// What a reference's name (between `&` and `;`) stands for, or why it stands for nothing.
pub(super) fn reference(name: &str) -> Result<Cow<'static, str>, String> {
    Ok(Cow::Borrowed(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => {
            let Some(num) = name.strip_prefix('#') else {
                return Err(format!("undeclared entity `&{name};`"));
            };
            let (digits, radix) = match num.strip_prefix('x') {
                Some(h) => (h, 16),
                None => (num, 10),
            };
            let c = crate::text::lexical::unsigned(digits, radix)
                .and_then(|n| u32::try_from(n).ok())
                .and_then(char::from_u32)
                .filter(|c| is_xml_char(*c));
            return match c {
                Some(c) => Ok(Cow::Owned(c.to_string())),
                None => Err(format!("`&{name};` is not a legal character reference")),
            };
        }
    }))
}

/// An attribute value normalised (XML 1.0, 3.3.3): references expanded, each whitespace
/// character a space (`\r\n` one space); `<` and forbidden characters refused.
pub(super) fn attr_value(raw: &str) -> Result<Cow<'_, str>, String> {
    // One pass: `<`, what needs normalising, and what may be a forbidden character.
    let (mut special, mut suspect) = (false, false);
    for &b in raw.as_bytes() {
        match b {
            b'<' => return Err("`<` is not allowed in an attribute value".into()),
            b'&' | b'\t' | b'\n' | b'\r' => special = true,
            0..=0x1F | 0xEF => suspect = true,
            _ => {}
        }
    }
    if suspect {
        if let Some(c) = bad_char(raw) {
            return Err(format!(
                "character U+{:04X} is not allowed in XML 1.0",
                u32::from(c)
            ));
        }
    }
    if !special {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        rest = &rest[i + 1..];
        match c {
            b'&' => {
                let Some(n) = rest.find(';') else {
                    return Err("a reference without its `;`".into());
                };
                out.push_str(&reference(&rest[..n])?);
                rest = &rest[n + 1..];
            }
            b'\r' => {
                out.push(' ');
                if rest.starts_with('\n') {
                    rest = &rest[1..];
                }
            }
            _ => out.push(' '),
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// The XML declaration after `<?xml` (up to, not including, `?>`), read as libxml2 2.9
/// reads it (`xmlParseXMLDecl`, with `XML_PARSE_IGNORE_ENC` as the schema stage parses):
/// a blank, `version` with a VersionNum (one digit, a dot, digits; a `1.x` other than `1.0`
/// is read as 1.0, another major version is refused), then optionally after a blank
/// `encoding` with an EncName, then optionally `standalone` with `yes` or `no`, then blanks.
/// Each `=` may have blanks around it, each value single or double quotes. The words why
/// it is refused, when it is.
pub(super) fn xml_decl(rest: &[u8]) -> Result<(), &'static str> {
    let skip = |i: &mut usize| *i = skip_ws(rest, *i);
    if !rest.first().copied().is_some_and(is_ws) {
        return Err("the XML declaration needs a blank after `<?xml`");
    }
    let mut i = 0;
    skip(&mut i);
    let Some(version) = pseudo_attribute(rest, &mut i, b"version")? else {
        return Err("the XML declaration must begin with its version");
    };
    let version_num = version.len() >= 2
        && version[0].is_ascii_digit()
        && version[1] == b'.'
        && version[2..].iter().all(u8::is_ascii_digit);
    if !version_num {
        return Err("the XML declaration's version is no version number (`1.0`)");
    }
    if version[0] != b'1' {
        return Err("the XML declaration names an XML version other than 1");
    }
    if i == rest.len() {
        return Ok(());
    }
    if !is_ws(rest[i]) {
        return Err("the XML declaration needs a blank between its parts");
    }
    skip(&mut i);
    if let Some(name) = pseudo_attribute(rest, &mut i, b"encoding")? {
        let enc_name = name.first().is_some_and(u8::is_ascii_alphabetic)
            && name
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
        if !enc_name {
            return Err("the XML declaration's encoding is no encoding name");
        }
    }
    skip(&mut i);
    if let Some(sd) = pseudo_attribute(rest, &mut i, b"standalone")? {
        if sd != b"yes" && sd != b"no" {
            return Err("the XML declaration's standalone must be `yes` or `no`");
        }
    }
    skip(&mut i);
    if i == rest.len() {
        Ok(())
    } else {
        Err("the XML declaration holds something other than version, encoding and standalone, in that order")
    }
}

/// `name`, blanks, `=`, blanks and a quoted value at `*i`: the value (`None`, with `*i` left
/// as it is, when `name` does not stand there).
fn pseudo_attribute<'t>(
    rest: &'t [u8],
    i: &mut usize,
    name: &[u8],
) -> Result<Option<&'t [u8]>, &'static str> {
    if !rest[*i..].starts_with(name) {
        return Ok(None);
    }
    let j = skip_ws(rest, *i + name.len());
    if rest.get(j) != Some(&b'=') {
        return Err("the XML declaration needs `=` after each name");
    }
    let j = skip_ws(rest, j + 1);
    let quote = match rest.get(j) {
        Some(&q @ (b'"' | b'\'')) => q,
        _ => return Err("the XML declaration's values must be quoted"),
    };
    let from = j + 1;
    let Some(len) = rest[from..].iter().position(|&c| c == quote) else {
        return Err("a value of the XML declaration is not closed");
    };
    *i = from + len + 1;
    Ok(Some(&rest[from..from + len]))
}

/// The first byte at or after `i` that is not XML whitespace (or the end).
pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    i
}
