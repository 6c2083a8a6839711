//! Bytes to text, and positions in text.

use super::encoding_violation;
use crate::text::LineIndex;
use crate::violation::Violation;
use serde::Serialize;

/// What the bytes of a document were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    /// UTF-16 without a BOM, recognised by the `<` `NUL` pattern of its first bytes.
    Utf16LeNoBom,
    Utf16BeNoBom,
    /// Bytes that are not text in any encoding the tool reads.
    Unknown,
}

/// Decodes bytes to UTF-8 text. Errors name the line and column of the first bad byte.
pub(crate) fn decode_text(bytes: &[u8]) -> (Result<String, Violation>, SourceEncoding) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (utf8(rest), SourceEncoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, u16::from_le_bytes), SourceEncoding::Utf16LeBom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, u16::from_be_bytes), SourceEncoding::Utf16BeBom);
    }
    if bytes.len() >= 4 && bytes[0] == b'<' && bytes[1] == 0 && bytes[3] == 0 {
        return (
            utf16(bytes, u16::from_le_bytes),
            SourceEncoding::Utf16LeNoBom,
        );
    }
    if bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == b'<' && bytes[2] == 0 {
        return (
            utf16(bytes, u16::from_be_bytes),
            SourceEncoding::Utf16BeNoBom,
        );
    }
    let r = utf8(bytes);
    let enc = if r.is_ok() {
        SourceEncoding::Utf8
    } else {
        SourceEncoding::Unknown
    };
    (r, enc)
}

fn utf8(bytes: &[u8]) -> Result<String, Violation> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = String::from_utf8_lossy(good);
            let (line, column) = LineIndex::new(&prefix).end_position();
            Err(encoding_violation(
                format!(
                    "invalid UTF-8: byte 0x{:02X} at offset {} is not part of a valid character \
                     (the document declares or implies UTF-8)",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
                line,
                column,
            ))
        }
    }
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

    #[test]
    fn utf16_with_and_without_bom() {
        let s = "<a>ü</a>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let (t, e) = decode_text(&le);
        assert_eq!(t.ok().as_deref(), Some(s));
        assert_eq!(e, SourceEncoding::Utf16LeBom);
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let (t, e) = decode_text(&be);
        assert_eq!(t.ok().as_deref(), Some(s));
        assert_eq!(e, SourceEncoding::Utf16BeNoBom);
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
}
