//! The corpus of the differential test (`tests/differential`): SOAP 1.1 envelopes, valid
//! and not, deterministic from a seed, each judged there by `validate` and by an
//! independent XSD 1.0 validator.
//!
//! Every document starts as a message drawn from the property tests' strategies (requests
//! and responses of the four operations, and faults) and encoded; then one family of
//! change is applied, in turn:
//!
//! - `encoded`: none;
//! - `breaking` / `preserving`: one of [`super::edit`]'s leaf and structure mutations;
//! - `header`: header blocks of other namespaces (with and without `mustUnderstand`), near
//!   misses of the contract's own blocks, SOAP attributes and their values on any block;
//! - `markup`: whitespace-only CDATA between elements, comments, processing instructions,
//!   schema location hints, a DOCTYPE;
//! - `lexical`: other lexemes of numbers, booleans and dates, the XSD whitespace collapse,
//!   and what a careless reader takes for a number (Unicode digits, `1_000`, no-break
//!   spaces);
//! - `fault`: faults with whitespace around the code, attributes on faultstring, actors;
//! - `encoding`: the same text in ISO-8859-1, windows-1252, UTF-16 and UTF-8 with a BOM,
//!   honestly declared or not.

use super::edit;
use super::xml::{add_attribute, splice, Tree};
use crate::codec::encode_to_string;
use crate::contract::{SoapVersion, NS_SERVICES85, NS_XSI};
use crate::model::*;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One document of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    /// A file name: `NNNNN.FAMILY.xml`.
    pub name: String,
    /// The family of change (see the module's documentation).
    pub family: &'static str,
    /// What was done, for a person reading a disagreement.
    pub what: String,
    /// The document's bytes, as written to its file.
    pub bytes: Vec<u8>,
}

/// The families, in the order they take turns.
pub const FAMILIES: &[&str] = &[
    "encoded",
    "breaking",
    "preserving",
    "header",
    "markup",
    "lexical",
    "fault",
    "encoding",
    "breaking",
    "header",
    "lexical",
    "preserving",
];

/// `n` documents, the same for the same `seed`.
pub fn corpus(seed: u64, n: usize) -> Vec<Case> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &key),
    );
    let mut out = Vec::with_capacity(n);
    let mut i = 0usize;
    while out.len() < n {
        let family = FAMILIES[i % FAMILIES.len()];
        i += 1;
        let base = if family == "fault" {
            fault_text(&mut runner)
        } else {
            message_text(&mut runner)
        };
        let Some(base) = base else { continue };
        let Ok(r) = proptest::num::u64::ANY
            .new_tree(&mut runner)
            .map(|t| t.current())
        else {
            continue;
        };
        let text = match family {
            "encoded" => Some(("as encoded".to_string(), base.clone())),
            "breaking" => pick(edit::breaking(&base), r).map(|b| (b.what.to_string(), b.text)),
            "preserving" => {
                pick(edit::preserving(&base, r as usize), r).map(|p| (p.what.to_string(), p.text))
            }
            "header" => header(&base, r),
            "markup" => markup(&base, r),
            "lexical" => lexical(&base, r),
            "fault" => fault(&base, r),
            _ => None,
        };
        let made = match text {
            Some((what, t)) => Some((what, t.into_bytes())),
            None if family == "encoding" => encoding(&base, r),
            None => None,
        };
        if let Some((what, bytes)) = made {
            out.push(Case {
                name: format!("{:05}.{family}.xml", out.len()),
                family,
                what,
                bytes,
            });
        }
    }
    out
}

fn pick<T>(mut v: Vec<T>, r: u64) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    let at = (r % v.len() as u64) as usize;
    Some(v.swap_remove(at))
}

fn choose<'a>(v: &[&'a str], r: u64) -> &'a str {
    v[(r % v.len() as u64) as usize]
}

/// A SOAP 1.1 request or response as the encoder writes it; a request mostly carries a
/// Ticket (else most requests would only show the service's Credentials rule).
fn message_text(runner: &mut TestRunner) -> Option<String> {
    let strategy = (
        proptest::bool::weighted(0.5),
        super::request(proptest::strategy::Just(SoapVersion::V11), in_header()),
        super::response(proptest::strategy::Just(SoapVersion::V11), in_header()),
        proptest::bool::weighted(0.9),
    );
    let (is_request, mut req, resp, with_ticket) = strategy.new_tree(runner).ok()?.current();
    let msg = if is_request {
        if with_ticket {
            req.headers.credentials = Nillable::Value(SoCredentials {
                ticket: Nillable::Value("7T:dGlja2V0".to_string()),
            });
            req.header_placement = HeaderPlacement::InHeader;
        }
        Message::Request(req)
    } else {
        Message::Response(resp)
    };
    encode_to_string(&msg).ok()
}

fn in_header() -> impl Strategy<Value = HeaderPlacement> {
    proptest::strategy::Just(HeaderPlacement::InHeader)
}

/// A SOAP 1.1 fault, with or without actor and detail.
fn fault_text(runner: &mut TestRunner) -> Option<String> {
    let strategy = (
        super::xml_string(),
        proptest::option::of("[a-z]{1,8}"),
        proptest::bool::ANY,
        proptest::sample::select(vec!["Client", "Server", "MustUnderstand"]),
    );
    let (reason, actor, detail, code) = strategy.new_tree(runner).ok()?.current();
    let msg = Message::Fault(Envelope {
        version: SoapVersion::V11,
        header_placement: HeaderPlacement::InHeader,
        headers: ResponseHeaders::default(),
        body: Fault {
            code: FaultCode::soap(SoapVersion::V11, code),
            subcode: None,
            reason,
            node: None,
            role: actor.map(|a| format!("http://example.com/{a}")),
            detail: detail.then(|| {
                // WCF's ExceptionDetail writes nil members the schema has no declaration for.
                format!(
                    "<e:Detail xmlns:e=\"urn:e\" xmlns:i=\"{NS_XSI}\"><e:Code>42</e:Code>\
                     <e:HelpLink i:nil=\"true\"/></e:Detail>"
                )
            }),
        },
    });
    encode_to_string(&msg).ok()
}

/// Text inserted as the first child of `Header` (a `Header` is made when there is none).
fn into_header(text: &str, block: &str) -> Option<String> {
    let t = Tree::parse(text)?;
    if let Some(h) = t.find("/Envelope/Header").filter(|h| h.end.is_some()) {
        let at = h.start.end;
        return Some(splice(text, vec![(at..at, block.to_string())]));
    }
    let env = t.find("/Envelope")?;
    let at = env.start.end;
    Some(splice(
        text,
        vec![(at..at, format!("<s:Header>{block}</s:Header>"))],
    ))
}

const NEAR_MISSES: &[&str] = &[
    "http://www.superoffice.net/ws/crm/NetServer/Services84",
    "http://www.superoffice.net/ws/crm/NetServer/Services85/",
    "http://www.superoffice.net/ws/crm/netserver/services85",
    "urn:other",
];
const OWN_BLOCKS: &[&str] = &[
    "Credentials",
    "ApplicationToken",
    "TimeZone",
    "ExceptionInfo",
    "ExtraInfo",
    "Succeeded",
];
const MU_VALUES: &[&str] = &["0", "1", " 1 ", "2", "yes", "true", "true ", "", "01"];
const ACTORS: &[&str] = &[
    "http://schemas.xmlsoap.org/soap/actor/next",
    "urn:a b",
    "",
    "http://a/%zz",
];
const STYLES: &[&str] = &[
    "http://schemas.xmlsoap.org/soap/encoding/",
    "urn:a urn:b",
    "",
];

fn header(text: &str, r: u64) -> Option<(String, String)> {
    let sub = r % 6;
    let r = r / 6;
    let wsa = "http://www.w3.org/2005/08/addressing";
    match sub {
        0 => {
            let (ns, name) = (choose(NEAR_MISSES, r), choose(OWN_BLOCKS, r / 7));
            let block = format!("<n:{name} xmlns:n=\"{ns}\"/>");
            Some((
                format!("near miss {name} in {ns}"),
                into_header(text, &block)?,
            ))
        }
        1 => {
            let name = choose(OWN_BLOCKS, r);
            let block = format!("<{name}>x</{name}>");
            Some((
                format!("{name} in no namespace"),
                into_header(text, &block)?,
            ))
        }
        2 => {
            let mu = if r.is_multiple_of(3) {
                String::new()
            } else {
                format!(" s:mustUnderstand=\"{}\"", choose(MU_VALUES, r / 3))
            };
            let block =
                format!("<a:To xmlns:a=\"{wsa}\"{mu}>http://example.com/Relation.svc</a:To>");
            Some((format!("WS-Addressing To{mu}"), into_header(text, &block)?))
        }
        _ => {
            // A SOAP attribute on a contract header block (the first one), or on a foreign one.
            let (name, values) = match sub {
                3 => ("mustUnderstand", MU_VALUES),
                4 => ("actor", ACTORS),
                _ => ("encodingStyle", STYLES),
            };
            let value = choose(values, r);
            let attr = format!(" s:{name}=\"{value}\"");
            let t = Tree::parse(text)?;
            let block = t.nodes.iter().find(|n| {
                n.path.starts_with("/Envelope/Header/")
                    && n.parent.is_some_and(|p| t.nodes[p].local == "Header")
            });
            match block.filter(|_| !r.is_multiple_of(4)) {
                Some(b) => Some((
                    format!("{name}={value:?} on {}", b.local),
                    splice(text, vec![add_attribute(text, b, &attr)]),
                )),
                None => {
                    let block = format!("<x:Trace xmlns:x=\"urn:trace\"{attr}/>");
                    Some((
                        format!("{name}={value:?} on a foreign block"),
                        into_header(text, &block)?,
                    ))
                }
            }
        }
    }
}

fn markup(text: &str, r: u64) -> Option<(String, String)> {
    let t = Tree::parse(text)?;
    let body = t.find("/Envelope/Body")?;
    let payload = t.nodes.get(*body.children.first()?)?;
    let env = t.find("/Envelope")?;
    let at_body = body.start.end;
    let insert = |at: usize, s: &str| splice(text, vec![(at..at, s.to_string())]);
    let int_leaf = leaves(&t, |d| d.kind == edit::Kind::Int).into_iter().next();
    let in_value = |what: &str| -> Option<String> {
        let c = t.nodes[int_leaf?].content()?;
        Some(splice(text, vec![(c, what.to_string())]))
    };
    Some(match r % 12 {
        8 => ("character references to whitespace between elements".into(), insert(at_body, "&#x20;&#10;")),
        9 => ("a comment inside a number".into(), in_value("4<!-- c -->2")?),
        10 => ("CDATA and text making one number".into(), in_value("<![CDATA[4]]>2")?),
        11 => {
            let i = leaves(&t, |d| d.nillable).into_iter().nth((r / 12) as usize % 3)?;
            let n = &t.nodes[i];
            let nil = format!(" xmlns:xn=\"{NS_XSI}\" xn:nil=\" true \"");
            let c = n.content()?;
            (
                format!("xsi:nil=\" true \" on {}", n.local),
                splice(text, vec![add_attribute(text, n, &nil), (c, String::new())]),
            )
        }
        0 => ("whitespace-only CDATA between elements".into(), insert(at_body, "<![CDATA[ \n ]]>")),
        1 => ("a comment between elements".into(), insert(at_body, "<!-- c -->")),
        2 => ("a processing instruction".into(), insert(at_body, "<?trace on?>")),
        3 => (
            "xsi:schemaLocation on the payload".into(),
            splice(
                text,
                vec![add_attribute(
                    text,
                    payload,
                    &format!(" xmlns:xi=\"{NS_XSI}\" xi:schemaLocation=\"{NS_SERVICES85} services85.xsd\""),
                )],
            ),
        ),
        4 => (
            "xsi:noNamespaceSchemaLocation on the envelope".into(),
            splice(
                text,
                vec![add_attribute(
                    text,
                    env,
                    &format!(" xmlns:xj=\"{NS_XSI}\" xj:noNamespaceSchemaLocation=\"envelope.xsd\""),
                )],
            ),
        ),
        5 => {
            let (decl, rest) = split_declaration(text);
            ("a DOCTYPE".into(), format!("{decl}<!DOCTYPE Envelope>{rest}"))
        }
        6 => ("text in Body".into(), insert(at_body, "x")),
        _ => ("whitespace-only CDATA in Header".into(), into_header(text, "<![CDATA[\t]]>")?),
    })
}

/// The leaves (elements holding text) of the payload whose declaration `keep` takes.
fn leaves(t: &Tree, keep: impl Fn(&edit::Declared) -> bool) -> Vec<usize> {
    let decls = edit::declared(t);
    (0..t.nodes.len())
        .filter(|&i| t.is_leaf(i) && decls[i].as_ref().is_some_and(&keep))
        .collect()
}

/// Lexemes for the simple types, each written where the contract has that type.
const INTS: &[&str] = &[
    "+5",
    "007",
    "-0",
    " 5 ",
    "\t5\n",
    "5 6",
    "5.0",
    "",
    "2147483648",
    "-2147483649",
    "\u{661}\u{662}",
    "\u{ff14}\u{ff12}",
    "1_000",
    "\u{a0}5",
    "5\u{a0}",
    "0x10",
    "1e3",
];
const SHORTS: &[&str] = &["32767", "32768", "-32769", " -1 ", "+0", "\u{666}"];
const BOOLS: &[&str] = &["1", "0", " true ", "True", "yes", "", "\u{a0}true"];
const DATES: &[&str] = &[
    "2024-02-29T00:00:00",
    "2023-02-29T00:00:00",
    "2024-01-01T24:00:00",
    "-0001-01-01T00:00:00",
    "0000-01-01T00:00:00",
    "2024-01-01T00:00:00+14:00",
    "2024-01-01T00:00:00+15:00",
    "2024-01-01T00:00:60",
    "2024-01-01T00:00:00.",
    " 2024-01-01T00:00:00Z ",
    "2024-1-01T00:00:00",
    "\u{662}024-01-01T00:00:00",
];

fn lexical(text: &str, r: u64) -> Option<(String, String)> {
    let t = Tree::parse(text)?;
    let decls = edit::declared(&t);
    let mut sites = Vec::new();
    for (i, d) in decls.iter().enumerate() {
        let Some(d) = d else { continue };
        let values = match d.kind {
            edit::Kind::Int => INTS,
            edit::Kind::Short => SHORTS,
            edit::Kind::Boolean => BOOLS,
            edit::Kind::DateTime => DATES,
            _ => continue,
        };
        if t.is_leaf(i) {
            sites.push((i, values));
        }
    }
    let (i, values) = pick(sites, r)?;
    let n = &t.nodes[i];
    let value = choose(values, r / 7);
    let content = n.content()?;
    Some((
        format!("{} = {value:?}", n.local),
        splice(text, vec![(content, value.to_string())]),
    ))
}

fn fault(text: &str, r: u64) -> Option<(String, String)> {
    let t = Tree::parse(text)?;
    let code = t.nodes.iter().find(|n| n.local == "faultcode")?;
    let string = t.nodes.iter().find(|n| n.local == "faultstring")?;
    Some(match r % 5 {
        0 => ("as encoded".into(), text.to_string()),
        1 => {
            let c = code.content()?;
            let v = format!(" {} ", &text[c.clone()]);
            (
                "whitespace around faultcode".into(),
                splice(text, vec![(c, v)]),
            )
        }
        2 => (
            "a foreign attribute on faultstring".into(),
            splice(
                text,
                vec![add_attribute(text, string, " xmlns:f=\"urn:f\" f:id=\"7\"")],
            ),
        ),
        3 => (
            "xml:lang on faultstring".into(),
            splice(
                text,
                vec![add_attribute(text, string, " xml:lang=\"en-US\"")],
            ),
        ),
        _ => {
            let c = code.content()?;
            (
                "an unbound faultcode prefix".into(),
                splice(text, vec![(c, "q:Client".into())]),
            )
        }
    })
}

fn encoding(text: &str, r: u64) -> Option<(String, Vec<u8>)> {
    let decl = |enc: &str| format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>");
    let t = Tree::parse(text)?;
    // A Latin-1 letter in the text, so that the bytes tell the encodings apart.
    let leaf = t
        .nodes
        .iter()
        .enumerate()
        .find(|(i, n)| {
            t.is_leaf(*i)
                && edit::declared(&t)[*i].is_some_and(|d| d.kind == edit::Kind::String)
                && n.content().is_some()
        })
        .map(|(_, n)| n);
    let text = match leaf.and_then(|n| n.content()) {
        Some(c) => splice(text, vec![(c, "bl\u{e5}b\u{e6}r".to_string())]),
        None => text.to_string(),
    };
    // The encoder's own declaration goes: each variant writes the one it shows.
    let text = split_declaration(&text).1;
    let utf16 = |s: &str, le: bool| -> Vec<u8> {
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in s.encode_utf16() {
            out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        out
    };
    let bom8 = |s: &str| [&[0xEF, 0xBB, 0xBF][..], s.as_bytes()].concat();
    Some(match r % 12 {
        10 => (
            "UTF-8 with a BOM, declared ISO-8859-1".into(),
            bom8(&format!("{}{text}", decl("ISO-8859-1"))),
        ),
        11 => (
            "UTF-16LE with a BOM, declared UTF-16LE".into(),
            utf16(&format!("{}{text}", decl("UTF-16LE")), true),
        ),
        0 => (
            "ISO-8859-1, declared".into(),
            latin1(&format!("{}{text}", decl("ISO-8859-1")))?,
        ),
        1 => (
            "windows-1252, declared".into(),
            latin1(&format!("{}{text}", decl("windows-1252")))?,
        ),
        2 => (
            "ISO-8859-1 bytes, declared UTF-8".into(),
            latin1(&format!("{}{text}", decl("UTF-8")))?,
        ),
        3 => (
            "UTF-16LE with a BOM, declared utf-16".into(),
            utf16(&format!("{}{text}", decl("utf-16")), true),
        ),
        4 => (
            "UTF-16BE with a BOM, no declaration".into(),
            utf16(text, false),
        ),
        5 => (
            "UTF-8 with a BOM, declared utf-8".into(),
            bom8(&format!("{}{text}", decl("utf-8"))),
        ),
        6 => (
            "UTF-8 with a BOM, declared utf-16".into(),
            bom8(&format!("{}{text}", decl("utf-16"))),
        ),
        7 => (
            "UTF-8 without a BOM, declared utf-16".into(),
            format!("{}{text}", decl("utf-16")).into_bytes(),
        ),
        8 => (
            "UTF-16LE with a BOM, declared ISO-8859-1".into(),
            utf16(&format!("{}{text}", decl("ISO-8859-1")), true),
        ),
        _ => (
            "ISO-8859-15, declared".into(),
            latin1(&format!("{}{text}", decl("ISO-8859-15")))?,
        ),
    })
}

/// The XML declaration the text starts with (or nothing), and the rest.
fn split_declaration(text: &str) -> (&str, &str) {
    match text.find("?>").filter(|_| text.starts_with("<?xml")) {
        Some(end) => text.split_at(end + 2),
        None => ("", text),
    }
}

/// The text as one byte a character, a character above U+00FF as a character reference
/// (the text is the encoder's: no CDATA, no character outside text and attribute values
/// above ASCII).
fn latin1(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            // 0x80..0x9F differ between ISO-8859-1 and windows-1252: write them as references.
            Ok(b) if !(0x80..0xA0).contains(&b) => out.push(b),
            _ => out.extend(format!("&#x{:X};", u32::from(c)).bytes()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_the_same_for_a_seed_and_other_for_another() {
        let a = corpus(7, 60);
        let b = corpus(7, 60);
        let c = corpus(8, 60);
        assert_eq!(a.len(), 60);
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.bytes == y.bytes && x.name == y.name));
        assert!(a.iter().zip(&c).any(|(x, y)| x.bytes != y.bytes));
        for family in FAMILIES {
            assert!(a.iter().any(|c| c.family == *family), "{family} is drawn");
        }
    }
}
