//! The hand-written writer: WCF-shaped output straight into the caller's buffer.

use super::EncodeError;
use crate::contract::{SoapVersion, NS_SERVICES85, NS_XSI};
use crate::model::*;
use std::io::Write as _;

/// Whether a character may appear in an XML 1.0 document.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    version: SoapVersion,
}

type R = Result<(), EncodeError>;

impl<'a> Writer<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, version: SoapVersion) -> Self {
        Writer { out, version }
    }

    fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Character data: `<`, `&`, `>` escaped, CR as `&#xD;` (so XML's line-end
    /// normalisation does not turn it into LF), TAB and LF as is; characters XML 1.0
    /// forbids are an error.
    fn text(&mut self, s: &str, element: &'static str) -> R {
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let rep: &[u8] = match b {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\r' => b"&#xD;",
                b'\t' | b'\n' => continue,
                0..=0x1F => {
                    return Err(EncodeError::IllegalChar {
                        ch: char::from(b),
                        element,
                    })
                }
                // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
                0xEF if bytes.get(i + 1) == Some(&0xBF)
                    && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
                {
                    let ch = if bytes[i + 2] == 0xBE {
                        '\u{FFFE}'
                    } else {
                        '\u{FFFF}'
                    };
                    return Err(EncodeError::IllegalChar { ch, element });
                }
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[from..i]);
            self.out.extend_from_slice(rep);
            from = i + 1;
        }
        self.out.extend_from_slice(&bytes[from..]);
        Ok(())
    }

    fn start(&mut self, name: &str, top: bool) {
        self.out.push(b'<');
        self.raw(name);
        if top {
            self.ns_decls();
        }
        self.out.push(b'>');
    }

    fn ns_decls(&mut self) {
        self.raw(" xmlns=\"");
        self.raw(NS_SERVICES85);
        self.raw("\" xmlns:i=\"");
        self.raw(NS_XSI);
        self.raw("\"");
    }

    fn end(&mut self, name: &str) {
        self.raw("</");
        self.raw(name);
        self.out.push(b'>');
    }

    fn nil(&mut self, name: &str, top: bool) {
        self.out.push(b'<');
        self.raw(name);
        if top {
            self.ns_decls();
        }
        self.raw(" i:nil=\"true\"/>");
    }

    fn nillable<T>(
        &mut self,
        name: &'static str,
        top: bool,
        v: &Nillable<T>,
        f: impl FnOnce(&mut Self, &T) -> R,
    ) -> R {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => {
                self.nil(name, top);
                Ok(())
            }
            Nillable::Value(x) => {
                self.start(name, top);
                f(self, x)?;
                self.end(name);
                Ok(())
            }
        }
    }

    fn string(&mut self, name: &'static str, v: &Nillable<String>) -> R {
        self.nillable(name, false, v, |w, s| w.text(s, name))
    }

    /// A required nillable string (dictionary Key/Value): `None` is nil.
    fn required_string(&mut self, name: &'static str, v: &Option<String>) -> R {
        match v {
            None => {
                self.nil(name, false);
                Ok(())
            }
            Some(s) => {
                self.start(name, false);
                self.text(s, name)?;
                self.end(name);
                Ok(())
            }
        }
    }

    fn display<T: std::fmt::Display>(&mut self, name: &str, v: &Option<T>) {
        if let Some(v) = v {
            self.start(name, false);
            // Writing into a Vec cannot fail.
            let _ = write!(self.out, "{v}");
            self.end(name);
        }
    }

    fn env(&mut self, local: &str, open: bool) {
        self.raw(if open { "<s:" } else { "</s:" });
        self.raw(local);
        self.out.push(b'>');
    }

    // --- payload types ---

    fn carrier(&mut self, t: &Nillable<TableRight>, f: &Nillable<FieldPropertyDictionary>) -> R {
        self.nillable("TableRight", false, t, |w, t| {
            w.display("Mask", &t.mask);
            w.string("Reason", &t.reason)
        })?;
        self.nillable("FieldProperties", false, f, |w, d| {
            for e in &d.0 {
                w.start("FieldPropertyDictionaryKeyValuePair", false);
                w.required_string("Key", &e.key)?;
                match &e.value {
                    None => w.nil("Value", false),
                    Some(p) => {
                        w.start("Value", false);
                        w.field_property(p)?;
                        w.end("Value");
                    }
                }
                w.end("FieldPropertyDictionaryKeyValuePair");
            }
            Ok(())
        })
    }

    fn field_property(&mut self, p: &FieldProperty) -> R {
        self.nillable("FieldRight", false, &p.field_right, |w, r| {
            w.display("Mask", &r.mask);
            w.string("Reason", &r.reason)
        })?;
        self.string("FieldType", &p.field_type)?;
        self.display("FieldLength", &p.field_length);
        Ok(())
    }

    fn entity(&mut self, e: &ContactRelationEntity) -> R {
        self.carrier(&e.table_right, &e.field_properties)?;
        self.display("SourceContactId", &e.source_contact_id);
        self.display("SourcePersonId", &e.source_person_id);
        self.display("DestinationContactId", &e.destination_contact_id);
        self.display("DestinationPersonId", &e.destination_person_id);
        self.display("RelationId", &e.relation_id);
        self.string("Comment", &e.comment)?;
        self.display("RelationDefinitionId", &e.relation_definition_id);
        self.display("Reversed", &e.reversed);
        self.display("UpdatedDate", &e.updated_date);
        self.display("CreatedDate", &e.created_date);
        self.nillable("CreatedBy", false, &e.created_by, Self::associate)?;
        self.nillable("UpdatedBy", false, &e.updated_by, Self::associate)?;
        self.string("SourceContactName", &e.source_contact_name)?;
        self.string("SourcePersonName", &e.source_person_name)?;
        self.string("DestinationContactName", &e.destination_contact_name)?;
        self.string("DestinationPersonName", &e.destination_person_name)?;
        self.string("ActiveText", &e.active_text)?;
        self.string("PassiveText", &e.passive_text)
    }

    fn associate(&mut self, a: &Associate) -> R {
        self.carrier(&a.table_right, &a.field_properties)?;
        self.display("AssociateId", &a.associate_id);
        self.string("Name", &a.name)?;
        self.display("PersonId", &a.person_id);
        self.display("Rank", &a.rank);
        self.string("Tooltip", &a.tooltip)?;
        self.display("Type", &a.user_type);
        self.display("GroupIdx", &a.group_idx);
        self.string("FullName", &a.full_name)?;
        self.string("FormalName", &a.formal_name)?;
        self.display("Deleted", &a.deleted);
        self.display("EjUserId", &a.ej_user_id);
        Ok(())
    }

    fn time_zone(&mut self, tz: &Nillable<SoTimeZone>) -> R {
        self.nillable("TimeZone", true, tz, |w, tz| {
            w.display("SoTimeZoneId", &tz.so_time_zone_id);
            w.string("SoTimeZoneLocationCode", &tz.so_time_zone_location_code)
        })
    }

    fn pairs(&mut self, pair: &'static str, items: &[KeyValue]) -> R {
        for kv in items {
            self.start(pair, false);
            self.required_string("Key", &kv.key)?;
            self.required_string("Value", &kv.value)?;
            self.end(pair);
        }
        Ok(())
    }

    fn exception_info(&mut self, e: &SoExceptionInfo) -> R {
        self.string("Message", &e.message)?;
        self.string("StackTrace", &e.stack_trace)?;
        self.string("FriendlyText", &e.friendly_text)?;
        self.string("ExceptionType", &e.exception_type)?;
        self.string("Source", &e.source)?;
        self.nillable("InnerException", false, &e.inner_exception, |w, i| {
            w.exception_info(i)
        })?;
        self.nillable("Parameters", false, &e.parameters, |w, p| {
            w.pairs("SoExceptionInfoParametersKeyValuePair", p)
        })
    }

    // --- envelope ---

    fn open_envelope(&mut self) {
        self.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"");
        self.raw(self.version.namespace());
        self.raw("\">");
    }

    /// Writes header blocks (closure) inside `s:Header` or loose; no `s:Header` at all when
    /// there are none.
    fn headers(&mut self, placement: HeaderPlacement, f: impl FnOnce(&mut Self) -> R) -> R {
        let mark = self.out.len();
        if placement == HeaderPlacement::InHeader {
            self.env("Header", true);
        }
        let inner = self.out.len();
        f(self)?;
        if placement == HeaderPlacement::InHeader {
            if self.out.len() == inner {
                self.out.truncate(mark);
            } else {
                self.env("Header", false);
            }
        }
        Ok(())
    }

    pub(crate) fn request(&mut self, e: &RequestEnvelope) -> R {
        self.open_envelope();
        let h = &e.headers;
        self.headers(e.header_placement, |w| {
            w.nillable("ApplicationToken", true, &h.application_token, |w, s| {
                w.text(s, "ApplicationToken")
            })?;
            w.nillable("Credentials", true, &h.credentials, |w, c| {
                w.string("Ticket", &c.ticket)
            })?;
            w.time_zone(&h.time_zone)
        })?;
        self.env("Body", true);
        let name = e.body.operation().name();
        self.start(name, true);
        match &e.body {
            RequestBody::CreateDefaultContactRelationEntity => {}
            RequestBody::GetContactRelationEntity {
                contact_relation_entity_id: id,
            }
            | RequestBody::DeleteContactRelation {
                contact_relation_entity_id: id,
            } => self.display("ContactRelationEntityId", id),
            RequestBody::SaveContactRelation {
                contact_relation_entity,
            } => self.nillable(
                "ContactRelationEntity",
                false,
                contact_relation_entity,
                Self::entity,
            )?,
        }
        self.end(name);
        self.env("Body", false);
        self.env("Envelope", false);
        Ok(())
    }

    fn response_headers(&mut self, placement: HeaderPlacement, h: &ResponseHeaders) -> R {
        self.headers(placement, |w| {
            w.nillable(
                "ExceptionInfo",
                true,
                &h.exception_info,
                Self::exception_info,
            )?;
            w.nillable("ExtraInfo", true, &h.extra_info, |w, x| {
                w.pairs("ExtraInfoNameValuePair", &x.0)
            })?;
            if let Some(b) = h.succeeded {
                w.start("Succeeded", true);
                w.raw(if b { "true" } else { "false" });
                w.end("Succeeded");
            }
            w.time_zone(&h.time_zone)
        })
    }

    pub(crate) fn response(&mut self, e: &ResponseEnvelope) -> R {
        self.open_envelope();
        self.response_headers(e.header_placement, &e.headers)?;
        self.env("Body", true);
        let name = e.body.operation().response_name();
        self.start(name, true);
        match &e.body {
            ResponseBody::CreateDefaultContactRelationEntity { response }
            | ResponseBody::GetContactRelationEntity { response }
            | ResponseBody::SaveContactRelation { response } => {
                self.nillable("Response", false, response, Self::entity)?
            }
            ResponseBody::DeleteContactRelation => {}
        }
        self.end(name);
        self.env("Body", false);
        self.env("Envelope", false);
        Ok(())
    }

    /// A QName value: the envelope's namespace gets `s:`, no namespace no prefix, any other
    /// namespace a prefix `c` declared on the element itself (`decl` receives it).
    fn qname_parts(&self, code: &FaultCode) -> (Option<String>, String) {
        match code.namespace.as_deref() {
            Some(ns) if ns == self.version.namespace() => (None, format!("s:{}", code.local)),
            Some(ns) => (Some(ns.to_string()), format!("c:{}", code.local)),
            None => (None, code.local.clone()),
        }
    }

    fn qname_element(&mut self, name: &'static str, code: &FaultCode) -> R {
        let (decl, value) = self.qname_parts(code);
        self.out.push(b'<');
        self.raw(name);
        if let Some(ns) = decl {
            self.raw(" xmlns:c=\"");
            self.attr(&ns, name)?;
            self.out.push(b'"');
        }
        self.out.push(b'>');
        self.text(&value, name)?;
        self.end(name);
        Ok(())
    }

    fn attr(&mut self, s: &str, element: &'static str) -> R {
        for c in s.chars() {
            match c {
                '"' => self.raw("&quot;"),
                '&' => self.raw("&amp;"),
                '<' => self.raw("&lt;"),
                '\t' => self.raw("&#x9;"),
                '\n' => self.raw("&#xA;"),
                '\r' => self.raw("&#xD;"),
                c if is_xml_char(c) => {
                    let mut b = [0u8; 4];
                    self.raw(c.encode_utf8(&mut b));
                }
                ch => return Err(EncodeError::IllegalChar { ch, element }),
            }
        }
        Ok(())
    }

    pub(crate) fn fault(&mut self, e: &FaultEnvelope) -> R {
        self.open_envelope();
        self.response_headers(e.header_placement, &e.headers)?;
        self.env("Body", true);
        self.env("Fault", true);
        let f = &e.body;
        match self.version {
            SoapVersion::V11 => {
                self.qname_element("faultcode", &f.code)?;
                self.raw("<faultstring>");
                self.text(&f.reason, "faultstring")?;
                self.raw("</faultstring>");
                if let Some(a) = &f.role {
                    self.raw("<faultactor>");
                    self.text(a, "faultactor")?;
                    self.raw("</faultactor>");
                }
                if let Some(d) = &f.detail {
                    self.raw("<detail>");
                    self.raw(d);
                    self.raw("</detail>");
                }
            }
            SoapVersion::V12 => {
                self.env("Code", true);
                self.qname_element("s:Value", &f.code)?;
                if let Some(sc) = &f.subcode {
                    self.env("Subcode", true);
                    self.qname_element("s:Value", sc)?;
                    self.env("Subcode", false);
                }
                self.env("Code", false);
                self.env("Reason", true);
                self.raw("<s:Text xml:lang=\"en\">");
                self.text(&f.reason, "Text")?;
                self.raw("</s:Text>");
                self.env("Reason", false);
                for (name, v) in [("Node", &f.node), ("Role", &f.role)] {
                    if let Some(v) = v {
                        self.env(name, true);
                        self.text(v, "Node/Role")?;
                        self.env(name, false);
                    }
                }
                if let Some(d) = &f.detail {
                    self.env("Detail", true);
                    self.raw(d);
                    self.env("Detail", false);
                }
            }
        }
        self.env("Fault", false);
        self.env("Body", false);
        self.env("Envelope", false);
        Ok(())
    }
}
