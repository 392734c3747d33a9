// GET /api/v1/tickets: filters, sorting, cursor paging and who sees what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, uiBug, file, validBody, emergency, expectError, expectFields, sec,
} from './harness.mjs';

let server, a, b, cs, cs2, aq, T, all;

const ids = (res) => res.json.items.map((t) => t.id);
const desc = (list) => [...list].sort((x, y) => y - x);

before(async () => {
  server = await startServer();
  a = await makeOrg(server, 'Acme Media');
  b = await makeOrg(server, 'Globex Ads');
  cs = await makeAgent(server, 'client-services');
  cs2 = await makeAgent(server, 'client-services');
  aq = await makeAgent(server, 'ad-quality');
  const reply = (as, id, body = 'On it.', kind) => as.post(`/api/v1/tickets/${id}/comments`, kind ? { body, kind } : { body });
  T = {};
  T.a1 = await file(a.asSpoc, uiBug({ subject: 'a1', object_ids: [{ type: 'creative', id: 'c-1' }] }));
  T.a2 = await file(a.asSpoc, validBody('creative-audit', { subject: 'a2', object_ids: [{ type: 'creative', id: 'c-1' }, { type: 'placement', id: 'p-9' }] }));
  T.a3 = await file(a.asSpoc, validBody('app-bug', { subject: 'a3', ...emergency() }));
  T.a4 = await file(a.asSpoc, validBody('data-pull', { subject: 'a4' }));
  T.a5 = await file(a.asSpoc, validBody('billing', { subject: 'a5' }));
  T.a6 = await file(a.asSpoc, uiBug({ subject: 'a6' }));
  T.a7 = await file(a.asSpoc, validBody('inventory-quality', { subject: 'a7', object_ids: [{ type: 'site', id: 'c-1' }] }));
  T.a8 = await file(a.asSpoc, uiBug({ subject: 'a8 breached, unanswered' }));
  T.a9 = await file(a.asSpoc, uiBug({ subject: 'a9 breached, answered late' }));
  T.b1 = await file(b.asSpoc, uiBug({ subject: 'b1', ...emergency(), object_ids: [{ type: 'creative', id: 'c-1' }] }));
  T.b2 = await file(b.asSpoc, validBody('traffic-quality', { subject: 'b2' }));
  T.b3 = await file(b.asSpoc, validBody('roadmap', { subject: 'b3' }));
  for (const r of [
    await cs.as.patch(`/api/v1/tickets/${T.a1.id}`, { assignee_id: cs.user.id }),
    await cs.as.patch(`/api/v1/tickets/${T.a6.id}`, { assignee_id: cs2.user.id }),
    await aq.as.patch(`/api/v1/tickets/${T.a2.id}`, { assignee_id: aq.user.id }),
    await reply(cs.as, T.a4.id),
    await reply(cs2.as, T.a6.id),
    await cs2.as.patch(`/api/v1/tickets/${T.a6.id}`, { status: 'resolved' }),
    await reply(cs.as, T.a9.id),
    await reply(cs.as, T.b2.id, 'Which period?', 'question'),
  ]) assert.ok(r.status === 200 || r.status === 201, r.text);
  // Time passes: a8's target is behind us unanswered, a9 was answered after its target.
  server.sql(`UPDATE tickets SET first_response_due_at = ${server.nowSql} - 60 WHERE id = ${T.a8.id}`);
  server.sql(`UPDATE tickets SET first_response_due_at = first_response_at - 60 WHERE id = ${T.a9.id}`);
  // Fillers, to page through more than a default page.
  T.fill = [];
  for (let i = 0; i < 16; i++) T.fill.push(await file(b.asSpoc, validBody('implementation', { subject: `filler ${i}` })));
  const res = await server.admin.get('/api/v1/tickets?limit=100');
  assert.equal(res.status, 200);
  all = res.json.items;
  assert.equal(all.length, 12 + 16);
});
after(async () => { await server?.stop(); });

const id = (k) => T[k].id;
const where = (pred) => desc(all.filter(pred).map((t) => t.id));

test('the default listing is newest first, 25 a page, with a cursor to the next', async () => {
  const res = await server.admin.get('/api/v1/tickets');
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.json).sort(), ['items', 'next_cursor']);
  assert.equal(res.json.items.length, 25);
  assert.deepEqual(ids(res), desc(all.map((t) => t.id)).slice(0, 25));
  assert.equal(typeof res.json.next_cursor, 'string');
  const rest = await server.admin.get(`/api/v1/tickets?cursor=${encodeURIComponent(res.json.next_cursor)}`);
  assert.deepEqual(ids(rest), desc(all.map((t) => t.id)).slice(25));
  assert.equal(rest.json.next_cursor, null);
  // Items are whole tickets, as GET /tickets/{id} shows them.
  for (const t of res.json.items.slice(0, 3)) assert.deepEqual(t, (await server.admin.get(`/api/v1/tickets/${t.id}`)).json);
});

test('filter by team', async () => {
  const want = {
    'client-services': [id('a1'), id('a4'), id('a6'), id('a8'), id('a9'), id('b2'), ...T.fill.map((t) => t.id)],
    'ad-quality': [id('a2')],
    'app-support': [id('a3')],
    'inventory-quality': [id('a7')],
    'anti-malvertising': [],
  };
  want['client-services'].push(id('b1'));
  for (const [team, list] of Object.entries(want)) {
    const res = await server.admin.get(`/api/v1/tickets?team=${team}&limit=100`);
    assert.deepEqual(ids(res), desc(list), team);
  }
});

test('filter by status, priority, organization and request type', async () => {
  const q = async (s) => ids(await server.admin.get(`/api/v1/tickets?${s}&limit=100`));
  assert.deepEqual(await q('status=open'), desc([id('a4'), id('a9')]));
  assert.deepEqual(await q('status=resolved'), [id('a6')]);
  assert.deepEqual(await q('status=awaiting_customer'), [id('b2')]);
  assert.deepEqual(await q('status=closed'), []);
  assert.deepEqual(await q('status=active'), where((t) => t.id !== id('a6')), 'active: everything before resolved');
  assert.deepEqual(await q('status=active&sort=due'), (await q('sort=due')).filter((x) => x !== id('a6')));
  assert.deepEqual(await q('status=new'), where((t) => ![id('a4'), id('a9'), id('a6'), id('b2')].includes(t.id)));
  assert.deepEqual(await q('priority=emergency'), desc([id('a3'), id('b1')]));
  assert.deepEqual(await q('priority=standard'), where((t) => ![id('a3'), id('b1')].includes(t.id)));
  assert.deepEqual(await q(`org_id=${a.org.id}`), desc(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'].map(id)));
  assert.deepEqual(await q('request_type=billing'), [id('a5')]);
  assert.deepEqual(await q('request_type=roadmap'), [id('b3')]);
  assert.deepEqual(await q('request_type=ui-api-bug'), desc([id('a1'), id('a6'), id('a8'), id('a9'), id('b1')]));
  assert.deepEqual(await q(`status=new&priority=emergency&org_id=${b.org.id}&team=client-services`), [id('b1')]);
});

test('filter by assignee: an id, me or none', async () => {
  assert.deepEqual(ids(await server.admin.get(`/api/v1/tickets?assignee_id=${cs2.user.id}`)), [id('a6')]);
  assert.deepEqual(ids(await cs.as.get('/api/v1/tickets?assignee_id=me')), [id('a1')]);
  assert.deepEqual(ids(await aq.as.get('/api/v1/tickets?assignee_id=me')), [id('a2')]);
  assert.deepEqual(ids(await a.asRep.get('/api/v1/tickets?assignee_id=me')), [id('a5')]);
  assert.deepEqual(ids(await b.asRep.get('/api/v1/tickets?assignee_id=me')), [id('b3')]);
  const none = ids(await server.admin.get('/api/v1/tickets?assignee_id=none&limit=100'));
  assert.deepEqual(none, where((t) => ![id('a1'), id('a2'), id('a5'), id('a6'), id('b3')].includes(t.id)));
});

test('filter by object: every ticket about creative c-1', async () => {
  assert.deepEqual(ids(await server.admin.get('/api/v1/tickets?object_type=creative&object_id=c-1')), desc([id('a1'), id('a2'), id('b1')]));
  assert.deepEqual(ids(await server.admin.get('/api/v1/tickets?object_type=placement&object_id=p-9')), [id('a2')]);
  assert.deepEqual(ids(await server.admin.get('/api/v1/tickets?object_type=site&object_id=c-1')), [id('a7')]);
  assert.deepEqual(ids(await a.asOther.get('/api/v1/tickets?object_type=creative&object_id=c-1')), desc([id('a1'), id('a2')]));
  expectFields(await server.admin.get('/api/v1/tickets?object_type=creative'), ['object_id']);
  expectFields(await server.admin.get('/api/v1/tickets?object_id=c-1'), ['object_type']);
});

test('filter by first-response state: breached, pending, met', async () => {
  const now = Date.now() / 1000;
  const q = async (s) => ids(await server.admin.get(`/api/v1/tickets?sla=${s}&limit=100`));
  assert.deepEqual(await q('breached'), desc([id('a8'), id('a9')]));
  assert.deepEqual(await q('met'), desc([id('a4'), id('a6'), id('b2')]));
  const pending = where((t) => t.kind === 'routed' && t.first_response_at === null && sec(t.first_response_due_at) > now);
  assert.ok(pending.includes(id('a1')) && pending.includes(id('b1')) && !pending.includes(id('a8')));
  assert.deepEqual(await q('pending'), pending);
  assert.deepEqual(await q('breached&team=client-services&status=new'), [id('a8')]);
});

test('sort=due puts the soonest due first and tickets without a target last', async () => {
  const res = await server.admin.get('/api/v1/tickets?sort=due&limit=100');
  const key = (t) => (t.first_response_due_at === null ? Infinity : sec(t.first_response_due_at));
  const want = [...all].sort((x, y) => key(x) - key(y) || x.id - y.id).map((t) => t.id);
  assert.deepEqual(ids(res), want);
  assert.deepEqual(ids(res).slice(0, 2).sort(), [id('a8'), id('a9')].sort(), 'the overdue first');
  assert.deepEqual(ids(res).slice(-2), [id('a5'), id('b3')], 'account requests, with no target, last');
});

for (const [name, query] of [['newest first', ''], ['by due', 'sort=due'], ['by due, one team', 'sort=due&team=client-services'], ['one organization', `org_id=2`]]) {
  test(`cursor paging returns every ticket exactly once (${name})`, async () => {
    const whole = ids(await server.admin.get(`/api/v1/tickets?${query}&limit=100`));
    for (const size of [1, 2, 7]) {
      const seen = [];
      let cursor = null, pages = 0;
      do {
        const res = await server.admin.get(`/api/v1/tickets?${query}&limit=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(res.status, 200, res.text);
        assert.ok(res.json.items.length <= size);
        seen.push(...ids(res));
        cursor = res.json.next_cursor;
        assert.ok(++pages <= whole.length + 1, 'paging ends');
      } while (cursor);
      assert.deepEqual(seen, whole, `pages of ${size}`);
    }
  });
}

test('limit is 1 to 500 for staff and 1 to 100 for contacts; other values are a 422', async () => {
  assert.equal((await server.admin.get('/api/v1/tickets?limit=1')).json.items.length, 1);
  assert.equal((await server.admin.get('/api/v1/tickets?limit=100')).json.items.length, all.length);
  assert.equal((await server.admin.get('/api/v1/tickets?limit=500')).json.items.length, all.length);
  assert.equal((await cs.as.get('/api/v1/tickets?limit=500')).status, 200);
  for (const v of ['0', '501', '-1', 'abc', '1.5', '']) {
    expectFields(await server.admin.get(`/api/v1/tickets?limit=${v}`), ['limit']);
  }
  assert.equal((await a.asSpoc.get('/api/v1/tickets?limit=100')).status, 200);
  for (const v of ['101', '500']) expectFields(await a.asSpoc.get(`/api/v1/tickets?limit=${v}`), ['limit']);
});

test('a cursor that is not from this listing is a 422', async () => {
  const due = await server.admin.get('/api/v1/tickets?sort=due&limit=1');
  expectFields(await server.admin.get(`/api/v1/tickets?cursor=${encodeURIComponent(due.json.next_cursor)}`), ['cursor']);
  const created = await server.admin.get('/api/v1/tickets?limit=1');
  expectFields(await server.admin.get(`/api/v1/tickets?sort=due&cursor=${encodeURIComponent(created.json.next_cursor)}`), ['cursor']);
  expectFields(await server.admin.get('/api/v1/tickets?cursor=garbage'), ['cursor']);
});

test('every bad filter is listed at once', async () => {
  expectFields(await server.admin.get('/api/v1/tickets?limit=0&sort=oldest&status=done&priority=urgent&org_id=x&assignee_id=someone&sla=late'),
    ['limit', 'sort', 'status', 'priority', 'org_id', 'assignee_id', 'sla']);
});

test('an unknown team filter is a 422 (openapi.json: a TeamKey), not an empty page', async () => {
  expectFields(await server.admin.get('/api/v1/tickets?team=no-such-team'), ['team']);
});

test('contacts list only their organization\'s tickets, even when they ask for another', async () => {
  for (const c of [a.asSpoc, a.asOther]) {
    assert.deepEqual(ids(await c.get('/api/v1/tickets?limit=100')), desc(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'].map(id)));
    assert.deepEqual((await c.get(`/api/v1/tickets?org_id=${b.org.id}`)).json, { items: [], next_cursor: null });
    assert.deepEqual(ids(await c.get(`/api/v1/tickets?org_id=${a.org.id}&priority=emergency`)), [id('a3')]);
  }
});

test('account reps list the tickets of the organizations they represent', async () => {
  assert.deepEqual(ids(await a.asRep.get('/api/v1/tickets?limit=100')), desc(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'].map(id)));
  assert.deepEqual(ids(await a.asRep.get('/api/v1/tickets?request_type=billing')), [id('a5')]);
  assert.deepEqual((await a.asRep.get(`/api/v1/tickets?org_id=${b.org.id}`)).json.items, []);
});

test('agents find their team\'s queue', async () => {
  const queue = ids(await cs.as.get('/api/v1/tickets?team=client-services&status=new&sort=due&limit=100'));
  const key = (t) => sec(t.first_response_due_at);
  const want = all.filter((t) => t.team === 'client-services' && t.status === 'new').sort((x, y) => key(x) - key(y) || x.id - y.id).map((t) => t.id);
  assert.deepEqual(queue, want);
});
