// A strong-soap client of Relation.svc, the client whose requests
// fixtures/captures/clients/ records (see the README there).
//
// Usage: node strong_soap_client.js WSDL_URL TICKET COMMENT
//
// Builds its proxy from WSDL_URL (the stub's ?wsdl), then runs
// CreateDefaultContactRelationEntity, SaveContactRelation (the default entity with COMMENT and
// some ids set) and GetContactRelationEntity (the saved id), each with the Credentials header
// carrying TICKET. Prints one JSON object: the client's version and, per call, what it saw.

const { soap, QName } = require("strong-soap");
const NS = "http://www.superoffice.net/ws/crm/NetServer/Services85";

// One call; what it saw, and the entity in its response (or null).
function call(client, name, args) {
  return new Promise((resolve) => {
    client[name](args, (err, result) => {
      if (err) {
        resolve([{ call: name, ok: false, error: String(err && err.message ? err.message : err) }, null]);
        return;
      }
      const entity = result && result.Response ? result.Response : null;
      const seen = { call: name, ok: true, nil: entity === null };
      if (entity !== null) {
        seen.relation_id = Number(entity.RelationId);
        seen.comment = entity.Comment === undefined ? null : entity.Comment;
      }
      resolve([seen, entity]);
    });
  });
}

// strong-soap reads an xs:dateTime into a Date; sent back, it is written as xs:dateTime text.
function withDatesAsText(value) {
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (value && typeof value === "object") {
    for (const k of Object.keys(value)) {
      value[k] = withDatesAsText(value[k]);
    }
  }
  return value;
}

function main() {
  const [wsdl, ticket, comment] = process.argv.slice(2);
  const version = require("strong-soap/package.json").version;
  soap.createClient(wsdl, {}, async (err, client) => {
    if (err) {
      console.log(JSON.stringify({ client: "strong-soap", version, error: String(err) }));
      return;
    }
    client.addSoapHeader({ Ticket: ticket }, new QName(NS, "Credentials"));
    const steps = [];
    const [created, def] = await call(client, "CreateDefaultContactRelationEntity", {});
    steps.push(created);
    const entity = withDatesAsText(def || {});
    entity.SourceContactId = 12;
    entity.DestinationContactId = 34;
    entity.RelationDefinitionId = 3;
    entity.Comment = comment;
    const [saved, back] = await call(client, "SaveContactRelation", { ContactRelationEntity: entity });
    steps.push(saved);
    const rid = back ? Number(back.RelationId) : -1;
    const [got] = await call(client, "GetContactRelationEntity", { ContactRelationEntityId: rid });
    steps.push(got);
    console.log(JSON.stringify({ client: "strong-soap", version, steps }));
  });
}

main();
