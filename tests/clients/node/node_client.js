// A node-soap client of Relation.svc, driven by tests/clients.rs.
//
// Usage: node node_client.js WSDL_URL TICKET COMMENT CHANGED_COMMENT [unhappy]
//
// With `unhappy` (the stub playing fixtures/scenarios/unhappy-paths.json) it runs
// CreateDefaultContactRelationEntity, then SaveContactRelation with the Comments the scenario
// answers with a scripted ExceptionInfo error ("fail: ExceptionInfo") and a scripted Fault
// ("fail: Fault"), and reports the ExceptionInfo header and the Fault node-soap raised.
//
// Builds its proxy from WSDL_URL (the stub's ?wsdl), then runs CreateDefaultContactRelationEntity,
// SaveContactRelation (COMMENT), GetContactRelationEntity, SaveContactRelation (CHANGED_COMMENT),
// DeleteContactRelation and GetContactRelationEntity, each with the Credentials header carrying
// TICKET. Prints one JSON object: the client's version and, per call, what it saw.

const soap = require("soap");
const NS = "http://www.superoffice.net/ws/crm/NetServer/Services85";

async function step(steps, name, call) {
  try {
    const [result, , header] = await call();
    const entity = result && result.Response ? result.Response : null;
    const seen = {
      call: name,
      ok: true,
      succeeded: header && header.Succeeded !== undefined ? header.Succeeded === true || header.Succeeded === "true" : null,
      nil: entity === null,
    };
    const info = header && header.ExceptionInfo;
    if (info && typeof info === "object" && info.Message !== undefined) {
      seen.exception = {
        message: info.Message,
        exception_type: info.ExceptionType,
        friendly_text: info.FriendlyText === undefined ? null : info.FriendlyText,
      };
    }
    if (entity !== null) {
      seen.relation_id = Number(entity.RelationId);
      seen.comment = entity.Comment === undefined ? null : entity.Comment;
      seen.created_by = entity.CreatedBy && entity.CreatedBy.Name !== undefined ? entity.CreatedBy.Name : null;
    }
    steps.push(seen);
    return entity;
  } catch (e) {
    const fault = e && e.root && e.root.Envelope && e.root.Envelope.Body && e.root.Envelope.Body.Fault;
    if (fault) {
      // A faultstring with xml:lang is read as {$value, attributes}.
      const text = (v) => (v && typeof v === "object" && "$value" in v ? v.$value : v);
      steps.push({ call: name, ok: false, fault: { code: text(fault.faultcode), message: text(fault.faultstring) } });
    } else {
      steps.push({ call: name, ok: false, error: String(e && e.message ? e.message : e) });
    }
    return null;
  }
}

// node-soap reads an xs:dateTime into a Date, but writes a Date it is given back as an empty
// element, which the contract refuses (xsd.value; WCF: DeserializationFailed). A client
// that sends back what it read must turn Dates into xs:dateTime text itself.
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

async function main() {
  const [wsdl, ticket, comment, changed, mode] = process.argv.slice(2);
  const steps = [];
  let client;
  try {
    client = await soap.createClientAsync(wsdl);
  } catch (e) {
    console.log(JSON.stringify({ client: "node-soap", error: String(e) }));
    return;
  }
  client.addSoapHeader({ Credentials: { Ticket: ticket } }, "Credentials", "h", NS);
  const def = await step(steps, "CreateDefaultContactRelationEntity", () =>
    client.CreateDefaultContactRelationEntityAsync({}));
  if (mode === "unhappy") {
    for (const text of ["fail: ExceptionInfo", "fail: Fault"]) {
      const e = withDatesAsText(def || {});
      e.Comment = text;
      await step(steps, "SaveContactRelation", () =>
        client.SaveContactRelationAsync({ ContactRelationEntity: e }));
    }
    report(client, steps);
    return;
  }
  const entity = withDatesAsText(def || {});
  entity.SourceContactId = 12;
  entity.DestinationContactId = 34;
  entity.RelationDefinitionId = 3;
  entity.Comment = comment;
  const saved = await step(steps, "SaveContactRelation", () =>
    client.SaveContactRelationAsync({ ContactRelationEntity: entity }));
  const rid = saved ? Number(saved.RelationId) : -1;
  const got = await step(steps, "GetContactRelationEntity", () =>
    client.GetContactRelationEntityAsync({ ContactRelationEntityId: rid }));
  const again = withDatesAsText(got || {});
  again.Comment = changed;
  await step(steps, "SaveContactRelation", () =>
    client.SaveContactRelationAsync({ ContactRelationEntity: again }));
  await step(steps, "DeleteContactRelation", () =>
    client.DeleteContactRelationAsync({ ContactRelationEntityId: rid }));
  await step(steps, "GetContactRelationEntity", () =>
    client.GetContactRelationEntityAsync({ ContactRelationEntityId: rid }));
  report(client, steps);
}

// Prints what the client saw: its version, the operations of its proxy, and the steps.
function report(client, steps) {
  const description = client.describe();
  const service = Object.values(description)[0];
  const port = Object.values(service)[0];
  const proxy = { operations: Object.keys(port).sort() };
  const version = require("soap/package.json").version;
  console.log(JSON.stringify({ client: "node-soap", version, proxy, steps }));
}

main();
