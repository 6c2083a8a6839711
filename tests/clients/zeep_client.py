"""A Python zeep client of Relation.svc, driven by tests/clients.rs.

Usage: python3 zeep_client.py WSDL_URL TICKET COMMENT CHANGED_COMMENT [unhappy]

Builds its proxy from WSDL_URL (the stub's ?wsdl), then runs CreateDefaultContactRelationEntity,
SaveContactRelation (COMMENT), GetContactRelationEntity, SaveContactRelation (CHANGED_COMMENT),
DeleteContactRelation and GetContactRelationEntity, each with the Credentials header carrying
TICKET. Prints one JSON object: the client's version and, per call, what it saw.

With `unhappy` (the stub playing fixtures/scenarios/unhappy-paths.json) it runs
CreateDefaultContactRelationEntity, then SaveContactRelation with the Comments the scenario
answers with a scripted ExceptionInfo error ("fail: ExceptionInfo") and a scripted Fault
("fail: Fault"), and reports the ExceptionInfo header and the Fault zeep raised.
"""

import json
import sys
from importlib.metadata import version

import zeep


def step(name, call):
    """Runs one call; what it saw, or the error it raised."""
    try:
        result = call()
    except zeep.exceptions.Fault as f:
        return {"call": name, "ok": False, "fault": {"code": f.code, "message": f.message}}
    except Exception as e:  # the test reports whatever the client tripped over
        return {"call": name, "ok": False, "error": f"{type(e).__name__}: {e}"}
    entity = getattr(result.body, "Response", None) if result.body is not None else None
    seen = {
        "call": name,
        "ok": True,
        "succeeded": result.header.Succeeded if result.header is not None else None,
        "nil": entity is None,
    }
    info = getattr(result.header, "ExceptionInfo", None) if result.header is not None else None
    if info is not None:
        seen["exception"] = {
            "message": info.Message,
            "exception_type": info.ExceptionType,
            "friendly_text": info.FriendlyText,
        }
    if entity is not None:
        seen["relation_id"] = entity.RelationId
        seen["comment"] = entity.Comment
        seen["created_by"] = entity.CreatedBy.Name if entity.CreatedBy is not None else None
    return seen, entity


def unhappy(service, headers, run):
    """CreateDefault, then the two Saves the scenario answers with errors."""
    default = run(
        "CreateDefaultContactRelationEntity",
        lambda: service.CreateDefaultContactRelationEntity(_soapheaders=headers),
    )
    for comment in ["fail: ExceptionInfo", "fail: Fault"]:
        if default is not None:
            default.Comment = comment
        run(
            "SaveContactRelation",
            lambda: service.SaveContactRelation(ContactRelationEntity=default, _soapheaders=headers),
        )


def main():
    wsdl, ticket, comment, changed = sys.argv[1:5]
    client = zeep.Client(wsdl)
    service = client.service
    headers = {"Credentials": {"Ticket": ticket}}
    steps = []

    def run(name, call):
        out = step(name, call)
        if isinstance(out, tuple):
            steps.append(out[0])
            return out[1]
        steps.append(out)
        return None

    if sys.argv[5:6] == ["unhappy"]:
        unhappy(service, headers, run)
        print(json.dumps({"client": "zeep", "version": version("zeep"), "steps": steps}))
        return

    default = run(
        "CreateDefaultContactRelationEntity",
        lambda: service.CreateDefaultContactRelationEntity(_soapheaders=headers),
    )
    if default is not None:
        default.SourceContactId = 12
        default.DestinationContactId = 34
        default.RelationDefinitionId = 3
        default.Comment = comment
    saved = run(
        "SaveContactRelation",
        lambda: service.SaveContactRelation(ContactRelationEntity=default, _soapheaders=headers),
    )
    rid = saved.RelationId if saved is not None else -1
    got = run(
        "GetContactRelationEntity",
        lambda: service.GetContactRelationEntity(ContactRelationEntityId=rid, _soapheaders=headers),
    )
    if got is not None:
        got.Comment = changed
    run(
        "SaveContactRelation",
        lambda: service.SaveContactRelation(ContactRelationEntity=got, _soapheaders=headers),
    )
    run(
        "DeleteContactRelation",
        lambda: service.DeleteContactRelation(ContactRelationEntityId=rid, _soapheaders=headers),
    )
    run(
        "GetContactRelationEntity",
        lambda: service.GetContactRelationEntity(ContactRelationEntityId=rid, _soapheaders=headers),
    )
    port = client.wsdl.services["WcfRelationService"].ports["BasicHttpBinding_Relation"]
    proxy = {
        # Where each schema the proxy was built from came from, by target namespace.
        "schemas": {
            d._target_namespace: d._location
            for d in client.wsdl.types.documents
            if d._location is not None and not d._target_namespace.endswith("/Imports")
        },
        "operations": sorted(port.binding.all()),
        "address": port.binding_options["address"],
    }
    print(json.dumps({"client": "zeep", "version": version("zeep"), "proxy": proxy, "steps": steps}))


if __name__ == "__main__":
    main()
