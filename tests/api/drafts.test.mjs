// Drafts: any contact prepares a request, the SPOC files it or sends it back;
// the author follows the filed ticket. Other organizations never see a draft.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, makeOrg, uiBug, expectError, expectFields } from './harness.mjs';

let server, acme, other;

before(async () => {
  server = await startServer();
  acme = await makeOrg(server, 'Draft Acme');
  other = await makeOrg(server, 'Draft Other');
});
after(async () => server.stop());

test('any contact may prepare a draft, incomplete or not', async () => {
  const res = await acme.asOther.post('/api/v1/drafts', { request_type: 'ui-api-bug', subject: 'Half done' });
  assert.equal(res.status, 201);
  assert.equal(res.json.state, 'draft');
  assert.equal(res.json.author_id, acme.other.id);
  assert.equal(res.json.org_id, acme.org.id);
  assert.deepEqual(res.json.fields, { request_type: 'ui-api-bug', subject: 'Half done' });
  assert.equal(res.json.ticket_id, null);
});

test('the SPOC sees the organization drafts; other contacts only their own; other orgs nothing', async () => {
  const mine = (await acme.asOther.post('/api/v1/drafts', { subject: 'by other' })).json;
  const spocs = (await acme.asSpoc.post('/api/v1/drafts', { subject: 'by spoc' })).json;
  const seenBySpoc = (await acme.asSpoc.get('/api/v1/drafts')).json.items.map((d) => d.id);
  assert.ok(seenBySpoc.includes(mine.id) && seenBySpoc.includes(spocs.id));
  const seenByOther = (await acme.asOther.get('/api/v1/drafts')).json.items.map((d) => d.id);
  assert.ok(seenByOther.includes(mine.id));
  assert.ok(!seenByOther.includes(spocs.id));
  assert.equal((await other.asSpoc.get('/api/v1/drafts')).json.items.length, 0);
  expectError(await other.asSpoc.get(`/api/v1/drafts/${mine.id}`), 404, 'not_found');
  expectError(await acme.asOther.get(`/api/v1/drafts/${spocs.id}`), 404, 'not_found');
  expectError(await server.admin.get('/api/v1/drafts'), 403, 'forbidden');
});

test('filing validates like a new ticket and lists every missing field', async () => {
  const d = (await acme.asOther.post('/api/v1/drafts', { request_type: 'ui-api-bug', subject: 'S' })).json;
  const res = await acme.asSpoc.post(`/api/v1/drafts/${d.id}/file`, {});
  expectError(res, 422, 'invalid');
  expectFields(res, ['description', 'impact', 'steps', 'browser', 'os']);
  assert.equal((await acme.asSpoc.get(`/api/v1/drafts/${d.id}`)).json.state, 'draft');
});

test('only the SPOC files or returns a draft', async () => {
  const d = (await acme.asOther.post('/api/v1/drafts', uiBug())).json;
  expectError(await acme.asOther.post(`/api/v1/drafts/${d.id}/file`, {}), 403, 'forbidden');
  expectError(await acme.asOther.post(`/api/v1/drafts/${d.id}/return`, { comment: 'x' }), 403, 'forbidden');
});

test('the SPOC files a draft: a ticket the author follows, routed and due like any other', async () => {
  const d = (await acme.asOther.post('/api/v1/drafts', uiBug({ subject: 'Prepared by the SME' }))).json;
  const res = await acme.asSpoc.post(`/api/v1/drafts/${d.id}/file`, {});
  assert.equal(res.status, 201);
  assert.equal(res.json.subject, 'Prepared by the SME');
  assert.equal(res.json.team, 'client-services');
  assert.equal(res.json.requester_id, acme.spoc.id);
  assert.ok(res.json.first_response_due_at);
  const draft = (await acme.asSpoc.get(`/api/v1/drafts/${d.id}`)).json;
  assert.equal(draft.state, 'filed');
  assert.equal(draft.ticket_id, res.json.id);
  const followers = server.sql(`SELECT user_id FROM ticket_followers WHERE ticket_id = ${res.json.id}`);
  assert.equal(followers.trim(), String(acme.other.id));
  const history = (await acme.asSpoc.get(`/api/v1/tickets/${res.json.id}/history`)).json.items;
  assert.ok(history.some((h) => h.field === 'draft' && h.to === String(d.id)));
  // Filed once: a second attempt, or an edit, is a conflict.
  expectError(await acme.asSpoc.post(`/api/v1/drafts/${d.id}/file`, {}), 409, 'conflict');
  expectError(await acme.asOther.patch(`/api/v1/drafts/${d.id}`, { subject: 'late' }), 409, 'conflict');
  // Filed drafts leave the list.
  assert.ok(!(await acme.asSpoc.get('/api/v1/drafts')).json.items.some((x) => x.id === d.id));
});

test('the SPOC may correct and file in one step', async () => {
  const d = (await acme.asOther.post('/api/v1/drafts', { request_type: 'ui-api-bug', subject: 'typo' })).json;
  const res = await acme.asSpoc.post(`/api/v1/drafts/${d.id}/file`, uiBug({ subject: 'Corrected' }));
  assert.equal(res.status, 201);
  assert.equal(res.json.subject, 'Corrected');
  assert.equal((await acme.asSpoc.get(`/api/v1/drafts/${d.id}`)).json.fields.subject, 'Corrected');
});

test('a returned draft carries the comment, tells the author, and becomes a draft again when edited', async () => {
  const d = (await acme.asOther.post('/api/v1/drafts', { subject: 'vague' })).json;
  expectFields(await acme.asSpoc.post(`/api/v1/drafts/${d.id}/return`, {}), ['comment']);
  const back = await acme.asSpoc.post(`/api/v1/drafts/${d.id}/return`, { comment: 'Add the creative id' });
  assert.equal(back.status, 200);
  assert.equal(back.json.state, 'returned');
  assert.equal(back.json.return_comment, 'Add the creative id');
  const queued = server.sql(`SELECT count(*) FROM outbox WHERE event = 'draft_returned' AND recipient_id = ${acme.other.id}`);
  assert.equal(queued.trim(), '1');
  const edited = await acme.asOther.patch(`/api/v1/drafts/${d.id}`, { subject: 'vague', object_ids: [{ type: 'creative', id: '9' }] });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.state, 'draft');
  assert.deepEqual(edited.json.fields.object_ids, [{ type: 'creative', id: '9' }]);
});

test('the refusal to file a ticket points a non-SPOC to drafts', async () => {
  const res = await acme.asOther.post('/api/v1/tickets', uiBug());
  expectError(res, 403, 'forbidden');
  assert.match(res.json.error.message, /draft/);
});
