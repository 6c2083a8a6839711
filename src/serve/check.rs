//! Checking one request: the document pipeline under the wire profile (HTTP headers,
//! envelope, schema, the service's Credentials rule, SOAP header rules, every finding at
//! once), plus the one thing only a service endpoint says (it takes requests), then the
//! decode of a valid request into the typed model.

use crate::capture::http::{Header, HttpMeta, MediaType, StartLine};
use crate::capture::Document;
use crate::codec;
use crate::contract::{table, Contract, ContractChoice, Kind, Operation};
use crate::model::{Message, RequestEnvelope};
use crate::violation::{Code, Violation};
use hyper::header::{HeaderMap, CONTENT_TYPE};

/// What the checks made of a request.
pub(crate) struct Checked {
    pub outcome: Outcome,
    /// The operation, as far as the body (or failing that, the SOAPAction) shows it.
    pub operation: Option<Operation>,
    /// The operation the body holds, when it holds one.
    pub body_operation: Option<Operation>,
}

/// The stub's answer to a request, in three cases.
pub(crate) enum Outcome {
    /// The request honours the contract: the typed request to carry out.
    Request(Box<RequestEnvelope>),
    /// The request breaks the contract: every finding, in the pipeline's order.
    Refused(Vec<Violation>),
    /// The contract allows the request, but the stub's decoder cannot carry it out: the
    /// stub's own shortcoming (a server fault), never a contract break of the client.
    Undecodable(String),
}

/// The stub's verdict on a request document: [`crate::pipeline::check_request`], which a test
/// suite may call without the stub.
pub use crate::pipeline::check_request as request_findings;

/// Checks a request's headers and body under the contract version of the endpoint it came
/// to: a payload (or a SOAPAction) of another version is a break of that endpoint's
/// contract, as the real endpoint would find it.
pub(crate) fn check(headers: &HeaderMap, doc: &mut Document, contract: Contract) -> Checked {
    attach_http(headers, doc, contract);
    let (verdict, violations) =
        crate::pipeline::check_request_as(doc, ContractChoice::Fixed(contract));
    let body_operation = verdict
        .operation
        .filter(|_| verdict.kind == Some(Kind::Request));
    let operation = verdict
        .operation
        .or_else(|| action_operation(headers, contract));
    if !violations.is_empty() {
        return Checked {
            outcome: Outcome::Refused(violations),
            operation,
            body_operation,
        };
    }
    // Valid: the strict decoder gives the typed request.
    let text = doc.text().unwrap_or_default();
    let outcome = match codec::decode_versioned(text) {
        Ok((Message::Request(env), version)) if version == contract => {
            Outcome::Request(Box::new(env))
        }
        Ok((Message::Request(_), version)) => Outcome::Undecodable(format!(
            "the request decodes as {}, not as this endpoint's {}",
            version.name(),
            contract.name()
        )),
        Ok((other, _)) => {
            Outcome::Undecodable(format!("the Body holds a {}, not a request", other.kind()))
        }
        Err(e) => Outcome::Undecodable(e.into_violation().message),
    };
    Checked {
        outcome,
        operation,
        body_operation,
    }
}

/// The request operation the SOAPAction header names under `contract`'s prefix, if it
/// names one (another version's action names no operation of this endpoint).
pub(crate) fn action_operation(headers: &HeaderMap, contract: Contract) -> Option<Operation> {
    let action = soap_action(headers)?;
    let (version, rest) = Contract::from_action(action.trim())?;
    if version != contract {
        return None;
    }
    Operation::from_wrapper(rest)
        .filter(|(_, kind)| *kind == Kind::Request)
        .map(|(op, _)| op)
}

/// The SOAPAction header's value, unquoted; `None` when there is none (or it is not text).
pub(crate) fn soap_action(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get("soapaction")?.to_str().ok()?.trim();
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    Some(unquoted.to_string())
}

/// The live request's header fields become the document's HTTP metadata (credential
/// headers masked there, their values kept as secrets), so the pipeline's HTTP rules judge
/// them as `validate` judges captured traffic.
fn attach_http(headers: &HeaderMap, doc: &mut Document, contract: Contract) {
    let fields = headers
        .iter()
        .map(|(name, value)| Header {
            name: name.as_str().to_string(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            line: None,
        })
        .collect();
    let start = StartLine::Request {
        method: "POST".to_string(),
        target: contract.endpoint_path().to_string(),
    };
    let (meta, secrets) = HttpMeta::new(start, fields);
    doc.secrets.extend(secrets);
    doc.http = Some(meta);
}

// ---------------------------------------------------------------- WCF's answer to a break

/// How the real service (WCF's BasicHttpBinding, then NetServer) answers a request that
/// breaks the contract: by the first stage of its pipeline the request trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WcfAnswer {
    /// The HTTP transport refuses a Content-Type other than `text/xml`: 415, no body.
    UnsupportedMediaType,
    /// The message encoder cannot read an envelope (bad bytes, malformed XML, a DOCTYPE,
    /// no SOAP 1.1 envelope, a broken envelope structure): 400, no body.
    BadRequest,
    /// The dispatcher finds no operation for the action (as received, unquoted; empty when
    /// there is none): 500, `a:ActionNotSupported`.
    ActionNotSupported(String),
    /// A foreign header block marked mustUnderstand (its local name and namespace): 500,
    /// `s:MustUnderstand`.
    MustUnderstand {
        /// The header block's local name.
        local: String,
        /// Its namespace (empty when it has none).
        ns: String,
    },
    /// The operation formatter cannot deserialize the body: 500,
    /// `a:DeserializationFailed`, WCF's faultstring.
    DeserializationFailed(String),
    /// The request reaches NetServer without a Ticket: its service error (HTTP 200,
    /// `ExceptionInfo`, `Succeeded` false).
    ServiceError,
    /// A break WCF would let through (an element after Body, an unknown header block not
    /// marked mustUnderstand, an unquoted SOAPAction naming the right operation): no WCF
    /// answer to imitate, so the stub's own Client fault.
    Contract,
}

/// The stages of the service's pipeline, in the order a request goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    MediaType,
    Read,
    Dispatch,
    MustUnderstand,
    Deserialize,
    Service,
    Through,
}

/// The stage a violation trips (the SOAPAction's is worked out by [`wcf_answer`]).
fn stage(code: Code) -> Stage {
    match code {
        Code::XmlEmpty
        | Code::XmlEncoding
        | Code::XmlMalformed
        | Code::XmlDoctype
        | Code::XmlLimit
        | Code::SoapNotEnvelope
        | Code::SoapVersion
        | Code::SoapHeaderPlacement
        | Code::SoapBodyCount
        // A SOAP 1.2 envelope sent as text/xml (the header itself is judged apart), or a
        // charset the bytes are not in: the encoder cannot read the envelope.
        | Code::HttpContentType
        | Code::HttpCharset => Stage::Read,
        Code::HttpSoapAction => Stage::Dispatch,
        Code::SoapMustUnderstand => Stage::MustUnderstand,
        Code::SoapBodyContent
        | Code::XsdOrder
        | Code::XsdUnexpected
        | Code::XsdNamespace
        | Code::XsdMissing
        | Code::XsdValue
        | Code::XsdEnum
        | Code::XsdList
        | Code::XsdNil
        | Code::XsdNilContent
        | Code::XsdType
        | Code::XsdText
        | Code::XsdAttribute
        | Code::XsdSchemaLocation
        | Code::XsdOther => Stage::Deserialize,
        Code::SoapCredentials => Stage::Service,
        Code::SoapEnvelopeContent
        | Code::SoapUnknownHeader
        | Code::DocWhitespaceInEmpty
        | Code::CaptureMalformed
        | Code::CaptureTooLarge
        // The stub judges with the default engine, never `both`: no such finding reaches it.
        | Code::EngineDisagree => Stage::Through,
    }
}

/// What the real service answers a request with these (non-empty) violations, whose
/// messages are redacted already. `body_op` is the operation the body holds; `contract`
/// the endpoint's version.
pub(crate) fn wcf_answer(
    headers: &HeaderMap,
    body_op: Option<Operation>,
    violations: &[Violation],
    contract: Contract,
) -> WcfAnswer {
    let action_op = action_operation(headers, contract);
    // A SOAPAction naming another operation than the body holds dispatches to that
    // operation, whose formatter then finds the wrong wrapper.
    let wrong_wrapper = matches!((action_op, body_op), (Some(a), Some(b)) if a != b);
    let stage_of = |v: &Violation| match stage(v.code) {
        Stage::Dispatch if action_op.is_none() => Stage::Dispatch,
        Stage::Dispatch if wrong_wrapper => Stage::Deserialize,
        Stage::Dispatch => Stage::Through,
        s => s,
    };
    let media_ok = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| MediaType::parse(v).essence == "text/xml");
    let mut first = violations
        .iter()
        .map(stage_of)
        .min()
        .unwrap_or(Stage::Through);
    if !media_ok {
        first = Stage::MediaType;
    } else if action_op.is_none() {
        first = first.min(Stage::Dispatch);
    }
    let op = action_op.or(body_op);
    match (first, op) {
        (Stage::MediaType, _) => WcfAnswer::UnsupportedMediaType,
        (Stage::Read, _) => WcfAnswer::BadRequest,
        (Stage::Dispatch, _) | (_, None) => {
            WcfAnswer::ActionNotSupported(soap_action(headers).unwrap_or_default())
        }
        (Stage::MustUnderstand, _) => {
            let v = violations
                .iter()
                .find(|v| v.code == Code::SoapMustUnderstand);
            WcfAnswer::MustUnderstand {
                local: v.map_or(String::new(), |v| last_local(&v.element).to_string()),
                ns: v.map_or(String::new(), |v| {
                    v.message
                        .split_once("(namespace ")
                        .and_then(|(_, r)| r.split_once(')'))
                        .map_or(String::new(), |(ns, _)| ns.to_string())
                }),
            }
        }
        (Stage::Deserialize, Some(op)) => {
            let culprit = if wrong_wrapper {
                violations.iter().find(|v| v.code == Code::HttpSoapAction)
            } else {
                violations
                    .iter()
                    .find(|v| stage_of(v) == Stage::Deserialize)
            };
            WcfAnswer::DeserializationFailed(deserialization_text(
                op,
                culprit,
                wrong_wrapper,
                contract,
            ))
        }
        (Stage::Service, _) => WcfAnswer::ServiceError,
        (Stage::Through, _) => WcfAnswer::Contract,
    }
}

/// WCF's faultstring of a formatter that failed: naming the parameter (a member of the
/// operation's wrapper, or a header block) the violation is in, else the operation.
fn deserialization_text(
    op: Operation,
    culprit: Option<&Violation>,
    wrong_wrapper: bool,
    contract: Contract,
) -> String {
    let inner = culprit.map_or_else(
        || "the request breaks the contract".to_string(),
        |v| v.to_string(),
    );
    let head = "The formatter threw an exception while trying to deserialize the message: ";
    let parameter = culprit
        .filter(|_| !wrong_wrapper)
        .and_then(|v| parameter_of(op, &v.element));
    match parameter {
        Some(name) => format!(
            "{head}There was an error while trying to deserialize parameter {}:{name}. \
             The InnerException message was '{inner}'.  Please see InnerException for more details.",
            contract.namespace()
        ),
        None => format!(
            "{head}Error in deserializing body of request message for operation '{}'. \
             OperationFormatter encountered an invalid Message body: {inner}",
            op.name()
        ),
    }
}

/// The parameter an element path lies in: the member of `op`'s request wrapper
/// (`/Envelope/Body/SaveContactRelation/ContactRelationEntity/...`) or the request header
/// block (`/Envelope/Header/TimeZone/...`).
fn parameter_of(op: Operation, path: &str) -> Option<&'static str> {
    let mut steps = path
        .split('/')
        .skip(1)
        .map(|s| s.split('[').next().unwrap_or(s));
    if steps.next()? != "Envelope" {
        return None;
    }
    match steps.next()? {
        "Body" => {
            if steps.next()? != op.name() {
                return None;
            }
            let member = steps.next()?;
            table::member(op.name(), member).map(|(_, m)| m.name)
        }
        "Header" => {
            let block = steps.next()?;
            table::request_headers()
                .iter()
                .find(|d| d.name == block)
                .map(|d| d.name)
        }
        _ => None,
    }
}

/// The last step of an element path, its index left off.
fn last_local(path: &str) -> &str {
    let last = path.rsplit('/').next().unwrap_or("");
    last.split('[').next().unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::NS_SERVICES85;
    const C85: Contract = Contract::Services85;
    use hyper::header::HeaderValue;

    fn headers(content_type: Option<&str>, action: Option<Operation>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(ct) = content_type {
            h.insert(CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        }
        if let Some(op) = action {
            let quoted = format!("\"{}\"", op.soap_action());
            h.insert("soapaction", HeaderValue::from_str(&quoted).unwrap());
        }
        h
    }

    fn v(code: Code, element: &str) -> Violation {
        Violation::new(code, element, "m")
    }

    const SAVE: Option<Operation> = Some(Operation::SaveContactRelation);
    const PARAM: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity/Reversed";

    #[test]
    fn the_first_stage_the_request_trips_decides() {
        let xml = headers(Some("text/xml; charset=utf-8"), SAVE);
        // The transport before the reader before the dispatcher.
        let answer = wcf_answer(
            &headers(Some("text/plain"), None),
            None,
            &[v(Code::XmlMalformed, "")],
            C85,
        );
        assert_eq!(answer, WcfAnswer::UnsupportedMediaType);
        let answer = wcf_answer(
            &headers(Some("text/xml"), None),
            None,
            &[v(Code::XmlMalformed, "")],
            C85,
        );
        assert_eq!(answer, WcfAnswer::BadRequest);
        // mustUnderstand before the formatter, the formatter before the service.
        let found = [
            v(Code::SoapCredentials, "/Envelope/Header/Credentials"),
            v(Code::XsdValue, PARAM),
            v(Code::SoapMustUnderstand, "/Envelope/Header/Trace[2]"),
        ];
        assert_eq!(
            wcf_answer(&xml, SAVE, &found, C85),
            WcfAnswer::MustUnderstand {
                local: "Trace".into(),
                ns: String::new()
            }
        );
        match wcf_answer(&xml, SAVE, &found[..2], C85) {
            WcfAnswer::DeserializationFailed(text) => {
                assert!(
                    text.contains(&format!("{NS_SERVICES85}:ContactRelationEntity. ")),
                    "{text}"
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            wcf_answer(&xml, SAVE, &found[..1], C85),
            WcfAnswer::ServiceError
        );
        // What WCF lets through.
        let through = [v(
            Code::SoapUnknownHeader,
            "/Envelope/Header/ApplicationKey",
        )];
        assert_eq!(wcf_answer(&xml, SAVE, &through, C85), WcfAnswer::Contract);
        // No operation for the action, even with a body WCF could read.
        assert_eq!(
            wcf_answer(
                &headers(Some("text/xml"), None),
                SAVE,
                &[v(Code::HttpSoapAction, "")],
                C85
            ),
            WcfAnswer::ActionNotSupported(String::new())
        );
    }

    #[test]
    fn parameters_are_wrapper_members_or_header_blocks() {
        let save = Operation::SaveContactRelation;
        assert_eq!(parameter_of(save, PARAM), Some("ContactRelationEntity"));
        assert_eq!(
            parameter_of(save, "/Envelope/Header/TimeZone/SoTimeZoneId"),
            Some("TimeZone")
        );
        assert_eq!(
            parameter_of(save, "/Envelope/Body/SaveContactRelation/Other"),
            None
        );
        assert_eq!(
            parameter_of(save, "/Envelope/Body/SaveContactRelation"),
            None
        );
        assert_eq!(
            parameter_of(
                save,
                "/Envelope/Body/GetContactRelationEntity/ContactRelationEntityId"
            ),
            None
        );
        assert_eq!(
            parameter_of(
                Operation::DeleteContactRelation,
                "/Envelope/Body/DeleteContactRelation/ContactRelationEntityId"
            ),
            Some("ContactRelationEntityId")
        );
        assert_eq!(parameter_of(save, ""), None);
    }
}
