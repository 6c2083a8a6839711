//! The payload types (`ContactRelationEntity`, `Associate`, rights, field properties,
//! Key/Value dictionaries) and the Body's wrappers. Each reads its members in the contract
//! table's order ([`Parser::seq`]) and puts each, by name, in its place in the model.
//! Called with the element pushed; they do not pop it.

use super::reader::{Elem, Parser, Res};
use super::simple::{complex, types};
use super::Body;
use crate::contract::table::{self, Builtin, TypeRef};
use crate::contract::versions;
use crate::contract::{Contract, Kind, Operation};
use crate::model::*;
use crate::violation::Code;

impl<'i> Parser<'i> {
    fn rights<M: Mask>(
        &mut self,
        e: &Elem<'i>,
        ty: &'static table::ComplexType,
    ) -> Res<(Option<M>, Nillable<String>)> {
        let (mut mask, mut reason) = (None, Nillable::Absent);
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            match m.name {
                "Mask" => mask = Some(self.mask::<M>(&c, m.into())?),
                "Reason" => reason = self.string(&c, m.into(), false)?,
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok((mask, reason))
    }

    pub(super) fn table_right(&mut self, e: &Elem<'i>) -> Res<TableRight> {
        let (mask, reason) = self.rights(e, types().table_right)?;
        Ok(TableRight { mask, reason })
    }

    fn field_right(&mut self, e: &Elem<'i>) -> Res<FieldRight> {
        let (mask, reason) = self.rights(e, types().field_right)?;
        Ok(FieldRight { mask, reason })
    }

    fn field_property(&mut self, e: &Elem<'i>) -> Res<FieldProperty> {
        let ty = types().field_property;
        let mut v = FieldProperty::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            match m.name {
                "FieldRight" => {
                    v.field_right = self.complex(&c, m.into(), false, Self::field_right)?
                }
                "FieldType" => v.field_type = self.string(&c, m.into(), false)?,
                "FieldLength" => v.field_length = Some(self.integer(&c, m.into())?),
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    /// A Key/Value pair element of the anonymous type `pair_type` (both members required,
    /// in order); `value` decodes the Value. Pops the pair.
    fn pair<V>(
        &mut self,
        e: &Elem<'i>,
        d: super::simple::Decl,
        mut value: impl FnMut(&mut Self, &Elem<'i>, &'static table::Member) -> Res<Option<V>>,
    ) -> Res<(Option<String>, Option<V>)> {
        if self.begin(e, d.nillable, d.ty.qname(), false)? {
            return Err(self.err(Code::XsdNil, e.pos, "not nillable"));
        }
        let ty =
            versions::complex_type(self.contract(), d.ty.name()).unwrap_or(complex(d.ty.name()));
        let name = ty.name;
        let mut last = None;
        let (mut key, mut val) = (None, None);
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            match m.name {
                "Key" => key = Some(self.required_string(&c, m.into())?),
                "Value" => {
                    if key.is_none() {
                        return Err(self.err(
                            Code::XsdMissing,
                            c.pos,
                            format!("`Key` is required before `Value` in `{name}`"),
                        ));
                    }
                    val = Some(value(self, &c, m)?);
                }
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        let end = self.text.len().min(e.pos);
        let (Some(k), Some(v)) = (key, val) else {
            let missing = if last.is_none() { "Key" } else { "Value" };
            return Err(self.err(
                Code::XsdMissing,
                end,
                format!("`{name}` lacks its required `{missing}`"),
            ));
        };
        self.pop();
        Ok((k, v))
    }

    fn field_properties(&mut self, e: &Elem<'i>) -> Res<FieldPropertyDictionary> {
        let ty = types().field_properties;
        let mut out = Vec::new();
        while let Some(c) = self.next_child(e)? {
            // maxOccurs unbounded: every pair is checked on its own.
            let mut last = None;
            let m = self.seq(&c, ty, &mut last)?;
            let (key, value) = self.pair(&c, m.into(), |p, v, vm| {
                Ok(
                    match p.complex(v, vm.into(), false, Self::field_property)? {
                        Nillable::Value(fp) => Some(fp),
                        _ => None,
                    },
                )
            })?;
            out.push(FieldPropertyEntry { key, value });
        }
        Ok(FieldPropertyDictionary(out))
    }

    /// A `StringDictionary` member (Services88 on).
    fn string_dictionary(
        &mut self,
        c: &Elem<'i>,
        d: super::simple::Decl,
    ) -> Res<Nillable<StringDictionary>> {
        self.complex(c, d, false, |p, e| {
            Ok(StringDictionary(p.key_values(e, "StringDictionary")?))
        })
    }

    /// The pairs of a string-to-string dictionary type (`SoExceptionInfoParameters`,
    /// `SoExtraInfo`).
    pub(super) fn key_values(&mut self, e: &Elem<'i>, type_name: &str) -> Res<Vec<KeyValue>> {
        let ty = versions::complex_type(self.contract(), type_name).unwrap_or(complex(type_name));
        let mut out = Vec::new();
        while let Some(c) = self.next_child(e)? {
            let mut last = None;
            let m = self.seq(&c, ty, &mut last)?;
            let (key, value) =
                self.pair(&c, m.into(), |p, v, vm| p.required_string(v, vm.into()))?;
            out.push(KeyValue { key, value });
        }
        Ok(out)
    }

    /// The Carrier members (`TableRight`, `FieldProperties`), common to the entity and the
    /// associate: `true` when `m` was one of them.
    fn carrier_member(
        &mut self,
        c: &Elem<'i>,
        m: &'static table::Member,
        table_right: &mut Nillable<TableRight>,
        field_properties: &mut Nillable<FieldPropertyDictionary>,
    ) -> Res<bool> {
        match m.name {
            "TableRight" => *table_right = self.complex(c, m.into(), false, Self::table_right)?,
            "FieldProperties" => {
                *field_properties = self.complex(c, m.into(), false, Self::field_properties)?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn entity(&mut self, e: &Elem<'i>) -> Res<ContactRelationEntity> {
        let ty = types().entity;
        let mut v = ContactRelationEntity::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            if self.carrier_member(&c, m, &mut v.table_right, &mut v.field_properties)? {
                continue;
            }
            let d = m.into();
            match m.name {
                "SourceContactId" => v.source_contact_id = Some(self.integer(&c, d)?),
                "SourcePersonId" => v.source_person_id = Some(self.integer(&c, d)?),
                "DestinationContactId" => v.destination_contact_id = Some(self.integer(&c, d)?),
                "DestinationPersonId" => v.destination_person_id = Some(self.integer(&c, d)?),
                "RelationId" => v.relation_id = Some(self.integer(&c, d)?),
                "Comment" => v.comment = self.string(&c, d, false)?,
                "RelationDefinitionId" => v.relation_definition_id = Some(self.integer(&c, d)?),
                "Reversed" => v.reversed = Some(self.integer(&c, d)?),
                "UpdatedDate" => v.updated_date = Some(self.date(&c, d)?),
                "CreatedDate" => v.created_date = Some(self.date(&c, d)?),
                "CreatedBy" => v.created_by = self.complex(&c, d, false, Self::associate)?,
                "UpdatedBy" => v.updated_by = self.complex(&c, d, false, Self::associate)?,
                "SourceContactName" => v.source_contact_name = self.string(&c, d, false)?,
                "SourcePersonName" => v.source_person_name = self.string(&c, d, false)?,
                "DestinationContactName" => {
                    v.destination_contact_name = self.string(&c, d, false)?
                }
                "DestinationPersonName" => v.destination_person_name = self.string(&c, d, false)?,
                "ActiveText" => v.active_text = self.string(&c, d, false)?,
                "PassiveText" => v.passive_text = self.string(&c, d, false)?,
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    fn associate(&mut self, e: &Elem<'i>) -> Res<Associate> {
        let ty = match self.contract() {
            Contract::Services84 | Contract::Services85 => types().associate,
            c => versions::complex_type(c, "Associate").unwrap_or(types().associate),
        };
        let mut v = Associate::default();
        let mut last = None;
        while let Some(c) = self.next_child(e)? {
            let m = self.seq(&c, ty, &mut last)?;
            if self.carrier_member(&c, m, &mut v.table_right, &mut v.field_properties)? {
                continue;
            }
            let d = m.into();
            match m.name {
                "AssociateId" => v.associate_id = Some(self.integer(&c, d)?),
                "Name" => v.name = self.string(&c, d, false)?,
                "PersonId" => v.person_id = Some(self.integer(&c, d)?),
                "Rank" => v.rank = Some(self.integer(&c, d)?),
                "Tooltip" => v.tooltip = self.string(&c, d, false)?,
                "Type" => v.user_type = Some(self.user_type(&c, d)?),
                "GroupIdx" => v.group_idx = Some(self.integer(&c, d)?),
                "FullName" => v.full_name = self.string(&c, d, false)?,
                "FormalName" => v.formal_name = self.string(&c, d, false)?,
                "Deleted" => v.deleted = Some(self.boolean(&c, d, false)?),
                "EjUserId" => v.ej_user_id = Some(self.integer(&c, d)?),
                "UserName" => v.user_name = self.string(&c, d, false)?,
                "ExtraFields" => v.extra_fields = self.string_dictionary(&c, d)?,
                "CustomFields" => v.custom_fields = self.string_dictionary(&c, d)?,
                _ => return Err(self.unhandled(&c, ty)),
            }
        }
        Ok(v)
    }

    /// A Body wrapper of the operation `op`: its members from the table (an id, or an
    /// entity), then the model's body. Pops the wrapper.
    pub(super) fn wrapper(&mut self, w: &Elem<'i>, op: Operation, kind: Kind) -> Res<Body> {
        let decl = table::wrapper_decl(op, kind).unwrap_or(table::operation(op).request);
        self.begin(w, decl.nillable, decl.ty.qname(), false)?;
        let ty = complex(decl.ty.name());
        let mut id = None;
        let mut entity = Nillable::Absent;
        if ty.members.is_empty() {
            self.empty_content(w)?;
        } else {
            let mut last = None;
            while let Some(c) = self.next_child(w)? {
                let m = self.seq(&c, ty, &mut last)?;
                match m.ty {
                    TypeRef::Xs(Builtin::Int) => id = Some(self.integer(&c, m.into())?),
                    TypeRef::Tns("ContactRelationEntity") => {
                        entity = self.complex(&c, m.into(), false, Self::entity)?
                    }
                    _ => return Err(self.unhandled(&c, ty)),
                }
            }
        }
        let body = match (op, kind) {
            (Operation::CreateDefaultContactRelationEntity, Kind::Request) => {
                Body::Request(RequestBody::CreateDefaultContactRelationEntity)
            }
            (Operation::DeleteContactRelation, Kind::Response) => {
                Body::Response(ResponseBody::DeleteContactRelation)
            }
            (Operation::GetContactRelationEntity, Kind::Request) => {
                Body::Request(RequestBody::GetContactRelationEntity {
                    contact_relation_entity_id: id,
                })
            }
            (Operation::DeleteContactRelation, _) => {
                Body::Request(RequestBody::DeleteContactRelation {
                    contact_relation_entity_id: id,
                })
            }
            (Operation::SaveContactRelation, Kind::Request) => {
                Body::Request(RequestBody::SaveContactRelation {
                    contact_relation_entity: entity,
                })
            }
            (Operation::CreateDefaultContactRelationEntity, _) => {
                Body::Response(ResponseBody::CreateDefaultContactRelationEntity {
                    response: entity,
                })
            }
            (Operation::GetContactRelationEntity, _) => {
                Body::Response(ResponseBody::GetContactRelationEntity { response: entity })
            }
            (Operation::SaveContactRelation, _) => {
                Body::Response(ResponseBody::SaveContactRelation { response: entity })
            }
        };
        self.pop();
        Ok(body)
    }
}
