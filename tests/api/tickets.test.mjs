// Filing tickets: request types and routing, field rules, completeness,
// first-response due times, emergencies and Idempotency-Key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, uiBug, file, validBody, emergency, ROUTED_TEAMS, ACCOUNT_TYPES,
  expectError, expectFields, sec, iso, standardDue, emergencyDue,
} from './harness.mjs';

let server, org, other, cs, catalogue;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Acme Media');
  other = await makeOrg(server, 'Globex Ads');
  cs = await makeAgent(server, 'client-services');
  catalogue = Object.fromEntries((await server.admin.get('/api/v1/request-types')).json.items.map((t) => [t.key, t]));
});
after(async () => { await server?.stop(); });

const count = async () => (await server.admin.get('/api/v1/tickets?limit=100')).json.items.length;

// PRODUCT.md: what each request type requires beyond subject and description.
const REQUIRED = {
  'anti-malvertising': ['impact', 'object_ids'],
  'app-bug': ['impact', 'steps', 'browser', 'os'],
  'creative-audit': ['impact', 'object_ids'],
  'data-pull': ['impact', 'business_justification'],
  'inventory-quality': ['impact'],
  implementation: ['impact'],
  'manual-config': ['impact', 'business_justification'],
  'ad-serving': ['impact'],
  'buying-selling': ['impact'],
  'traffic-quality': ['impact'],
  'ui-api-bug': ['impact', 'steps', 'browser', 'os'],
  ...Object.fromEntries(ACCOUNT_TYPES.map((k) => [k, []])),
};

// The completeness a ticket should show, from its type's rules (GET /request-types).
function expectedCompleteness(type, body) {
  const order = ['subject', 'description', 'impact', 'object_ids', 'steps', 'urls', 'browser', 'os', 'attachments', 'business_justification'];
  const present = (f) => {
    const v = body[f];
    return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.trim() !== '';
  };
  let total = 0, have = 0;
  const missing = [];
  for (const f of order) {
    const level = catalogue[type].fields[f];
    if (level === 'optional') continue;
    total++;
    if (present(f)) have++;
    else if (level === 'recommended') missing.push(f);
  }
  return { percent: total ? Math.floor((have * 100) / total) : 100, missing };
}

// ---- the oracle itself ------------------------------------------------------------

test('the test\'s own due-time rule agrees with SLA.md\'s worked examples and docs/sla.md\'s 2026 holidays', async () => {
  const { usHolidays } = await import('./harness.mjs');
  const h = [...usHolidays(2026)].filter((d) => d.startsWith('2026')).sort();
  assert.deepEqual(h, ['2026-01-01', '2026-05-25', '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25']);
  const examples = [
    ['2026-11-23T15:00:00Z', '2026-11-24T15:00:00Z'], // Mon 10:00 -> Tue 10:00
    ['2026-11-23T14:00:00Z', '2026-11-23T23:00:00Z'], // Mon 09:00 -> Mon 18:00
    ['2026-11-25T22:00:00Z', '2026-11-27T22:00:00Z'], // Wed 17:00 -> Fri 17:00 (Thanksgiving)
    ['2026-11-27T23:00:00Z', '2026-11-30T14:00:00Z'], // Fri 18:00 -> Mon 09:00
  ];
  for (const [created, due] of examples) assert.equal(iso(standardDue(sec(created))), due, created);
  assert.equal(iso(emergencyDue(sec('2026-11-28T17:00:00Z'))), '2026-11-28T18:00:00Z');
});

// ---- the catalogue ------------------------------------------------------------------

test('GET /request-types lists the seed\'s 11 routed types with their teams and 7 account types', async () => {
  const res = await org.asSpoc.get('/api/v1/request-types');
  assert.equal(res.status, 200);
  const items = res.json.items;
  assert.deepEqual(items.map((t) => t.key).sort(), [...Object.keys(ROUTED_TEAMS), ...ACCOUNT_TYPES].sort());
  for (const t of items) {
    if (ROUTED_TEAMS[t.key]) {
      assert.equal(t.kind, 'routed', t.key);
      assert.equal(t.team, ROUTED_TEAMS[t.key], t.key);
    } else {
      assert.equal(t.kind, 'account', t.key);
      assert.equal(t.team, null, t.key);
    }
    for (const k of ['name_en', 'name_es', 'hint_en', 'hint_es']) assert.equal(typeof t[k], 'string', `${t.key}.${k}`);
    assert.ok(t.name_en.length > 0 && t.name_es.length > 0, t.key);
    assert.ok(Number.isInteger(t.position), `${t.key}.position`);
  }
  const one = await org.asSpoc.get('/api/v1/request-types/creative-audit');
  assert.equal(one.status, 200);
  assert.deepEqual(one.json, items.find((t) => t.key === 'creative-audit'));
  expectError(await org.asSpoc.get('/api/v1/request-types/no-such-type'), 404, 'not_found');
});

test('request types carry PRODUCT.md\'s field rules', () => {
  const required = (k) => Object.entries(catalogue[k].fields).filter(([, v]) => v === 'required').map(([f]) => f).sort();
  for (const [key, extra] of Object.entries(REQUIRED)) {
    assert.deepEqual(required(key), ['subject', 'description', ...extra].sort(), key);
  }
  for (const k of ['app-bug', 'ui-api-bug']) assert.equal(catalogue[k].fields.attachments, 'recommended', `${k} wants a screenshot`);
  for (const k of ['creative-audit', 'anti-malvertising']) assert.equal(catalogue[k].required_object_type, 'creative', k);
  for (const k of Object.keys(catalogue)) {
    if (!['creative-audit', 'anti-malvertising'].includes(k)) assert.equal(catalogue[k].required_object_type, null, k);
  }
});

// ---- routing -------------------------------------------------------------------------

test('each routed request type goes to its team, with a standard due time per SLA.md', async () => {
  for (const [type, team] of Object.entries(ROUTED_TEAMS)) {
    const res = await org.asSpoc.post('/api/v1/tickets', validBody(type));
    assert.equal(res.status, 201, `${type}: ${res.text}`);
    const t = res.json;
    assert.equal(t.team, team, type);
    assert.equal(t.kind, 'routed', type);
    assert.equal(t.request_type, type);
    assert.equal(t.status, 'new');
    assert.equal(t.priority, 'standard');
    assert.equal(t.assignee_id, null);
    assert.equal(t.org_id, org.org.id);
    assert.equal(t.requester_id, org.spoc.id);
    assert.equal(t.member_id, org.org.member_id, 'every ticket gets the member id of its organization');
    assert.equal(t.updated_at, t.created_at);
    assert.equal(t.first_response_due_at, iso(standardDue(sec(t.created_at))), `${type} filed ${t.created_at}`);
    for (const k of ['first_response_at', 'response_business_seconds', 'response_clock_seconds', 'resolved_at', 'closed_at']) {
      assert.equal(t[k], null, `${type}.${k}`);
    }
    assert.equal(t.version, 1);
    assert.deepEqual(t.emergency_criteria, []);
    assert.equal(t.emergency_phone, null);
    assert.deepEqual(t.completeness, expectedCompleteness(type, validBody(type)), type);
  }
});

test('each account request type goes to the organization\'s account rep, with no team and no due time', async () => {
  for (const type of ACCOUNT_TYPES) {
    const res = await org.asSpoc.post('/api/v1/tickets', validBody(type));
    assert.equal(res.status, 201, `${type}: ${res.text}`);
    const t = res.json;
    assert.equal(t.team, null, type);
    assert.equal(t.kind, 'account', type);
    assert.equal(t.assignee_id, org.rep.id, type);
    assert.equal(t.first_response_due_at, null, type);
    assert.equal(t.status, 'new');
    assert.equal(t.priority, 'standard');
    assert.deepEqual(t.completeness, { percent: 100, missing: [] });
    const seen = await org.asRep.get(`/api/v1/tickets/${t.id}`);
    assert.equal(seen.status, 200, 'the rep sees it');
    const mine = await org.asRep.get('/api/v1/tickets?assignee_id=me&limit=100');
    assert.ok(mine.json.items.some((x) => x.id === t.id), 'and finds it assigned to them');
  }
});

test('a filed ticket answers 201 with Location and ETag, and reads back the same', async () => {
  const body = uiBug({
    urls: ['https://ui.example/line-items/7', 'http://[::1]:8080/x?y#z'],
    object_ids: [{ type: 'line_item', id: '7' }, { type: 'creative', id: 'abc-1.2_3:4' }],
  });
  const res = await org.asSpoc.post('/api/v1/tickets', body);
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/api/v1/tickets/${res.json.id}`);
  assert.equal(res.headers.get('idempotent-replayed'), null);
  const etag = res.headers.get('etag');
  assert.ok(etag, 'an ETag');
  for (const k of ['subject', 'description', 'impact', 'steps', 'browser', 'os', 'urls', 'object_ids']) {
    assert.deepEqual(res.json[k], body[k], k);
  }
  assert.equal(res.json.business_justification, null);
  const got = await org.asSpoc.get(res.headers.get('location'));
  assert.equal(got.status, 200);
  const byKey = (a, b) => `${a.type}/${a.id}`.localeCompare(`${b.type}/${b.id}`);
  assert.deepEqual({ ...got.json, object_ids: [...got.json.object_ids].sort(byKey) },
    { ...res.json, object_ids: [...res.json.object_ids].sort(byKey) });
  assert.equal(got.headers.get('etag'), etag);
});

test('the 201 lists the object ids in the order a later GET shows them', async () => {
  const res = await org.asSpoc.post('/api/v1/tickets', uiBug({
    object_ids: [{ type: 'line_item', id: '7' }, { type: 'creative', id: '3' }],
  }));
  assert.equal(res.status, 201, res.text);
  const got = await org.asSpoc.get(`/api/v1/tickets/${res.json.id}`);
  assert.deepEqual(got.json.object_ids, res.json.object_ids);
});

test('the 201 of a ticket with a repeated object id is what is stored', async () => {
  const res = await org.asSpoc.post('/api/v1/tickets', validBody('creative-audit', {
    object_ids: [{ type: 'creative', id: '77' }, { type: 'creative', id: '77' }],
  }));
  assert.equal(res.status, 201, res.text);
  const got = await org.asSpoc.get(`/api/v1/tickets/${res.json.id}`);
  assert.deepEqual(res.json.object_ids, got.json.object_ids, 'the answer shows the object ids kept');
  assert.deepEqual(res.json, got.json);
});

// ---- required and invalid fields ---------------------------------------------------------

test('every missing required field of each request type is listed at once', async () => {
  const before = await count();
  for (const [type, extra] of Object.entries(REQUIRED)) {
    expectFields(await org.asSpoc.post('/api/v1/tickets', { request_type: type }), ['subject', 'description', ...extra]);
  }
  expectFields(await org.asSpoc.post('/api/v1/tickets', {}), ['request_type', 'subject', 'description']);
  assert.equal(await count(), before, 'nothing was filed');
});

test('blank strings count as missing', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: '   ', description: '\n\t', impact: '', steps: ' ', browser: '', os: ' ' })),
    ['subject', 'description', 'impact', 'steps', 'browser', 'os']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', validBody('data-pull', { business_justification: '  ' })), ['business_justification']);
});

test('each required field of a bug report is required on its own', async () => {
  for (const type of ['app-bug', 'ui-api-bug']) {
    for (const f of ['subject', 'description', 'impact', 'steps', 'browser', 'os']) {
      const body = validBody(type);
      delete body[f];
      expectFields(await org.asSpoc.post('/api/v1/tickets', body), [f]);
    }
  }
});

test('creative and malvertising questions need an object id of type creative', async () => {
  for (const type of ['creative-audit', 'anti-malvertising']) {
    expectFields(await org.asSpoc.post('/api/v1/tickets', validBody(type, { object_ids: [] })), ['object_ids']);
    expectFields(await org.asSpoc.post('/api/v1/tickets', validBody(type, { object_ids: [{ type: 'placement', id: '5' }] })), ['object_ids']);
    const ok = await org.asSpoc.post('/api/v1/tickets', validBody(type, { object_ids: [{ type: 'placement', id: '5' }, { type: 'creative', id: '6' }] }));
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json.object_ids, [{ type: 'placement', id: '5' }, { type: 'creative', id: '6' }]);
  }
});

test('data pulls and manual configuration changes need a business justification', async () => {
  for (const type of ['data-pull', 'manual-config']) {
    const body = validBody(type);
    delete body.business_justification;
    expectFields(await org.asSpoc.post('/api/v1/tickets', body), ['business_justification']);
    const ok = await file(org.asSpoc, validBody(type));
    assert.equal(ok.business_justification, validBody(type).business_justification);
  }
});

test('an unknown request type is reported with the other fields', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', { request_type: 'nope', subject: 's', description: 'd' }), ['request_type']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', { request_type: 'nope' }), ['request_type', 'subject', 'description']);
});

test('invalid values are all listed at once, with the index of each bad item', async () => {
  const res = await org.asSpoc.post('/api/v1/tickets', uiBug({
    subject: 'x'.repeat(201),
    browser: 'Firefox\t133',
    os: 'Linux\nx',
    priority: 'urgent',
    urls: ['ftp://files.example/x', 'https://ok.example/a', '', 'not a url'],
    object_ids: [{ type: 'nope', id: '1' }, { type: 'creative', id: 'a b' }, { type: 'creative', id: '' }],
  }));
  expectFields(res, ['subject', 'browser', 'os', 'priority', 'urls[0]', 'urls[2]', 'urls[3]',
    'object_ids[0].type', 'object_ids[1].id', 'object_ids[2].id']);
  const ok = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'x'.repeat(200) }));
  assert.equal(ok.status, 201, 'a subject of 200 characters is fine');
});

test('the subject\'s limit counts characters, not bytes', async () => {
  const ok = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'é'.repeat(199) + '€' }));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.subject, 'é'.repeat(199) + '€');
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'ñ'.repeat(201) })), ['subject']);
});

test('too many URLs or object ids are refused', async () => {
  const urls = Array.from({ length: 21 }, (_, i) => `https://u.example/${i}`);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ urls })), ['urls']);
  const object_ids = Array.from({ length: 51 }, (_, i) => ({ type: 'creative', id: String(i) }));
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ object_ids })), ['object_ids']);
});

test('a field of the wrong type is listed once, not also as missing', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 5, description: ['x'] })), ['subject', 'description']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ object_ids: [{ type: 'creative' }] })), ['object_ids[0]']);
});

// ---- completeness -----------------------------------------------------------------------------

test('completeness counts the recommended fields given and lists those missing', async () => {
  const bare = await file(org.asSpoc, uiBug());
  assert.deepEqual(bare.completeness, { percent: 66, missing: ['object_ids', 'urls', 'attachments'] });
  const fuller = await file(org.asSpoc, uiBug({ urls: ['https://ui.example/x'], object_ids: [{ type: 'line_item', id: '1' }] }));
  assert.deepEqual(fuller.completeness, { percent: 88, missing: ['attachments'] });
  const body = validBody('ad-serving', { steps: '1. Load the page', urls: ['https://pub.example/'], object_ids: [{ type: 'placement', id: '9' }] });
  const full = await file(org.asSpoc, body);
  assert.deepEqual(full.completeness, { percent: 100, missing: [] });
  for (const type of Object.keys(ROUTED_TEAMS)) {
    const b = validBody(type, { urls: ['https://x.example/'] });
    assert.deepEqual((await file(org.asSpoc, b)).completeness, expectedCompleteness(type, b), type);
  }
});

// ---- emergencies ----------------------------------------------------------------------------

test('an emergency is due one hour after filing, round the clock', async () => {
  for (const criteria of [['production_down'], ['financial_loss'], ['production_down', 'financial_loss']]) {
    const t = await file(org.asSpoc, uiBug(emergency({ emergency_criteria: criteria, emergency_phone: '+1 (212) 555-0100' })));
    assert.equal(t.priority, 'emergency');
    assert.deepEqual(t.emergency_criteria, criteria);
    assert.equal(t.emergency_phone, '+1 (212) 555-0100');
    assert.equal(sec(t.first_response_due_at), sec(t.created_at) + 3600);
  }
});

test('an emergency needs its criteria and a phone number', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ priority: 'emergency' })), ['emergency_criteria', 'emergency_phone']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_criteria: [] }))), ['emergency_criteria']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_phone: '  ' }))), ['emergency_phone']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_criteria: ['bogus'], emergency_phone: 'call me' }))),
    ['emergency_criteria[0]', 'emergency_phone']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_criteria: ['production_down', 'production_down'] }))),
    ['emergency_criteria[1]']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_phone: '12345' }))), ['emergency_phone']);
});

test('more than two emergency criteria are reported once, as too many', async () => {
  const res = await org.asSpoc.post('/api/v1/tickets', uiBug(emergency({ emergency_criteria: ['production_down', 'financial_loss', 'production_down'] })));
  const [f] = expectFields(res, ['emergency_criteria']);
  assert.doesNotMatch(f.message, /needs one or both/, 'three criteria were given, not none');
});

test('a standard request carries no emergency criteria or phone', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ emergency_criteria: ['production_down'], emergency_phone: '+1 212 555 0100' })),
    ['emergency_criteria', 'emergency_phone']);
  expectFields(await org.asSpoc.post('/api/v1/tickets', uiBug({ priority: 'standard', emergency_phone: '+1 212 555 0100' })), ['emergency_phone']);
});

test('an account request cannot be an emergency', async () => {
  expectFields(await org.asSpoc.post('/api/v1/tickets', validBody('billing', emergency())), ['priority']);
});

// ---- Idempotency-Key -------------------------------------------------------------------------

test('a retried create with the same Idempotency-Key returns the same ticket', async () => {
  const key = 'retry-1';
  const first = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Idempotent' }), { 'Idempotency-Key': key });
  assert.equal(first.status, 201);
  assert.equal(first.headers.get('idempotent-replayed'), null);
  const again = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Idempotent' }), { 'Idempotency-Key': key });
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.headers.get('location'), first.headers.get('location'));
  assert.deepEqual(again.json, first.json);
  const other1 = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Idempotent' }), { 'Idempotency-Key': 'retry-2' });
  assert.equal(other1.status, 201);
  assert.notEqual(other1.json.id, first.json.id, 'a different key makes a new ticket');
  assert.equal(other1.headers.get('idempotent-replayed'), null);
  const noKey1 = await file(org.asSpoc, uiBug({ subject: 'Idempotent' }));
  const noKey2 = await file(org.asSpoc, uiBug({ subject: 'Idempotent' }));
  assert.notEqual(noKey1.id, noKey2.id, 'without a key every create files');
});

test('concurrent creates with one Idempotency-Key make one ticket', async () => {
  const subject = 'Concurrent idempotent create';
  const all = await Promise.all(Array.from({ length: 12 }, () =>
    org.asSpoc.post('/api/v1/tickets', uiBug({ subject }), { 'Idempotency-Key': 'burst-1' })));
  for (const r of all) assert.equal(r.status, 201, r.text);
  const ids = new Set(all.map((r) => r.json.id));
  assert.equal(ids.size, 1, `one ticket: ${[...ids]}`);
  assert.equal(all.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 11, 'all but one are replays');
  const listed = (await server.admin.get('/api/v1/tickets?limit=100')).json.items.filter((t) => t.subject === subject);
  assert.equal(listed.length, 1);
});

test('an Idempotency-Key belongs to the SPOC who sent it', async () => {
  const mine = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Key owner' }), { 'Idempotency-Key': 'shared-key' });
  const theirs = await other.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Other key owner' }), { 'Idempotency-Key': 'shared-key' });
  assert.equal(theirs.status, 201);
  assert.notEqual(theirs.json.id, mine.json.id);
  assert.equal(theirs.json.org_id, other.org.id);
  assert.equal(theirs.json.subject, 'Other key owner');
  assert.equal(theirs.headers.get('idempotent-replayed'), null);
});

test('an empty or over-long Idempotency-Key is refused with 400', async () => {
  const before = await count();
  expectError(await org.asSpoc.post('/api/v1/tickets', uiBug(), { 'Idempotency-Key': 'k'.repeat(201) }), 400, 'bad_idempotency_key');
  expectError(await org.asSpoc.post('/api/v1/tickets', uiBug(), { 'Idempotency-Key': '' }), 400, 'bad_idempotency_key');
  assert.equal(await count(), before);
  const ok = await org.asSpoc.post('/api/v1/tickets', uiBug(), { 'Idempotency-Key': 'k'.repeat(200) });
  assert.equal(ok.status, 201);
});

// ---- request types are data --------------------------------------------------------------------

test('an admin\'s edit of a request type\'s rules applies to the next filing', async () => {
  const path = '/api/v1/request-types/traffic-quality';
  const original = (await server.admin.get(path)).json;
  try {
    const edited = await server.admin.patch(path, { fields: { impact: 'optional', business_justification: 'required' }, name_es: 'Calidad del tráfico' });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.fields.impact, 'optional');
    assert.equal(edited.json.fields.business_justification, 'required');
    assert.equal(edited.json.fields.steps, original.fields.steps, 'other rules are kept');
    assert.equal(edited.json.name_es, 'Calidad del tráfico');
    assert.deepEqual((await org.asSpoc.get(path)).json, edited.json);
    expectFields(await org.asSpoc.post('/api/v1/tickets', { request_type: 'traffic-quality' }), ['subject', 'description', 'business_justification']);
    const t = await file(org.asSpoc, { request_type: 'traffic-quality', subject: 's', description: 'd', business_justification: 'b' });
    assert.equal(t.team, 'client-services');
    const moved = await server.admin.patch(path, { team: 'inventory-quality' });
    assert.equal(moved.status, 200, moved.text);
    const routed = await file(org.asSpoc, { request_type: 'traffic-quality', subject: 's', description: 'd', business_justification: 'b' });
    assert.equal(routed.team, 'inventory-quality', 'new tickets follow the type\'s team');
    assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}`)).json.team, 'client-services', 'filed tickets stay');
  } finally {
    const restored = await server.admin.patch(path, { fields: original.fields, name_es: original.name_es, team: original.team });
    assert.equal(restored.status, 200, restored.text);
  }
  assert.deepEqual((await server.admin.get(path)).json, original);
});

test('a request type edit lists every invalid field', async () => {
  expectFields(await server.admin.patch('/api/v1/request-types/billing', {
    team: 'app-support', fields: { bogus: 'required', steps: 'maybe', subject: 'optional' }, required_object_type: 'nope',
  }), ['team', 'required_object_type', 'fields.bogus', 'fields.steps', 'fields']);
  expectFields(await server.admin.patch('/api/v1/request-types/app-bug', { team: 'no-such-team' }), ['team']);
  expectError(await server.admin.patch('/api/v1/request-types/no-such-type', { name_en: 'x' }), 404, 'not_found');
  assert.equal((await server.admin.get('/api/v1/request-types/billing')).json.team, null);
});
