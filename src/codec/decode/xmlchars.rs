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
    let rest = text.get(i..)?;
    let mut end = 0;
    for (k, c) in rest.char_indices() {
        let ok = if k == 0 {
            is_name_start(c)
        } else {
            is_name_char(c)
        };
        if !ok {
            break;
        }
        end = k + c.len_utf8();
    }
    (end > 0).then_some(i + end)
}

/// Whether all of `s` is one `NCName` (an XML name without a colon).
pub(super) fn is_ncname(s: &str) -> bool {
    ncname_end(s, 0) == Some(s.len())
}

pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The first character of `s` XML 1.0 forbids, if any. In UTF-8 only C0 controls and
/// 0xEF-led characters (U+FFFE, U+FFFF) can be such, so only those bytes are decoded.
pub(super) fn bad_char(s: &str) -> Option<char> {
    s.bytes().enumerate().find_map(|(i, b)| match b {
        0..=0x1F | 0xEF => s
            .get(i..)
            .and_then(|t| t.chars().next())
            .filter(|c| !is_xml_char(*c)),
        _ => None,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_are_markup_references_controls_and_0xef() {
        for b in 0..=255u8 {
            let want = (b < 0x20 && b != b'\t' && b != b'\n') || b"<&]".contains(&b) || b == 0xEF;
            assert_eq!(SPECIAL[usize::from(b)], want, "byte {b:#04x}");
        }
    }

    /// Each range of XML 1.0's NameStartChar and NameChar at its ends and one past them.
    #[test]
    fn name_characters_at_the_ends_of_their_ranges() {
        let starts = [
            'A',
            'Z',
            '_',
            'a',
            'z',
            '\u{C0}',
            '\u{D6}',
            '\u{D8}',
            '\u{F6}',
            '\u{F8}',
            '\u{2FF}',
            '\u{370}',
            '\u{37D}',
            '\u{37F}',
            '\u{1FFF}',
            '\u{200C}',
            '\u{200D}',
            '\u{2070}',
            '\u{218F}',
            '\u{2C00}',
            '\u{2FEF}',
            '\u{3001}',
            '\u{D7FF}',
            '\u{F900}',
            '\u{FDCF}',
            '\u{FDF0}',
            '\u{FFFD}',
            '\u{10000}',
            '\u{EFFFF}',
        ];
        let only_inside = [
            '-', '.', '0', '9', '\u{B7}', '\u{300}', '\u{36F}', '\u{203F}', '\u{2040}',
        ];
        let neither = [
            ':',
            '@',
            '[',
            '`',
            '{',
            ' ',
            '\u{BF}',
            '\u{D7}',
            '\u{F7}',
            '\u{37E}',
            '\u{2000}',
            '\u{200B}',
            '\u{200E}',
            '\u{206F}',
            '\u{2190}',
            '\u{2BFF}',
            '\u{2FF0}',
            '\u{3000}',
            '\u{E000}',
            '\u{F8FF}',
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{FFFE}',
            '\u{F0000}',
        ];
        for c in starts {
            assert!(is_name_start(c) && is_name_char(c), "{c:?}");
        }
        for c in only_inside {
            assert!(!is_name_start(c) && is_name_char(c), "{c:?}");
        }
        for c in neither {
            assert!(!is_name_start(c) && !is_name_char(c), "{c:?}");
        }
    }

    #[test]
    fn an_ncname_ends_at_the_first_character_no_name_holds() {
        assert_eq!(ncname_end("abc:def", 0), Some(3));
        assert_eq!(ncname_end("abc:def", 4), Some(7));
        assert_eq!(ncname_end("abc:def", 3), None);
        assert_eq!(ncname_end("a1-._z rest", 0), Some(6));
        assert_eq!(ncname_end("1a", 0), None);
        assert_eq!(
            ncname_end("x1a", 1),
            None,
            "a digit cannot start one mid-text either"
        );
        assert_eq!(ncname_end("", 0), None);
        assert_eq!(ncname_end("a", 1), None);
        // Beyond ASCII: a start character, then name characters, by their UTF-8 lengths.
        assert_eq!(ncname_end("é\u{300}\u{10000}=", 0), Some(2 + 2 + 4));
        assert_eq!(
            ncname_end("\u{300}a", 0),
            None,
            "U+0300 does not start a name"
        );
        assert_eq!(ncname_end("a\u{D7}", 0), Some(1));
        assert_eq!(ncname_end("ab\u{D7}", 1), Some(2));
        assert!(is_ncname("a-1"));
        assert!(!is_ncname("a:b"));
        assert!(!is_ncname(""));
        assert!(!is_ncname("a "));
    }

    #[test]
    fn whitespace_is_the_four_xml_blanks() {
        for b in 0..=255u8 {
            assert_eq!(is_ws(b), b" \t\n\r".contains(&b), "byte {b:#04x}");
        }
        assert_eq!(skip_ws(b" \t\r\na ", 0), 4);
        assert_eq!(skip_ws(b"a ", 0), 0);
        assert_eq!(skip_ws(b"a  ", 1), 3);
        assert_eq!(skip_ws(b"", 0), 0);
    }

    #[test]
    fn forbidden_characters_are_found_and_named() {
        assert_eq!(
            bad_char("ok\t\n\r text \u{FEFF}\u{F000}\u{FFFD}\u{10000}"),
            None
        );
        assert_eq!(bad_char("a\u{1}b"), Some('\u{1}'));
        assert_eq!(bad_char("\u{1F}"), Some('\u{1F}'));
        assert_eq!(bad_char("x\u{FFFE}"), Some('\u{FFFE}'));
        assert_eq!(bad_char("\u{FFFF}"), Some('\u{FFFF}'));
        assert_eq!(bad_char("\u{EFFF}\u{0}"), Some('\u{0}'), "the first one");
        let e = bad_char_error('\u{1}', 7);
        assert_eq!(
            e,
            Error {
                code: Code::XmlMalformed,
                pos: 7,
                msg: "character U+0001 is not allowed in XML 1.0".into()
            }
        );
    }

    #[test]
    fn line_ends_become_newlines() {
        assert_eq!(normalize_eols("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(normalize_eols("\r\r\n\n\r"), "\n\n\n\n");
        assert_eq!(normalize_eols("none"), "none");
    }

    #[test]
    fn references_stand_for_their_characters() {
        let ok = |n: &str| reference(n).map(|c| c.into_owned());
        for (name, c) in [
            ("lt", "<"),
            ("gt", ">"),
            ("amp", "&"),
            ("apos", "'"),
            ("quot", "\""),
        ] {
            assert_eq!(ok(name), Ok(c.to_string()));
        }
        assert_eq!(ok("#65"), Ok("A".into()));
        assert_eq!(ok("#x41"), Ok("A".into()));
        assert_eq!(ok("#x1F600"), Ok("\u{1F600}".into()));
        assert_eq!(ok("nbsp"), Err("undeclared entity `&nbsp;`".into()));
        for bad in [
            "#X41",
            "#x",
            "#",
            "#0",
            "#x1",
            "#xD800",
            "#xFFFE",
            "#x110000",
            "#+65",
            "#6a",
            "#99999999999999999999",
        ] {
            assert_eq!(
                ok(bad),
                Err(format!("`&{bad};` is not a legal character reference")),
                "{bad}"
            );
        }
    }

    #[test]
    fn attribute_values_are_normalised() {
        assert!(matches!(attr_value("plain"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(attr_value("a\tb\nc\r\nd\re").as_deref(), Ok("a b c d e"));
        assert_eq!(attr_value("\r\r\n").as_deref(), Ok("  "));
        assert_eq!(attr_value("&lt;&#x9;&amp;amp;").as_deref(), Ok("<\t&amp;"));
        assert_eq!(attr_value("x&gt;").as_deref(), Ok("x>"));
        assert_eq!(
            attr_value("a<b"),
            Err("`<` is not allowed in an attribute value".into())
        );
        assert_eq!(
            attr_value("a&amp"),
            Err("a reference without its `;`".into())
        );
        assert_eq!(attr_value("&bad;"), Err("undeclared entity `&bad;`".into()));
        for bad in ["\u{1}", "ok\u{FFFF}"] {
            let c = u32::from(bad.chars().last().unwrap_or(' '));
            assert_eq!(
                attr_value(bad),
                Err(format!("character U+{c:04X} is not allowed in XML 1.0"))
            );
        }
        // Characters that only look suspect are kept.
        assert_eq!(attr_value("\u{FEFF}").as_deref(), Ok("\u{FEFF}"));
    }

    /// Each rule of the declaration, as libxml2 2.9 reads it (the cases in doubt, such as
    /// `1.`, a missing blank and the order of the parts, checked against `xmllint`).
    #[test]
    fn the_xml_declaration_is_read_as_libxml2_reads_it() {
        let decl = |s: &str| xml_decl(s.as_bytes());
        for ok in [
            " version='1.0'",
            " version=\"1.0\" ",
            " version = '1.0' ",
            "\n\tversion='1.1'",
            " version='1.'",
            " version='1.0' encoding='UTF-8'",
            " version='1.0' encoding=\"a.b_c-9\" standalone='yes'",
            " version='1.0'  standalone='no'\r\n",
        ] {
            assert_eq!(decl(ok), Ok(()), "{ok:?}");
        }
        for (bad, why) in [
            ("", "the XML declaration needs a blank after `<?xml`"),
            ("version='1.0'", "the XML declaration needs a blank after `<?xml`"),
            (" encoding='UTF-8'", "the XML declaration must begin with its version"),
            (" version='1'", "the XML declaration's version is no version number (`1.0`)"),
            (" version='10'", "the XML declaration's version is no version number (`1.0`)"),
            (" version='x.0'", "the XML declaration's version is no version number (`1.0`)"),
            (" version='1.a'", "the XML declaration's version is no version number (`1.0`)"),
            (" version='2.0'", "the XML declaration names an XML version other than 1"),
            (" version='1.0'encoding='x'", "the XML declaration needs a blank between its parts"),
            (" version='1.0' encoding='8bit'", "the XML declaration's encoding is no encoding name"),
            (" version='1.0' encoding=''", "the XML declaration's encoding is no encoding name"),
            (" version='1.0' encoding='a b'", "the XML declaration's encoding is no encoding name"),
            (" version='1.0' standalone='maybe'", "the XML declaration's standalone must be `yes` or `no`"),
            (" version='1.0' standalone='no' encoding='x'", "the XML declaration holds something other than version, encoding and standalone, in that order"),
            (" version='1.0' x", "the XML declaration holds something other than version, encoding and standalone, in that order"),
            (" version '1.0'", "the XML declaration needs `=` after each name"),
            (" version", "the XML declaration needs `=` after each name"),
            (" version=1.0", "the XML declaration's values must be quoted"),
            (" version=", "the XML declaration's values must be quoted"),
            (" version='1.0\"", "a value of the XML declaration is not closed"),
        ] {
            assert_eq!(decl(bad), Err(why), "{bad:?}");
        }
    }
}
