//! The entry point: the checks before libxml2 sees the bytes (size, empty, UTF-16 without
//! a BOM, DOCTYPE), the parse, and the findings' positions at the end.

#![forbid(unsafe_code)]

use super::envelope;
use super::ffi::{self, Doc};
use super::found::Found;
use super::{parse_options, Validation, MAX_VIOLATIONS};
use crate::capture::{Document, SourceEncoding};
use crate::contract::Profile;
use crate::text::limits::MAX_DOCUMENT_BYTES;
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use libxml::parser::XmlParseFailure;
use std::collections::{HashMap, HashSet};

/// Validates one document under a profile.
pub fn validate(doc: &Document, profile: Profile) -> Validation {
    let mut out = Validation {
        profile: profile.resolve(None),
        soap_version: None,
        operation: None,
        kind: None,
        violations: Vec::new(),
    };
    let text = match before_libxml(doc) {
        Ok(text) => text,
        Err(v) => {
            out.violations.push(v);
            return out;
        }
    };
    let document = match parse(text) {
        Ok(document) => document,
        Err(v) => {
            out.violations.push(v);
            return out;
        }
    };
    let found = envelope::check(&document, profile, &mut out);
    drop(document);
    if !found.is_empty() {
        out.violations = positioned(text, found);
    }
    out
}

/// The text, or the one finding that keeps it from libxml2: not text, too large, empty,
/// UTF-16 without a byte order mark, or a DOCTYPE.
fn before_libxml(doc: &Document) -> Result<&str, Violation> {
    let text = match &doc.text {
        Ok(t) => t.as_str(),
        Err(v) => return Err(v.clone()),
    };
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Violation::new(
            Code::XmlLimit,
            "",
            format!(
                "the document is {} bytes, larger than the {} bytes (8 MiB) the tool reads: it \
                 is not parsed",
                text.len(),
                MAX_DOCUMENT_BYTES
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(Violation::new(
            Code::XmlEmpty,
            "",
            "the document is empty: a SOAP message needs an Envelope",
        ));
    }
    if let Some(v) = utf16_without_bom(doc.encoding, text) {
        return Err(v);
    }
    if let Some(off) = find_doctype(text) {
        let (line, col) = LineIndex::new(text).position(off);
        return Err(Violation::new(
            Code::XmlDoctype,
            "",
            "the document has a DOCTYPE declaration: SOAP messages must not have one, and it \
             is neither parsed nor followed (no entity, no external DTD is read)",
        )
        .at(Some(line), Some(col)));
    }
    Ok(text)
}

/// Parses the text without recovery; the first error refuses the document.
fn parse(text: &str) -> Result<Doc, Violation> {
    ffi::install_loader();
    match Doc::parse(text, parse_options()) {
        Ok((document, diags)) => match diags.iter().find(|d| is_error_level(&d.level)) {
            Some(d) => Err(malformed(d)),
            None => Ok(document),
        },
        Err(XmlParseFailure::ParseFailed(diags)) => Err(diags
            .iter()
            .find(|d| is_error_level(&d.level))
            .or(diags.first())
            .map(malformed)
            .unwrap_or_else(|| {
                Violation::new(
                    Code::XmlMalformed,
                    "",
                    "the document is not well-formed XML",
                )
            })),
        Err(XmlParseFailure::DocumentTooLarge) => Err(Violation::new(
            Code::XmlLimit,
            "",
            "the document is larger than libxml2 can parse (2 GiB)",
        )),
        Err(e) => Err(Violation::new(
            Code::XmlMalformed,
            "",
            format!("the document could not be parsed: {e}"),
        )),
    }
}

/// The findings with the line and column of their elements' start tags, sorted, and held
/// to [`MAX_VIOLATIONS`]. The line index is built only here: a valid document never pays
/// for it.
fn positioned(text: &str, found: Vec<Found>) -> Vec<Violation> {
    let index = LineIndex::new(text);
    let wanted: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
    let positions = start_tags(text, &wanted);
    let mut violations: Vec<Violation> = found
        .into_iter()
        .map(|f| {
            let (line, column) = match positions.get(&f.path) {
                Some(&off) => {
                    let (l, c) = index.position(off);
                    (Some(l), Some(c))
                }
                None => (f.line, None),
            };
            Violation::new(f.code, f.path, f.message).at(line, column)
        })
        .collect();
    violations.sort_by_key(|v| (v.line.unwrap_or(0), v.column.unwrap_or(0)));
    if violations.len() > MAX_VIOLATIONS {
        violations.truncate(MAX_VIOLATIONS);
        violations.push(Violation::new(
            Code::XmlLimit,
            "",
            format!(
                "more than {MAX_VIOLATIONS} violations: only the first {MAX_VIOLATIONS} \
                 are reported"
            ),
        ));
    }
    violations
}

fn is_error_level(level: &libxml::error::XmlErrorLevel) -> bool {
    matches!(
        level,
        libxml::error::XmlErrorLevel::Error | libxml::error::XmlErrorLevel::Fatal
    )
}

fn malformed(d: &libxml::error::StructuredError) -> Violation {
    let words = d.message.as_deref().unwrap_or("").trim();
    let line = d.line.and_then(|l| u32::try_from(l).ok());
    let col = d.col.and_then(|c| u32::try_from(c).ok());
    let v = match parser_limit(words) {
        Some(what) => Violation::new(
            Code::XmlLimit,
            "",
            format!("{what}: the document is not parsed (libxml2: {words})"),
        ),
        None => Violation::new(
            Code::XmlMalformed,
            "",
            format!("the document is not well-formed XML: {words}"),
        ),
    };
    v.at(line, col)
}

/// libxml2's own limits (it runs without `XML_PARSE_HUGE`), recognised by its words: the
/// limit, in a sentence, or `None` for an ordinary well-formedness error.
fn parser_limit(words: &str) -> Option<&'static str> {
    let w = words.to_ascii_lowercase();
    if w.contains("excessive depth") {
        Some("elements nest deeper than 256 levels, where libxml2 stops")
    } else if w.contains("huge text node") || w.contains("huge input lookup") {
        Some("a text node or a token is longer than the 10,000,000 bytes libxml2 parses")
    } else if w.contains("xml_parse_huge") || w.contains("too long") || w.contains("too big") {
        Some("a name, attribute value, comment or other token exceeds a libxml2 size limit")
    } else if w.contains("amplification") || w.contains("entity loop") {
        Some("entity expansion exceeds libxml2's limit")
    } else {
        None
    }
}

/// UTF-16 without a byte order mark is not XML (XML 1.0, 4.3.3: UTF-16 text must begin with
/// one) unless the declaration names the byte order (`UTF-16LE` / `UTF-16BE`). The text was
/// read anyway, so the finding can say what it looked like.
fn utf16_without_bom(encoding: SourceEncoding, text: &str) -> Option<Violation> {
    let order = match encoding {
        SourceEncoding::Utf16LeNoBom => "UTF-16LE",
        SourceEncoding::Utf16BeNoBom => "UTF-16BE",
        _ => return None,
    };
    let declared = text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .and_then(|(decl, _)| decl.split_once("encoding"))
        .and_then(|(_, after)| after.trim_start().strip_prefix('='))
        .map(|v| v.trim_start().trim_start_matches(['"', '\'']))
        .and_then(|v| v.split(['"', '\'']).next())
        .unwrap_or("");
    if declared.eq_ignore_ascii_case(order) {
        return None;
    }
    Some(
        Violation::new(
            Code::XmlEncoding,
            "",
            format!(
                "UTF-16 without a byte order mark (the bytes read as {order}): XML requires UTF-16 \
                 text to begin with a BOM, or a declaration encoding=\"{order}\""
            ),
        )
        .at(Some(1), Some(1)),
    )
}

/// The byte offset of a `<!DOCTYPE` outside comments, CDATA sections and processing
/// instructions (elsewhere `<` cannot stand literally, so this finds every real one).
fn find_doctype(text: &str) -> Option<usize> {
    // No `<!DOCTYPE` anywhere, none outside comments either: one substring search.
    if !text.contains("<!DOCTYPE") {
        return None;
    }
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let at = i + off;
        let rest = &text[at..];
        let skip_to = |end: &str, from: usize| {
            text[from..]
                .find(end)
                .map_or(text.len(), |e| from + e + end.len())
        };
        if rest.starts_with("<!--") {
            i = skip_to("-->", at + 4);
        } else if rest.starts_with("<![CDATA[") {
            i = skip_to("]]>", at + 9);
        } else if rest.starts_with("<?") {
            i = skip_to("?>", at + 2);
        } else if rest.starts_with("<!DOCTYPE") {
            return Some(at);
        } else {
            i = at + 1;
        }
    }
    None
}

/// Byte offset of the start tag `<` of each wanted path (the path rule of [`crate::text::path`]).
///
/// Only the subtrees that lead to a wanted path are followed, and the scan stops once every
/// wanted path is found: a document with millions of elements costs one pass without a
/// path string per element.
fn start_tags(text: &str, wanted: &[&str]) -> HashMap<String, usize> {
    use quick_xml::events::Event;
    let wanted: HashSet<&str> = wanted.iter().copied().filter(|w| !w.is_empty()).collect();
    // The child segments that lead towards a wanted path, by parent path.
    let mut leads: HashMap<&str, HashSet<&str>> = HashMap::new();
    for w in &wanted {
        for (i, _) in w.match_indices('/') {
            let rest = &w[i + 1..];
            let segment = rest.split('/').next().unwrap_or(rest);
            leads.entry(&w[..i]).or_default().insert(segment);
        }
    }
    let mut map = HashMap::new();
    let mut reader = quick_xml::Reader::from_str(text);
    // Stack of (path, child-name counts) for followed elements, `None` for the others.
    let mut stack: Vec<Option<(String, HashMap<String, usize>)>> =
        vec![Some((String::new(), HashMap::new()))];
    while map.len() < wanted.len() {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let Some(top) = stack.last_mut() else {
            break;
        };
        let mut frame = None;
        if let Some((parent_path, counts)) = top {
            let local = e.local_name().as_ref().to_string();
            let n = counts.entry(local.clone()).or_insert(0);
            *n += 1;
            // The step as the one path builder writes it, `/local` or `/local[n]`.
            let mut step = String::with_capacity(local.len() + 4);
            crate::text::path::segment(&mut step, &local, u32::try_from(*n).unwrap_or(u32::MAX));
            let leads_on = leads
                .get(parent_path.as_str())
                .is_some_and(|s| s.contains(&step[1..]));
            if leads_on {
                let path = format!("{parent_path}{step}");
                if wanted.contains(path.as_str()) {
                    map.entry(path.clone()).or_insert(pos);
                }
                frame = Some((path, HashMap::new()));
            }
        }
        if !empty {
            stack.push(frame);
        }
    }
    map
}
