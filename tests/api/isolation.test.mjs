// Organizations never see each other: no ticket, comment, history, person or name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, uiBug, file, validBody, expectError,
} from './harness.mjs';

let server, a, b, cs, ticketA, accountA, ticketB;

before(async () => {
  server = await startServer();
  a = await makeOrg(server, 'Acme Media');
  b = await makeOrg(server, 'Globex Ads');
  cs = await makeAgent(server, 'client-services');
  ticketA = await file(a.asSpoc, uiBug({ subject: 'Acme secret subject', object_ids: [{ type: 'creative', id: 'acme-1' }] }));
  await cs.as.post(`/api/v1/tickets/${ticketA.id}/comments`, { body: 'Acme public reply' });
  await cs.as.post(`/api/v1/tickets/${ticketA.id}/comments`, { body: 'Acme internal note', kind: 'note' });
  accountA = await file(a.asSpoc, validBody('billing', { subject: 'Acme invoice question' }));
  ticketB = await file(b.asSpoc, uiBug({ subject: 'Globex own ticket', object_ids: [{ type: 'creative', id: 'acme-1' }] }));
});
after(async () => { await server?.stop(); });

const noAcme = (res) => assert.ok(!/Acme/.test(res.text), `nothing of Acme in: ${res.text}`);

test('a contact of another organization gets the same 404 as for a ticket that does not exist', async () => {
  const missing = await b.asSpoc.get('/api/v1/tickets/999999');
  expectError(missing, 404, 'not_found');
  for (const c of [b.asSpoc, b.asOther]) {
    for (const t of [ticketA, accountA]) {
      const res = await c.get(`/api/v1/tickets/${t.id}`);
      expectError(res, 404, 'not_found');
      assert.deepEqual(res.json, missing.json, 'an id reveals nothing');
      assert.equal(res.headers.get('etag'), null);
      noAcme(res);
    }
  }
});

test('nor its comments, history, replies or changes', async () => {
  const id = ticketA.id;
  for (const c of [b.asSpoc, b.asOther]) {
    for (const res of [
      await c.get(`/api/v1/tickets/${id}/comments`),
      await c.get(`/api/v1/tickets/${id}/history`),
      await c.post(`/api/v1/tickets/${id}/comments`, { body: 'Hello from Globex' }),
      await c.patch(`/api/v1/tickets/${id}`, { status: 'open' }),
      await c.patch(`/api/v1/tickets/${id}`, { status: 'resolved' }, { 'If-Match': '"1"' }),
    ]) {
      expectError(res, 404, 'not_found');
      noAcme(res);
    }
  }
  const comments = (await cs.as.get(`/api/v1/tickets/${id}/comments`)).json.items;
  assert.deepEqual(comments.map((c) => c.body), ['Acme public reply', 'Acme internal note'], 'nothing was added');
  assert.equal((await cs.as.get(`/api/v1/tickets/${id}`)).json.status, 'open');
});

test('listing shows a contact only their organization\'s tickets, whatever the filters', async () => {
  for (const q of ['', `?org_id=${a.org.id}`, '?object_type=creative&object_id=acme-1', '?request_type=billing',
    '?team=client-services', '?sort=due', '?status=open', '?assignee_id=none', `?assignee_id=${a.rep.id}`]) {
    const res = await b.asOther.get(`/api/v1/tickets${q}`);
    assert.equal(res.status, 200, q);
    assert.ok(res.json.items.every((t) => t.org_id === b.org.id), `only Globex tickets for ${q}`);
    noAcme(res);
  }
  const all = await b.asSpoc.get('/api/v1/tickets');
  assert.deepEqual(all.json.items.map((t) => t.id), [ticketB.id]);
  const other = await b.asSpoc.get(`/api/v1/tickets?org_id=${a.org.id}`);
  assert.deepEqual(other.json, { items: [], next_cursor: null });
  const ownObject = await b.asSpoc.get('/api/v1/tickets?object_type=creative&object_id=acme-1');
  assert.deepEqual(ownObject.json.items.map((t) => t.id), [ticketB.id]);
});

test('a contact cannot read another organization or its people', async () => {
  const org = await b.asSpoc.get(`/api/v1/orgs/${a.org.id}`);
  expectError(org, 404, 'not_found');
  noAcme(org);
  for (const u of [a.spoc, a.other]) {
    const res = await b.asSpoc.get(`/api/v1/users/${u.id}`);
    expectError(res, 404, 'not_found');
    noAcme(res);
  }
  expectError(await b.asSpoc.get(`/api/v1/users/${a.rep.id}`), 404, 'not_found');
});

test('an account rep sees only the organizations they represent', async () => {
  const own = await a.asRep.get('/api/v1/tickets?limit=100');
  assert.deepEqual(own.json.items.map((t) => t.id).sort((x, y) => x - y), [ticketA.id, accountA.id].sort((x, y) => x - y));
  assert.equal((await a.asRep.get(`/api/v1/tickets/${ticketA.id}`)).status, 200);
  assert.equal((await a.asRep.get(`/api/v1/tickets/${accountA.id}`)).status, 200);
  for (const t of [ticketA, accountA]) {
    const res = await b.asRep.get(`/api/v1/tickets/${t.id}`);
    expectError(res, 404, 'not_found');
    expectError(await b.asRep.get(`/api/v1/tickets/${t.id}/comments`), 404, 'not_found');
    expectError(await b.asRep.post(`/api/v1/tickets/${t.id}/comments`, { body: 'x' }), 404, 'not_found');
  }
  const theirs = await b.asRep.get('/api/v1/tickets?limit=100');
  assert.deepEqual(theirs.json.items.map((t) => t.id), [ticketB.id]);
  noAcme(await b.asRep.get(`/api/v1/tickets?org_id=${a.org.id}`));
});

test('a retried create with another organization\'s Idempotency-Key files in one\'s own', async () => {
  const key = 'isolation-key';
  const mine = await a.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Acme keyed' }), { 'Idempotency-Key': key });
  assert.equal(mine.status, 201);
  const theirs = await b.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'Globex keyed' }), { 'Idempotency-Key': key });
  assert.equal(theirs.status, 201);
  assert.equal(theirs.json.org_id, b.org.id);
  assert.notEqual(theirs.json.id, mine.json.id);
  noAcme(theirs);
});

test('a contact\'s ticket shows their own member id, not another\'s', async () => {
  assert.equal(ticketA.member_id, a.org.member_id);
  assert.equal(ticketB.member_id, b.org.member_id);
  assert.notEqual(a.org.member_id, b.org.member_id);
});
