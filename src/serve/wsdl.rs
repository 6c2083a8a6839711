//! The service's metadata, served as WCF serves it: `GET Relation.svc?wsdl` (the WSDL, its
//! types imported from `?xsd=xsd0` and `?xsd=xsd1`), `?singleWsdl` (one document, both
//! schemas inlined), and the two schemas themselves. The query is matched without regard
//! to case, as WCF matches it.
//!
//! The WSDL is `schemas/Services85-Relation.wsdl`, written by this project from the contract
//! table and compiled in; the schemas are the very texts the validator compiles
//! ([`crate::schema::schemas`]). Every URL in them (`soap:address`, the `schemaLocation`s)
//! is rewritten to the URL the request came in on: `http://`, the request's authority (its
//! `Host` header), and the path as the client wrote it.

use super::plain;
use crate::contract::Contract;
use crate::schema::versions::Role;
use crate::text::escape::escape;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::http::request::Parts;
use hyper::{Response, StatusCode};

/// The WSDL as written in `schemas/`, with [`PLACEHOLDER`] where the service's URL goes.
pub const WSDL: &str = include_str!("../../schemas/Services85-Relation.wsdl");

/// The URL the WSDL file names the service by (`soap:address`, and with `?xsd=...` the
/// `schemaLocation`s); each use stands inside an attribute value, right after its quote.
pub const PLACEHOLDER: &str = "http://localhost/Remote/Services85/Relation.svc";

/// The schema `?xsd=xsd0` serves (the payload namespace).
const XSD0: &str = "services85.xsd";
/// The schema `?xsd=xsd1` serves (the serialization namespace).
const XSD1: &str = "serialization.xsd";

/// The one place one embedded schema names the other: services85.xsd's `xs:import`.
const IMPORT_LOCATION: &str = "schemaLocation=\"serialization.xsd\"";

/// What a metadata GET asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metadata {
    /// `?wsdl`: the WSDL, its types imported from `?xsd=xsd0` and `?xsd=xsd1`.
    Wsdl,
    /// `?singleWsdl`: the WSDL with both schemas inlined in `wsdl:types`.
    SingleWsdl,
    /// `?xsd=xsd0`: the payload schema (services85.xsd).
    Xsd0,
    /// `?xsd=xsd1`: the serialization schema (serialization.xsd).
    Xsd1,
}

impl Metadata {
    /// The document a query asks for (`wsdl`, `singleWsdl`, `xsd=xsd0`, `xsd=xsd1`, in any
    /// case); `None` for any other query.
    pub fn from_query(query: &str) -> Option<Metadata> {
        [
            ("wsdl", Metadata::Wsdl),
            ("singlewsdl", Metadata::SingleWsdl),
            ("xsd=xsd0", Metadata::Xsd0),
            ("xsd=xsd1", Metadata::Xsd1),
        ]
        .into_iter()
        .find(|(q, _)| q.eq_ignore_ascii_case(query))
        .map(|(_, m)| m)
    }
}

/// An embedded schema's text by file name ("" if it were missing: the unit tests show
/// both are there).
fn schema(name: &str) -> &'static str {
    crate::schema::schemas()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, text)| text)
}

/// `text` without its XML declaration (and the line break after it).
fn without_declaration(text: &str) -> &str {
    match text
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
    {
        Some((_, rest)) => rest.trim_start_matches(['\r', '\n']),
        None => text,
    }
}

/// Puts `url` where the WSDL's attribute values name [`PLACEHOLDER`].
fn with_url(text: &str, url: &str) -> String {
    text.replace(&format!("\"{PLACEHOLDER}"), &format!("\"{}", escape(url)))
}

/// The document `what`, every URL in it naming the service at `url` (e.g.
/// `http://host:8080/Remote/Services85/Relation.svc`, no query).
pub fn document(what: Metadata, url: &str) -> String {
    match what {
        Metadata::Wsdl => with_url(WSDL, url),
        Metadata::SingleWsdl => with_url(&single_wsdl(), url),
        Metadata::Xsd0 => schema(XSD0).replacen(
            IMPORT_LOCATION,
            &format!("schemaLocation=\"{}?xsd=xsd1\"", escape(url)),
            1,
        ),
        Metadata::Xsd1 => schema(XSD1).to_string(),
    }
}

/// The document `what` of a contract version's endpoint: for Services85 [`document`]; for
/// the others the same WSDL with the version's namespace (the versions differ only in
/// their types), and the version's payload schema (`crate::schema::versions`) at
/// `?xsd=xsd0` and inlined in `?singleWsdl`.
pub fn document_as(contract: Contract, what: Metadata, url: &str) -> String {
    if contract == Contract::Services85 {
        return document(what, url);
    }
    let xsd0 = crate::schema::versions::text(contract, Role::Payload);
    let renamed = |s: String| s.replace(Contract::Services85.namespace(), contract.namespace());
    match what {
        Metadata::Wsdl => renamed(with_url(WSDL, url)),
        Metadata::SingleWsdl => renamed(with_url(&single_wsdl_with(&xsd0), url)),
        Metadata::Xsd0 => xsd0.replacen(
            IMPORT_LOCATION,
            &format!("schemaLocation=\"{}?xsd=xsd1\"", escape(url)),
            1,
        ),
        Metadata::Xsd1 => schema(XSD1).to_string(),
    }
}

/// The contract version whose endpoint path a request path ends with (any case);
/// Services85 for any other path.
pub fn contract_of_path(path: &str) -> Contract {
    let lower = path.to_ascii_lowercase();
    Contract::ALL
        .into_iter()
        .find(|c| lower.ends_with(&c.endpoint_path().to_ascii_lowercase()))
        .unwrap_or(Contract::Services85)
}

/// The WSDL with the content of `wsdl:types` replaced by both schemas, each without its
/// XML declaration; services85.xsd's import of the serialization namespace then names no
/// location (the schema is right beside it), as in WCF's single WSDL.
fn single_wsdl() -> String {
    single_wsdl_with(schema(XSD0))
}

/// [`single_wsdl`] with `xsd0` as the payload schema.
fn single_wsdl_with(xsd0: &str) -> String {
    const OPEN: &str = "<wsdl:types>";
    const CLOSE: &str = "</wsdl:types>";
    let (Some(start), Some(end)) = (WSDL.find(OPEN), WSDL.find(CLOSE)) else {
        return WSDL.to_string();
    };
    let start = start + OPEN.len();
    let mut out = String::with_capacity(WSDL.len() + xsd0.len() + schema(XSD1).len());
    out.push_str(&WSDL[..start]);
    out.push('\n');
    out.push_str(&without_declaration(xsd0).replacen(&format!(" {IMPORT_LOCATION}"), "", 1));
    out.push_str(without_declaration(schema(XSD1)));
    out.push_str("  ");
    out.push_str(&WSDL[end..]);
    out
}

/// Whether `authority` is a plain `host[:port]` (a name, an IPv4 address or a bracketed IPv6
/// address): nothing that could change the meaning of the URL it goes into.
fn is_authority(authority: &str) -> bool {
    let host_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, port)) => {
                if v6.is_empty()
                    || !v6
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
                {
                    return false;
                }
                (None, port)
            }
            None => return false,
        },
        None => match authority.find(':') {
            Some(i) => (Some(&authority[..i]), &authority[i..]),
            None => (Some(authority), ""),
        },
    };
    let host_ok = host.is_none_or(|h| !h.is_empty() && h.chars().all(host_char));
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    authority.len() <= 260 && host_ok && port_ok
}

/// The answer to a GET of the service path: `None` when the query asks for no metadata
/// (the caller answers 405 as to any other GET); 400 when the request names no usable
/// authority (no `Host`, or one that is not `host[:port]`); else 200 with the document.
pub(super) fn answer(parts: &Parts, contract: Contract) -> Option<Response<Full<Bytes>>> {
    let what = Metadata::from_query(parts.uri.query()?)?;
    let authority = match parts.uri.authority() {
        Some(a) => Some(a.as_str()),
        None => parts.headers.get(HOST).and_then(|h| h.to_str().ok()),
    };
    let Some(authority) = authority.filter(|a| is_authority(a)) else {
        return Some(plain(
            StatusCode::BAD_REQUEST,
            "the request names no host (a Host header of host[:port])\n",
        ));
    };
    let url = format!("http://{authority}{}", parts.uri.path());
    let mut r = Response::new(Full::new(Bytes::from(document_as(contract, what, &url))));
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=UTF-8"),
    );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_has_its_own_metadata() {
        const URL88: &str = "http://stub.example/Remote/Services88/Relation.svc";
        let c = contract_of_path("/SO/remote/services88/Relation.svc");
        assert_eq!(c, Contract::Services88);
        assert_eq!(contract_of_path("/elsewhere"), Contract::Services85);
        let wsdl = document_as(c, Metadata::Wsdl, URL88);
        assert!(!wsdl.contains(Contract::Services85.namespace()));
        assert!(wsdl.contains(&Contract::Services88.action_prefix().to_string()));
        assert!(wsdl.contains(&format!("\"{URL88}?xsd=xsd0\"")));
        let xsd0 = document_as(c, Metadata::Xsd0, URL88);
        assert!(
            xsd0.contains("name=\"ExtraFields\"") && xsd0.contains(&format!("{URL88}?xsd=xsd1"))
        );
        let single = document_as(c, Metadata::SingleWsdl, URL88);
        assert!(
            single.contains("name=\"StringDictionary\"") && !single.contains("schemaLocation=")
        );
        assert_eq!(
            document_as(Contract::Services85, Metadata::Wsdl, URL),
            document(Metadata::Wsdl, URL)
        );
    }

    const URL: &str = "http://stub.example:8080/SO/Remote/Services85/Relation.svc";

    #[test]
    fn queries_in_any_case() {
        for (q, m) in [
            ("wsdl", Some(Metadata::Wsdl)),
            ("WSDL", Some(Metadata::Wsdl)),
            ("singleWsdl", Some(Metadata::SingleWsdl)),
            ("singlewsdl", Some(Metadata::SingleWsdl)),
            ("xsd=xsd0", Some(Metadata::Xsd0)),
            ("XSD=XSD0", Some(Metadata::Xsd0)),
            ("xsd=xsd1", Some(Metadata::Xsd1)),
            ("xsd=xsd2", None),
            ("wsdl&x", None),
            ("", None),
        ] {
            assert_eq!(Metadata::from_query(q), m, "{q}");
        }
    }

    #[test]
    fn the_placeholder_stands_in_three_attribute_values() {
        assert_eq!(WSDL.matches(PLACEHOLDER).count(), 3);
        assert_eq!(WSDL.matches(&format!("\"{PLACEHOLDER}")).count(), 3);
        let wsdl = document(Metadata::Wsdl, URL);
        assert!(!wsdl.contains(PLACEHOLDER));
        assert!(wsdl.contains(&format!("<soap:address location=\"{URL}\" />")));
        assert!(wsdl.contains(&format!("schemaLocation=\"{URL}?xsd=xsd0\"")));
        assert!(wsdl.contains(&format!("schemaLocation=\"{URL}?xsd=xsd1\"")));
    }

    #[test]
    fn the_schemas_are_the_validators_and_name_each_other_by_url() {
        assert_eq!(schema(XSD0).matches(IMPORT_LOCATION).count(), 1);
        assert!(!schema(XSD1).contains("schemaLocation"));
        let xsd0 = document(Metadata::Xsd0, URL);
        assert_eq!(
            xsd0,
            schema(XSD0).replace(
                IMPORT_LOCATION,
                &format!("schemaLocation=\"{URL}?xsd=xsd1\"")
            )
        );
        assert_ne!(xsd0, schema(XSD0));
        assert_eq!(document(Metadata::Xsd1, URL), schema(XSD1));
        assert!(schema(XSD1).contains("http://schemas.microsoft.com/2003/10/Serialization/"));
    }

    #[test]
    fn the_single_wsdl_inlines_both_schemas_and_imports_nothing_by_location() {
        let single = document(Metadata::SingleWsdl, URL);
        // (The WSDL's leading comment speaks of `?xsd=xsd0`; no attribute names it.)
        assert!(!single.contains("schemaLocation="), "{single}");
        assert!(!single.contains("<xsd:import"));
        assert!(!single.contains(PLACEHOLDER));
        assert_eq!(single.matches("<?xml").count(), 1);
        assert!(single.contains(without_declaration(schema(XSD1))));
        let xsd0 = without_declaration(schema(XSD0));
        assert!(xsd0.starts_with("<xs:schema"));
        assert!(single.contains(&xsd0.replace(&format!(" {IMPORT_LOCATION}"), "")));
        assert!(single.contains(&format!("<soap:address location=\"{URL}\" />")));
    }

    #[test]
    fn urls_are_escaped_and_authorities_checked() {
        assert!(document(Metadata::Wsdl, "http://h/a&b").contains("location=\"http://h/a&amp;b\""));
        for ok in [
            "localhost",
            "127.0.0.1:8080",
            "[::1]:80",
            "stub-1.example_x",
            "[::1]",
        ] {
            assert!(is_authority(ok), "{ok}");
        }
        for bad in [
            "", ":80", "h:", "h:123456", "h:8a", "a\"b", "a/b", "a b", "[::1", "[]", "[g::1]",
            "h@x", "[::1]x",
        ] {
            assert!(!is_authority(bad), "{bad}");
        }
    }
}
