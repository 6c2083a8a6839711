//! The strict, namespace-aware decoder: its own tokenizer over the text, recursive descent
//! over the schema, no DOM.
//!
//! - [`tokens`]: the tokenizer (XML 1.0 well-formedness, namespace bindings in scope);
//! - [`reader`]: elements classified by namespace, merged text, element paths and positions;
//! - [`simple`]: the checks every payload element goes through and the simple types;
//! - [`payload`]: the payload types and the Body's wrappers;
//! - [`headers`]: the header blocks;
//! - [`fault`]: SOAP Faults;
//! - here: the envelope.
//!
//! Member order, membership, nillability and declared types come from the contract table
//! ([`crate::contract::table`]). The decoder is as strict about order as the schema: a
//! payload member out of sequence order, or one that appears twice, is an error. A
//! repeated *header block* is not: the envelope schema lets `Header` hold any number of
//! blocks, so each copy is decoded and checked, and the first is kept in the model.

mod fault;
mod headers;
mod payload;
mod reader;
mod simple;
mod tokens;
mod tokens_diff;
#[cfg(test)]
mod tokens_tests;
mod xmlchars;

use crate::contract::{Operation, SoapVersion};
use crate::model::*;
use crate::text::lexical::is_ws;
use crate::text::limits::MAX_DOCUMENT_BYTES;
use crate::violation::Code;
use headers::HeaderSet;
use reader::{Elem, Ns, Parser, Res, Tok};

pub use reader::MAX_DEPTH;

/// What a `Body` holds.
enum Body {
    Request(RequestBody),
    Response(ResponseBody),
    Fault(Fault),
}

/// Decodes a whole document.
pub(crate) fn decode(text: &str) -> Res<Message> {
    decode_versioned(text).map(|(m, _)| m)
}

/// Decodes a whole document, with the contract version its payload's namespace names
/// (the first one seen; Services85 when none is).
pub(crate) fn decode_versioned(text: &str) -> Res<(Message, crate::contract::Contract)> {
    decode_judged(text).map(|d| (d.message, d.contract))
}

/// What the fast verdict engine needs of a decoded document.
pub(crate) struct Judged<'i> {
    /// The message.
    pub message: Message,
    /// The contract version it is read under.
    pub contract: crate::contract::Contract,
    /// Whether the decoder passed over content without judging it (see `Parser::opaque`).
    pub opaque: bool,
    /// Every distinct non-empty namespace name declared, `None` when there were too many
    /// to keep: whether libxml2's URI parser reads each is the engine's to ask.
    pub namespaces: Option<Vec<std::borrow::Cow<'i, str>>>,
}

/// [`decode_versioned`], and whether any content was passed over unjudged.
pub(crate) fn decode_judged(text: &str) -> Res<Judged<'_>> {
    let mut p = Parser::new(text);
    size_limit(&p)?;
    let root = root(&mut p)?;
    let version = match (root.local, root.ns) {
        ("Envelope", Ns::Soap(v)) => v,
        _ => {
            return Err(p.err(
                Code::SoapNotEnvelope,
                root.pos,
                format!(
                    "the root element `{}` is not a SOAP 1.1 or 1.2 Envelope",
                    root.local
                ),
            ))
        }
    };
    let mut headers = HeaderSet::default();
    let (placement, body) = envelope(&mut p, &root, version, &mut headers)?;
    p.pop();
    after_root(&mut p)?;
    let contract = p.contract();
    let message = message(&p, version, placement.unwrap_or_default(), headers, body)?;
    Ok(Judged {
        message,
        contract,
        opaque: p.opaque.get(),
        namespaces: p.tok.take_namespaces(),
    })
}

/// The tokenizer and the element layer alone over a whole document: one root element,
/// nothing but whitespace, comments and PIs around it, every name's prefix bound, every
/// character and reference checked; no contract check.
pub(crate) fn well_formed(text: &str) -> Res<()> {
    let mut p = Parser::new(text);
    size_limit(&p)?;
    let root = root(&mut p)?;
    let mut depth = usize::from(!root.empty);
    while depth > 0 {
        match p.next()? {
            Tok::Start(e) => depth += usize::from(!e.empty),
            Tok::End => depth -= 1,
            Tok::Text { .. } => {}
            Tok::Eof => return Err(p.unexpected_eof()),
        }
    }
    p.pop();
    after_root(&mut p)
}

/// Refuses a document larger than the tool reads, before reading it.
fn size_limit(p: &Parser<'_>) -> Res<()> {
    let len = p.text.len();
    if len > MAX_DOCUMENT_BYTES {
        return Err(p.err_path(
            Code::XmlLimit,
            0,
            String::new(),
            format!(
                "the document is {len} bytes, larger than the {MAX_DOCUMENT_BYTES} bytes (8 MiB) the tool reads"
            ),
        ));
    }
    Ok(())
}

/// The root element (pushed).
fn root<'i>(p: &mut Parser<'i>) -> Res<Elem<'i>> {
    let root = loop {
        match p.next()? {
            Tok::Start(e) => break e,
            Tok::Text { pos, text } => {
                if !is_ws(&text) {
                    return Err(p.err(Code::XmlMalformed, pos, "text before the root element"));
                }
            }
            Tok::End => {
                return Err(p.err(Code::XmlMalformed, 0, "an end tag before the root element"))
            }
            Tok::Eof => {
                return Err(p.err_path(
                    Code::XmlEmpty,
                    0,
                    String::new(),
                    "the document has no root element",
                ))
            }
        }
    };
    p.push(&root)?;
    Ok(root)
}

/// Nothing but whitespace (and comments, PIs) after the root element.
fn after_root(p: &mut Parser<'_>) -> Res<()> {
    loop {
        match p.next()? {
            Tok::Eof => return Ok(()),
            Tok::Text { pos, text } => {
                if !is_ws(&text) {
                    return Err(p.err(Code::XmlMalformed, pos, "text after the root element"));
                }
            }
            Tok::Start(e) => return Err(p.err(Code::XmlMalformed, e.pos, "a second root element")),
            Tok::End => {
                return Err(p.err(
                    Code::XmlMalformed,
                    p.text.len(),
                    "an end tag after the root element",
                ))
            }
        }
    }
}

/// The Envelope's children: `Header` or loose header blocks, then one `Body`.
fn envelope<'i>(
    p: &mut Parser<'i>,
    root: &Elem<'i>,
    version: SoapVersion,
    headers: &mut HeaderSet<'i>,
) -> Res<(Option<HeaderPlacement>, Body)> {
    let env = Ns::Soap(version);
    let mut placement: Option<HeaderPlacement> = None;
    let mut body: Option<Body> = None;
    while let Some(c) = p.next_child(root)? {
        let soap_name = matches!(c.local, "Header" | "Body") && matches!(c.ns, Ns::Soap(_));
        if soap_name && c.ns != env {
            return Err(p.err(
                Code::SoapVersion,
                c.pos,
                format!(
                    "`{}` of the other SOAP version inside a SOAP {version} Envelope",
                    c.local
                ),
            ));
        }
        if body.is_some() && !(soap_name && c.local == "Body") {
            return Err(p.err(
                Code::SoapEnvelopeContent,
                c.pos,
                format!("`{}` after `Body`", c.local),
            ));
        }
        match (soap_name, c.local) {
            (true, "Header") => {
                if placement.is_some() {
                    let why = if placement == Some(HeaderPlacement::Loose) {
                        "a `Header` after header blocks standing loose under `Envelope`: both placements mixed"
                    } else {
                        "a second `Header`"
                    };
                    return Err(p.err(Code::SoapHeaderPlacement, c.pos, why));
                }
                placement = Some(HeaderPlacement::InHeader);
                while let Some(h) = p.next_child(&c)? {
                    p.header_block(&h, headers)?;
                }
                p.pop();
            }
            (true, _) => {
                if body.is_some() {
                    return Err(p.err(Code::SoapBodyCount, c.pos, "a second `Body`"));
                }
                body = Some(body_content(p, &c, version)?);
            }
            _ if c.ns == Ns::Payload => {
                if placement == Some(HeaderPlacement::InHeader) {
                    return Err(p.err(
                        Code::SoapHeaderPlacement,
                        c.pos,
                        format!("header block `{}` loose under `Envelope` besides a `Header`: both placements mixed", c.local),
                    ));
                }
                placement = Some(HeaderPlacement::Loose);
                p.header_block(&c, headers)?;
            }
            _ => {
                return Err(p.err(
                    Code::SoapEnvelopeContent,
                    c.pos,
                    format!("`{}` is not allowed directly under `Envelope`", c.local),
                ));
            }
        }
    }
    match body {
        Some(b) => Ok((placement, b)),
        None => Err(p.err(Code::SoapBodyCount, root.pos, "the Envelope has no `Body`")),
    }
}

/// The one element of `Body` (a wrapper or a Fault); pops the `Body`.
fn body_content<'i>(p: &mut Parser<'i>, c: &Elem<'i>, version: SoapVersion) -> Res<Body> {
    let env = Ns::Soap(version);
    let Some(w) = p.next_child(c)? else {
        return Err(p.err(
            Code::SoapBodyContent,
            c.pos,
            "`Body` is empty: it must hold one operation element or a Fault",
        ));
    };
    let b = if w.local == "Fault" && w.ns == env {
        Body::Fault(p.fault(&w, version)?)
    } else if let Some((op, kind)) = Operation::from_wrapper(w.local) {
        if w.ns != Ns::Payload {
            return Err(p.wrong_ns(&w));
        }
        p.wrapper(&w, op, kind)?
    } else {
        return Err(p.err(
            Code::SoapBodyContent,
            w.pos,
            format!("`{}` is not an operation of the Relation agent", w.local),
        ));
    };
    if let Some(extra) = p.next_child(c)? {
        return Err(p.err(
            Code::SoapBodyContent,
            extra.pos,
            format!(
                "a second element `{}` in `Body`: it must hold exactly one",
                extra.local
            ),
        ));
    }
    p.pop();
    Ok(b)
}

/// The message, once header blocks of the wrong direction are ruled out.
fn message(
    p: &Parser<'_>,
    version: SoapVersion,
    header_placement: HeaderPlacement,
    headers: HeaderSet<'_>,
    body: Body,
) -> Res<Message> {
    let misplaced = |h: Option<(usize, String, &str)>, kind: &str| match h {
        Some((pos, path, name)) => Err(p.err_path(
            Code::SoapUnknownHeader,
            pos,
            path,
            format!("`{name}` is not a header block of a {kind}"),
        )),
        None => Ok(()),
    };
    Ok(match body {
        Body::Request(b) => {
            misplaced(headers.response_only, "request")?;
            Message::Request(Envelope {
                version,
                header_placement,
                headers: headers.request,
                body: b,
            })
        }
        Body::Response(b) => {
            misplaced(headers.request_only, "response")?;
            Message::Response(Envelope {
                version,
                header_placement,
                headers: headers.response,
                body: b,
            })
        }
        Body::Fault(f) => {
            misplaced(headers.request_only, "fault response")?;
            Message::Fault(Envelope {
                version,
                header_placement,
                headers: headers.response,
                body: f,
            })
        }
    })
}
