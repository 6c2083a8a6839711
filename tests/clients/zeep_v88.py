"""A Python zeep client of the stub's Services88 endpoint, driven by tests/clients.rs.

Usage: python3 zeep_v88.py WSDL_URL TICKET COMMENT CHANGED_COMMENT

Builds its proxy from WSDL_URL (the stub's Services88 ?wsdl), saves a new relation whose
CreatedBy is an Associate with a UserName (AssociateId 7, UserName "ada"), reads it back,
and prints one JSON object: the namespace of the proxy's types, the id, and the UserName of
the CreatedBy the Save and the Get answered with.
"""

import json
import sys

import zeep


def main():
    wsdl, ticket, comment = sys.argv[1:4]
    client = zeep.Client(wsdl)
    headers = {"Credentials": {"Ticket": ticket}}
    # The proxy's own Associate type: its namespace is the one the WSDL's types name.
    associate = next(t for t in client.wsdl.types.types if t.qname and t.qname.localname == "Associate")
    ns = associate.qname.namespace
    entity = client.service.CreateDefaultContactRelationEntity(_soapheaders=headers).body.Response
    entity.SourceContactId = 12
    entity.DestinationContactId = 34
    entity.RelationDefinitionId = 3
    entity.Comment = comment
    entity.CreatedBy = associate(AssociateId=7, UserName="ada")
    saved = client.service.SaveContactRelation(ContactRelationEntity=entity, _soapheaders=headers)
    saved = saved.body.Response
    got = client.service.GetContactRelationEntity(
        ContactRelationEntityId=saved.RelationId, _soapheaders=headers
    ).body.Response
    print(json.dumps({
        "namespace": ns,
        "relation_id": saved.RelationId,
        "saved_user_name": saved.CreatedBy.UserName,
        "got_user_name": got.CreatedBy.UserName,
        "got_associate_id": got.CreatedBy.AssociateId,
        "got_comment": got.Comment,
    }))


if __name__ == "__main__":
    main()
