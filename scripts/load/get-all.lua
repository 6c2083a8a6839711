-- wrk script: Gets RelationIds 1..MAX in turn (then MAX again until the time is up) and
-- counts answers that hold no relation. After a save run, proves that every saved relation
-- is readable. One thread, so the ids are handed out in one sequence:
--   wrk -t1 -c50 -d60s -s "$PWD/scripts/load/get-all.lua" URL -- MAX
-- done() prints the ids covered (must reach MAX) and the misses (must be 0).
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/GetContactRelationEntity"'

local template = [[<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:Credentials xmlns:h="http://www.superoffice.net/ws/crm/NetServer/Services85" xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"><Ticket>7T:bG9hZC10ZXN0LXRpY2tldA==</Ticket></h:Credentials></s:Header><s:Body><GetContactRelationEntity xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85"><ContactRelationEntityId>%d</ContactRelationEntityId></GetContactRelationEntity></s:Body></s:Envelope>]]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  maxid = tonumber(args[1])
  nextid = 1
  missing = 0
  not_ok = 0
end

function request()
  local id = nextid
  if id > maxid then
    id = maxid
  else
    nextid = nextid + 1
  end
  return wrk.format(nil, nil, nil, string.format(template, id))
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  elseif not string.find(body, "<RelationId>", 1, true) then
    missing = missing + 1
  end
end

function done(summary, latency, requests)
  local miss, bad = 0, 0
  for _, t in ipairs(threads) do
    miss = miss + t:get("missing")
    bad = bad + t:get("not_ok")
    io.write(string.format("ids covered: 1..%d\n", t:get("nextid") - 1))
  end
  io.write(string.format("gets answered: %d, not 200: %d, no relation: %d\n", summary.requests, bad, miss))
end
