//! SOAP header blocks: which are the contract's ([`table::header_block`]), their types
//! (`SoCredentials`, `SoTimeZone`, `SoExceptionInfo`, `SoExtraInfo`), and what a repeated
//! block means.
//!
//! A repeated header block is accepted, as the SOAP envelope schema accepts it (`Header`
//! holds `xs:any maxOccurs="unbounded"`): every copy is decoded and held to its
//! declaration, and the first one is the one kept in the model.

use super::reader::{Elem, Ns, Parser, Res};
use super::simple::{complex, types};
use crate::contract::table::{self, ElementDecl};
use crate::model::*;
use crate::violation::Code;

/// The header blocks read so far.
#[derive(Default)]
pub(super) struct HeaderSet<'i> {
    pub(super) request: RequestHeaders,
    pub(super) response: ResponseHeaders,
    /// The blocks seen, by name (at most the six the contract declares).
    seen: Vec<&'static str>,
    /// The first block only a request may carry: (position, path, name).
    pub(super) request_only: Option<(usize, String, &'i str)>,
    /// The first block only a response may carry.
    pub(super) response_only: Option<(usize, String, &'i str)>,
}

fn declares(blocks: &[ElementDecl], name: &str) -> bool {
    blocks.iter().any(|b| b.name == name)
}

impl<'i> Parser<'i> {
    fn time_zone(&mut self, e: &Elem<'i>) -> Res<SoTimeZone> {
        let ty = types().time_zone;
        let mut v = SoTimeZone::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            match m.name {
                "SoTimeZoneId" => v.so_time_zone_id = Some(self.integer(&c, m.into())?),
                "SoTimeZoneLocationCode" => {
                    v.so_time_zone_location_code = self.string(&c, m.into(), false)?
                }
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    fn credentials(&mut self, e: &Elem<'i>) -> Res<SoCredentials> {
        let ty = types().credentials;
        let mut v = SoCredentials::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            match m.name {
                "Ticket" => v.ticket = self.string(&c, m.into(), false)?,
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    fn exception_info(&mut self, e: &Elem<'i>) -> Res<SoExceptionInfo> {
        let ty = types().exception_info;
        let mut v = SoExceptionInfo::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            let d = m.into();
            match m.name {
                "Message" => v.message = self.string(&c, d, false)?,
                "StackTrace" => v.stack_trace = self.string(&c, d, false)?,
                "FriendlyText" => v.friendly_text = self.string(&c, d, false)?,
                "ExceptionType" => v.exception_type = self.string(&c, d, false)?,
                "Source" => v.source = self.string(&c, d, false)?,
                "InnerException" => {
                    v.inner_exception = self
                        .complex(&c, d, false, Self::exception_info)?
                        .map(Box::new)
                }
                "Parameters" => {
                    let name = m.ty.name();
                    v.parameters = self.complex(&c, d, false, |p, e| p.key_values(e, name))?
                }
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    /// A child of `Header` (or a block loose under `Envelope`): a block of the contract is
    /// decoded (the first of its name kept), a foreign one skipped unless it is marked
    /// `mustUnderstand`.
    pub(super) fn header_block(&mut self, c: &Elem<'i>, h: &mut HeaderSet<'i>) -> Res<()> {
        let decl = table::header_block(c.local);
        if c.ns != Ns::Payload {
            if decl.is_some() && matches!(c.ns, Ns::None | Ns::Other) {
                return Err(self.wrong_ns(c));
            }
            if c.must_understand {
                return Err(self.err(
                    Code::SoapMustUnderstand,
                    c.pos,
                    format!("header block `{}` is marked mustUnderstand but is not part of the contract", c.local),
                ));
            }
            // A foreign header block that need not be understood: SOAP lets it be ignored.
            return self.skip(c);
        }
        let Some(decl) = decl else {
            return Err(self.err(
                Code::SoapUnknownHeader,
                c.pos,
                format!("`{}` is not a header block the WSDL declares", c.local),
            ));
        };
        let first = !h.seen.contains(&decl.name);
        if first {
            h.seen.push(decl.name);
        }
        let request = declares(table::request_headers(), decl.name);
        let response = declares(table::response_headers(), decl.name);
        if request && !response && h.request_only.is_none() {
            h.request_only = Some((c.pos, self.path(), c.local));
        }
        if response && !request && h.response_only.is_none() {
            h.response_only = Some((c.pos, self.path(), c.local));
        }
        let d = decl.into();
        match decl.name {
            "ApplicationToken" => {
                let v = self.string(c, d, true)?;
                if first {
                    h.request.application_token = v;
                }
            }
            "Credentials" => {
                let v = self.complex(c, d, true, Self::credentials)?;
                if first {
                    h.request.credentials = v;
                }
            }
            "TimeZone" => {
                let tz = self.complex(c, d, true, Self::time_zone)?;
                if first {
                    h.request.time_zone = tz.clone();
                    h.response.time_zone = tz;
                }
            }
            "ExceptionInfo" => {
                let v = self.complex(c, d, true, Self::exception_info)?;
                if first {
                    h.response.exception_info = v;
                }
            }
            "ExtraInfo" => {
                let name = decl.ty.name();
                let v = self
                    .complex(c, d, true, |p, e| p.key_values(e, name))?
                    .map(SoExtraInfo);
                if first {
                    h.response.extra_info = v;
                }
            }
            "Succeeded" => {
                let v = self.boolean(c, d, true)?;
                if first {
                    h.response.succeeded = Some(v);
                }
            }
            _ => return Err(self.unhandled(c, complex("Header"))),
        }
        Ok(())
    }
}
