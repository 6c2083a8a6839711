//! The encodings an XML declaration may name besides UTF-8 and UTF-16: ISO-8859-1 and
//! US-ASCII (read here, byte to character), and the single- and multi-byte encodings of
//! `encoding_rs` (windows-125x, ISO-8859-2..16, KOI8, Shift_JIS, EUC-JP, GBK, Big5...).
//!
//! `encoding_rs` follows the WHATWG Encoding Standard, which is made for browsers: it reads
//! the labels `iso-8859-1`, `latin1` and `us-ascii` as windows-1252, `iso-8859-9` as
//! windows-1254 and `iso-8859-11` as windows-874, and maps the bytes a Windows code page
//! leaves undefined (0x81 in windows-1252) to C1 controls. XML processors (libxml2 through
//! iconv) read these names as the ISO standards and refuse undefined bytes, and so does the
//! tool: an ISO name reads 0x80-0x9F as U+0080-U+009F, a Windows name refuses a byte that
//! `encoding_rs` could only map to a C1 control.

use encoding_rs::{
    DecoderResult, EncoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, WINDOWS_1254,
    WINDOWS_874, X_USER_DEFINED,
};

/// What an encoding name in a declaration stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    Utf8,
    Utf16(Order),
    Eight(Declared),
    /// A name the tool does not read (UTF-32, EBCDIC, a typo).
    Unknown,
}

/// The byte order a UTF-16 name fixes, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// `UTF-16`, `UCS-2`: the byte order mark says.
    Any,
    Le,
    Be,
}

/// An 8-bit or multi-byte encoding a declaration named, as the bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared(Table);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    /// ISO-8859-1: each byte is the character of its code point.
    Latin1,
    /// US-ASCII: 7 bits; a byte over 0x7F is no character.
    Ascii,
    /// A single-byte encoding of `encoding_rs`, and what its C1 results mean.
    Single(&'static Encoding, C1),
    /// A multi-byte encoding of `encoding_rs`.
    Multi(&'static Encoding),
}

/// What a byte that `encoding_rs` decodes to a C1 control (U+0080-U+009F) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum C1 {
    /// The control itself (ISO-8859-n, where 0x80-0x9F are the C1 controls).
    AsDecoded,
    /// No character: a byte the Windows code page leaves undefined.
    Undefined,
    /// An ISO name read by `encoding_rs` as a Windows superset: bytes 0x80-0x9F are the
    /// C1 controls, the others as the superset reads them.
    Iso,
}

/// Names of ISO-8859-1 (IANA's aliases and WHATWG's), lower case.
const LATIN1: [&str; 11] = [
    "iso-8859-1",
    "iso_8859-1",
    "iso_8859-1:1987",
    "iso8859-1",
    "iso88591",
    "latin1",
    "l1",
    "iso-ir-100",
    "cp819",
    "ibm819",
    "csisolatin1",
];

/// Names of US-ASCII (IANA's aliases), lower case.
const ASCII: [&str; 11] = [
    "us-ascii",
    "ascii",
    "ansi_x3.4-1968",
    "ansi_x3.4-1986",
    "iso-ir-6",
    "iso646-us",
    "iso_646.irv:1991",
    "us",
    "ibm367",
    "cp367",
    "csascii",
];

/// What an `encoding` value names (case-insensitive). Only a well-formed XML `EncName`
/// (`[A-Za-z] ([A-Za-z0-9._] | '-')*`) names anything.
pub(crate) fn classify(name: &str) -> Named {
    let well_formed = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !well_formed {
        return Named::Unknown;
    }
    classify_name(name)
}

/// What a name (a declaration's or a charset's, any case) names.
fn classify_name(name: &str) -> Named {
    let lower = name.to_ascii_lowercase();
    let lower = lower.as_str();
    if LATIN1.contains(&lower) {
        return Named::Eight(Declared(Table::Latin1));
    }
    if ASCII.contains(&lower) {
        return Named::Eight(Declared(Table::Ascii));
    }
    // encoding_rs reads `utf-16le` as it reads `utf-16` (and `ucs-2`, `unicode`): only
    // these two names fix the byte order.
    match lower {
        "utf-16le" => return Named::Utf16(Order::Le),
        "utf-16be" => return Named::Utf16(Order::Be),
        _ => {}
    }
    let Some(enc) = Encoding::for_label_no_replacement(lower.as_bytes()) else {
        return Named::Unknown;
    };
    if enc == UTF_8 {
        Named::Utf8
    } else if enc == UTF_16LE || enc == UTF_16BE {
        Named::Utf16(Order::Any)
    } else if enc == X_USER_DEFINED {
        // A browser's private mapping of 0x80-0xFF, not an encoding of documents.
        Named::Unknown
    } else if enc.is_single_byte() {
        Named::Eight(single(enc, lower))
    } else {
        Named::Eight(Declared(Table::Multi(enc)))
    }
}

/// A single-byte encoding by its `encoding_rs` reading of the name `lower`.
fn single(enc: &'static Encoding, lower: &str) -> Declared {
    let superset = enc == WINDOWS_1252 || enc == WINDOWS_1254 || enc == WINDOWS_874;
    let windows_name = lower.contains("125") || lower.contains("874");
    let c1 = if superset && !windows_name {
        if enc == WINDOWS_1252 {
            return Declared(Table::Latin1);
        }
        C1::Iso
    } else if enc.name().starts_with("windows-") {
        C1::Undefined
    } else {
        C1::AsDecoded
    };
    Declared(Table::Single(enc, c1))
}

/// Why bytes are not text in a declared encoding: the offset and length of the first bad
/// sequence, and the text read before it.
#[derive(Debug)]
pub(crate) struct BadBytes {
    pub offset: usize,
    pub len: usize,
    pub before: String,
}

impl Declared {
    /// The encoding's name, as the tool writes it (`ISO-8859-1`, `windows-1252`, `Shift_JIS`).
    pub fn name(self) -> &'static str {
        match self.0 {
            Table::Latin1 => "ISO-8859-1",
            Table::Ascii => "US-ASCII",
            Table::Single(e, C1::Iso) if e == WINDOWS_1254 => "ISO-8859-9",
            // The only other ISO name read through a Windows superset (windows-1252's
            // became `Latin1` in `single`).
            Table::Single(_, C1::Iso) => "ISO-8859-11",
            Table::Single(e, _) | Table::Multi(e) => e.name(),
        }
    }

    /// Whether `label` (a charset or encoding name, any case) names this encoding.
    pub fn is_named_by(self, label: &str) -> bool {
        classify_name(label.trim()) == Named::Eight(self)
    }

    /// The character each byte stands for (single-byte encodings only).
    fn table(self) -> [Option<char>; 256] {
        let mut table = [None; 256];
        for (b, slot) in (0..=255u8).zip(table.iter_mut()) {
            *slot = match self.0 {
                Table::Latin1 => Some(char::from(b)),
                Table::Ascii => b.is_ascii().then_some(char::from(b)),
                Table::Single(_, C1::Iso) if (0x80..=0x9F).contains(&b) => Some(char::from(b)),
                Table::Single(enc, c1) => enc
                    .decode_without_bom_handling_and_without_replacement(&[b])
                    .and_then(|s| s.chars().next())
                    .filter(|c| c1 != C1::Undefined || !('\u{80}'..='\u{9F}').contains(c)),
                Table::Multi(_) => None,
            };
        }
        table
    }

    /// The bytes as text, or where they stop being text.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<String, BadBytes> {
        if let Table::Multi(enc) = self.0 {
            return decode_multi(enc, bytes);
        }
        let table = self.table();
        let mut out = String::with_capacity(bytes.len());
        for (offset, &b) in bytes.iter().enumerate() {
            match table[usize::from(b)] {
                Some(c) => out.push(c),
                None => {
                    return Err(BadBytes {
                        offset,
                        len: 1,
                        before: out,
                    })
                }
            }
        }
        Ok(out)
    }

    /// The text in this encoding, or the first character it cannot write.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        if let Table::Multi(enc) = self.0 {
            return encode_multi(enc, text);
        }
        let mut back: Vec<(char, u8)> = (0..=255u8)
            .zip(self.table())
            .filter_map(|(b, c)| c.map(|c| (c, b)))
            .collect();
        back.sort_unstable();
        let mut out = Vec::with_capacity(text.len());
        for c in text.chars() {
            let at = back.binary_search_by_key(&c, |&(c, _)| c).map_err(|_| c)?;
            out.push(back[at].1);
        }
        Ok(out)
    }
}

/// Multi-byte text, decoded into a buffer the size of the input first (most of a SOAP
/// document is ASCII) and grown once to the worst case of what is left when it fills.
fn decode_multi(enc: &'static Encoding, bytes: &[u8]) -> Result<String, BadBytes> {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let room = |d: &encoding_rs::Decoder, n: usize| {
        d.max_utf8_buffer_length_without_replacement(n)
            .unwrap_or(n.saturating_mul(3))
    };
    let mut out = String::with_capacity(bytes.len());
    let mut at = 0;
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        at += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => {
                let more = room(&decoder, bytes.len().saturating_sub(at)).max(4);
                out.reserve(more);
            }
            DecoderResult::Malformed(len, after) => {
                let (len, after) = (usize::from(len), usize::from(after));
                return Err(BadBytes {
                    offset: at.saturating_sub(after + len),
                    len: len.max(1),
                    before: out,
                });
            }
        }
    }
}

/// Text in a multi-byte encoding; the buffer grows as in [`decode_multi`].
fn encode_multi(enc: &'static Encoding, text: &str) -> Result<Vec<u8>, char> {
    let mut encoder = enc.new_encoder();
    let room = |e: &encoding_rs::Encoder, n: usize| {
        e.max_buffer_length_from_utf8_without_replacement(n)
            .unwrap_or(n.saturating_mul(4))
    };
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    loop {
        let rest = text.get(at..).unwrap_or_default();
        let (result, read) =
            encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        at += read;
        match result {
            EncoderResult::InputEmpty => return Ok(out),
            EncoderResult::OutputFull => {
                let more = room(&encoder, text.len().saturating_sub(at)).max(8);
                out.reserve(more);
            }
            EncoderResult::Unmappable(c) => return Err(c),
        }
    }
}

impl serde::Serialize for Declared {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name().to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Declared {
        match classify(name) {
            Named::Eight(d) => d,
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn names_are_sorted_into_families() {
        assert_eq!(classify("UTF-8"), Named::Utf8);
        assert_eq!(classify("utf8"), Named::Utf8);
        assert_eq!(classify("UTF-16"), Named::Utf16(Order::Any));
        assert_eq!(classify("unicode"), Named::Utf16(Order::Any));
        assert_eq!(classify("utf-16LE"), Named::Utf16(Order::Le));
        assert_eq!(classify("UTF-16be"), Named::Utf16(Order::Be));
        for unknown in [
            "",
            "8859-1",
            " latin1",
            "utf-8 ",
            "x-user-defined",
            "replacement",
        ] {
            assert_eq!(classify(unknown), Named::Unknown, "{unknown:?}");
        }
        assert_eq!(named("ISO-8859-1"), named("iso-ir-100"));
        assert_eq!(classify("iso_8859-1:1987"), Named::Unknown);
        assert!(named("latin1").is_named_by("iso_8859-1:1987"));
        assert_ne!(named("ISO-8859-1"), named("windows-1252"));
        assert_ne!(named("ISO-8859-9"), named("windows-1254"));
    }

    #[test]
    fn a_charset_names_the_encoding_only_when_it_is_the_same_one() {
        let latin1 = named("latin1");
        assert!(latin1.is_named_by("ISO-8859-1"));
        assert!(latin1.is_named_by(" iso-8859-1 "));
        assert!(!latin1.is_named_by("windows-1252"));
        assert!(!latin1.is_named_by("utf-8"));
        let cp = named("windows-1252");
        assert!(cp.is_named_by("CP1252") && !cp.is_named_by("latin1"));
    }

    #[test]
    fn text_is_written_back_in_its_encoding_or_names_what_cannot_be() {
        assert_eq!(named("latin1").encode("ø\u{80}"), Ok(vec![0xF8, 0x80]));
        assert_eq!(named("latin1").encode("a€"), Err('€'));
        assert_eq!(named("us-ascii").encode("ab"), Ok(b"ab".to_vec()));
        assert_eq!(named("us-ascii").encode("é"), Err('é'));
        assert_eq!(named("windows-1252").encode("€ž"), Ok(vec![0x80, 0x9E]));
        assert_eq!(named("windows-1252").encode("\u{81}"), Err('\u{81}'));
        assert_eq!(named("ISO-8859-9").encode("\u{80}Ğ"), Ok(vec![0x80, 0xD0]));
        assert_eq!(named("ISO-8859-9").encode("€"), Err('€'));
        assert_eq!(
            named("Shift_JIS").encode("<a>日本</a>"),
            Ok(b"<a>\x93\xFA\x96\x7B</a>".to_vec())
        );
        assert_eq!(named("Shift_JIS").encode("ø"), Err('ø'));
        // ISO-2022-JP writes more bytes than the text has: the buffer grows.
        let jis = named("ISO-2022-JP");
        let bytes = b"<a>\x1B\x24\x42\x46\x7C\x1B\x28\x42</a>".to_vec();
        assert_eq!(jis.encode("<a>日</a>"), Ok(bytes.clone()));
        assert_eq!(jis.decode(&bytes).ok().as_deref(), Some("<a>日</a>"));
        // Big5 reads the HKSCS extension but does not write it.
        let big5 = named("Big5");
        let hkscs = big5.decode(b"\x87\x40").unwrap_or_default();
        assert_eq!(hkscs.chars().count(), 1);
        assert_eq!(big5.encode(&hkscs).err().map(String::from), Some(hkscs));
    }

    #[test]
    fn every_byte_read_is_written_back_as_it_was() {
        // How many of the 256 bytes are characters: windows-1252 leaves 5 undefined, TIS-620
        // 8 (0xDB-0xDE, 0xFC-0xFF), US-ASCII the 128 over 0x7F; the rest define all.
        for (name, defined) in [
            ("latin1", 256),
            ("us-ascii", 128),
            ("ISO-8859-2", 256),
            ("ISO-8859-9", 256),
            ("windows-1252", 251),
            ("KOI8-R", 256),
            ("TIS-620", 248),
        ] {
            let d = named(name);
            let bytes: Vec<u8> = (0..=255u8).filter(|&b| d.decode(&[b]).is_ok()).collect();
            assert_eq!(bytes.len(), defined, "{name}");
            let text = d.decode(&bytes).unwrap_or_default();
            assert_eq!(d.encode(&text), Ok(bytes), "{name}");
        }
    }

    #[test]
    fn a_bad_sequence_is_found_where_it_starts() {
        let bad = Declared(Table::Multi(encoding_rs::EUC_JP))
            .decode(b"ab\xC6\xFC\n\xC6x")
            .err();
        let bad = bad.map(|b| (b.offset, b.len, b.before));
        assert_eq!(bad, Some((5, 1, "ab日\n".to_string())));
    }
}
