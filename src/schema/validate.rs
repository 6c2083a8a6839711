//! The entry point: the checks before libxml2 sees the bytes (size, empty, UTF-16 without
//! a BOM, DOCTYPE), the parse, and the findings' positions at the end.

#![forbid(unsafe_code)]

use super::envelope;
use super::ffi::{self, Doc};
use super::found::Found;
use super::{parse_options, Validation, MAX_VIOLATIONS};
use crate::capture::{Document, SourceEncoding};
use crate::contract::{ContractChoice, Profile};
use crate::text::limits::{too_deep, MAX_DEPTH, MAX_DOCUMENT_BYTES};
use crate::text::LineIndex;
use crate::violation::{Code, Violation};
use libxml::parser::XmlParseFailure;
use std::collections::{HashMap, HashSet};

/// Validates one document under a profile, held to the contract version its payload's
/// namespace names (Services85 when none does).
pub fn validate(doc: &Document, profile: Profile) -> Validation {
    validate_as(doc, profile, ContractChoice::Auto)
}

/// Validates one document under a profile and a contract version (or `Auto`).
pub fn validate_as(doc: &Document, profile: Profile, choice: ContractChoice) -> Validation {
    let mut out = Validation {
        profile: profile.resolve(None),
        contract: choice.resolve(None),
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
            // libxml2 stops at 256 levels on its own: such a document is refused where it
            // passes the tool's limit, in the tool's words, as one of 101 to 256 levels is.
            let deep = (v.code == Code::XmlLimit).then(|| too_deep_path(text));
            out.violations = match deep.flatten() {
                Some(path) => positioned(text, vec![Found::new(Code::XmlLimit, path, too_deep())]),
                None => vec![v],
            };
            return out;
        }
    };
    let found = envelope::check(&document, profile, choice, &mut out);
    drop(document);
    if !found.is_empty() {
        out.violations = positioned(text, found);
    }
    out
}

/// The text, or the one finding that keeps it from libxml2: not text, too large, empty,
/// UTF-16 without a byte order mark, or a DOCTYPE.
pub(crate) fn before_libxml(doc: &Document) -> Result<&str, Violation> {
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
    } else if w.contains("amplification") || w.contains("entity reference loop") {
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
    // Each round moves past one `<` at least, so the scan ends within `text.len()` rounds.
    // Should a change stop it advancing, the bound ends it at once, failing closed (the
    // text is refused as if it had a DOCTYPE) instead of hanging.
    for _ in 0..=text.len() {
        let off = text[i..].find('<')?;
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
    Some(i)
}

/// The path of the first element deeper than [`MAX_DEPTH`] levels (the root is level 1),
/// read from the text (for a document libxml2 refused); `None` when there is none before
/// the text stops being well-formed.
fn too_deep_path(text: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut paths = crate::text::path::PathStack::new();
    loop {
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                paths.pop();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => continue,
        };
        paths.push(e.local_name().as_ref());
        if paths.depth() > MAX_DEPTH {
            return Some(paths.as_str().to_string());
        }
        if empty {
            paths.pop();
        }
    }
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
    // Stopping once all are found only saves time (`<` to `<=` scans on to the end and
    // finds the same offsets: `or_insert` keeps the first).
    while map.len() < wanted.len() {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (e, empty) = match reader.read_event() {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                // Never false on text libxml2 parsed (every end tag has its start tag), so
                // `>` to `>=` is equivalent: the guard only keeps the root frame on
                // malformed text, which `parse` has refused before.
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

#[cfg(test)]
mod tests {
    use super::*;
    use libxml::error::XmlErrorLevel;
    use std::sync::mpsc;
    use std::time::Duration;

    const VALID: &str = include_str!("../../fixtures/documented/SaveContactRelation.request.xml");

    fn document(text: &str) -> Document {
        Document::from_bytes("test.xml", text.as_bytes())
    }

    fn codes(text: &str) -> Vec<Code> {
        validate(&document(text), Profile::Documented)
            .violations
            .iter()
            .map(|v| v.code)
            .collect()
    }

    /// Runs `f` on its own thread and fails the test after a few seconds instead of hanging
    /// (a scan that stops advancing is a bug this must report, not sit in).
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the scan did not finish within 10 s: it stopped advancing")
    }

    fn doctype_at(text: impl Into<String>) -> Option<usize> {
        let text = text.into();
        within(move || find_doctype(&text))
    }

    #[test]
    fn the_fixture_is_valid_so_the_tests_below_see_only_their_change() {
        assert_eq!(codes(VALID), vec![]);
    }

    const MINIMAL: &str =
        include_str!("../../fixtures/wire/SaveContactRelation.request.minimal.xml");

    fn wire(text: &str) -> Vec<(Code, String)> {
        validate(&document(text), Profile::Wire)
            .violations
            .into_iter()
            .map(|v| (v.code, v.element))
            .collect()
    }

    #[test]
    fn a_cdata_section_is_read_as_the_text_it_holds() {
        let entity = "<ContactRelationEntity>";
        let id = "<RelationDefinitionId>1</RelationDefinitionId>";
        for (from, to) in [
            // Whitespace between elements, however written, is whitespace (XSD sees
            // characters, not CDATA sections; libxml2 2.9 alone calls this xsd.text).
            ("<s:Header>", "<s:Header><![CDATA[ ]]>"),
            ("<s:Body>", "<s:Body>\n<![CDATA[\t\r\n]]> <![CDATA[]]>"),
            (entity, "<ContactRelationEntity><![CDATA[ ]]>"),
            // A value spelt in CDATA, whole or in part, is the value it spells.
            (
                id,
                "<RelationDefinitionId><![CDATA[1]]></RelationDefinitionId>",
            ),
            (
                id,
                "<RelationDefinitionId> <![CDATA[1]]>\n</RelationDefinitionId>",
            ),
        ] {
            assert!(MINIMAL.contains(from));
            let text = MINIMAL.replacen(from, to, 1);
            assert_eq!(wire(&text), vec![], "{to}");
        }
        let entity_path = "/Envelope/Body/SaveContactRelation/ContactRelationEntity";
        for (from, to, code, path) in [
            (
                "<s:Header>",
                "<s:Header><![CDATA[x]]>",
                Code::XsdText,
                "/Envelope/Header".to_string(),
            ),
            (
                entity,
                "<ContactRelationEntity><![CDATA[ x ]]>",
                Code::XsdText,
                entity_path.to_string(),
            ),
            (
                id,
                "<RelationDefinitionId>1<![CDATA[x]]></RelationDefinitionId>",
                Code::XsdValue,
                format!("{entity_path}/RelationDefinitionId"),
            ),
        ] {
            let text = MINIMAL.replacen(from, to, 1);
            assert_eq!(wire(&text), vec![(code, path)], "{to}");
        }
    }

    #[test]
    fn cdata_is_read_as_text_in_linear_time() {
        let doc = |n: usize| {
            let blocks = "<![CDATA[ ]]><x:B xmlns:x=\"urn:x\"><![CDATA[t]]><c/></x:B>\n".repeat(n);
            MINIMAL.replacen("<s:Header>", &format!("<s:Header>{blocks}"), 1)
        };
        let (small, large) = (doc(5_000), doc(10_000));
        crate::testkit::timing::assert_linear(
            "CDATA as text",
            small.as_str(),
            large.as_str(),
            |t| {
                assert_eq!(wire(t), vec![]);
            },
        );
    }

    #[test]
    fn parse_options_do_not_recover_a_malformed_document() {
        // Mismatched end tag: a recovering parser repairs it into a tree.
        let text = "<a><b></a>";
        let recovering = libxml::parser::ParserOptions {
            recover: true,
            ..parse_options()
        };
        assert!(
            Doc::parse(text, recovering).is_ok(),
            "the control: recovery repairs it"
        );
        assert!(
            matches!(
                Doc::parse(text, parse_options()),
                Err(XmlParseFailure::ParseFailed(_))
            ),
            "parse_options must not recover: a malformed document yields no tree"
        );
        assert_eq!(parse(text).err().map(|v| v.code), Some(Code::XmlMalformed));
    }

    #[test]
    fn a_libxml2_warning_does_not_refuse_a_valid_envelope() {
        // XML 1.1 is a version libxml2 warns about and parses as 1.0: not an error.
        let text = VALID.replacen("version=\"1.0\"", "version=\"1.1\"", 1);
        let (_, diags) = Doc::parse(&text, parse_options()).expect("well-formed");
        assert!(
            diags
                .iter()
                .any(|d| matches!(d.level, XmlErrorLevel::Warning)),
            "the control: libxml2 warns about {diags:?}"
        );
        assert_eq!(codes(&text), vec![]);
    }

    #[test]
    fn an_error_on_a_tree_libxml2_built_refuses_the_document() {
        // An undeclared prefix is a namespace error: libxml2 still returns a tree. This is
        // the layer that also refuses whatever a recovering parser would have repaired.
        let text = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>\
                    <x:SaveContactRelation/></s:Body></s:Envelope>";
        let (_, diags) = Doc::parse(text, parse_options()).expect("libxml2 builds a tree");
        assert!(diags
            .iter()
            .any(|d| matches!(d.level, XmlErrorLevel::Error)));
        let v = parse(text).err().expect("refused");
        assert_eq!(v.code, Code::XmlMalformed);
        assert!(v.message.contains("prefix"), "{}", v.message);
    }

    #[test]
    fn a_refused_document_is_named_by_its_error_not_by_an_earlier_warning() {
        let text = "<?xml version=\"1.1\"?><a><b></a>";
        let v = parse(text).err().expect("refused");
        assert_eq!(v.code, Code::XmlMalformed);
        assert!(!v.message.contains("version"), "{}", v.message);
        assert!(v.message.contains("mismatch"), "{}", v.message);
    }

    #[test]
    fn only_errors_and_fatal_errors_are_error_levels() {
        assert!(is_error_level(&XmlErrorLevel::Error));
        assert!(is_error_level(&XmlErrorLevel::Fatal));
        assert!(!is_error_level(&XmlErrorLevel::Warning));
        assert!(!is_error_level(&XmlErrorLevel::None));
    }

    #[test]
    fn each_of_libxml2s_limit_messages_is_a_limit_on_its_own() {
        // libxml2 2.9's words, one per alternative.
        for words in [
            "Excessive depth in document: 256 use XML_PARSE_HUGE option",
            "xmlSAX2Characters: huge text node",
            "Huge input lookup",
            "Name too long use XML_PARSE_HUGE option",
            "AttValue length too long",
            "Comment too big found",
            "Maximum entity amplification factor exceeded",
            "Detected an entity reference loop",
        ] {
            assert!(parser_limit(words).is_some(), "not a limit: {words}");
            let d = libxml::error::StructuredError {
                message: Some(words.to_string()),
                level: XmlErrorLevel::Fatal,
                filename: None,
                line: Some(1),
                col: Some(1),
                domain: 1,
                code: 1,
            };
            assert_eq!(malformed(&d).code, Code::XmlLimit, "{words}");
        }
        assert_eq!(
            parser_limit("Opening and ending tag mismatch: b and a"),
            None
        );
    }

    #[test]
    fn a_real_depth_limit_is_a_limit() {
        let text = "<a>".repeat(300) + &"</a>".repeat(300);
        assert_eq!(parse(&text).err().map(|v| v.code), Some(Code::XmlLimit));
    }

    #[test]
    fn a_document_past_libxml2s_depth_is_refused_at_the_tools_level() {
        for levels in [MAX_DEPTH + 1, 300, 5000] {
            let text = "<a>".repeat(levels) + &"</a>".repeat(levels);
            let v = validate(&document(&text), Profile::Wire).violations;
            assert_eq!(v.len(), 1, "{levels}: {v:?}");
            assert_eq!(v[0].code, Code::XmlLimit);
            assert_eq!(v[0].element, "/a".repeat(MAX_DEPTH + 1), "{levels}");
            assert_eq!(v[0].message, too_deep(), "{levels}");
            // The 101st `<a>`, on line 1.
            assert_eq!((v[0].line, v[0].column), (Some(1), Some(3 * 100 + 1)));
        }
        // Empty elements count as a level too; none deeper, none found.
        let text = "<a>".repeat(MAX_DEPTH) + "<b/>" + &"</a>".repeat(MAX_DEPTH);
        assert_eq!(too_deep_path(&text), Some("/a".repeat(MAX_DEPTH) + "/b"));
        let text = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert_eq!(too_deep_path(&text), None);
    }

    #[test]
    fn a_doctype_is_found_at_its_offset_after_each_kind_of_markup() {
        assert_eq!(doctype_at("<!DOCTYPE a><a/>"), Some(0));
        assert_eq!(
            doctype_at("<?xml version=\"1.0\"?><!DOCTYPE a><a/>"),
            Some(21)
        );
        assert_eq!(doctype_at("<!-- c --><!DOCTYPE a><a/>"), Some(10));
        assert_eq!(doctype_at("<!----><!DOCTYPE a><a/>"), Some(7));
        assert_eq!(doctype_at("<a><![CDATA[x]]><!DOCTYPE a></a>"), Some(16));
        assert_eq!(doctype_at("<a><b/>xy<!DOCTYPE a></a>"), Some(9));
        assert_eq!(doctype_at("<a>é<!DOCTYPE a></a>"), Some(5));
        // One round per `<`: the bound on the rounds holds for a text of nothing else.
        assert_eq!(doctype_at("<".repeat(1000) + "<!DOCTYPE a>"), Some(1000));
        assert_eq!(doctype_at("<".repeat(1000) + "<!--<!DOCTYPE a>-->"), None);
    }

    #[test]
    fn a_doctype_inside_a_comment_cdata_or_instruction_is_no_doctype() {
        assert_eq!(doctype_at("<!-- <!DOCTYPE a> --><a/>"), None);
        assert_eq!(doctype_at("<!--<!DOCTYPE a>--><a/>"), None);
        assert_eq!(doctype_at("<a><![CDATA[<!DOCTYPE a>]]></a>"), None);
        assert_eq!(doctype_at("<?pi <!DOCTYPE a> ?><a/>"), None);
        assert_eq!(doctype_at("<?pi<!DOCTYPE a>?><a/>"), None);
        // Unterminated: the rest is inside it.
        assert_eq!(doctype_at("<a/><!-- <!DOCTYPE a>"), None);
        assert_eq!(doctype_at("<a><![CDATA[ <!DOCTYPE a>"), None);
        assert_eq!(doctype_at("<a/><? <!DOCTYPE a>"), None);
        // After the end of one: found again.
        assert_eq!(
            doctype_at("<!--x--><?p?><![CDATA[]]><!DOCTYPE a>"),
            Some(25)
        );
    }

    #[test]
    fn a_doctype_finding_stands_at_its_line_and_column() {
        let v = validate(
            &document("<?xml version=\"1.0\"?>\n<!-- x -->  <!DOCTYPE a>\n<a/>"),
            Profile::Wire,
        );
        let v = &v.violations[0];
        assert_eq!(
            (v.code, v.line, v.column),
            (Code::XmlDoctype, Some(2), Some(13))
        );
    }

    #[test]
    fn a_declared_encoding_is_not_applied_to_text_that_is_already_utf8() {
        // Read as ISO-8859-1, the name's two UTF-8 bytes would become "ZoÃ«".
        let text = VALID
            .replacen("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", 1)
            .replacen("</SOAP-ENV:Body>", "<Zoë/></SOAP-ENV:Body>", 1);
        assert!(text.contains("ISO-8859-1") && text.contains("<Zoë/>"));
        // The bytes are ISO-8859-1 (ë is 0xEB); the read stage makes them UTF-8 text.
        let latin1: Vec<u8> = text.chars().filter_map(|c| u8::try_from(c).ok()).collect();
        let doc = Document::from_bytes("test.xml", &latin1);
        assert_eq!(doc.text(), Some(text.as_str()));
        let v = validate(&doc, Profile::Documented);
        assert!(
            v.violations.iter().any(|v| v.element.contains("Zoë")),
            "{:?}",
            v.violations
        );
        assert!(!v.violations.iter().any(|v| v.element.contains('Ã')));
        // Nor is a name libxml2 does not know: the read stage has judged the encoding.
        let unknown = "<?xml version=\"1.0\" encoding=\"x-unknown\"?><a/>";
        assert!(parse(unknown).is_ok(), "{:?}", parse(unknown).err());
    }

    #[test]
    fn text_is_parsed_as_utf8_even_where_its_bytes_look_like_utf16() {
        // "<?xml..." with a NUL after every character: valid UTF-8 text with NULs, which
        // libxml2's own detection would read as UTF-16LE, a valid document.
        let utf16ish: String = "<?xml version=\"1.0\"?><a/>"
            .chars()
            .flat_map(|c| [c, '\0'])
            .collect();
        let v = parse(&utf16ish).err().expect("NUL is not an XML character");
        assert_eq!(v.code, Code::XmlMalformed);
    }

    #[test]
    fn findings_are_capped_only_above_the_budget() {
        let text = "<a><b/></a>";
        let found = |n: usize| -> Vec<Found> {
            (0..n)
                .map(|_| Found::new(Code::XsdValue, "/a/b", "bad"))
                .collect()
        };
        let at = positioned(text, found(MAX_VIOLATIONS));
        assert_eq!(at.len(), MAX_VIOLATIONS);
        assert!(at.iter().all(|v| v.code == Code::XsdValue));
        assert_eq!((at[0].line, at[0].column), (Some(1), Some(4)));
        let over = positioned(text, found(MAX_VIOLATIONS + 1));
        assert_eq!(over.len(), MAX_VIOLATIONS + 1);
        assert_eq!(over.last().map(|v| v.code), Some(Code::XmlLimit));
    }
}
