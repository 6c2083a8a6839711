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
            let ok = !digits.is_empty() && digits.bytes().all(|b| (b as char).is_digit(radix));
            let c = ok
                .then(|| u32::from_str_radix(digits, radix).ok())
                .flatten()
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
