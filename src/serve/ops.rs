//! Carrying out a valid request against the store, and the answers: responses, service
//! errors and the stub's own faults, written by the project's encoder; the faults in WCF's
//! shape (the faultcode's own prefix declared on it, `xml:lang` on the faultstring), by
//! the small writer here.

use super::store::Store;
use crate::codec;
use crate::contract::{Contract, Operation, SoapVersion};
use crate::model::{
    Associate, ContactRelationEntity, Envelope, Fault, FaultCode, FaultEnvelope, HeaderPlacement,
    KeyValue, Nillable, RequestBody, RequestEnvelope, ResponseBody, ResponseEnvelope,
    ResponseHeaders, SoExceptionInfo, SoTimeZone, UserType, XsdDateTime, Zone,
};
use crate::secrets::Masker;
use crate::text::escape::escape_into;
use crate::text::lexical::civil_from_days;
use crate::violation::Violation;
use std::time::{SystemTime, UNIX_EPOCH};

/// The namespace of the fault detail the stub writes.
pub const DETAIL_NS: &str = "urn:relation-contract:serve";

/// The associate every change is attributed to: the stub knows no users, so every ticket
/// is this one person's.
pub fn stub_associate() -> Associate {
    Associate {
        associate_id: Some(1),
        name: "STUB".into(),
        person_id: Some(1),
        rank: Some(1),
        tooltip: "Contract stub user".into(),
        user_type: Some(UserType::InternalAssociate),
        group_idx: Some(0),
        full_name: "Contract Stub".into(),
        formal_name: "Stub, Contract".into(),
        deleted: Some(false),
        ej_user_id: Some(0),
        ..Associate::default()
    }
}

/// What CreateDefaultContactRelationEntity answers: every member present, the values a
/// fresh entity has before it is saved.
pub fn default_entity() -> ContactRelationEntity {
    ContactRelationEntity {
        source_contact_id: Some(0),
        source_person_id: Some(0),
        destination_contact_id: Some(0),
        destination_person_id: Some(0),
        relation_id: Some(0),
        comment: "".into(),
        relation_definition_id: Some(0),
        reversed: Some(0),
        updated_date: XsdDateTime::new(1, 1, 1, 0, 0, 0, "", Zone::None),
        created_date: XsdDateTime::new(1, 1, 1, 0, 0, 0, "", Zone::None),
        created_by: Nillable::Nil,
        updated_by: Nillable::Nil,
        source_contact_name: "".into(),
        source_person_name: "".into(),
        destination_contact_name: "".into(),
        destination_person_name: "".into(),
        active_text: "".into(),
        passive_text: "".into(),
        ..ContactRelationEntity::default()
    }
}

/// Now, in UTC, with the 7 fractional digits .NET writes.
pub fn utc_now() -> Option<XsdDateTime> {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    let secs = since.as_secs();
    let days = i64::try_from(secs / 86_400).ok()?;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    XsdDateTime::new(
        u16::try_from(y).ok()?,
        m,
        d,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
        &format!("{:07}", since.subsec_nanos() / 100),
        Zone::Utc,
    )
}

/// Why a valid request could not be carried out (the stub's own trouble: a Server fault).
pub(crate) struct ServerError(pub String);

/// Carries out a request that honours the contract.
pub(crate) async fn carry_out(
    store: &Store,
    req: RequestEnvelope,
) -> Result<ResponseEnvelope, ServerError> {
    let body = match req.body {
        RequestBody::CreateDefaultContactRelationEntity => {
            ResponseBody::CreateDefaultContactRelationEntity {
                response: Nillable::Value(default_entity()),
            }
        }
        RequestBody::GetContactRelationEntity {
            contact_relation_entity_id: id,
        } => ResponseBody::GetContactRelationEntity {
            response: match id.and_then(|id| store.get(id)) {
                Some(e) => Nillable::Value(e),
                None => Nillable::Nil,
            },
        },
        RequestBody::DeleteContactRelation {
            contact_relation_entity_id: id,
        } => {
            if let Some(id) = id {
                let (_, pending) = store.delete(id);
                store
                    .durable(pending)
                    .await
                    .map_err(|e| ServerError(e.to_string()))?;
            }
            ResponseBody::DeleteContactRelation
        }
        RequestBody::SaveContactRelation {
            contact_relation_entity,
        } => {
            let Nillable::Value(entity) = contact_relation_entity else {
                // Nothing to save: the answer is as empty as the question.
                return Ok(response(
                    &req.headers.time_zone,
                    ResponseBody::SaveContactRelation {
                        response: Nillable::Nil,
                    },
                ));
            };
            let now = utc_now()
                .ok_or_else(|| ServerError("the system clock is outside 0001..9999".into()))?;
            let requested = entity.relation_id;
            let (saved, pending) = store
                .save(requested, |id, before| stamp(entity, id, before, now))
                .ok_or_else(|| ServerError("every RelationId is taken".into()))?;
            store
                .durable(pending)
                .await
                .map_err(|e| ServerError(e.to_string()))?;
            ResponseBody::SaveContactRelation {
                response: Nillable::Value(saved),
            }
        }
    };
    Ok(response(&req.headers.time_zone, body))
}

/// What the store keeps of a saved entity: its id, the creation stamp of the entity it
/// replaces (or now, with the Save's CreatedBy when it names one), the update stamp now. `TableRight` and `FieldProperties` are the
/// rights the server works out per caller, not data: they are not kept.
fn stamp(
    mut e: ContactRelationEntity,
    id: i32,
    before: Option<&ContactRelationEntity>,
    now: XsdDateTime,
) -> ContactRelationEntity {
    e.table_right = Nillable::Absent;
    e.field_properties = Nillable::Absent;
    e.relation_id = Some(id);
    match before {
        Some(b) => {
            e.created_date = b.created_date.clone().or_else(|| Some(now.clone()));
            e.created_by = match &b.created_by {
                Nillable::Value(a) => Nillable::Value(a.clone()),
                _ => Nillable::Value(stub_associate()),
            };
        }
        None => {
            e.created_date = Some(now.clone());
            // A new entity keeps the CreatedBy its Save names (an associate id other
            // than 0: a client may save on behalf of an associate), else the stub's own
            // associate (a generated client sends an empty Associate it never filled).
            let names_one = matches!(
                &e.created_by,
                Nillable::Value(a) if a.associate_id.is_some_and(|id| id != 0)
            );
            if !names_one {
                e.created_by = Nillable::Value(stub_associate());
            }
        }
    }
    e.updated_date = Some(now);
    e.updated_by = Nillable::Value(stub_associate());
    e
}

/// A response with the headers the WSDL declares: ExceptionInfo nil, ExtraInfo nil,
/// Succeeded true, TimeZone echoed (nil when the request sent none).
fn response(time_zone: &Nillable<SoTimeZone>, body: ResponseBody) -> ResponseEnvelope {
    Envelope {
        version: SoapVersion::V11,
        header_placement: HeaderPlacement::InHeader,
        headers: ResponseHeaders {
            exception_info: Nillable::Nil,
            extra_info: Nillable::Nil,
            succeeded: Some(true),
            time_zone: match time_zone {
                Nillable::Value(tz) => Nillable::Value(tz.clone()),
                _ => Nillable::Nil,
            },
        },
        body,
    }
}

/// Encodes a response in the endpoint's contract version, leaving out the members that
/// version cannot carry (the store is shared by every endpoint). The encoder refuses only
/// characters XML forbids, which a decoded request cannot hold; should it refuse anyway,
/// the answer is a Server fault.
pub(crate) fn encode_response(
    env: &ResponseEnvelope,
    contract: Contract,
) -> Result<Vec<u8>, ServerError> {
    let mut out = Vec::with_capacity(2048);
    codec::encode_fitted_as(env, contract, &mut out)
        .map_err(|e| ServerError(format!("the stub could not encode its answer: {e}")))?;
    Ok(out)
}

/// A SOAP 1.1 Fault for a request that breaks the contract (`s:Client`): the faultstring
/// says what broke first and how much more did, the detail lists every violation. Every
/// text goes through the masker.
pub(crate) fn client_fault(violations: &[Violation], masker: &Masker) -> Vec<u8> {
    let reason = match violations {
        [] => "The request breaks the contract of Relation.svc".to_string(),
        [first, rest @ ..] => {
            let mut s = format!(
                "The request breaks the contract of Relation.svc (wire profile): {}{}: {}",
                first.code,
                if first.element.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", first.element)
                },
                first.message
            );
            if !rest.is_empty() {
                s.push_str(&format!(
                    " (and {} more violation{}, listed in the detail)",
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ));
            }
            s
        }
    };
    fault(
        "Client",
        &masker.text(&reason),
        Some(violations_detail(violations, masker)),
    )
}

/// The detail element's content every fault of a contract break carries: each violation's
/// code, element path, line, column and (redacted) message.
fn violations_detail(violations: &[Violation], masker: &Masker) -> String {
    let mut detail = format!("<ContractViolations xmlns=\"{DETAIL_NS}\">");
    for v in violations {
        detail.push_str("<Violation>");
        push_text_element(&mut detail, "Code", v.code.as_str());
        push_text_element(&mut detail, "Element", &v.element);
        if let Some(l) = v.line {
            push_text_element(&mut detail, "Line", &l.to_string());
        }
        if let Some(c) = v.column {
            push_text_element(&mut detail, "Column", &c.to_string());
        }
        push_text_element(&mut detail, "Message", &masker.text(&v.message));
        detail.push_str("</Violation>");
    }
    detail.push_str("</ContractViolations>");
    detail
}

/// The namespace of WCF's addressing faults without WS-Addressing (BasicHttpBinding):
/// `ActionNotSupported`.
pub(crate) const NS_WCF_ADDRESSING_NONE: &str =
    "http://schemas.microsoft.com/ws/2005/05/addressing/none";

/// The namespace of WCF's dispatcher faults: `DeserializationFailed`.
pub(crate) const NS_WCF_DISPATCHER: &str =
    "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";

/// A fault code as WCF writes it.
pub(crate) enum WcfCode {
    /// `a:ActionNotSupported` (addressing none).
    ActionNotSupported,
    /// `s:MustUnderstand` (the envelope's own).
    MustUnderstand,
    /// `a:DeserializationFailed` (the dispatcher's).
    DeserializationFailed,
}

/// WCF's faultstring for an action no operation takes.
pub(crate) fn action_not_supported_text(action: &str) -> String {
    format!(
        "The message with Action '{action}' cannot be processed at the receiver, due to a \
         ContractFilter mismatch at the EndpointDispatcher. This may be because of either a \
         contract mismatch (mismatched Actions between sender and receiver) or a \
         binding/security mismatch between the sender and the receiver.  Check that sender \
         and receiver have the same contract and the same binding (including security \
         requirements, e.g. Message, Transport, None)."
    )
}

/// WCF's faultstring for a mustUnderstand header block nobody processed.
pub(crate) fn must_understand_text(local: &str, ns: &str) -> String {
    format!(
        "The header '{local}' from the namespace '{ns}' was not understood by the recipient \
         of this message, causing the message to not be processed.  This error typically \
         indicates that the sender of this message has enabled a communication protocol that \
         the receiver cannot process.  Please ensure that the configuration of the client's \
         binding is consistent with the service's binding."
    )
}

/// A SOAP 1.1 Fault as WCF's BasicHttpBinding writes it (`s:` envelope, no Header, the
/// faultcode's prefix declared on it, `xml:lang` on the faultstring), its detail listing
/// every violation. Every text goes through the masker.
pub(crate) fn wcf_fault(
    code: WcfCode,
    reason: &str,
    violations: &[Violation],
    masker: &Masker,
) -> Vec<u8> {
    let faultcode = match code {
        WcfCode::ActionNotSupported => {
            format!(
                "<faultcode xmlns:a=\"{NS_WCF_ADDRESSING_NONE}\">a:ActionNotSupported</faultcode>"
            )
        }
        WcfCode::MustUnderstand => "<faultcode>s:MustUnderstand</faultcode>".to_string(),
        WcfCode::DeserializationFailed => {
            format!(
                "<faultcode xmlns:a=\"{NS_WCF_DISPATCHER}\">a:DeserializationFailed</faultcode>"
            )
        }
    };
    let mut out = String::with_capacity(1024);
    out.push_str("<s:Envelope xmlns:s=\"");
    out.push_str(SoapVersion::V11.namespace());
    out.push_str("\"><s:Body><s:Fault>");
    out.push_str(&faultcode);
    out.push_str("<faultstring xml:lang=\"en-US\">");
    escape_into(&mut out, &xml_safe(&masker.text(reason)));
    out.push_str("</faultstring><detail>");
    out.push_str(&violations_detail(violations, masker));
    out.push_str("</detail></s:Fault></s:Body></s:Envelope>");
    out.into_bytes()
}

/// The `ExceptionInfo` of a Ticket the stub does not accept.
pub const TICKET_EXCEPTION_TYPE: &str = "SoSecurityException";

/// NetServer's answer to a request whose Ticket is not one it accepts: HTTP 200,
/// `ExceptionInfo` (Message, FriendlyText, ExceptionType; `Parameters` listing the
/// contract violations, if any), `Succeeded` false, a nil `Response` (Delete: the empty
/// wrapper). Every text goes through the masker.
pub(crate) fn ticket_error(
    op: Operation,
    time_zone: &Nillable<SoTimeZone>,
    why: &str,
    violations: &[Violation],
    masker: &Masker,
    contract: Contract,
) -> Result<Vec<u8>, ServerError> {
    let texts = ServiceError {
        message: why,
        exception_type: TICKET_EXCEPTION_TYPE,
        friendly_text: Some("Your session is not valid or has expired. Please log in again."),
    };
    service_error(op, time_zone, &texts, violations, masker, contract)
}

/// The texts of a NetServer service error's `ExceptionInfo`.
pub(crate) struct ServiceError<'a> {
    /// `Message`.
    pub message: &'a str,
    /// `ExceptionType`.
    pub exception_type: &'a str,
    /// `FriendlyText` (`None`: nil).
    pub friendly_text: Option<&'a str>,
}

/// NetServer's service error (a bad Ticket, a scripted failure): HTTP 200, `ExceptionInfo`
/// with these texts (`Parameters` listing the violations, if any), `Succeeded` false, a
/// nil `Response` (Delete: the empty wrapper). Every text goes through the masker.
pub(crate) fn service_error(
    op: Operation,
    time_zone: &Nillable<SoTimeZone>,
    texts: &ServiceError<'_>,
    violations: &[Violation],
    masker: &Masker,
    contract: Contract,
) -> Result<Vec<u8>, ServerError> {
    let parameters = if violations.is_empty() {
        Nillable::Nil
    } else {
        Nillable::Value(
            violations
                .iter()
                .map(|v| {
                    let mut shown = v.clone();
                    shown.message = masker.text(&v.message);
                    KeyValue::new(v.code.as_str(), &xml_safe(&shown.to_string()))
                })
                .collect(),
        )
    };
    let info = SoExceptionInfo {
        message: Nillable::Value(xml_safe(&masker.text(texts.message))),
        stack_trace: Nillable::Nil,
        friendly_text: match texts.friendly_text {
            Some(t) => Nillable::Value(xml_safe(&masker.text(t))),
            None => Nillable::Nil,
        },
        exception_type: Nillable::Value(xml_safe(&masker.text(texts.exception_type))),
        source: Nillable::Nil,
        inner_exception: Nillable::Nil,
        parameters,
    };
    let body = match op {
        Operation::CreateDefaultContactRelationEntity => {
            ResponseBody::CreateDefaultContactRelationEntity {
                response: Nillable::Nil,
            }
        }
        Operation::GetContactRelationEntity => ResponseBody::GetContactRelationEntity {
            response: Nillable::Nil,
        },
        Operation::SaveContactRelation => ResponseBody::SaveContactRelation {
            response: Nillable::Nil,
        },
        Operation::DeleteContactRelation => ResponseBody::DeleteContactRelation,
    };
    let mut env = response(time_zone, body);
    env.headers.exception_info = Nillable::Value(info);
    env.headers.succeeded = Some(false);
    encode_response(&env, contract)
}

/// A SOAP 1.1 Fault for the stub's own trouble (`s:Server`).
pub(crate) fn server_fault(why: &str) -> Vec<u8> {
    fault("Server", why, None)
}

fn fault(code: &str, reason: &str, detail: Option<String>) -> Vec<u8> {
    let envelope = |reason: String, detail: Option<String>| {
        crate::model::Message::Fault(FaultEnvelope {
            version: SoapVersion::V11,
            header_placement: HeaderPlacement::InHeader,
            headers: ResponseHeaders::default(),
            body: Fault {
                code: FaultCode::soap(SoapVersion::V11, code),
                subcode: None,
                reason,
                node: None,
                role: None,
                detail,
            },
        })
    };
    let mut out = Vec::with_capacity(1024);
    if codec::encode(&envelope(xml_safe(reason), detail), &mut out).is_err() {
        // Only an XML-forbidden character can make the encoder refuse, and xml_safe took
        // those out; still, never answer with nothing.
        out.clear();
        let plain = envelope("The request could not be processed".into(), None);
        let _ = codec::encode(&plain, &mut out);
    }
    out
}

/// Replaces characters XML 1.0 cannot carry (a violation message may quote input).
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if crate::text::escape::is_xml_char(c) {
                c
            } else {
                '\u{FFFD}'
            }
        })
        .collect()
}

fn push_text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for c in xml_safe(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(18_711), (2021, 3, 25));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // Every day for 1,000 years lands on the instant XsdDateTime computes.
        for days in (-200_000..200_000).step_by(37) {
            let (y, m, d) = civil_from_days(days);
            let v = XsdDateTime::new(y as u16, m, d, 0, 0, 0, "", Zone::Utc).unwrap();
            assert_eq!(v.instant().seconds, days * 86_400);
        }
    }

    #[test]
    fn now_is_utc_with_seven_digits() {
        let now = utc_now().unwrap();
        assert_eq!(now.zone, Zone::Utc);
        assert_eq!(now.fraction().len(), 7);
    }
}
