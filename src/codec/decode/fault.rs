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
            let d = self.raw_content(c)?;
            let a = self.last_end.saturating_sub(d.len());
            self.check_chars(d, a)?;
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
