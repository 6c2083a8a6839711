<?php
// A PHP SoapClient of Relation.svc, driven by tests/clients.rs.
//
// Usage: php php_client.php WSDL_URL TICKET COMMENT CHANGED_COMMENT [unhappy]
//
// Builds its proxy from WSDL_URL (the stub's ?wsdl), then runs
// CreateDefaultContactRelationEntity, SaveContactRelation (COMMENT), GetContactRelationEntity,
// SaveContactRelation (CHANGED_COMMENT), DeleteContactRelation and GetContactRelationEntity,
// each with the Credentials header carrying TICKET. Prints one JSON object: the PHP version
// and, per call, what the client saw.
//
// With `unhappy` (the stub playing fixtures/scenarios/unhappy-paths.json) it runs
// CreateDefaultContactRelationEntity, then SaveContactRelation with the Comments the scenario
// answers with a scripted ExceptionInfo error ("fail: ExceptionInfo") and a scripted Fault
// ("fail: Fault"), and reports the ExceptionInfo output header and the SoapFault raised.

const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services85';

[$wsdl, $ticket, $comment, $changed] = array_slice($argv, 1, 4);
$unhappy = ($argv[5] ?? '') === 'unhappy';

$steps = [];

/** Runs one call; records what it saw and returns the entity in the response, if any. */
function step(array &$steps, SoapClient $client, string $name, array $args): ?object
{
    $out = [];
    try {
        $result = $client->__soapCall($name, [$args], null, null, $out);
    } catch (SoapFault $f) {
        $steps[] = ['call' => $name, 'ok' => false, 'fault' => ['code' => $f->faultcode, 'message' => $f->faultstring]];
        return null;
    } catch (Throwable $e) {
        $steps[] = ['call' => $name, 'ok' => false, 'error' => get_class($e) . ': ' . $e->getMessage()];
        return null;
    }
    $entity = (is_object($result) && isset($result->Response)) ? $result->Response : null;
    $seen = [
        'call' => $name,
        'ok' => true,
        'succeeded' => $out['Succeeded'] ?? null,
        'nil' => $entity === null,
    ];
    $info = $out['ExceptionInfo'] ?? null;
    if (is_object($info)) {
        $seen['exception'] = [
            'message' => $info->Message ?? null,
            'exception_type' => $info->ExceptionType ?? null,
            'friendly_text' => $info->FriendlyText ?? null,
        ];
    }
    if ($entity !== null) {
        $seen['relation_id'] = $entity->RelationId ?? null;
        $seen['comment'] = $entity->Comment ?? null;
        $seen['created_by'] = isset($entity->CreatedBy) ? ($entity->CreatedBy->Name ?? null) : null;
    }
    $steps[] = $seen;
    return $entity;
}

try {
    $client = new SoapClient($wsdl, [
        'cache_wsdl' => WSDL_CACHE_NONE,
        'exceptions' => true,
        'trace' => true,
    ]);
} catch (Throwable $e) {
    echo json_encode(['client' => 'php', 'version' => PHP_VERSION, 'error' => $e->getMessage(), 'steps' => []]), "\n";
    exit(0);
}
$client->__setSoapHeaders([new SoapHeader(NS, 'Credentials', ['Ticket' => $ticket])]);

if ($unhappy) {
    $default = step($steps, $client, 'CreateDefaultContactRelationEntity', []);
    foreach (['fail: ExceptionInfo', 'fail: Fault'] as $failing) {
        if ($default !== null) {
            $default->Comment = $failing;
        }
        step($steps, $client, 'SaveContactRelation', ['ContactRelationEntity' => $default]);
    }
    echo json_encode(['client' => 'php', 'version' => PHP_VERSION, 'steps' => $steps]), "\n";
    exit(0);
}

$default = step($steps, $client, 'CreateDefaultContactRelationEntity', []);
if ($default !== null) {
    $default->SourceContactId = 12;
    $default->DestinationContactId = 34;
    $default->RelationDefinitionId = 3;
    $default->Comment = $comment;
}
$saved = step($steps, $client, 'SaveContactRelation', ['ContactRelationEntity' => $default]);
$id = $saved !== null ? $saved->RelationId : -1;
$got = step($steps, $client, 'GetContactRelationEntity', ['ContactRelationEntityId' => $id]);
if ($got !== null) {
    $got->Comment = $changed;
}
step($steps, $client, 'SaveContactRelation', ['ContactRelationEntity' => $got]);
step($steps, $client, 'DeleteContactRelation', ['ContactRelationEntityId' => $id]);
step($steps, $client, 'GetContactRelationEntity', ['ContactRelationEntityId' => $id]);

// The operations of the proxy, by name, and the structs it built from the schema.
$operations = array_map(fn ($f) => preg_replace('/^\S+ (\w+)\(.*$/s', '$1', $f), $client->__getFunctions());
sort($operations);
$structs = array_values(array_filter(array_map(
    fn ($t) => preg_match('/^struct (\w+) \{/', $t, $m) ? $m[1] : null,
    $client->__getTypes()
)));
echo json_encode([
    'client' => 'php',
    'version' => PHP_VERSION,
    'soap' => phpversion('soap'),
    'proxy' => ['operations' => $operations, 'structs' => $structs],
    'steps' => $steps,
]), "\n";
