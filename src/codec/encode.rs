//! The hand-written writer: WCF-shaped output straight into the caller's buffer.
//!
//! Written for throughput: every member's tags are spelled out at compile time ([`Tag`]),
//! so a member costs one copy for its start tag, one for its value and one for its end
//! tag; integers, dates, masks and enumerations are written digit by digit or name by name
//! (no `fmt` machinery), and text is scanned byte by byte against a table, copied in runs
//! between the bytes that need an escape. Nothing is allocated per member.

use super::EncodeError;
use crate::contract::versions::{self, Change};
use crate::contract::{Contract, SoapVersion, NS_XSI};
use crate::model::*;
use std::io::Write as _;

use crate::text::escape::is_xml_char;

/// Bytes of UTF-8 text that need a look in character data: `<`, `>`, `&`, CR, the C0
/// controls XML 1.0 forbids, and 0xEF (the lead byte of U+FFFE and U+FFFF).
pub(crate) const TEXT_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        if i != b'\t' as usize && i != b'\n' as usize {
            t[i] = true;
        }
        i += 1;
    }
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xEF] = true;
    t
};

/// An element name and its tags, spelled out at compile time.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    name: &'static str,
    open: &'static str,
    close: &'static str,
    nil: &'static str,
}

macro_rules! tag {
    ($n:literal) => {
        Tag {
            name: $n,
            open: concat!("<", $n, ">"),
            close: concat!("</", $n, ">"),
            nil: concat!("<", $n, " i:nil=\"true\"/>"),
        }
    };
}

pub(crate) struct Writer<'a> {
    out: &'a mut Vec<u8>,
    version: SoapVersion,
    contract: Contract,
    /// Leave out, rather than refuse, a member's value the version cannot carry (a
    /// server's answer from a store shared across versions).
    fitting: bool,
}

type R = Result<(), EncodeError>;

/// Two ASCII digits of `n` (0..=99).
fn two(n: u8) -> [u8; 2] {
    [b'0' + n / 10, b'0' + n % 10]
}

impl<'a> Writer<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, version: SoapVersion) -> Self {
        Writer {
            out,
            version,
            contract: Contract::Services85,
            fitting: false,
        }
    }

    /// The writer for a contract version: its namespace and its members.
    pub(crate) fn to(self, contract: Contract) -> Self {
        Writer { contract, ..self }
    }

    /// The writer leaves out the values the version cannot carry instead of refusing them.
    pub(crate) fn fitting(self) -> Self {
        Writer {
            fitting: true,
            ..self
        }
    }

    /// A member a version may lack: `Ok(true)` to write it, `Ok(false)` when the version
    /// lacks it and it is absent, an error when it lacks it and it holds a value.
    fn has_member<T>(
        &self,
        owner: &'static str,
        member: &'static str,
        v: &Nillable<T>,
    ) -> Result<bool, EncodeError> {
        let since = versions::DIFFERENCES.iter().find_map(|d| match d.change {
            Change::Member {
                owner: o,
                member: m,
                ..
            } if o == owner && m.name == member => Some(d.since),
            _ => None,
        });
        match since {
            Some(since) if since > self.contract => match v {
                Nillable::Absent => Ok(false),
                _ if self.fitting => Ok(false),
                _ => Err(EncodeError::NotInVersion {
                    owner,
                    member,
                    contract: self.contract,
                    since,
                }),
            },
            _ => Ok(true),
        }
    }

    #[inline]
    fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Character data: `<`, `&`, `>` escaped, CR as `&#xD;` (so XML's line-end
    /// normalisation does not turn it into LF), TAB and LF as is; characters XML 1.0
    /// forbids are an error.
    fn text(&mut self, s: &str, element: &'static str) -> R {
        let bytes = s.as_bytes();
        let mut from = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !TEXT_SPECIAL[usize::from(b)] {
                i += 1;
                continue;
            }
            let rep: &[u8] = match b {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\r' => b"&#xD;",
                // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
                0xEF => {
                    if bytes.get(i + 1) == Some(&0xBF)
                        && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
                    {
                        let ch = if bytes[i + 2] == 0xBE {
                            '\u{FFFE}'
                        } else {
                            '\u{FFFF}'
                        };
                        return Err(EncodeError::IllegalChar { ch, element });
                    }
                    i += 1;
                    continue;
                }
                _ => {
                    return Err(EncodeError::IllegalChar {
                        ch: char::from(b),
                        element,
                    })
                }
            };
            self.out.extend_from_slice(&bytes[from..i]);
            self.out.extend_from_slice(rep);
            i += 1;
            from = i;
        }
        self.out.extend_from_slice(&bytes[from..]);
        Ok(())
    }

    /// A decimal integer, digits written from the right into a stack buffer.
    fn integer(&mut self, v: i32) {
        let mut buf = [0u8; 11];
        let mut i = buf.len();
        let mut n = v.unsigned_abs();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if v < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        self.out.extend_from_slice(&buf[i..]);
    }

    /// An `xs:dateTime` exactly as its `Display` writes it.
    fn date_time(&mut self, d: &XsdDateTime) {
        let small = d.year <= 9999
            && d.month <= 99
            && d.day <= 99
            && d.hour <= 99
            && d.minute <= 99
            && d.second <= 99
            && matches!(d.zone, Zone::None | Zone::Utc | Zone::Offset(-5999..=5999));
        if !small {
            // Out-of-range fields (possible through the public fields): the general path.
            let _ = write!(self.out, "{d}");
            return;
        }
        let y = d.year;
        let [y0, y1] = two((y / 100) as u8);
        let [y2, y3] = two((y % 100) as u8);
        let [mo0, mo1] = two(d.month);
        let [d0, d1] = two(d.day);
        let [h0, h1] = two(d.hour);
        let [mi0, mi1] = two(d.minute);
        let [s0, s1] = two(d.second);
        self.out.extend_from_slice(&[
            y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':', s0,
            s1,
        ]);
        let f = d.fraction();
        if !f.is_empty() {
            self.out.push(b'.');
            self.raw(f);
        }
        match d.zone {
            Zone::None => {}
            Zone::Utc => self.out.push(b'Z'),
            Zone::Offset(m) => {
                let a = m.unsigned_abs();
                let [h0, h1] = two((a / 60) as u8);
                let [m0, m1] = two((a % 60) as u8);
                let sign = if m < 0 { b'-' } else { b'+' };
                self.out.extend_from_slice(&[sign, h0, h1, b':', m0, m1]);
            }
        }
    }

    /// Flag names separated by single spaces, in canonical order (as `Display` does).
    /// A flag mask, as the version reads it: a flag the version lacks is refused (or,
    /// fitting, left out).
    fn mask<M: Mask>(&mut self, m: M) -> R {
        let m = match m.first_not_in(self.contract) {
            None => m,
            Some(_) if self.fitting => m.fitted_to(self.contract),
            Some(flag) => {
                return Err(EncodeError::FlagNotInVersion {
                    type_name: M::TYPE_NAME,
                    flag,
                    contract: self.contract,
                    since: versions::value_since(M::TYPE_NAME, flag).unwrap_or(Contract::LATEST),
                })
            }
        };
        for (i, n) in m.flag_names().enumerate() {
            if i > 0 {
                self.out.push(b' ');
            }
            self.raw(n);
        }
        Ok(())
    }

    fn int_member(&mut self, t: Tag, v: Option<i32>) {
        if let Some(v) = v {
            self.raw(t.open);
            self.integer(v);
            self.raw(t.close);
        }
    }

    fn short_member(&mut self, t: Tag, v: Option<i16>) {
        self.int_member(t, v.map(i32::from));
    }

    fn date_member(&mut self, t: Tag, v: &Option<XsdDateTime>) {
        if let Some(v) = v {
            self.raw(t.open);
            self.date_time(v);
            self.raw(t.close);
        }
    }

    fn str_member(&mut self, t: Tag, v: Option<&'static str>) {
        if let Some(v) = v {
            self.raw(t.open);
            self.raw(v);
            self.raw(t.close);
        }
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
        self.raw(self.contract.namespace());
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

    /// A header block or operation element (namespace declarations on it).
    fn top_nillable<T>(
        &mut self,
        name: &'static str,
        v: &Nillable<T>,
        f: impl FnOnce(&mut Self, &T) -> R,
    ) -> R {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => {
                self.nil(name, true);
                Ok(())
            }
            Nillable::Value(x) => {
                self.start(name, true);
                f(self, x)?;
                self.end(name);
                Ok(())
            }
        }
    }

    /// A member inside the payload.
    #[inline]
    fn nillable<T>(&mut self, t: Tag, v: &Nillable<T>, f: impl FnOnce(&mut Self, &T) -> R) -> R {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => {
                self.raw(t.nil);
                Ok(())
            }
            Nillable::Value(x) => {
                self.raw(t.open);
                f(self, x)?;
                self.raw(t.close);
                Ok(())
            }
        }
    }

    fn string(&mut self, t: Tag, v: &Nillable<String>) -> R {
        self.nillable(t, v, |w, s| w.text(s, t.name))
    }

    /// A required nillable string (dictionary Key/Value): `None` is nil.
    fn required_string(&mut self, t: Tag, v: &Option<String>) -> R {
        match v {
            None => {
                self.raw(t.nil);
                Ok(())
            }
            Some(s) => {
                self.raw(t.open);
                self.text(s, t.name)?;
                self.raw(t.close);
                Ok(())
            }
        }
    }

    fn env(&mut self, local: &str, open: bool) {
        self.raw(if open { "<s:" } else { "</s:" });
        self.raw(local);
        self.out.push(b'>');
    }

    // --- payload types ---

    fn carrier(&mut self, t: &Nillable<TableRight>, f: &Nillable<FieldPropertyDictionary>) -> R {
        self.nillable(tag!("TableRight"), t, |w, t| {
            if let Some(m) = t.mask {
                w.raw("<Mask>");
                w.mask(m)?;
                w.raw("</Mask>");
            }
            w.string(tag!("Reason"), &t.reason)
        })?;
        self.nillable(tag!("FieldProperties"), f, |w, d| {
            for e in &d.0 {
                w.raw("<FieldPropertyDictionaryKeyValuePair>");
                w.required_string(tag!("Key"), &e.key)?;
                match &e.value {
                    None => w.raw("<Value i:nil=\"true\"/>"),
                    Some(p) => {
                        w.raw("<Value>");
                        w.field_property(p)?;
                        w.raw("</Value>");
                    }
                }
                w.raw("</FieldPropertyDictionaryKeyValuePair>");
            }
            Ok(())
        })
    }

    fn field_property(&mut self, p: &FieldProperty) -> R {
        self.nillable(tag!("FieldRight"), &p.field_right, |w, r| {
            if let Some(m) = r.mask {
                w.raw("<Mask>");
                w.mask(m)?;
                w.raw("</Mask>");
            }
            w.string(tag!("Reason"), &r.reason)
        })?;
        self.string(tag!("FieldType"), &p.field_type)?;
        self.int_member(tag!("FieldLength"), p.field_length);
        Ok(())
    }

    fn entity(&mut self, e: &ContactRelationEntity) -> R {
        self.carrier(&e.table_right, &e.field_properties)?;
        self.int_member(tag!("SourceContactId"), e.source_contact_id);
        self.int_member(tag!("SourcePersonId"), e.source_person_id);
        self.int_member(tag!("DestinationContactId"), e.destination_contact_id);
        self.int_member(tag!("DestinationPersonId"), e.destination_person_id);
        self.int_member(tag!("RelationId"), e.relation_id);
        self.string(tag!("Comment"), &e.comment)?;
        self.int_member(tag!("RelationDefinitionId"), e.relation_definition_id);
        self.short_member(tag!("Reversed"), e.reversed);
        self.date_member(tag!("UpdatedDate"), &e.updated_date);
        self.date_member(tag!("CreatedDate"), &e.created_date);
        self.nillable(tag!("CreatedBy"), &e.created_by, Self::associate)?;
        self.nillable(tag!("UpdatedBy"), &e.updated_by, Self::associate)?;
        self.string(tag!("SourceContactName"), &e.source_contact_name)?;
        self.string(tag!("SourcePersonName"), &e.source_person_name)?;
        self.string(tag!("DestinationContactName"), &e.destination_contact_name)?;
        self.string(tag!("DestinationPersonName"), &e.destination_person_name)?;
        self.string(tag!("ActiveText"), &e.active_text)?;
        self.string(tag!("PassiveText"), &e.passive_text)
    }

    fn associate(&mut self, a: &Associate) -> R {
        self.carrier(&a.table_right, &a.field_properties)?;
        self.int_member(tag!("AssociateId"), a.associate_id);
        self.string(tag!("Name"), &a.name)?;
        self.int_member(tag!("PersonId"), a.person_id);
        self.short_member(tag!("Rank"), a.rank);
        self.string(tag!("Tooltip"), &a.tooltip)?;
        self.str_member(tag!("Type"), a.user_type.map(UserType::as_str));
        self.int_member(tag!("GroupIdx"), a.group_idx);
        self.string(tag!("FullName"), &a.full_name)?;
        self.string(tag!("FormalName"), &a.formal_name)?;
        self.str_member(
            tag!("Deleted"),
            a.deleted.map(|b| if b { "true" } else { "false" }),
        );
        self.int_member(tag!("EjUserId"), a.ej_user_id);
        if self.has_member("Associate", "UserName", &a.user_name)? {
            self.string(tag!("UserName"), &a.user_name)?;
        }
        if self.has_member("Associate", "ExtraFields", &a.extra_fields)? {
            self.nillable(tag!("ExtraFields"), &a.extra_fields, |w, d| {
                w.pairs(tag!("StringKeyValuePair"), &d.0)
            })?;
        }
        if self.has_member("Associate", "CustomFields", &a.custom_fields)? {
            self.nillable(tag!("CustomFields"), &a.custom_fields, |w, d| {
                w.pairs(tag!("StringKeyValuePair"), &d.0)
            })?;
        }
        Ok(())
    }

    fn time_zone(&mut self, tz: &Nillable<SoTimeZone>) -> R {
        self.top_nillable("TimeZone", tz, |w, tz| {
            w.int_member(tag!("SoTimeZoneId"), tz.so_time_zone_id);
            w.string(
                tag!("SoTimeZoneLocationCode"),
                &tz.so_time_zone_location_code,
            )
        })
    }

    fn pairs(&mut self, pair: Tag, items: &[KeyValue]) -> R {
        for kv in items {
            self.raw(pair.open);
            self.required_string(tag!("Key"), &kv.key)?;
            self.required_string(tag!("Value"), &kv.value)?;
            self.raw(pair.close);
        }
        Ok(())
    }

    fn exception_info(&mut self, e: &SoExceptionInfo) -> R {
        self.string(tag!("Message"), &e.message)?;
        self.string(tag!("StackTrace"), &e.stack_trace)?;
        self.string(tag!("FriendlyText"), &e.friendly_text)?;
        self.string(tag!("ExceptionType"), &e.exception_type)?;
        self.string(tag!("Source"), &e.source)?;
        self.nillable(tag!("InnerException"), &e.inner_exception, |w, i| {
            w.exception_info(i)
        })?;
        self.nillable(tag!("Parameters"), &e.parameters, |w, p| {
            w.pairs(tag!("SoExceptionInfoParametersKeyValuePair"), p)
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
            w.top_nillable("ApplicationToken", &h.application_token, |w, s| {
                w.text(s, "ApplicationToken")
            })?;
            w.top_nillable("Credentials", &h.credentials, |w, c| {
                w.string(tag!("Ticket"), &c.ticket)
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
            } => self.int_member(tag!("ContactRelationEntityId"), *id),
            RequestBody::SaveContactRelation {
                contact_relation_entity,
            } => self.nillable(
                tag!("ContactRelationEntity"),
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
            w.top_nillable("ExceptionInfo", &h.exception_info, Self::exception_info)?;
            w.top_nillable("ExtraInfo", &h.extra_info, |w, x| {
                w.pairs(tag!("ExtraInfoNameValuePair"), &x.0)
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
                self.nillable(tag!("Response"), response, Self::entity)?
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
