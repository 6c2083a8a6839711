//! The schema checks every payload element goes through (attributes, `xsi:type`, `xsi:nil`,
//! sequence order and membership) and the simple types, all read from the contract table:
//! a member's position, nillability and type are the table's, its value is read by
//! [`crate::text::lexical`].

use super::super::DecodeError;
use super::reader::{excerpt, Elem, Ns, Parser, Res, Tok};
use crate::contract::table::{self, ComplexType, ElementDecl, Member, TypeRef};
use crate::contract::NS_SERVICES85;
use crate::model::{Mask, Nillable, UserType, XsdDateTime};
use crate::text::lexical;
use crate::violation::Code;

/// What the decoder needs of a declaration (a member or a global element): its type and
/// whether it may be nil.
#[derive(Debug, Clone, Copy)]
pub(super) struct Decl {
    pub(super) ty: TypeRef,
    pub(super) nillable: bool,
}

impl From<&Member> for Decl {
    fn from(m: &Member) -> Decl {
        Decl {
            ty: m.ty,
            nillable: m.nillable,
        }
    }
}

impl From<&ElementDecl> for Decl {
    fn from(e: &ElementDecl) -> Decl {
        Decl {
            ty: e.ty,
            nillable: e.nillable,
        }
    }
}

/// A type with no members, standing in for a name the table lacks (its members are then
/// all unexpected; `tests/contract_table.rs` and the codec tests keep that from happening).
static NO_TYPE: ComplexType = ComplexType {
    name: "",
    anonymous: true,
    base: None,
    dictionary: false,
    members: &[],
};

/// A namespace of the table (which names payload types in Services85's) as the document's
/// own version has it.
fn own_namespace(ns: &str, contract: crate::contract::Contract) -> &str {
    if ns == NS_SERVICES85 {
        contract.namespace()
    } else {
        ns
    }
}

/// The complex type of the table by name.
pub(super) fn complex(name: &str) -> &'static ComplexType {
    table::complex_type(name).unwrap_or(&NO_TYPE)
}

/// The complex types the decoder reads by name, looked up once per process: a scan of the
/// table for every element would cost a tenth of the decoder's time.
pub(super) struct Types {
    pub(super) entity: &'static ComplexType,
    pub(super) associate: &'static ComplexType,
    pub(super) table_right: &'static ComplexType,
    pub(super) field_right: &'static ComplexType,
    pub(super) field_property: &'static ComplexType,
    pub(super) field_properties: &'static ComplexType,
    pub(super) time_zone: &'static ComplexType,
    pub(super) credentials: &'static ComplexType,
    pub(super) exception_info: &'static ComplexType,
}

pub(super) fn types() -> &'static Types {
    static TYPES: std::sync::OnceLock<Types> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| Types {
        entity: complex("ContactRelationEntity"),
        associate: complex("Associate"),
        table_right: complex("TableRight"),
        field_right: complex("FieldRight"),
        field_property: complex("FieldProperty"),
        field_properties: complex("FieldPropertyDictionary"),
        time_zone: complex("SoTimeZone"),
        credentials: complex("SoCredentials"),
        exception_info: complex("SoExceptionInfo"),
    })
}

impl<'i> Parser<'i> {
    /// Attribute, `xsi:type` and `xsi:nil` checks of a payload element. Returns true when
    /// the element is nil (its (empty) content consumed and the element popped).
    pub(super) fn begin(
        &mut self,
        e: &Elem<'i>,
        nillable: bool,
        ty: Option<(&str, &str)>,
        top: bool,
    ) -> Res<bool> {
        if let Some(a) = &e.x().bad_attr {
            return Err(self.err(
                Code::XsdAttribute,
                e.pos,
                format!("attribute `{a}` is not allowed on `{}`", e.local),
            ));
        }
        if let (false, Some(a)) = (top, &e.x().soap_attr) {
            return Err(self.err(
                Code::XsdAttribute,
                e.pos,
                format!(
                    "attribute `{a}` is allowed on header blocks only, not on `{}`",
                    e.local
                ),
            ));
        }
        if let Some((tns, tlocal, written)) = &e.x().xsi_type {
            // The table names payload types in Services85's namespace: the document's own
            // version's stands for it.
            let contract = self.contract();
            let own = |ns| own_namespace(ns, contract);
            let ok = matches!(ty, Some((ns, l)) if tns.as_deref() == Some(own(ns)) && tlocal == l);
            if !ok {
                let expected = match ty {
                    Some((ns, l)) => format!("{{{}}}{l}", own(ns)),
                    None => "no xsi:type (its type is anonymous)".to_string(),
                };
                let got = match tns {
                    Some(ns) => format!("{{{ns}}}{tlocal}"),
                    None => format!("`{written}` (prefix not bound)"),
                };
                return Err(self.err(
                    Code::XsdType,
                    e.pos,
                    format!(
                        "xsi:type {got} contradicts the declared type of `{}`: expected {expected}",
                        e.local
                    ),
                ));
            }
        }
        if e.nil != Some(true) {
            return Ok(false);
        }
        if !nillable {
            return Err(self.err(
                Code::XsdNil,
                e.pos,
                format!("`{}` is not nillable", e.local),
            ));
        }
        if !e.empty {
            match self.next()? {
                Tok::End => {}
                Tok::Eof => return Err(self.unexpected_eof()),
                _ => {
                    return Err(self.err(
                        Code::XsdNilContent,
                        e.pos,
                        format!("`{}` is xsi:nil but has content", e.local),
                    ))
                }
            }
        }
        self.pop();
        Ok(true)
    }

    /// The member of `ty` that the child `c` is, enforcing the table's sequence order (each
    /// member at most once).
    pub(super) fn seq(
        &self,
        c: &Elem<'i>,
        ty: &'static ComplexType,
        last: &mut Option<usize>,
    ) -> Res<&'static Member> {
        let (members, parent) = (ty.members, ty.name);
        // Members of a valid document come in order: look after the last one first.
        let from = last.map_or(0, |l| l + 1).min(members.len());
        let found = members[from..]
            .iter()
            .position(|m| m.name == c.local)
            .map(|i| i + from)
            .or_else(|| members[..from].iter().position(|m| m.name == c.local));
        let Some(i) = found else {
            return Err(self.err(
                Code::XsdUnexpected,
                c.pos,
                format!(
                    "`{}` is not a member of `{parent}` (expected one of: {})",
                    c.local,
                    ty.member_names().collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if c.ns != Ns::Payload {
            return Err(self.wrong_ns(c));
        }
        if let Some(l) = *last {
            if i <= l {
                let why = if i == l {
                    format!("`{}` appears twice", c.local)
                } else {
                    format!("`{}` must come before `{}`", c.local, members[l].name)
                };
                return Err(self.err(
                    Code::XsdOrder,
                    c.pos,
                    format!("{why} (schema order of `{parent}`)"),
                ));
            }
        }
        *last = Some(i);
        Ok(&members[i])
    }

    /// A member the table declares that the decoder has no place for in the model.
    pub(super) fn unhandled(&self, c: &Elem<'i>, ty: &ComplexType) -> DecodeError {
        self.err(
            Code::XsdUnexpected,
            c.pos,
            format!(
                "`{}` of `{}` is in the contract table but not in the model",
                c.local, ty.name
            ),
        )
    }

    pub(super) fn wrong_ns(&self, c: &Elem<'i>) -> DecodeError {
        let ns = match (c.ns, &c.x().other_ns) {
            (Ns::None, _) => "no namespace".to_string(),
            (Ns::Soap(v), _) => format!("the SOAP {v} namespace"),
            (_, Some(n)) => format!("namespace `{n}`"),
            _ => "another namespace".to_string(),
        };
        self.err(
            Code::XsdNamespace,
            c.pos,
            format!(
                "`{}` is in {ns}, expected `{}`",
                c.local,
                self.contract().namespace()
            ),
        )
    }

    /// The attribute and nil checks of `d`, then the text parsed by `parse`; `None` when
    /// the element is nil.
    fn value<T>(
        &mut self,
        c: &Elem<'i>,
        d: Decl,
        parse: impl FnOnce(&str) -> Result<T, (Code, String)>,
    ) -> Res<Option<T>> {
        if self.begin(c, d.nillable, d.ty.qname(), false)? {
            return Ok(None);
        }
        self.typed(c, parse).map(Some)
    }

    pub(super) fn typed<T>(
        &mut self,
        c: &Elem<'i>,
        parse: impl FnOnce(&str) -> Result<T, (Code, String)>,
    ) -> Res<T> {
        let s = self.simple(c)?;
        let v = parse(&s).map_err(|(code, m)| self.err(code, c.pos, m))?;
        self.pop();
        Ok(v)
    }

    /// An `xs:int` or `xs:short` member (the range is `N`'s).
    pub(super) fn integer<N: TryFrom<i64>>(&mut self, c: &Elem<'i>, d: Decl) -> Res<N> {
        let ty = d.ty.name();
        let v = self.value(c, d, |s| {
            lexical::integer(s)
                .and_then(|n| N::try_from(n).ok())
                .ok_or_else(|| {
                    (
                        Code::XsdValue,
                        format!(
                            "`{}` is not a valid xs:{ty} (integer lexeme in range)",
                            excerpt(s)
                        ),
                    )
                })
        })?;
        v.ok_or_else(|| self.err(Code::XsdNil, c.pos, "unreachable: nil on non-nillable"))
    }

    pub(super) fn boolean(&mut self, c: &Elem<'i>, d: Decl, top: bool) -> Res<bool> {
        if self.begin(c, d.nillable, d.ty.qname(), top)? {
            return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
        }
        self.typed(c, |s| {
            lexical::boolean(s).ok_or_else(|| {
                (
                    Code::XsdValue,
                    format!(
                        "`{}` is not a valid xs:boolean (true, false, 1, 0)",
                        excerpt(s)
                    ),
                )
            })
        })
    }

    pub(super) fn date(&mut self, c: &Elem<'i>, d: Decl) -> Res<XsdDateTime> {
        let v = self.value(c, d, |s| {
            lexical::trim(s)
                .parse::<XsdDateTime>()
                .map_err(|e| (Code::XsdValue, e.to_string()))
        })?;
        v.ok_or_else(|| self.err(Code::XsdNil, c.pos, "not nillable"))
    }

    pub(super) fn string(&mut self, c: &Elem<'i>, d: Decl, top: bool) -> Res<Nillable<String>> {
        if self.begin(c, d.nillable, d.ty.qname(), top)? {
            return Ok(Nillable::Nil);
        }
        let s = self.simple(c)?.into_owned();
        self.pop();
        Ok(Nillable::Value(s))
    }

    /// A string member that must be present (`None` when nil).
    pub(super) fn required_string(&mut self, c: &Elem<'i>, d: Decl) -> Res<Option<String>> {
        Ok(match self.string(c, d, false)? {
            Nillable::Value(s) => Some(s),
            _ => None,
        })
    }

    /// A member of complex type, its content read by `f` (called with the element pushed;
    /// this pops it).
    pub(super) fn complex<T>(
        &mut self,
        c: &Elem<'i>,
        d: Decl,
        top: bool,
        f: impl FnOnce(&mut Self, &Elem<'i>) -> Res<T>,
    ) -> Res<Nillable<T>> {
        if self.begin(c, d.nillable, d.ty.qname(), top)? {
            return Ok(Nillable::Nil);
        }
        let v = f(self, c)?;
        self.pop();
        Ok(Nillable::Value(v))
    }

    /// A list-of-flags member (`ETableRight`, `EFieldRight`).
    pub(super) fn mask<M: Mask>(&mut self, c: &Elem<'i>, d: Decl) -> Res<M> {
        if self.begin(c, d.nillable, d.ty.qname(), false)? {
            return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
        }
        let contract = self.contract();
        self.typed(c, |s| {
            M::parse_in(s, contract).map_err(|e| (Code::XsdList, e.to_string()))
        })
    }

    /// A `UserType` member: one of the table's enumeration values.
    pub(super) fn user_type(&mut self, c: &Elem<'i>, d: Decl) -> Res<UserType> {
        if self.begin(c, d.nillable, d.ty.qname(), false)? {
            return Err(self.err(Code::XsdNil, c.pos, "not nillable"));
        }
        let st = table::simple_type(d.ty.name());
        self.typed(c, |s| {
            let allowed = st.is_some_and(|st| st.values().contains(&s));
            match s.parse::<UserType>() {
                Ok(v) if allowed => Ok(v),
                _ => Err((
                    Code::XsdEnum,
                    format!(
                        "`{}` is not a {} ({})",
                        excerpt(s),
                        d.ty.name(),
                        st.map(|st| st.values_text()).unwrap_or_default()
                    ),
                )),
            }
        })
    }
}
