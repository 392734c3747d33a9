// Engineering issues: recorded once, found by key, linked to many tickets,
// listed per ticket, and fixed once for all of them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, uiBug, validBody, file, expectError, expectFields,
} from './harness.mjs';

let server, org, other, cs;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Eng Org');
  other = await makeOrg(server, 'Eng Other Org');
  cs = await makeAgent(server, 'client-services');
});
after(async () => server.stop());

let n = 0;
const uniqueKey = (prefix = 'ENG') => `${prefix}-${process.pid}-${++n}`;

async function newIssue(extra = {}) {
  const res = await cs.as.post('/api/v1/engineering-issues', { key: uniqueKey(), ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

// A ticket the agent has answered: open, so that a link parks it.
async function openTicket(subject) {
  const t = await file(org.asSpoc, uiBug({ subject }));
  const reply = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { kind: 'reply', body: 'Looking.' });
  assert.equal(reply.status, 201, reply.text);
  return t;
}

async function link(ticketId, issueId, as = cs.as) {
  const res = await as.post(`/api/v1/tickets/${ticketId}/engineering-links`, { issue_id: issueId });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const list = async (query = '', as = cs.as) => {
  const res = await as.get(`/api/v1/engineering-issues${query}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json), ['items']);
  return res.json.items;
};

const links = async (ticketId, as = cs.as) => {
  const res = await as.get(`/api/v1/tickets/${ticketId}/engineering-links`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json), ['items']);
  return res.json.items;
};

test('?key= finds exactly that issue, shown as GET /engineering-issues/{id} shows it', async () => {
  const key = uniqueKey();
  const made = await newIssue({ key, title: 'Budget dropped on PUT', url: `https://tracker.example/browse/${key}` });
  await newIssue({ key: `${key}-b` }); // a longer key with the same prefix is another issue
  const items = await list(`?key=${encodeURIComponent(key)}`);
  assert.equal(items.length, 1);
  const one = (await cs.as.get(`/api/v1/engineering-issues/${made.id}`)).json;
  assert.deepEqual(items[0], one);
  assert.deepEqual(Object.keys(items[0]).sort(), ['created_at', 'fixed', 'fixed_at', 'id', 'key', 'ticket_ids', 'title', 'url']);
  assert.deepEqual([items[0].key, items[0].title, items[0].fixed, items[0].ticket_ids], [key, 'Budget dropped on PUT', false, []]);
  // Exact: neither a prefix, nor another case, nor an unknown key matches.
  assert.deepEqual(await list(`?key=${encodeURIComponent(key.slice(0, -1))}`), []);
  assert.deepEqual(await list(`?key=${encodeURIComponent(key.toLowerCase())}`), []);
  assert.deepEqual(await list('?key=NOPE-1'), []);
  // A key with spaces and non-ASCII letters is found as stored.
  const odd = await newIssue({ key: `Año ${uniqueKey()}` });
  assert.deepEqual((await list(`?key=${encodeURIComponent(odd.key)}`)).map((i) => i.id), [odd.id]);
});

test('the list is newest first; fixed=true and fixed=false filter, alone or with key', async () => {
  const a = await newIssue();
  const b = await newIssue();
  const c = await newIssue();
  const fixed = await cs.as.patch(`/api/v1/engineering-issues/${b.id}`, { fixed: true });
  assert.equal(fixed.status, 200, fixed.text);

  const all = await list();
  const ids = all.map((i) => i.id);
  assert.deepEqual(ids, [...ids].sort((x, y) => y - x), 'newest first');
  assert.deepEqual(ids.filter((id) => [a.id, b.id, c.id].includes(id)), [c.id, b.id, a.id]);

  const done = await list('?fixed=true');
  assert.ok(done.every((i) => i.fixed === true && typeof i.fixed_at === 'string'), 'only fixed issues');
  assert.ok(done.some((i) => i.id === b.id));
  assert.ok(!done.some((i) => i.id === a.id || i.id === c.id));

  const open = await list('?fixed=false');
  assert.ok(open.every((i) => i.fixed === false && i.fixed_at === null), 'only open issues');
  assert.deepEqual(open.filter((i) => [a.id, b.id, c.id].includes(i.id)).map((i) => i.id), [c.id, a.id]);

  assert.deepEqual((await list(`?key=${b.key}&fixed=true`)).map((i) => i.id), [b.id]);
  assert.deepEqual(await list(`?key=${b.key}&fixed=false`), []);
});

test('the list returns at most 100 issues, the newest', async () => {
  for (let i = 0; i < 101; i++) await newIssue();
  const all = await list();
  assert.equal(all.length, 100);
  const newest = await list(`?key=${encodeURIComponent(`ENG-${process.pid}-${n}`)}`);
  assert.equal(all[0].id, newest[0].id, 'the newest issue comes first');
});

test('bad filter values are a 422 naming each field', async () => {
  expectFields(await cs.as.get('/api/v1/engineering-issues?fixed=yes'), ['fixed']);
  expectFields(await cs.as.get('/api/v1/engineering-issues?fixed=TRUE'), ['fixed']);
  expectFields(await cs.as.get('/api/v1/engineering-issues?fixed='), ['fixed']);
  expectFields(await cs.as.get('/api/v1/engineering-issues?key='), ['key']);
  expectFields(await cs.as.get(`/api/v1/engineering-issues?key=${'K'.repeat(65)}`), ['key']);
  expectFields(await cs.as.get('/api/v1/engineering-issues?key=&fixed=maybe'), ['key', 'fixed']);
});

test('contacts may neither list issues nor a ticket\'s links (403)', async () => {
  const t = await openTicket('Contacts do not see engineering');
  const issue = await newIssue();
  await link(t.id, issue.id);
  for (const who of [org.asSpoc, org.asOther]) {
    expectError(await who.get('/api/v1/engineering-issues'), 403, 'forbidden');
    expectError(await who.get(`/api/v1/engineering-issues?key=${issue.key}`), 403, 'forbidden');
    expectError(await who.get(`/api/v1/tickets/${t.id}/engineering-links`), 403, 'forbidden');
  }
});

test('one issue linked to many tickets: each ticket lists its issues, in the order linked', async () => {
  const t1 = await openTicket('Budget ignored (1)');
  const t2 = await openTicket('Budget ignored (2)');
  const t3 = await openTicket('Nothing linked');
  const shared = await newIssue({ title: 'Budget field dropped' });
  const second = await newIssue({ title: 'Pacing off' });

  assert.deepEqual(await links(t1.id), []);
  await link(t1.id, shared.id);
  // The second ticket links the issue that already exists: found by its key.
  const found = await list(`?key=${shared.key}`);
  assert.deepEqual(found.map((i) => i.id), [shared.id]);
  await link(t2.id, found[0].id);
  await link(t1.id, second.id);

  const one = await links(t1.id);
  assert.deepEqual(one.map((i) => [i.key, i.title]), [[shared.key, 'Budget field dropped'], [second.key, 'Pacing off']]);
  assert.deepEqual(one[0].ticket_ids, [t1.id, t2.id]);
  assert.deepEqual(one[1].ticket_ids, [t1.id]);
  assert.deepEqual(one[0], (await cs.as.get(`/api/v1/engineering-issues/${shared.id}`)).json);
  assert.deepEqual((await links(t2.id)).map((i) => i.id), [shared.id]);
  assert.deepEqual(await links(t3.id), []);
  for (const t of [t1, t2]) assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}`)).json.status, 'pending_engineering');

  // Linking again changes nothing: no second link, no second history row.
  await link(t2.id, shared.id);
  assert.deepEqual((await links(t2.id)).map((i) => i.id), [shared.id]);
  const history = (await cs.as.get(`/api/v1/tickets/${t2.id}/history`)).json.items;
  assert.equal(history.filter((h) => h.field === 'engineering_issue').length, 1);

  // The fix resolves both tickets; their lists show it fixed.
  const fixed = await cs.as.patch(`/api/v1/engineering-issues/${shared.id}`, { fixed: true });
  assert.equal(fixed.status, 200, fixed.text);
  for (const t of [t1, t2]) {
    assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}`)).json.status, 'resolved');
    const mine = (await links(t.id)).find((i) => i.id === shared.id);
    assert.equal(mine.fixed, true);
    assert.equal(mine.fixed_at, fixed.json.fixed_at);
  }
  assert.equal((await links(t1.id)).find((i) => i.id === second.id).fixed, false);
});

test('a ticket\'s links follow the ticket\'s visibility: 404 for one the caller may not see', async () => {
  const routed = await openTicket('Seen by agents');
  const account = await file(org.asSpoc, validBody('training'));
  const issue = await newIssue();
  await link(routed.id, issue.id);
  assert.equal((await server.admin.post(`/api/v1/tickets/${account.id}/engineering-links`, { issue_id: issue.id })).status, 201);

  // An agent sees routed tickets, not account requests.
  assert.equal((await links(routed.id)).length, 1);
  expectError(await cs.as.get(`/api/v1/tickets/${account.id}/engineering-links`), 404, 'not_found');
  // The organization's account rep sees both; another organization's, neither.
  assert.deepEqual((await links(account.id, org.asRep)).map((i) => i.id), [issue.id]);
  for (const id of [routed.id, account.id]) {
    expectError(await other.asRep.get(`/api/v1/tickets/${id}`), 404, 'not_found');
    expectError(await other.asRep.get(`/api/v1/tickets/${id}/engineering-links`), 404, 'not_found');
  }
  // The admin sees every ticket; no such ticket is a 404 too.
  assert.equal((await links(account.id, server.admin)).length, 1);
  expectError(await cs.as.get('/api/v1/tickets/999999/engineering-links'), 404, 'not_found');
  expectError(await cs.as.get('/api/v1/tickets/abc/engineering-links'), 404, 'not_found');
});
