-- wrk script: every request is a SaveContactRelation of a new relation (RelationId 0), as a
-- WCF client sends it. Run against `relation-contract serve` (release build), e.g.
--   wrk -t2 -c50 -d30s --latency -s "$PWD/scripts/load/save.lua" http://127.0.0.1:PORT/Remote/Services85/Relation.svc
-- (wrk wants the script path absolute).
-- Every answer must be 200; done() prints how many were not.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/SaveContactRelation"'
wrk.body = [[<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Header>
    <h:ApplicationToken xmlns:h="http://www.superoffice.net/ws/crm/NetServer/Services85">load-test-app-token</h:ApplicationToken>
    <h:Credentials xmlns:h="http://www.superoffice.net/ws/crm/NetServer/Services85" xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
      <Ticket>7T:bG9hZC10ZXN0LXRpY2tldA==</Ticket>
    </h:Credentials>
    <h:TimeZone xmlns:h="http://www.superoffice.net/ws/crm/NetServer/Services85" xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
      <SoTimeZoneId>247</SoTimeZoneId>
      <SoTimeZoneLocationCode>NOOSL</SoTimeZoneLocationCode>
    </h:TimeZone>
  </s:Header>
  <s:Body>
    <SaveContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
      <ContactRelationEntity xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
        <SourceContactId>1204</SourceContactId>
        <SourcePersonId>5831</SourcePersonId>
        <DestinationContactId>877</DestinationContactId>
        <DestinationPersonId>0</DestinationPersonId>
        <RelationId>0</RelationId>
        <Comment>Load test</Comment>
        <RelationDefinitionId>3</RelationDefinitionId>
        <Reversed>0</Reversed>
        <UpdatedDate>0001-01-01T00:00:00</UpdatedDate>
        <CreatedDate>0001-01-01T00:00:00</CreatedDate>
        <CreatedBy i:nil="true"/>
        <UpdatedBy i:nil="true"/>
        <SourceContactName>Fjordline Logistikk AS</SourceContactName>
        <SourcePersonName>Ola Nordmann</SourcePersonName>
        <DestinationContactName>Vestkyst Revisjon ANS</DestinationContactName>
        <DestinationPersonName i:nil="true"/>
        <ActiveText>is auditor for</ActiveText>
        <PassiveText>is audited by</PassiveText>
      </ContactRelationEntity>
    </SaveContactRelation>
  </s:Body>
</s:Envelope>
]]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("not_ok")
  end
  io.write(string.format("saves answered: %d, not 200: %d\n", summary.requests, bad))
end
