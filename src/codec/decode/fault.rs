//! SOAP Faults of both versions (the envelope schemas' own types, not the contract's).

use super::reader::{excerpt, Elem, Ns, Parser, Res};
use super::tokens::Resolved;
use super::xmlchars::is_ncname;
use crate::contract::SoapVersion;
use crate::model::{Fault, FaultCode};
use crate::text::lexical::trim;
use crate::violation::Code;

impl<'i> Parser<'i> {
    fn qname_value(&self, c: &Elem<'i>, s: &str) -> Res<FaultCode> {
        let v = trim(s);
        let (prefix, local) = match v.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, v),
        };
        // A QName (XSD, Namespaces in XML): an NCName, or two joined by one colon; the
        // prefix `xmlns` is bound to no namespace a value may name.
        let ok_name = is_ncname(local) && prefix.is_none_or(|p| is_ncname(p) && p != "xmlns");
        if !ok_name {
            return Err(self.err(
                Code::XsdValue,
                c.pos,
                format!("`{}` is not a QName", excerpt(v)),
            ));
        }
        let namespace = match self.tok.resolve(prefix, true) {
            Resolved::Bound(n) => Some(n.to_string()),
            Resolved::Unbound => None,
            Resolved::Unknown(p) => {
                return Err(self.err(
                    Code::XsdValue,
                    c.pos,
                    format!("the prefix `{p}` of the fault code `{v}` is not bound"),
                ))
            }
        };
        Ok(FaultCode {
            namespace,
            local: local.to_string(),
        })
    }

    fn fault_text(&mut self, c: &Elem<'i>) -> Res<String> {
        let s = self.simple(c)?.into_owned();
        self.pop();
        Ok(s)
    }

    fn fault_code(&mut self, c: &Elem<'i>) -> Res<FaultCode> {
        let s = self.simple(c)?;
        let code = self.qname_value(c, &s)?;
        self.pop();
        Ok(code)
    }

    fn detail(&mut self, c: &Elem<'i>) -> Res<String> {
        let d = if c.empty {
            String::new()
        } else {
            // The tokenizer has checked every character of it.
            let d = self.raw_content(c)?;
            if d.contains('<') {
                self.opaque.set(true);
            }
            d.to_string()
        };
        self.pop();
        Ok(d)
    }

    /// Element of a fault in the expected namespace (`None` = unqualified, SOAP 1.1).
    fn fault_member(
        &self,
        c: &Elem<'i>,
        members: &[&str],
        last: &mut Option<usize>,
        parent: &str,
        ns: Ns,
    ) -> Res<usize> {
        let Some(i) = members.iter().position(|m| *m == c.local) else {
            return Err(self.err(
                Code::XsdUnexpected,
                c.pos,
                format!("`{}` is not allowed in `{parent}`", c.local),
            ));
        };
        if c.ns != ns {
            return Err(self.err(
                Code::XsdNamespace,
                c.pos,
                format!("`{}` is in the wrong namespace for a SOAP fault", c.local),
            ));
        }
        if last.is_some_and(|l| i <= l) {
            return Err(self.err(
                Code::XsdOrder,
                c.pos,
                format!("`{}` is out of order in `{parent}`", c.local),
            ));
        }
        *last = Some(i);
        Ok(i)
    }

    /// A SOAP Fault of either version (pops it).
    pub(super) fn fault(&mut self, f: &Elem<'i>, version: SoapVersion) -> Res<Fault> {
        let mut fault = Fault {
            code: FaultCode {
                namespace: None,
                local: String::new(),
            },
            subcode: None,
            reason: String::new(),
            node: None,
            role: None,
            detail: None,
        };
        let (has_code, has_reason) = match version {
            SoapVersion::V11 => self.fault11(f, &mut fault)?,
            SoapVersion::V12 => self.fault12(f, &mut fault)?,
        };
        if !has_code || !has_reason {
            let what = match (version, has_code) {
                (SoapVersion::V11, false) => "faultcode",
                (SoapVersion::V11, true) => "faultstring",
                (SoapVersion::V12, false) => "Code",
                (SoapVersion::V12, true) => "Reason",
            };
            return Err(self.err(
                Code::XsdMissing,
                f.pos,
                format!("the Fault lacks its required `{what}`"),
            ));
        }
        self.pop();
        Ok(fault)
    }

    /// The members of a SOAP 1.1 Fault; whether the code and the reason were there.
    fn fault11(&mut self, f: &Elem<'i>, fault: &mut Fault) -> Res<(bool, bool)> {
        let mut last = None;
        let (mut has_code, mut has_reason) = (false, false);
        while let Some(c) = self.next_child(f)? {
            match self.fault_member(
                &c,
                &["faultcode", "faultstring", "faultactor", "detail"],
                &mut last,
                "Fault",
                Ns::None,
            )? {
                0 => {
                    fault.code = self.fault_code(&c)?;
                    has_code = true;
                }
                1 => {
                    fault.reason = self.fault_text(&c)?;
                    has_reason = true;
                }
                2 => fault.role = Some(self.fault_text(&c)?),
                _ => fault.detail = Some(self.detail(&c)?),
            }
        }
        Ok((has_code, has_reason))
    }

    /// The members of a SOAP 1.2 Fault; whether the code and the reason were there.
    fn fault12(&mut self, f: &Elem<'i>, fault: &mut Fault) -> Res<(bool, bool)> {
        let env = Ns::Soap(SoapVersion::V12);
        let mut last = None;
        let (mut has_code, mut has_reason) = (false, false);
        while let Some(c) = self.next_child(f)? {
            match self.fault_member(
                &c,
                &["Code", "Reason", "Node", "Role", "Detail"],
                &mut last,
                "Fault",
                env,
            )? {
                0 => {
                    let (code, sub) = self.code12(&c, env)?;
                    fault.code = code;
                    fault.subcode = sub;
                    has_code = true;
                }
                1 => {
                    fault.reason = self.reason12(&c, env)?;
                    has_reason = true;
                }
                2 => fault.node = Some(self.fault_text(&c)?),
                3 => fault.role = Some(self.fault_text(&c)?),
                _ => fault.detail = Some(self.detail(&c)?),
            }
        }
        Ok((has_code, has_reason))
    }

    /// SOAP 1.2 `Reason`: one or more `Text`s, the first kept (pops it).
    fn reason12(&mut self, c: &Elem<'i>, env: Ns) -> Res<String> {
        let mut first = None;
        while let Some(t) = self.next_child(c)? {
            let mut l2 = None;
            self.fault_member(&t, &["Text"], &mut l2, "Reason", env)?;
            let s = self.fault_text(&t)?;
            first.get_or_insert(s);
        }
        let Some(s) = first else {
            return Err(self.err(
                Code::XsdMissing,
                c.pos,
                "`Reason` needs at least one `Text`",
            ));
        };
        self.pop();
        Ok(s)
    }

    /// SOAP 1.2 `Code` / `Subcode`: `Value`, then an optional `Subcode`. Returns the value
    /// and the first subcode's value.
    fn code12(&mut self, c: &Elem<'i>, env: Ns) -> Res<(FaultCode, Option<FaultCode>)> {
        let mut last = None;
        let mut value = None;
        let mut sub = None;
        while let Some(x) = self.next_child(c)? {
            match self.fault_member(&x, &["Value", "Subcode"], &mut last, c.local, env)? {
                0 => value = Some(self.fault_code(&x)?),
                _ => {
                    if value.is_none() {
                        return Err(self.err(Code::XsdMissing, x.pos, "`Value` must come first"));
                    }
                    let (v, _) = self.code12(&x, env)?;
                    sub = Some(v);
                }
            }
        }
        let Some(value) = value else {
            return Err(self.err(
                Code::XsdMissing,
                c.pos,
                format!("`{}` lacks its required `Value`", c.local),
            ));
        };
        self.pop();
        Ok((value, sub))
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode_judged;
    use crate::contract::{NS_SOAP11, NS_SOAP12};
    use crate::model::{Fault, FaultCode, Message};
    use crate::violation::Code;

    fn v11(inner: &str) -> String {
        format!("<s:Envelope xmlns:s=\"{NS_SOAP11}\"><s:Body><s:Fault>{inner}</s:Fault></s:Body></s:Envelope>")
    }

    fn v12(inner: &str) -> String {
        format!("<e:Envelope xmlns:e=\"{NS_SOAP12}\"><e:Body><e:Fault>{inner}</e:Fault></e:Body></e:Envelope>")
    }

    /// The fault read, and whether the decoder passed over content unjudged.
    fn read(text: &str) -> (Fault, bool) {
        match decode_judged(text) {
            Ok(j) => match j.message {
                Message::Fault(e) => (e.body, j.opaque),
                other => panic!("not a fault: {other:?}"),
            },
            Err(e) => panic!("{e}: {text}"),
        }
    }

    /// The refusal: its code, element path and message.
    fn refused(text: &str) -> (Code, String, String) {
        match decode_judged(text) {
            Ok(_) => panic!("accepted: {text}"),
            Err(e) => {
                let v = e.into_violation();
                (v.code, v.element, v.message)
            }
        }
    }

    fn code(ns: Option<&str>, local: &str) -> FaultCode {
        FaultCode {
            namespace: ns.map(String::from),
            local: local.into(),
        }
    }

    const CODE: &str = "<faultcode>s:Client</faultcode>";
    const STRING: &str = "<faultstring>why</faultstring>";

    #[test]
    fn a_soap11_fault_keeps_each_member() {
        let (f, opaque) = read(&v11(
            "<faultcode xmlns:a=\"urn:a\"> a:Boom </faultcode><faultstring>why</faultstring>\
             <faultactor>who</faultactor><detail>d<x:y xmlns:x=\"urn:x\"/></detail>",
        ));
        assert_eq!(f.code, code(Some("urn:a"), "Boom"));
        assert_eq!(f.subcode, None);
        assert_eq!(f.reason, "why");
        assert_eq!(f.node, None);
        assert_eq!(f.role.as_deref(), Some("who"));
        assert_eq!(f.detail.as_deref(), Some("d<x:y xmlns:x=\"urn:x\"/>"));
        assert!(opaque, "a detail holding elements is passed over unjudged");

        let (f, opaque) = read(&v11(&format!("{CODE}{STRING}<detail>text only</detail>")));
        assert_eq!(f.code, code(Some(NS_SOAP11), "Client"));
        assert_eq!(f.role, None);
        assert_eq!(f.detail.as_deref(), Some("text only"));
        assert!(!opaque, "a detail of text alone is judged");

        let (f, _) = read(&v11(&format!("{CODE}{STRING}<detail/>")));
        assert_eq!(f.detail.as_deref(), Some(""));
        let (f, _) = read(&v11(&format!("<faultcode>Client</faultcode>{STRING}")));
        assert_eq!(
            f.code,
            code(None, "Client"),
            "no prefix and no default namespace"
        );
    }

    #[test]
    fn a_fault_code_must_be_a_qname_with_a_bound_prefix() {
        let at = "/Envelope/Body/Fault/faultcode".to_string();
        for bad in ["a:b:c", "1a", ":x", "s:", "xmlns:x", "s:1x", ""] {
            assert_eq!(
                refused(&v11(&format!("<faultcode>{bad}</faultcode>{STRING}"))),
                (
                    Code::XsdValue,
                    at.clone(),
                    format!("`{bad}` is not a QName")
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            refused(&v11(&format!("<faultcode>q:Boom</faultcode>{STRING}"))),
            (
                Code::XsdValue,
                at,
                "the prefix `q` of the fault code `q:Boom` is not bound".into()
            )
        );
    }

    #[test]
    fn a_soap11_fault_holds_its_members_once_in_order() {
        let fault = "/Envelope/Body/Fault".to_string();
        let member = |m: &str| format!("{fault}/{m}");
        let lacks = |what: &str| format!("the Fault lacks its required `{what}`");
        assert_eq!(
            refused(&v11(CODE)),
            (Code::XsdMissing, fault.clone(), lacks("faultstring"))
        );
        assert_eq!(
            refused(&v11(STRING)),
            (Code::XsdMissing, fault.clone(), lacks("faultcode"))
        );
        assert_eq!(
            refused(&v11("")),
            (Code::XsdMissing, fault.clone(), lacks("faultcode"))
        );
        assert_eq!(
            refused(&v11(&format!("{STRING}{CODE}"))),
            (
                Code::XsdOrder,
                member("faultcode"),
                "`faultcode` is out of order in `Fault`".into()
            )
        );
        assert_eq!(
            refused(&v11(&format!("{CODE}{CODE}{STRING}"))).0,
            Code::XsdOrder,
            "a member twice"
        );
        assert_eq!(
            refused(&v11(&format!("{CODE}<extra/>{STRING}"))),
            (
                Code::XsdUnexpected,
                member("extra"),
                "`extra` is not allowed in `Fault`".into()
            )
        );
        assert_eq!(
            refused(&v11(&format!(
                "<s:faultcode>s:Client</s:faultcode>{STRING}"
            ))),
            (
                Code::XsdNamespace,
                member("faultcode"),
                "`faultcode` is in the wrong namespace for a SOAP fault".into()
            )
        );
    }

    const REASON: &str = "<e:Reason><e:Text xml:lang=\"en\">first</e:Text><e:Text xml:lang=\"nb\">andre</e:Text></e:Reason>";

    #[test]
    fn a_soap12_fault_keeps_each_member() {
        let (f, opaque) = read(&v12(&format!(
            "<e:Code><e:Value>e:Sender</e:Value><e:Subcode><e:Value xmlns:x=\"urn:x\">x:Sub</e:Value>\
             <e:Subcode><e:Value>e:Deeper</e:Value></e:Subcode></e:Subcode></e:Code>{REASON}\
             <e:Node>n</e:Node><e:Role>r</e:Role><e:Detail>d</e:Detail>"
        )));
        assert_eq!(f.code, code(Some(NS_SOAP12), "Sender"));
        assert_eq!(
            f.subcode,
            Some(code(Some("urn:x"), "Sub")),
            "the first subcode"
        );
        assert_eq!(f.reason, "first", "the first Text");
        assert_eq!(f.node.as_deref(), Some("n"));
        assert_eq!(f.role.as_deref(), Some("r"));
        assert_eq!(f.detail.as_deref(), Some("d"));
        assert!(!opaque);
        let (f, _) = read(&v12(&format!(
            "<e:Code><e:Value>e:Receiver</e:Value></e:Code>{REASON}"
        )));
        assert_eq!(f.subcode, None);
        assert_eq!((f.node, f.role, f.detail), (None, None, None));
    }

    #[test]
    fn a_soap12_fault_holds_its_members_in_order() {
        let value = "<e:Value>e:Sender</e:Value>";
        let code = format!("<e:Code>{value}</e:Code>");
        let fault = "/Envelope/Body/Fault".to_string();
        let lacks = |what: &str| format!("the Fault lacks its required `{what}`");
        assert_eq!(
            refused(&v12(&code)),
            (Code::XsdMissing, fault.clone(), lacks("Reason"))
        );
        assert_eq!(
            refused(&v12(REASON)),
            (Code::XsdMissing, fault.clone(), lacks("Code"))
        );
        assert_eq!(refused(&v12(&format!("{REASON}{code}"))).0, Code::XsdOrder);
        assert_eq!(
            refused(&v12(&format!("{code}<e:Reason/>"))),
            (
                Code::XsdMissing,
                format!("{fault}/Reason"),
                "`Reason` needs at least one `Text`".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!(
                "{code}<e:Reason><e:Note>x</e:Note></e:Reason>"
            ))),
            (
                Code::XsdUnexpected,
                format!("{fault}/Reason/Note"),
                "`Note` is not allowed in `Reason`".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!("<e:Code/>{REASON}"))),
            (
                Code::XsdMissing,
                format!("{fault}/Code"),
                "`Code` lacks its required `Value`".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!(
                "<e:Code>{value}<e:Subcode/></e:Code>{REASON}"
            ))),
            (
                Code::XsdMissing,
                format!("{fault}/Code/Subcode"),
                "`Subcode` lacks its required `Value`".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!(
                "<e:Code><e:Subcode>{value}</e:Subcode></e:Code>{REASON}"
            ))),
            (
                Code::XsdMissing,
                format!("{fault}/Code/Subcode"),
                "`Value` must come first".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!("<e:Code>{value}{value}</e:Code>{REASON}"))),
            (
                Code::XsdOrder,
                format!("{fault}/Code/Value[2]"),
                "`Value` is out of order in `Code`".into()
            )
        );
        assert_eq!(
            refused(&v12(&format!(
                "<e:Code><Value>e:Sender</Value></e:Code>{REASON}"
            )))
            .0,
            Code::XsdNamespace,
            "SOAP 1.2's members are in its namespace"
        );
    }

    /// A forbidden character in a detail is refused by the tokenizer, at the text that
    /// holds it, as everywhere else.
    #[test]
    fn a_detail_is_checked_for_forbidden_characters() {
        let text = v11(&format!("{CODE}{STRING}<detail>ok\u{1}</detail>"));
        let e = match decode_judged(&text) {
            Ok(_) => panic!("accepted"),
            Err(e) => e.into_violation(),
        };
        assert_eq!(e.code, Code::XmlMalformed, "{e:?}");
        let col = text.find("ok\u{1}").map(|i| i + 1);
        assert_eq!(e.column.map(|c| c as usize), col, "{e:?}");
        for inner in [
            "<x a='\u{1}'/>",
            "<![CDATA[\u{FFFF}]]>",
            "<!--\u{1F}-->",
            "<x>\u{FFFE}</x>",
        ] {
            let text = v11(&format!("{CODE}{STRING}<detail>{inner}</detail>"));
            assert_eq!(refused(&text).0, Code::XmlMalformed, "{inner:?}");
        }
    }
}
