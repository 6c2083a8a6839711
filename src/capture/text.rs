//! Bytes to text, and positions in text.
//!
//! The encoding is decided as XML 1.0 says (section 4.3.3 and Appendix F): by the byte order
//! mark first; then by the `<` `NUL` pattern of UTF-16 without one; else the bytes are
//! 8-bit and the declaration, read from its ASCII bytes, names the encoding (UTF-8 when it
//! names none). The declaration must agree with what the bytes show: a UTF-8 BOM with a
//! declaration of any other encoding, a UTF-16 BOM with an 8-bit name or the other byte
//! order, UTF-16 bytes declared 8-bit and 8-bit bytes declared UTF-16 are each refused with
//! `xml.encoding`, as is a name the tool does not read. Every message says what was declared
//! (or implied) and what was found.

pub use super::eightbit::Declared;
use super::eightbit::{classify, BadBytes, Named, Order};
use super::encoding_violation;
use crate::text::xmldecl::declared_encoding;
use crate::text::LineIndex;
use crate::violation::Violation;
use serde::Serialize;

/// What the bytes of a document were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceEncoding {
    /// UTF-8 without a byte order mark (what a document without a declaration is).
    Utf8,
    /// UTF-8 after a byte order mark.
    Utf8Bom,
    /// UTF-16, little-endian, after a byte order mark.
    Utf16LeBom,
    /// UTF-16, big-endian, after a byte order mark.
    Utf16BeBom,
    /// UTF-16 without a BOM, recognised by the `<` `NUL` pattern of its first bytes.
    Utf16LeNoBom,
    /// UTF-16, big-endian, without a BOM, recognised by the `NUL` `<` pattern.
    Utf16BeNoBom,
    /// Bytes that are not text in any encoding the tool reads.
    Unknown,
    /// An 8-bit or multi-byte encoding the declaration names (ISO-8859-1, windows-1252,
    /// Shift_JIS...); in JSON its name in lower case (`"iso-8859-1"`).
    #[serde(untagged)]
    Declared(Declared),
}

const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The text (or why the bytes are none), and what the bytes were.
pub(crate) type Decoded = (Result<String, Violation>, SourceEncoding);

/// Decodes bytes to UTF-8 text. Errors name the line and column of the first bad byte, or
/// of the declaration's `encoding` value when that is what is wrong.
pub(crate) fn decode_text(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&UTF8_BOM) {
        let agrees = match declaration(ascii_head(rest)) {
            Some(d) if d.named != Named::Utf8 => Err(d.refused("the byte order mark says UTF-8")),
            _ => Ok(()),
        };
        let text = agrees.and_then(|()| utf8(rest, UTF8_BOM.len(), Said::Bom));
        return (text, SourceEncoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let text = utf16(rest, u16::from_le_bytes);
        return (
            text.and_then(|t| utf16_agrees(t, Order::Le, true)),
            SourceEncoding::Utf16LeBom,
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let text = utf16(rest, u16::from_be_bytes);
        return (
            text.and_then(|t| utf16_agrees(t, Order::Be, true)),
            SourceEncoding::Utf16BeBom,
        );
    }
    if bytes.len() >= 4 && bytes[0] == b'<' && bytes[1] == 0 && bytes[3] == 0 {
        let text = utf16(bytes, u16::from_le_bytes);
        return (
            text.and_then(|t| utf16_agrees(t, Order::Le, false)),
            SourceEncoding::Utf16LeNoBom,
        );
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == b'<' && bytes[2] == 0 {
        let text = utf16(bytes, u16::from_be_bytes);
        return (
            text.and_then(|t| utf16_agrees(t, Order::Be, false)),
            SourceEncoding::Utf16BeNoBom,
        );
    }
    eight_bit(bytes)
}

/// Text decoded before it came here (a HAR body): UTF-8 whatever its declaration says.
pub(crate) fn decode_utf8_text(bytes: &[u8]) -> Decoded {
    match bytes.strip_prefix(&UTF8_BOM) {
        Some(rest) => (
            utf8(rest, UTF8_BOM.len(), Said::Bom),
            SourceEncoding::Utf8Bom,
        ),
        None => utf8_or_unknown(utf8(bytes, 0, Said::Decoded)),
    }
}

/// Bytes without a BOM or a UTF-16 pattern: in the encoding the declaration names.
fn eight_bit(bytes: &[u8]) -> Decoded {
    let Some(d) = declaration(ascii_head(bytes)) else {
        return utf8_or_unknown(utf8(bytes, 0, Said::Nothing));
    };
    match d.named {
        Named::Utf8 => utf8_or_unknown(utf8(bytes, 0, Said::Declared(d.label))),
        Named::Eight(enc) => match enc.decode(bytes) {
            Ok(text) => (Ok(text), SourceEncoding::Declared(enc)),
            Err(bad) => (
                Err(not_in(enc, d.label, bytes, bad)),
                SourceEncoding::Unknown,
            ),
        },
        Named::Utf16(_) => (
            Err(d.refused(
                "the bytes are 8-bit (no byte order mark, where UTF-16 text begins with one, \
                 and the declaration stands one byte a character)",
            )),
            SourceEncoding::Unknown,
        ),
        Named::Unknown => (Err(d.refused("")), SourceEncoding::Unknown),
    }
}

fn utf8_or_unknown(r: Result<String, Violation>) -> Decoded {
    let enc = if r.is_ok() {
        SourceEncoding::Utf8
    } else {
        SourceEncoding::Unknown
    };
    (r, enc)
}

/// The text of a UTF-16 document if its declaration agrees with the byte order found. A
/// declaration of plain UTF-16 (or none) agrees with a BOM; without a BOM a UTF-16 name is
/// judged by the validator, which needs it to name the byte order.
fn utf16_agrees(text: String, found: Order, bom: bool) -> Result<String, Violation> {
    let Some(d) = declaration(&text) else {
        return Ok(text);
    };
    let agrees = match d.named {
        Named::Utf16(order) => order == Order::Any || order == found || !bom,
        _ => false,
    };
    if agrees {
        return Ok(text);
    }
    let order = if found == Order::Le {
        "UTF-16LE"
    } else {
        "UTF-16BE"
    };
    let found = if bom {
        format!("the byte order mark says {order}")
    } else {
        format!(
            "the bytes are {order} without a byte order mark (a NUL byte beside each ASCII one)"
        )
    };
    Err(d.refused(&found))
}

/// The longest ASCII prefix of the bytes, as text: in every encoding the tool reads without
/// a BOM, the declaration is written in it.
fn ascii_head(bytes: &[u8]) -> &str {
    let n = bytes
        .iter()
        .position(|b| !b.is_ascii())
        .unwrap_or(bytes.len());
    std::str::from_utf8(bytes.get(..n).unwrap_or_default()).unwrap_or_default()
}

/// The declaration's `encoding`: the name as written, where it stands, what it names.
struct Decl<'a> {
    label: &'a str,
    line: u32,
    column: u32,
    named: Named,
}

fn declaration(text: &str) -> Option<Decl<'_>> {
    let label = declared_encoding(text)?;
    // `label` is a slice of `text`: its offset is the distance of the two starts.
    let offset = (label.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let (line, column) = LineIndex::new(text.get(..offset).unwrap_or_default()).end_position();
    Some(Decl {
        label,
        line,
        column,
        named: classify(label),
    })
}

impl Decl<'_> {
    /// The violation for a declaration that contradicts what was `found` (or, for a name the
    /// tool does not read, for that).
    fn refused(&self, found: &str) -> Violation {
        let label = self.label;
        let message = match self.named {
            Named::Unknown => format!(
                "the declaration says encoding=\"{label}\", an encoding the tool does not read \
                 (it reads UTF-8, UTF-16, ISO-8859-1 to -16, the windows code pages, KOI8, \
                 Shift_JIS, EUC-JP, ISO-2022-JP, GBK, GB18030, Big5, EUC-KR)"
            ),
            named => {
                let is = match named {
                    Named::Utf8 => "UTF-8",
                    Named::Utf16(Order::Le) => "UTF-16LE",
                    Named::Utf16(Order::Be) => "UTF-16BE",
                    Named::Utf16(Order::Any) => "UTF-16",
                    Named::Eight(enc) => enc.name(),
                    Named::Unknown => "",
                };
                let is = if is.eq_ignore_ascii_case(label) {
                    String::new()
                } else {
                    format!(" ({is})")
                };
                format!("{found}, but the declaration says encoding=\"{label}\"{is}")
            }
        };
        encoding_violation(message, self.line, self.column)
    }
}

/// The violation for bytes that are not text in the declared encoding.
fn not_in(enc: Declared, label: &str, bytes: &[u8], bad: BadBytes) -> Violation {
    let seq = bytes
        .get(bad.offset..bad.offset + bad.len)
        .unwrap_or_default();
    let shown: Vec<String> = seq.iter().map(|b| format!("0x{b:02X}")).collect();
    let (what, verb) = if seq.len() == 1 {
        ("byte", "is")
    } else {
        ("bytes", "are")
    };
    let (line, column) = LineIndex::new(&bad.before).end_position();
    encoding_violation(
        format!(
            "the declaration says encoding=\"{label}\", but {what} {} at offset {} {verb} no \
             character in {}",
            shown.join(" "),
            bad.offset,
            enc.name(),
        ),
        line,
        column,
    )
}

/// What made the bytes UTF-8.
enum Said<'a> {
    Bom,
    Declared(&'a str),
    /// No declaration, or one without an `encoding`.
    Nothing,
    /// Text decoded before (a HAR body).
    Decoded,
}

/// UTF-8 text, or the violation at its first bad byte; `skipped` bytes (a BOM) came before.
fn utf8(bytes: &[u8], skipped: usize, said: Said<'_>) -> Result<String, Violation> {
    let e = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(s.to_string()),
        Err(e) => e,
    };
    let at = e.valid_up_to();
    // The prefix is valid UTF-8 by construction.
    let prefix = String::from_utf8_lossy(bytes.get(..at).unwrap_or_default());
    let (line, column) = LineIndex::new(&prefix).end_position();
    let byte = bytes.get(at).copied().unwrap_or_default();
    // A lone Latin-1 letter is the common case: say what it would have been.
    let hint = if byte >= 0xA0 && !matches!(said, Said::Bom) {
        format!(
            " (as ISO-8859-1 it would be '{}': a document in another encoding must name it in \
             its declaration)",
            char::from(byte)
        )
    } else {
        String::new()
    };
    let said = match said {
        Said::Bom => "the byte order mark says UTF-8".to_string(),
        Said::Declared(label) => format!("the declaration says encoding=\"{label}\""),
        Said::Nothing => "there is no encoding declaration, so the document is UTF-8".to_string(),
        Said::Decoded => "the text was decoded before, so it is UTF-8".to_string(),
    };
    Err(encoding_violation(
        format!(
            "invalid UTF-8: {said}, but byte 0x{byte:02X} at offset {} is not part of a valid \
             UTF-8 character{hint}",
            at + skipped
        ),
        line,
        column,
    ))
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Result<String, Violation> {
    if !bytes.len().is_multiple_of(2) {
        return Err(encoding_violation(
            "UTF-16 text with an odd number of bytes: the document is truncated",
            1,
            1,
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => out.push(c),
            Err(e) => {
                let (line, column) = LineIndex::new(&out).end_position();
                return Err(encoding_violation(
                    format!(
                        "invalid UTF-16: unpaired surrogate 0x{:04X}",
                        e.unpaired_surrogate()
                    ),
                    line,
                    column,
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::violation::Code;

    fn decl(enc: &str, body: &[u8]) -> Vec<u8> {
        let mut b = format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>\n").into_bytes();
        b.extend_from_slice(body);
        b
    }

    /// A refusal's message, line and column.
    type Refusal = (String, Option<u32>, Option<u32>);

    /// The text, or the violation's message and position.
    fn read(bytes: &[u8]) -> (Result<String, Refusal>, SourceEncoding) {
        let (t, e) = decode_text(bytes);
        let t = t.map_err(|v| {
            assert_eq!(v.code, Code::XmlEncoding, "{}", v.message);
            (v.message, v.line, v.column)
        });
        (t, e)
    }

    fn refused(bytes: &[u8]) -> Refusal {
        match read(bytes).0 {
            Ok(t) => panic!("read as {t:?}"),
            Err(e) => e,
        }
    }

    fn enc_name(e: SourceEncoding) -> &'static str {
        match e {
            SourceEncoding::Declared(d) => d.name(),
            _ => "",
        }
    }

    fn le(s: &str, bom: bool) -> Vec<u8> {
        let mut b = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    }

    fn be(s: &str, bom: bool) -> Vec<u8> {
        let mut b = if bom { vec![0xFE, 0xFF] } else { Vec::new() };
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        b
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "<a>ü</a>";
        let (t, e) = decode_text(&le(s, true));
        assert_eq!(t.ok().as_deref(), Some(s));
        assert_eq!(e, SourceEncoding::Utf16LeBom);
        let (t, e) = decode_text(&be(s, false));
        assert_eq!(t.ok().as_deref(), Some(s));
        assert_eq!(e, SourceEncoding::Utf16BeNoBom);
    }

    #[test]
    fn utf16_without_a_bom_is_told_by_its_first_four_bytes() {
        use SourceEncoding as E;
        for (bytes, want) in [
            (&b"<\0a\0"[..], E::Utf16LeNoBom),
            (b"<\0ab", E::Utf8),
            (b"<a\0\0", E::Utf8),
            (b"a\0b\0", E::Utf8),
            (b"<\0a", E::Utf8),
            (b"\0<\0a", E::Utf16BeNoBom),
            (b"\0<a\0", E::Utf8),
            (b"\0a\0b", E::Utf8),
            (b"a<\0b", E::Utf8),
            (b"\0<\0", E::Utf8),
        ] {
            assert_eq!(decode_text(bytes).1, want, "{bytes:?}");
        }
    }

    #[test]
    fn bad_utf8_names_its_position() {
        let (t, e) = decode_text(b"<a>\n  x\xFFy</a>");
        assert_eq!(e, SourceEncoding::Unknown);
        let v = t.err().map(|v| (v.line, v.column));
        assert_eq!(v, Some((Some(2), Some(4))));
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let (t, e) = decode_text(b"\xEF\xBB\xBF<a/>");
        assert_eq!(t.ok().as_deref(), Some("<a/>"));
        assert_eq!(e, SourceEncoding::Utf8Bom);
    }

    #[test]
    fn latin1_is_read_byte_to_char_under_every_alias() {
        // 0xF8 is ø; 0x85 is NEL (U+0085), not the windows-1252 ellipsis.
        for name in [
            "ISO-8859-1",
            "iso-8859-1",
            "ISO_8859-1",
            "latin1",
            "L1",
            "ISO-IR-100",
            "CP819",
            "IBM819",
        ] {
            let (t, e) = read(&decl(name, b"<a>Bj\xF8rn\x85</a>"));
            let want =
                format!("<?xml version=\"1.0\" encoding=\"{name}\"?>\n<a>Bj\u{f8}rn\u{85}</a>");
            assert_eq!(t.as_deref(), Ok(want.as_str()), "{name}");
            assert_eq!(enc_name(e), "ISO-8859-1", "{name}");
        }
    }

    #[test]
    fn us_ascii_is_seven_bits() {
        let (t, e) = read(&decl("us-ascii", b"<a>plain</a>"));
        assert!(t.is_ok_and(|t| t.ends_with("<a>plain</a>")));
        assert_eq!(enc_name(e), "US-ASCII");
        let (m, line, column) = refused(&decl("US-ASCII", b"<a>\n Bj\xF8rn</a>"));
        assert_eq!((line, column), (Some(3), Some(4)), "{m}");
        assert!(m.contains("encoding=\"US-ASCII\""), "{m}");
        assert!(
            m.contains("byte 0xF8 at offset 49 is no character in US-ASCII"),
            "{m}"
        );
    }

    #[test]
    fn windows_1252_reads_its_letters_and_refuses_its_undefined_bytes() {
        let (t, e) = read(&decl("Windows-1252", b"<a>5 \x80, \x9Ee</a>"));
        assert!(t.is_ok_and(|t| t.ends_with("<a>5 €, že</a>")));
        assert_eq!(enc_name(e), "windows-1252");
        for undefined in [0x81u8, 0x8D, 0x8F, 0x90, 0x9D] {
            let (m, line, column) = refused(&decl("cp1252", &[b'<', b'a', b'>', undefined]));
            assert_eq!((line, column), (Some(2), Some(4)));
            assert!(
                m.contains(&format!("byte 0x{undefined:02X} at offset 43")),
                "{m}"
            );
            assert!(m.contains("no character in windows-1252"), "{m}");
        }
    }

    #[test]
    fn iso_names_read_c1_controls_where_whatwg_reads_windows_letters() {
        // ISO-8859-9 is windows-1254 in WHATWG; 0x80 is U+0080 in ISO, € in windows.
        let (t, e) = read(&decl("ISO-8859-9", b"<a>\x80\xD0</a>"));
        assert!(t.is_ok_and(|t| t.ends_with("<a>\u{80}Ğ</a>")));
        assert_eq!(enc_name(e), "ISO-8859-9");
        let (t, e) = read(&decl("windows-1254", b"<a>\x80\xD0</a>"));
        assert!(t.is_ok_and(|t| t.ends_with("<a>€Ğ</a>")));
        assert_eq!(enc_name(e), "windows-1254");
        let (t, e) = read(&decl("TIS-620", b"<a>\x85\xA1</a>"));
        assert!(t.is_ok_and(|t| t.ends_with("<a>\u{85}ก</a>")));
        assert_eq!(enc_name(e), "ISO-8859-11");
        // ISO-8859-3 leaves 0xA5 undefined.
        let (m, ..) = refused(&decl("ISO-8859-3", b"<a>\xA5</a>"));
        assert!(m.contains("byte 0xA5") && m.contains("ISO-8859-3"), "{m}");
    }

    #[test]
    fn the_other_encodings_are_read_through_encoding_rs() {
        for (name, bytes, text, canonical) in [
            ("ISO-8859-2", &b"\xB1"[..], "ą", "ISO-8859-2"),
            ("iso-8859-15", b"\xA4", "€", "ISO-8859-15"),
            ("KOI8-R", b"\xD0\xD2\x80", "пр─", "KOI8-R"),
            ("Shift_JIS", b"\x93\xFA\x96\x7B", "日本", "Shift_JIS"),
            ("EUC-JP", b"\xC6\xFC", "日", "EUC-JP"),
            (
                "ISO-2022-JP",
                b"\x1B\x24\x42\x46\x7C\x1B\x28\x42",
                "日",
                "ISO-2022-JP",
            ),
            ("GBK", b"\xD6\xD0", "中", "GBK"),
            ("gb2312", b"\xD6\xD0", "中", "GBK"),
            ("Big5", b"\xA4\xA4", "中", "Big5"),
            ("EUC-KR", b"\xC7\xD1", "한", "EUC-KR"),
        ] {
            let mut body = b"<a>".to_vec();
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"</a>");
            let (t, e) = read(&decl(name, &body));
            let t = t.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(t.ends_with(&format!("\n<a>{text}</a>")), "{name}: {t}");
            assert_eq!(enc_name(e), canonical);
        }
    }

    #[test]
    fn a_bad_multibyte_sequence_names_its_bytes_and_position() {
        let (m, line, column) = refused(&decl("Shift_JIS", b"<a>\x93\xFA\n\x81\x20</a>"));
        assert_eq!((line, column), (Some(3), Some(1)), "{m}");
        assert!(m.contains("0x81 at offset 49"), "{m}");
        assert!(m.contains("encoding=\"Shift_JIS\""), "{m}");
    }

    #[test]
    fn an_unknown_name_is_named_where_it_stands() {
        for name in [
            "x-foo",
            "UTF-32",
            "IBM037",
            "x-user-defined",
            "utf 8",
            "iso-2022-kr",
        ] {
            let (m, line, column) = refused(&decl(name, b"<a/>"));
            assert_eq!((line, column), (Some(1), Some(31)), "{name}");
            assert!(
                m.contains(&format!(
                    "encoding=\"{name}\", an encoding the tool does not read"
                )),
                "{m}"
            );
        }
    }

    #[test]
    fn a_utf8_bom_refuses_every_other_declared_encoding() {
        for name in [
            "utf-16",
            "UTF-16LE",
            "ISO-8859-1",
            "windows-1252",
            "US-ASCII",
        ] {
            let mut b = UTF8_BOM.to_vec();
            b.extend(decl(name, b"<a/>"));
            let (m, line, column) = refused(&b);
            assert!(
                m.starts_with(&format!(
                    "the byte order mark says UTF-8, but the declaration says encoding=\"{name}\""
                )),
                "{m}"
            );
            assert_eq!((line, column), (Some(1), Some(31)));
        }
        for name in ["UTF-8", "utf8"] {
            let mut b = UTF8_BOM.to_vec();
            b.extend(decl(name, "<a>ø</a>".as_bytes()));
            let (t, e) = read(&b);
            assert!(t.is_ok_and(|t| t.ends_with("<a>ø</a>")), "{name}");
            assert_eq!(e, SourceEncoding::Utf8Bom);
        }
        let mut b = UTF8_BOM.to_vec();
        b.extend(decl("x-foo", b"<a/>"));
        assert!(refused(&b).0.contains("does not read"));
    }

    #[test]
    fn a_utf16_bom_agrees_with_utf16_names_of_its_order_only() {
        let doc = |name: &str| format!("<?xml version=\"1.0\" encoding=\"{name}\"?><a/>");
        for name in ["UTF-16", "utf-16", "UTF-16LE", "UCS-2", "ISO-10646-UCS-2"] {
            let (t, e) = read(&le(&doc(name), true));
            assert_eq!(t.as_deref(), Ok(doc(name).as_str()), "{name}");
            assert_eq!(e, SourceEncoding::Utf16LeBom);
        }
        let (t, _) = read(&be(&doc("UTF-16BE"), true));
        assert!(t.is_ok());
        for (name, is) in [
            ("UTF-16BE", ""),
            ("utf-8", ""),
            ("ISO-8859-1", ""),
            ("latin1", " (ISO-8859-1)"),
        ] {
            let (m, line, column) = refused(&le(&doc(name), true));
            assert_eq!(
                m,
                format!("the byte order mark says UTF-16LE, but the declaration says encoding=\"{name}\"{is}")
            );
            assert_eq!((line, column), (Some(1), Some(31)));
        }
        let (m, ..) = refused(&be(&doc("UTF-16LE"), true));
        assert!(m.starts_with("the byte order mark says UTF-16BE"), "{m}");
        // No declaration: the BOM says all.
        assert!(read(&le("<a/>", true)).0.is_ok());
    }

    #[test]
    fn utf16_without_a_bom_refuses_8bit_names_and_leaves_utf16_ones_to_the_validator() {
        let doc = |name: &str| format!("<?xml version=\"1.0\" encoding=\"{name}\"?><a/>");
        for name in ["ISO-8859-1", "utf-8", "x-foo"] {
            let (m, ..) = refused(&le(&doc(name), false));
            assert!(m.contains(&format!("encoding=\"{name}\"")), "{m}");
        }
        let (m, ..) = refused(&be(&doc("windows-1252"), false));
        assert!(
            m.starts_with("the bytes are UTF-16BE without a byte order mark"),
            "{m}"
        );
        for name in ["UTF-16LE", "UTF-16", "UTF-16BE"] {
            let (t, e) = read(&le(&doc(name), false));
            assert!(t.is_ok(), "{name}");
            assert_eq!(e, SourceEncoding::Utf16LeNoBom);
        }
    }

    #[test]
    fn eight_bit_bytes_that_declare_utf16_are_refused() {
        for name in ["utf-16", "UTF-16LE", "UTF-16BE", "UCS-2", "unicode"] {
            let (m, line, column) = refused(&decl(name, b"<a/>"));
            assert!(m.starts_with("the bytes are 8-bit"), "{m}");
            assert!(
                m.contains(&format!("declaration says encoding=\"{name}\"")),
                "{m}"
            );
            assert_eq!((line, column), (Some(1), Some(31)));
        }
    }

    #[test]
    fn invalid_utf8_says_what_made_it_utf8() {
        let (m, line, column) = refused(&decl("utf-8", b"<a>\n Bj\xF8rn</a>"));
        assert_eq!((line, column), (Some(3), Some(4)));
        assert!(
            m.starts_with(
                "invalid UTF-8: the declaration says encoding=\"utf-8\", but byte 0xF8 at offset \
                 46 is not part of a valid UTF-8 character (as ISO-8859-1 it would be 'ø'"
            ),
            "{m}"
        );
        let (m, ..) = refused(b"<a>Bj\xF8rn</a>");
        assert!(
            m.contains("there is no encoding declaration, so the document is UTF-8"),
            "{m}"
        );
        assert!(m.contains("at offset 5 "), "{m}");
        // Behind a BOM the offset counts the BOM's three bytes.
        let (m, ..) = refused(b"\xEF\xBB\xBF<a>Bj\xF8rn</a>");
        assert!(
            m.contains("the byte order mark says UTF-8, but byte 0xF8 at offset 8 "),
            "{m}"
        );
        assert!(!m.contains("ISO-8859-1"), "{m}");
        // A continuation byte alone is no Latin-1 letter: no hint.
        let (m, ..) = refused(b"<a>\x85</a>");
        assert!(!m.contains("ISO-8859-1"), "{m}");
    }

    #[test]
    fn text_decoded_before_is_utf8_whatever_it_declares() {
        let text = decl("ISO-8859-1", "<a>Bjørn</a>".as_bytes());
        let (t, e) = decode_utf8_text(&text);
        assert_eq!(t.ok().as_deref(), std::str::from_utf8(&text).ok());
        assert_eq!(e, SourceEncoding::Utf8);
        let (t, e) = decode_utf8_text("\u{feff}<a/>".as_bytes());
        assert_eq!(
            (t.ok().as_deref(), e),
            (Some("<a/>"), SourceEncoding::Utf8Bom)
        );
        let (t, e) = decode_utf8_text(b"<a>\xF8</a>");
        let m = t.err().map(|v| v.message).unwrap_or_default();
        assert!(
            m.contains("the text was decoded before, so it is UTF-8"),
            "{m}"
        );
        assert_eq!(e, SourceEncoding::Unknown);
    }

    #[test]
    fn the_json_spelling_of_every_encoding() {
        let json = |e: SourceEncoding| serde_json::to_string(&e).unwrap_or_default();
        let utf8 = decode_text(b"<a/>").1;
        let latin1 = decode_text(&decl("latin1", b"<a/>")).1;
        let sjis = decode_text(&decl("sjis", b"<a/>")).1;
        assert_eq!(json(utf8), "\"utf8\"");
        assert_eq!(json(SourceEncoding::Utf8Bom), "\"utf8-bom\"");
        assert_eq!(json(SourceEncoding::Utf16LeBom), "\"utf16-le-bom\"");
        assert_eq!(json(SourceEncoding::Utf16BeNoBom), "\"utf16-be-no-bom\"");
        assert_eq!(json(SourceEncoding::Unknown), "\"unknown\"");
        assert_eq!(json(latin1), "\"iso-8859-1\"");
        assert_eq!(json(sjis), "\"shift_jis\"");
    }

    #[test]
    fn decoding_an_8bit_document_is_linear() {
        let doc = |n: usize| decl("ISO-8859-1", &b"<a>Bj\xF8rn \x80</a>\n".repeat(n));
        let (small, large) = (doc(200_000), doc(400_000));
        crate::testkit::timing::assert_linear("latin1", &small[..], &large[..], |b| {
            assert!(decode_text(b).0.is_ok());
        });
        let doc = |n: usize| decl("Shift_JIS", &b"<a>\x93\xFA\x96\x7B</a>\n".repeat(n));
        let (small, large) = (doc(200_000), doc(400_000));
        crate::testkit::timing::assert_linear("Shift_JIS", &small[..], &large[..], |b| {
            assert!(decode_text(b).0.is_ok());
        });
    }
}
