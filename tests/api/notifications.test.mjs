// Notification settings through the API: a team's on-call person, what a
// user mutes, and the admins' view of mail that did not go out (with retry).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, signIn, file, uiBug, expectError, expectFields,
} from './harness.mjs';

let server, org, agent, lead, otherLead, outsider, adminSession;
before(async () => {
  server = await startServer({ env: { SWITCHBOARD_SMTP_URL: '' } });
  org = await makeOrg(server, 'Notify Org');
  agent = await makeAgent(server, 'client-services');
  lead = await makeAgent(server, 'client-services', 'lead');
  otherLead = await makeAgent(server, 'app-support', 'lead');
  outsider = await makeAgent(server, 'app-support');
  adminSession = await signIn(server, 'admin@test.example');
});
after(() => server.stop());

// ---- on-call ----------------------------------------------------------------

test('admins and the team\'s leads name its on-call person; GET /teams shows it', async () => {
  let r = await adminSession.patch('/api/v1/teams/client-services', { on_call: agent.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.on_call_id, agent.user.id);
  const teams = (await org.asSpoc.get('/api/v1/teams')).json.items;
  assert.equal(teams.find((t) => t.key === 'client-services').on_call_id, agent.user.id);
  assert.equal(teams.find((t) => t.key === 'app-support').on_call_id, null);
  r = await lead.as.patch('/api/v1/teams/client-services', { on_call: lead.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.on_call_id, lead.user.id);
  assert.equal(r.json.name_en, 'Client Services', 'the names stay');
  r = await lead.as.patch('/api/v1/teams/client-services', { on_call: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.on_call_id, null);
  assert.equal(server.sql("SELECT CAST(on_call_id IS NULL AS INTEGER) FROM teams WHERE key = 'client-services'").trim(), '1');
});

test('on-call: a lead of another team, agents, reps and contacts are refused; a lead renames nothing', async () => {
  for (const c of [otherLead.as, agent.as, org.asRep, org.asSpoc]) {
    expectError(await c.patch('/api/v1/teams/client-services', { on_call: agent.user.id }), 403, 'forbidden');
  }
  expectError(await lead.as.patch('/api/v1/teams/client-services', { name_en: 'Mine' }), 403, 'forbidden');
  assert.equal(server.sql("SELECT CAST(on_call_id IS NULL AS INTEGER) FROM teams WHERE key = 'client-services'").trim(), '1');
});

test('on-call must be an enabled member of the team', async () => {
  expectFields(await adminSession.patch('/api/v1/teams/client-services', { on_call: outsider.user.id }), ['on_call']);
  expectFields(await adminSession.patch('/api/v1/teams/client-services', { on_call: org.spoc.id }), ['on_call']);
  expectFields(await adminSession.patch('/api/v1/teams/client-services', { on_call: 999999 }), ['on_call']);
  expectFields(await adminSession.patch('/api/v1/teams/client-services', { on_call: 'me' }), ['on_call']);
  const gone = await makeAgent(server, 'client-services');
  assert.equal((await server.admin.patch(`/api/v1/users/${gone.user.id}`, { disabled: true })).status, 200);
  expectFields(await adminSession.patch('/api/v1/teams/client-services', { on_call: gone.user.id }), ['on_call']);
  expectError(await adminSession.patch('/api/v1/teams/no-such-team', { on_call: null }), 404, 'not_found');
});

// ---- muting -----------------------------------------------------------------

test('a user mutes what may be muted, sees it in their session, and unmutes', async () => {
  let r = await agent.as.patch(`/api/v1/users/${agent.user.id}`, { muted: ['sla_warning', 'emergency_update_due', 'sla_warning'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.muted, ['sla_warning', 'emergency_update_due'], 'each once');
  assert.deepEqual((await agent.as.get('/api/v1/session')).json.user.muted, ['sla_warning', 'emergency_update_due']);
  assert.deepEqual((await server.admin.get(`/api/v1/users/${agent.user.id}`)).json.muted, ['sla_warning', 'emergency_update_due']);
  r = await agent.as.patch(`/api/v1/users/${agent.user.id}`, { name: agent.user.name });
  assert.deepEqual(r.json.muted, ['sla_warning', 'emergency_update_due'], 'kept when not sent');
  r = await agent.as.patch(`/api/v1/users/${agent.user.id}`, { muted: [] });
  assert.deepEqual(r.json.muted, []);
  r = await org.asRep.patch(`/api/v1/users/${org.rep.id}`, { muted: ['account_request', 'customer_reply'] });
  assert.equal(r.status, 200, r.text);
  r = await org.asRep.patch(`/api/v1/users/${org.rep.id}`, { muted: null });
  assert.deepEqual(r.json.muted, []);
});

test('essential and unknown events cannot be muted, and only by the user themselves', async () => {
  for (const muted of [['sla_breach'], ['request_received'], ['emergency_filed'], ['emergency_on_call'], ['ticket_resolved'], ['nope'], 'sla_warning', [7], Array(17).fill('sla_warning')]) {
    const r = await org.asSpoc.patch(`/api/v1/users/${org.spoc.id}`, { muted });
    const [f] = expectFields(r, ['muted']);
    if (Array.isArray(muted) && muted[0] === 'sla_breach') assert.match(f.message, /sla_breach is essential/);
    if (Array.isArray(muted) && muted[0] === 'nope') assert.match(f.message, /sla_warning/, 'says what may be muted');
  }
  assert.equal(server.sql(`SELECT muted FROM users WHERE id = ${org.spoc.id}`).trim(), '');
  expectError(await server.admin.patch(`/api/v1/users/${agent.user.id}`, { muted: ['sla_warning'] }), 403, 'forbidden');
  expectError(await lead.as.patch(`/api/v1/users/${agent.user.id}`, { muted: ['sla_warning'] }), 403, 'forbidden');
});

// ---- the admins' mail view ---------------------------------------------------

test('admins list failed and retrying mail with its recipient and error, and retry a failed one', async () => {
  const t1 = await file(org.asSpoc, uiBug({ subject: 'Failed mail' }));
  const t2 = await file(org.asSpoc, uiBug({ subject: 'Retrying mail' }));
  const id = (t) => Number(server.sql(`SELECT id FROM outbox WHERE ticket_id = ${t.id} AND event = 'request_received'`).trim());
  const failed = id(t1), retrying = id(t2);
  server.sql(`UPDATE outbox SET state = 'failed', attempts = 1, last_error = '550 No such user here' WHERE id = ${failed}`);
  server.sql(`UPDATE outbox SET attempts = 2, last_error = 'connection refused', next_attempt_at = 4000000000 WHERE id = ${retrying}`);

  let r = await server.admin.get('/api/v1/outbox?state=failed');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((x) => x.id), [failed]);
  const row = r.json.items[0];
  assert.deepEqual({ ...row, created_at: undefined }, {
    id: failed, event: 'request_received', ticket_id: t1.id, state: 'failed', attempts: 1,
    recipient: { id: org.spoc.id, name: org.spoc.name, email: org.spoc.email },
    last_error: '550 No such user here', created_at: undefined, next_attempt_at: null,
  });
  assert.match(row.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.json.next_before, null);

  r = await server.admin.get('/api/v1/outbox?state=retrying');
  assert.deepEqual(r.json.items.map((x) => [x.id, x.attempts, x.last_error, x.next_attempt_at]),
    [[retrying, 2, 'connection refused', '2096-10-02T07:06:40Z']]);
  r = await server.admin.get('/api/v1/outbox'); // failed by default
  assert.deepEqual(r.json.items.map((x) => x.id), [failed]);

  r = await server.admin.post(`/api/v1/outbox/${failed}/retry`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'pending');
  const [state, attempts, next] = server.sql(`SELECT state, attempts, next_attempt_at FROM outbox WHERE id = ${failed}`).trim().split('|');
  assert.deepEqual([state, attempts], ['pending', '0']);
  assert.ok(Number(next) <= Date.now() / 1000 + 1, 'due now');
  assert.deepEqual((await server.admin.get('/api/v1/outbox?state=failed')).json.items, []);
  expectError(await server.admin.post(`/api/v1/outbox/${failed}/retry`), 409, 'conflict');
  expectError(await server.admin.post('/api/v1/outbox/999999/retry'), 404, 'not_found');
  expectFields(await server.admin.get('/api/v1/outbox?state=sent'), ['state']);
  expectFields(await server.admin.get('/api/v1/outbox?limit=0&before=x'), ['limit', 'before']);
});

test('the mail view pages newest first', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const t = await file(org.asSpoc, uiBug({ subject: `Page ${i}` }));
    ids.push(Number(server.sql(`SELECT id FROM outbox WHERE ticket_id = ${t.id}`).trim()));
  }
  server.sql(`UPDATE outbox SET state = 'failed', last_error = 'x' WHERE id IN (${ids.join(',')})`);
  let r = await server.admin.get('/api/v1/outbox?state=failed&limit=2');
  assert.deepEqual(r.json.items.map((x) => x.id), [ids[2], ids[1]]);
  r = await server.admin.get(`/api/v1/outbox?state=failed&limit=2&before=${r.json.next_before}`);
  assert.deepEqual(r.json.items.map((x) => x.id), [ids[0]]);
});

test('only admins see and retry mail', async () => {
  for (const c of [lead.as, agent.as, org.asRep, org.asSpoc]) {
    expectError(await c.get('/api/v1/outbox?state=failed'), 403, 'forbidden');
    expectError(await c.post('/api/v1/outbox/1/retry'), 403, 'forbidden');
  }
});
