//! libxml2's schema errors to stable codes and sentences: each error's code and words are
//! classified, refined with the content models where libxml2 says only "not expected", and
//! held to one finding of the value family per element.

#![forbid(unsafe_code)]

use super::blocks;
use super::ffi::loader::{ATTRIBUTE, NIL_WITH_CONTENT, NOT_DECLARED, NOT_NILLABLE, XSI_TYPE};
use super::ffi::{self, Content, Node, SchemaError};
use super::found::{ns_words, path_of, Found};
use super::models::Models;
use crate::contract::{versions, Contract, Profile, NS_XSI};
use crate::violation::Code;
use std::borrow::Cow;
use std::collections::HashMap;

/// One classified error, before the value family is held to one finding per element.
struct Item<'doc> {
    node: Option<Node<'doc>>,
    code: Code,
    message: String,
    line: Option<u32>,
    enum_detail: Option<String>,
}

/// What the classification of one error needs to know besides the error.
struct Ctx<'a> {
    env_ns: &'a str,
    models: &'a Models,
    profile: Profile,
}

/// The findings of libxml2's errors, in their order, one per code and path.
pub fn map_errors(
    raw: Vec<SchemaError<'_>>,
    env_ns: &str,
    models: &Models,
    profile: Profile,
) -> Vec<Found> {
    let ctx = Ctx {
        env_ns,
        models,
        profile,
    };
    let items: Vec<Item<'_>> = raw.iter().filter_map(|e| item(e, &ctx)).collect();
    one_per_element(&items)
}

/// Classifies one error; `None` for what is no finding (a warning, whitespace libxml2 2.9
/// refuses wrongly) or what `blocks` reports instead (a SOAP attribute on a header block, a
/// block of the contract's name in another namespace).
fn item<'doc>(e: &SchemaError<'doc>, ctx: &Ctx<'_>) -> Option<Item<'doc>> {
    if e.warning {
        return None;
    }
    let node = e.node;
    if only_uncollapsed_whitespace(node, &e.message) {
        return None;
    }
    // SOAP's own attributes on a header block are checked once, for every block, by
    // `blocks` (libxml2 validates their values on foreign blocks only, and calls them not
    // allowed on the contract's own, whose types have no attributes).
    let soap_attribute = e
        .message
        .contains(&format!("attribute '{{{}}}", ctx.env_ns));
    if soap_attribute && node.is_some_and(|n| is_header_block(n, ctx.env_ns)) {
        return None;
    }
    let words = clean(detail(&e.message));
    let local = node.map_or_else(
        || String::from("the document"),
        |n| n.local_name().into_owned(),
    );
    let (code, message) = match value_family(e.code, &words, &local) {
        Some((code @ Code::XsdList, message)) => {
            let hint = node.map(|n| flag_version(n, ctx.models.contract()));
            (code, message + &hint.unwrap_or_default())
        }
        Some(found) => found,
        None => content_family(e, node, &words, &local, ctx)?,
    };
    let enum_detail = (code == Code::XsdEnum).then(|| message.clone());
    Some(Item {
        node,
        code,
        message,
        // libxml2's line of the error, else of its element (used only where the element's
        // start tag is not found in the text). Mutants of the `> 0` are equivalent: libxml2
        // reports every error of a tree's validation with its node, whose start tag the
        // index in `validate::positioned` finds, so this line is never read for them (the
        // `one` helper of tests/schema.rs asserts each finding's line and column).
        line: u32::try_from(e.line)
            .ok()
            .filter(|l| *l > 0)
            .or_else(|| node.and_then(Node::line)),
        enum_detail,
    })
}

/// Nil, xsi:type, enumeration, list and value errors.
fn value_family(code: i32, words: &str, local: &str) -> Option<(Code, String)> {
    Some(if code == NOT_NILLABLE {
        (
            Code::XsdNil,
            format!("{local} is xsi:nil, but it is not nillable: leave it out or give it a value"),
        )
    } else if code == NIL_WITH_CONTENT {
        (
            Code::XsdNilContent,
            format!("{local} is xsi:nil=\"true\" but has content: a nil element must be empty"),
        )
    } else if XSI_TYPE.contains(&code) || words.contains("specified by xsi:type") {
        (
            Code::XsdType,
            format!("{local}: the xsi:type contradicts the declared type: {words}"),
        )
    } else if words.contains("[facet 'enumeration']") {
        let w = words.replace("[facet 'enumeration'] ", "");
        (Code::XsdEnum, format!("{local}: {w}"))
    } else if words.contains("of the list type") {
        (Code::XsdList, format!("{local}: {words}"))
    } else if words.contains("is not a valid value of") || words.contains("[facet") {
        let hint = range_hint(words);
        (
            Code::XsdValue,
            format!("{local}: {}{hint}", words.trim_end_matches('.')),
        )
    } else {
        return None;
    })
}

/// Content-model, text and attribute errors (and the rest, as `xsd.other`); `None` for a
/// block of the contract's name in another namespace (`blocks` reports it).
fn content_family(
    e: &SchemaError<'_>,
    node: Option<Node<'_>>,
    words: &str,
    local: &str,
    ctx: &Ctx<'_>,
) -> Option<(Code, String)> {
    Some(
        if words.contains("This element is not expected") || e.code == NOT_DECLARED {
            // A block of the contract's name in another namespace: `blocks` says so.
            if node.is_some_and(|n| blocks::is_near_miss(n, ctx.env_ns, ctx.models.contract())) {
                return None;
            }
            match node {
                None => (Code::XsdUnexpected, words.to_string()),
                Some(n) => not_expected(n, words, ctx.env_ns, ctx.models),
            }
        } else if words.contains("Missing child element") {
            let is_body = node
                .is_some_and(|n| local == "Body" && n.namespace().as_deref() == Some(ctx.env_ns));
            if is_body {
                (
                    Code::SoapBodyContent,
                    "Body is empty: it must hold exactly one operation element or a Fault"
                        .to_string(),
                )
            } else {
                let expected = expected_part(words).unwrap_or_default();
                (
                    Code::XsdMissing,
                    format!("{local} is missing a required child element; expected {expected}"),
                )
            }
        } else if words.contains("content type is empty")
            && ctx.profile == Profile::Documented
            && node.is_some_and(only_whitespace_text)
        {
            (
                Code::DocWhitespaceInEmpty,
                format!(
                    "documentation defect: {local} holds whitespace, but its content must be empty \
                     (XSD 1.0 allows not even a line break there); the documentation's example \
                     has it, the service writes <{local}/>"
                ),
            )
        } else if words.contains("Character content") {
            (
                Code::XsdText,
                format!("{local} may not hold text here: {words}"),
            )
        } else if words.contains("Element content is not allowed") {
            (
                Code::XsdUnexpected,
                format!("{local} may not hold child elements: {words}"),
            )
        } else if ATTRIBUTE.contains(&e.code) {
            (Code::XsdAttribute, format!("{local}: {words}"))
        } else {
            (Code::XsdOther, format!("{local}: {words}"))
        },
    )
}

/// Whether `n` stands in a SOAP Header (or loose under Envelope).
fn is_header_block(n: Node<'_>, env_ns: &str) -> bool {
    n.parent().is_some_and(|p| {
        p.namespace().as_deref() == Some(env_ns)
            && matches!(p.local_name().as_ref(), "Header" | "Envelope")
    })
}

/// One finding of the value family per element (the most specific); the list finding
/// names its bad item; one finding per code and path.
fn one_per_element(items: &[Item<'_>]) -> Vec<Found> {
    let mut best: HashMap<Option<Node<'_>>, (u8, usize)> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(rank) = value_rank(it.code) {
            let entry = best.entry(it.node).or_insert((rank, i));
            if rank > entry.0 {
                *entry = (rank, i);
            }
        }
    }
    let mut out: Vec<Found> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if value_rank(it.code).is_some() && best.get(&it.node).map(|b| b.1) != Some(i) {
            continue;
        }
        let mut message = it.message.clone();
        if it.code == Code::XsdList {
            if let Some(d) = items
                .iter()
                .filter(|o| o.node == it.node)
                .find_map(|o| o.enum_detail.as_ref())
            {
                let item = d.split_once(": ").map_or(d.as_str(), |x| x.1);
                message = format!(
                    "{} ({})",
                    message.trim_end_matches('.'),
                    item.trim_end_matches('.')
                );
            }
        }
        let path = it.node.map(path_of).unwrap_or_default();
        if out.iter().any(|f| f.code == it.code && f.path == path) {
            continue;
        }
        out.push(Found {
            code: it.code,
            path,
            message,
            line: it.line,
        });
    }
    out
}

/// Refines "This element is not expected" (and "no matching global declaration"):
/// a known name in the wrong namespace, a member out of sequence, a member whose required
/// predecessor is missing, a second element in Body, or a name not declared here at all.
fn not_expected(node: Node<'_>, words: &str, env_ns: &str, models: &Models) -> (Code, String) {
    let local = node.local_name();
    let ns = node.namespace();
    let parent = node.parent();
    let parent_local = parent.map(|p| p.local_name()).unwrap_or_default();
    let parent_ns = parent.and_then(|p| p.namespace());
    let expected = expected_part(words)
        .map(|e| format!("; expected {e}"))
        .unwrap_or_default();

    let in_header = parent_local == "Header" && parent_ns.as_deref() == Some(env_ns);
    let contract = models.contract();
    let payload_ns = contract.namespace();
    if ns.as_deref() != Some(payload_ns) && models.is_services85_name(&local) && !in_header {
        return (
            Code::XsdNamespace,
            format!(
                "{local} is in {}, but the contract declares {local} in the {contract} namespace ({payload_ns}){expected}",
                ns_words(ns.as_deref())
            ),
        );
    }
    // The element siblings before this one, in document order.
    let mut earlier: Vec<Node<'_>> = node.preceding().collect();
    earlier.reverse();
    if parent_local == "Body" && parent_ns.as_deref() == Some(env_ns) {
        if let Some(first) = earlier.first() {
            return (
                Code::SoapBodyContent,
                format!(
                    "Body holds more than one element ({local} follows {}): it must hold exactly one operation element or a Fault",
                    first.local_name()
                ),
            );
        }
        // Body must hold one operation element or a Fault: anything else is the envelope's
        // finding (as the decoder reports it), not a payload member out of place.
        return (
            Code::SoapBodyContent,
            format!(
                "{local} ({}) is not an operation element of the Relation agent (nor a Fault){expected}",
                ns_words(ns.as_deref())
            ),
        );
    }
    if let Some(parent) = parent {
        if let Some(found) = out_of_sequence(parent, &local, &ns, &earlier, &expected, models) {
            return found;
        }
    }
    (
        Code::XsdUnexpected,
        format!(
            "{local} ({}) is not declared in {}{expected}{}",
            ns_words(ns.as_deref()),
            if parent.is_some() {
                parent_local.as_ref()
            } else {
                "the schema"
            },
            other_version(contract, &parent_local, &local)
        ),
    )
}

/// When a flag of a `Mask` is one another version of the contract has: the words that
/// say which version does, and which one was applied.
fn flag_version(mask: Node<'_>, contract: Contract) -> String {
    let owner = match mask.parent().map(|p| p.local_name()).as_deref() {
        Some("TableRight") => "ETableRight",
        Some("FieldRight") => "EFieldRight",
        _ => return String::new(),
    };
    let text: String = mask
        .content()
        .filter_map(|c| match c {
            super::ffi::Content::Text(t) => Some(t.into_owned()),
            _ => None,
        })
        .collect();
    let has = |c: Contract, v: &str| versions::values(c, owner).is_some_and(|vs| vs.contains(&v));
    for item in text.split_ascii_whitespace() {
        if has(contract, item) {
            continue;
        }
        if let Some(first) = Contract::ALL.into_iter().find(|c| has(*c, item)) {
            return format!(
                " (the contract applied is {contract}; {owner} has {item} from {first} on)"
            );
        }
    }
    String::new()
}

/// When another version of the contract has `local` as a member of `parent`'s type: the
/// words that say which versions do, and which one was applied.
fn other_version(contract: Contract, parent: &str, local: &str) -> String {
    let owner = match parent {
        "CreatedBy" | "UpdatedBy" | "Associate" => "Associate",
        _ => return String::new(),
    };
    let has = |c: Contract| {
        versions::members(c, owner).is_some_and(|m| m.iter().any(|m| m.name == local))
    };
    match Contract::ALL.into_iter().find(|c| has(*c)) {
        Some(first) if !has(contract) => {
            format!(" (the contract applied is {contract}; {owner} has {local} from {first} on)")
        }
        _ => String::new(),
    }
}

/// A member of the parent's type in the wrong place: again, out of order, or too early (a
/// required member before it is missing). `None` when no type of the parent has the member.
fn out_of_sequence(
    parent: Node<'_>,
    local: &str,
    ns: &Option<Cow<'_, str>>,
    earlier: &[Node<'_>],
    expected: &str,
    models: &Models,
) -> Option<(Code, String)> {
    let parent_local = parent.local_name();
    let mut types: Vec<String> = models
        .types_of(&parent_local)
        .into_iter()
        .map(str::to_string)
        .collect();
    if let Some(t) = parent.attribute(NS_XSI, "type") {
        let t = t.trim();
        types.insert(0, t.rsplit(':').next().unwrap_or(t).to_string());
    }
    for t in &types {
        let seq = models.sequence(t);
        let Some(pos) = seq.iter().position(|m| *m == local) else {
            continue;
        };
        let latest = earlier
            .iter()
            .filter(|p| p.namespace() == *ns)
            .filter_map(|p| {
                let l = p.local_name();
                seq.iter().position(|m| *m == l).map(|i| (i, l))
            })
            .max_by_key(|(i, _)| *i);
        return Some(match latest {
            Some((i, prev)) if i >= pos => (
                Code::XsdOrder,
                if i == pos {
                    format!("{local} appears again in {parent_local}: it may appear only once{expected}")
                } else {
                    format!(
                        "{local} is out of order in {parent_local}: it may not follow {prev} (the sequence puts {local} before {prev}){expected}"
                    )
                },
            ),
            _ => (
                Code::XsdMissing,
                format!(
                    "{local} comes too early in {parent_local}: a required element before it is missing{expected}"
                ),
            ),
        });
    }
    None
}

/// Replaces `{namespace}Local` with `Local` (a `{...}` holding a space or quote, such as an
/// enumeration's value set, is kept).
fn clean(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if !after[..close].contains([' ', '\'', ',']) && after[..close].contains(':') =>
            {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.trim().trim_end_matches('.').to_string() + "."
}

/// libxml2's words after the `Element 'X'[, attribute 'Y']: ` prefix.
fn detail(msg: &str) -> &str {
    if msg.starts_with("Element '") {
        if let Some(i) = msg.find("': ") {
            return &msg[i + 3..];
        }
    }
    msg
}

/// The "Expected is ..." part of a content-model error, if any, without the trailing dot.
fn expected_part(msg: &str) -> Option<String> {
    msg.find("Expected is").map(|i| {
        msg[i + "Expected is".len()..]
            .trim()
            .trim_end_matches('.')
            .to_string()
    })
}

/// Rank within the value family (one finding per element): the most specific wins.
fn value_rank(code: Code) -> Option<u8> {
    match code {
        Code::XsdNil => Some(6),
        Code::XsdNilContent => Some(5),
        Code::XsdType => Some(4),
        Code::XsdList => Some(3),
        Code::XsdEnum => Some(2),
        Code::XsdValue => Some(1),
        _ => None,
    }
}

fn range_hint(msg: &str) -> &'static str {
    if msg.contains("'xs:short'") {
        " (xs:short holds whole numbers from -32768 to 32767)"
    } else if msg.contains("'xs:int'") {
        " (xs:int holds whole numbers from -2147483648 to 2147483647)"
    } else if msg.contains("'xs:boolean'") {
        " (xs:boolean is true, false, 1 or 0)"
    } else if msg.contains("'xs:dateTime'") {
        " (xs:dateTime looks like 2021-03-25T21:35:56, optionally with fractions and Z or an offset)"
    } else {
        ""
    }
}

/// Whether an element holds nothing but whitespace text (no child elements; a CDATA
/// section is the text it holds, as `Doc::parse` reads it).
fn only_whitespace_text(node: Node<'_>) -> bool {
    node.content().all(|c| match c {
        Content::Text(s) => s.bytes().all(|b| b.is_ascii_whitespace()),
        _ => false,
    })
}

/// The character data directly inside `n` (its text children, CDATA sections included).
fn text_content(n: Node<'_>) -> String {
    let mut out = String::new();
    for c in n.content() {
        if let Content::Text(s) = c {
            out.push_str(&s);
        }
    }
    out
}

/// libxml2 (2.9) refuses XML whitespace around the values of some built-in types whose
/// `whiteSpace` facet is `collapse` (`xs:int`, `xs:short`, `xs:dateTime`: `" 5 "`; and
/// `xs:QName`, `<faultcode> s:Client </faultcode>`, where it also looks the prefix up
/// with the spaces, "no corresponding namespace declaration in scope"), which XSD (Part
/// 2, 4.3.6) and WCF accept. Such a finding is checked again on the collapsed lexeme with
/// libxml2's own type check, and a QName's prefix must be bound at the element: true when
/// the collapsed value is valid, so the finding was only about the whitespace.
/// (`xs:anyURI` and `xs:boolean` element values have no such gap.)
fn only_uncollapsed_whitespace(node: Option<Node<'_>>, message: &str) -> bool {
    const MARK: &str = "is not a valid value of the atomic type 'xs:";
    const QNAME_SCOPE: &str = "has no corresponding namespace declaration in scope";
    // An attribute's value is not its element's text (and libxml2 collapses attribute
    // values itself): such a finding stands.
    if message.contains("', attribute '") {
        return false;
    }
    let ty = match message.find(MARK) {
        Some(at) => {
            let ty = &message[at + MARK.len()..];
            &ty[..ty.find('\'').unwrap_or(ty.len())]
        }
        None if message.contains(QNAME_SCOPE) => "QName",
        None => return false,
    };
    let Some(node) = node.filter(|_| !ty.is_empty()) else {
        return false;
    };
    let value = text_content(node);
    let collapsed = value.trim_matches([' ', '\t', '\n', '\r']);
    // A shortcut: without whitespace to collapse, libxml2's own check below would say
    // what it said already (so `||` to `&&` is equivalent), and parsed text never holds
    // a NUL, which `is_valid_builtin` could not pass to libxml2.
    if collapsed.len() == value.len() || collapsed.contains('\0') {
        return false;
    }
    ffi::is_valid_builtin(ty, collapsed) && (ty != "QName" || qname_prefix_bound(node, collapsed))
}

/// Whether the prefix of a QName lexeme (none: the default namespace, or none) is bound at
/// `node`.
fn qname_prefix_bound(node: Node<'_>, qname: &str) -> bool {
    qname
        .split_once(':')
        .is_none_or(|(prefix, _)| node.binds_prefix(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::Document;
    use crate::contract::NS_SOAP11;

    /// A SOAP 1.1 fault with this faultcode element and these faultstring attributes: its
    /// findings under the wire profile, as (code, path).
    fn fault(faultcode: &str, faultstring_attributes: &str) -> Vec<(Code, String)> {
        let text = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><s:Fault>{faultcode}\
             <faultstring xml:lang=\"en\"{faultstring_attributes}>x</faultstring>\
             </s:Fault></s:Body></s:Envelope>"
        );
        crate::schema::validate(&Document::from_bytes("t", text.as_bytes()), Profile::Wire)
            .violations
            .into_iter()
            .map(|v| (v.code, v.element))
            .collect()
    }

    const FAULTCODE: &str = "/Envelope/Body/Fault/faultcode";

    #[test]
    fn whitespace_around_a_qname_is_collapsed_and_its_prefix_must_still_be_bound() {
        for code in [
            "<faultcode>s:Client</faultcode>",
            "<faultcode> s:Client </faultcode>",
            "<faultcode>\n\t s:Client\r\n</faultcode>",
            "<faultcode> xml:lang </faultcode>",
            "<faultcode xmlns:a=\"urn:a\"> a:Busy </faultcode>",
            // No prefix: the default namespace (or none) is always in scope.
            "<faultcode> Client </faultcode>",
        ] {
            assert_eq!(fault(code, ""), vec![], "{code}");
        }
        let unbound = vec![
            (Code::XsdOther, FAULTCODE.to_string()),
            (Code::XsdValue, FAULTCODE.to_string()),
        ];
        // An unbound prefix is refused with or without the spaces, the same two ways.
        assert_eq!(fault("<faultcode>q:Client</faultcode>", ""), unbound);
        assert_eq!(fault("<faultcode> q:Client </faultcode>", ""), unbound);
        // Whitespace inside is no QName, collapsed or not.
        assert_eq!(
            fault("<faultcode> s:Cl ient </faultcode>", ""),
            vec![(Code::XsdValue, FAULTCODE.to_string())]
        );
    }

    #[test]
    fn faultstring_skips_attributes_of_other_namespaces_only() {
        assert_eq!(
            fault(
                "<faultcode>s:Client</faultcode>",
                " xmlns:q=\"urn:q\" q:id=\"7\""
            ),
            vec![]
        );
        let refused = vec![(
            Code::XsdAttribute,
            "/Envelope/Body/Fault/faultstring".to_string(),
        )];
        assert_eq!(
            fault("<faultcode>s:Client</faultcode>", " id=\"7\""),
            refused
        );
        assert_eq!(
            fault("<faultcode>s:Client</faultcode>", " s:id=\"7\""),
            refused
        );
    }

    #[test]
    fn clean_drops_namespaces_and_keeps_value_sets() {
        assert_eq!(
            clean("This element is not expected. Expected is ( {urn:a:b}Key, {urn:c}Value )."),
            "This element is not expected. Expected is ( Key, Value )."
        );
        assert_eq!(
            clean("{http://x/y}A{http://z}B"),
            "AB.",
            "each namespace goes whole, and nothing of it stays"
        );
        assert_eq!(
            clean("The value 'X' is not an element of the set {'Select', 'Update'}"),
            "The value 'X' is not an element of the set {'Select', 'Update'}."
        );
        assert_eq!(clean("a { b"), "a { b.");
        // Braces around a word without a colon are no namespace.
        assert_eq!(clean("pattern {abc} here"), "pattern {abc} here.");
    }

    #[test]
    fn detail_is_the_words_after_the_element_prefix() {
        assert_eq!(
            detail("Element '{urn:a}B': This element is not expected."),
            "This element is not expected."
        );
        assert_eq!(
            detail("Element 'B', attribute 'x': The attribute 'x' is not allowed."),
            "The attribute 'x' is not allowed."
        );
        assert_eq!(
            detail("Element 'B' without words"),
            "Element 'B' without words"
        );
        assert_eq!(
            detail("Missing child element(s)."),
            "Missing child element(s)."
        );
    }

    #[test]
    fn expected_part_is_what_follows_expected_is() {
        assert_eq!(
            expected_part("This element is not expected. Expected is ( Key ).").as_deref(),
            Some("( Key )")
        );
        assert_eq!(
            expected_part("Expected is one of ( A, B ).").as_deref(),
            Some("one of ( A, B )")
        );
        assert_eq!(expected_part("This element is not expected."), None);
    }
}
