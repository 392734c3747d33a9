// The life of a ticket: comments, statuses, priority, assignment, If-Match and history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, makeUser, uiBug, file, validBody, emergency,
  expectError, expectFields, sec, iso, standardDue, workingSeconds,
} from './harness.mjs';

let server, org, cs, cs2, lead, aq;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Acme Media');
  cs = await makeAgent(server, 'client-services');
  cs2 = await makeAgent(server, 'client-services');
  lead = await makeAgent(server, 'client-services', 'lead');
  aq = await makeAgent(server, 'ad-quality');
});
after(async () => { await server?.stop(); });

const newTicket = (extra) => file(org.asSpoc, uiBug(extra));
const get = async (id, as = cs.as) => {
  const r = await as.get(`/api/v1/tickets/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const comment = async (as, id, body, kind) => {
  const r = await as.post(`/api/v1/tickets/${id}/comments`, kind ? { body, kind } : { body });
  assert.equal(r.status, 201, `comment ${kind || 'reply'}: ${r.text}`);
  return r.json;
};
const patch = async (as, id, body, headers) => {
  const r = await as.patch(`/api/v1/tickets/${id}`, body, headers);
  assert.equal(r.status, 200, `PATCH ${JSON.stringify(body)}: ${r.text}`);
  return r;
};
const history = async (id, as = cs.as) => (await as.get(`/api/v1/tickets/${id}/history`)).json.items;

// Brings a new ticket to STATE the way people do.
async function ticketIn(state) {
  const t = await newTicket({ subject: `in ${state}` });
  if (state === 'new') return t;
  if (state === 'awaiting_customer') {
    await comment(cs.as, t.id, 'ack');
    await comment(cs.as, t.id, 'Which line item?', 'question');
  } else {
    await comment(cs.as, t.id, 'We are looking into it.');
  }
  if (state === 'pending_engineering') await patch(cs.as, t.id, { status: 'pending_engineering' });
  if (state === 'resolved' || state === 'closed') await patch(cs.as, t.id, { status: 'resolved' });
  if (state === 'closed') await patch(cs.as, t.id, { status: 'closed' });
  const now = await get(t.id);
  assert.equal(now.status, state);
  return now;
}

// ---- comments ---------------------------------------------------------------------

test('the first public reply by an agent opens the ticket and records the response times', async () => {
  const t = await newTicket();
  const c = await comment(cs.as, t.id, 'Thanks, we are on it.');
  assert.deepEqual(c, {
    id: c.id, ticket_id: t.id, kind: 'reply', body: 'Thanks, we are on it.',
    author: { id: cs.user.id, name: cs.user.name, role: 'agent' }, created_at: c.created_at, visibility: 'public',
  });
  const after = await get(t.id);
  assert.equal(after.status, 'open');
  assert.equal(after.first_response_at, c.created_at);
  assert.equal(after.response_clock_seconds, sec(c.created_at) - sec(t.created_at));
  assert.equal(after.response_business_seconds, workingSeconds(sec(t.created_at), sec(c.created_at)));
  assert.equal(after.first_response_due_at, t.first_response_due_at, 'the target does not move');
  assert.equal(after.version, 2);

  await comment(cs2.as, t.id, 'A second reply.');
  const later = await get(t.id);
  assert.equal(later.first_response_at, c.created_at, 'only the first reply counts');
  assert.equal(later.response_clock_seconds, after.response_clock_seconds);
  assert.equal(later.status, 'open');
  const h = await history(t.id);
  assert.deepEqual(h.filter((e) => e.field === 'status').map((e) => [e.from, e.to, e.actor_id]), [['new', 'open', cs.user.id]]);
});

test('a customer\'s reply is no acknowledgment', async () => {
  const t = await newTicket();
  const c = await comment(org.asOther, t.id, 'Any news?');
  assert.equal(c.author.role, 'contact');
  assert.equal(c.visibility, 'public');
  const now = await get(t.id);
  assert.equal(now.status, 'new');
  assert.equal(now.first_response_at, null);
  assert.equal(now.response_clock_seconds, null);
});

test('internal notes never reach contacts and change neither status nor first response', async () => {
  const t = await newTicket();
  const etag = (await cs.as.get(`/api/v1/tickets/${t.id}`)).headers.get('etag');
  const note = await comment(cs.as, t.id, 'Internal: looks like the cache.', 'note');
  assert.equal(note.kind, 'note');
  assert.equal(note.visibility, 'internal');
  const now = await cs.as.get(`/api/v1/tickets/${t.id}`);
  assert.equal(now.json.status, 'new');
  assert.equal(now.json.first_response_at, null);
  assert.equal(now.json.version, 1);
  assert.equal(now.headers.get('etag'), etag, 'a note does not change the ticket');

  const reply = await comment(cs.as, t.id, 'Public answer.');
  for (const contact of [org.asSpoc, org.asOther]) {
    const list = await contact.get(`/api/v1/tickets/${t.id}/comments`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((c) => c.id), [reply.id]);
    assert.ok(!list.text.includes('cache'), 'the note\'s text is nowhere');
  }
  for (const staff of [cs.as, lead.as, server.admin]) {
    const list = await staff.get(`/api/v1/tickets/${t.id}/comments`);
    assert.deepEqual(list.json.items.map((c) => [c.id, c.kind, c.visibility]), [[note.id, 'note', 'internal'], [reply.id, 'reply', 'public']]);
  }
  assert.equal((await get(t.id)).first_response_at, reply.created_at);
});

test('a follow-up question waits for the customer, whose reply opens the ticket again', async () => {
  const t = await ticketIn('open');
  const q = await comment(cs.as, t.id, 'Which browser version exactly?', 'question');
  assert.equal(q.kind, 'question');
  assert.equal(q.visibility, 'public');
  assert.equal((await get(t.id)).status, 'awaiting_customer');
  await comment(org.asOther, t.id, 'Firefox 133.0.3');
  assert.equal((await get(t.id)).status, 'open');
  const seen = await org.asSpoc.get(`/api/v1/tickets/${t.id}/comments`);
  assert.deepEqual(seen.json.items.map((c) => c.kind), ['reply', 'question', 'reply']);
  const h = (await history(t.id)).filter((e) => e.field === 'status').map((e) => [e.from, e.to, e.actor_id]);
  assert.deepEqual(h, [['new', 'open', cs.user.id], ['open', 'awaiting_customer', cs.user.id], ['awaiting_customer', 'open', org.other.id]]);
});

test('a question on a new ticket acknowledges it too', async () => {
  const t = await newTicket();
  const q = await comment(cs.as, t.id, 'Can you send a screenshot?', 'question');
  const now = await get(t.id);
  assert.equal(now.status, 'awaiting_customer');
  assert.equal(now.first_response_at, q.created_at);
  assert.equal(now.response_clock_seconds, sec(q.created_at) - sec(t.created_at));
});

test('customers cannot write internal notes or ask follow-up questions', async () => {
  const t = await ticketIn('open');
  expectError(await org.asSpoc.post(`/api/v1/tickets/${t.id}/comments`, { body: 'n', kind: 'note' }), 403, 'forbidden');
  expectError(await org.asOther.post(`/api/v1/tickets/${t.id}/comments`, { body: 'q', kind: 'question' }), 403, 'forbidden');
  const list = await cs.as.get(`/api/v1/tickets/${t.id}/comments`);
  assert.equal(list.json.items.length, 1);
  assert.equal((await get(t.id)).status, 'open');
});

test('a comment needs a body and a known kind, both reported at once', async () => {
  const t = await newTicket();
  expectFields(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, {}), ['body']);
  expectFields(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: ' \n\t ' }), ['body']);
  expectFields(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: ' ', kind: 'shout' }), ['body', 'kind']);
  expectFields(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'x'.repeat(50001) }), ['body']);
  expectFields(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'é'.repeat(50001) }), ['body']);
  const now = await get(t.id);
  assert.equal(now.status, 'new');
  assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}/comments`)).json.items.length, 0);
  const long = await comment(cs.as, t.id, 'é'.repeat(50000), 'note');
  assert.equal(long.body.length, 50000, 'a body of 50 000 characters is fine');
});

// ---- statuses ----------------------------------------------------------------------------

const STATES = ['new', 'open', 'awaiting_customer', 'pending_engineering', 'resolved', 'closed'];
const ALLOWED = {
  new: ['resolved'], // new -> open only through the first public reply
  open: ['awaiting_customer', 'pending_engineering', 'resolved'],
  awaiting_customer: ['open', 'resolved'],
  pending_engineering: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
};

test('agents move tickets along every transition of PRODUCT.md\'s lifecycle', async () => {
  for (const from of STATES) {
    for (const to of ALLOWED[from]) {
      const t = await ticketIn(from);
      const r = await patch(cs.as, t.id, { status: to });
      assert.equal(r.json.status, to, `${from} -> ${to}`);
      assert.equal(r.json.version, t.version + 1);
      const h = await history(t.id);
      const last = h[h.length - 1];
      assert.deepEqual([last.field, last.from, last.to, last.actor_id], ['status', from, to, cs.user.id]);
    }
  }
});

test('every other status change is refused with 409 and changes nothing', async () => {
  for (const from of STATES) {
    const t = await ticketIn(from);
    for (const to of STATES) {
      if (ALLOWED[from].includes(to)) continue;
      const r = await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: to });
      expectError(r, 409, 'conflict');
    }
    const now = await get(t.id);
    assert.equal(now.status, from);
    assert.equal(now.version, t.version);
  }
});

test('new -> open by PATCH is refused with 409: the first public reply does it', async () => {
  const t = await newTicket();
  const e = expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'open' }), 409, 'conflict');
  assert.match(e.message, /repl/);
  assert.equal((await get(t.id)).status, 'new');
});

test('an unknown status, or nothing to change, is a 422', async () => {
  const t = await newTicket();
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'done' }), ['status']);
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, {}), ['status']);
  assert.equal((await get(t.id)).version, 1);
});

test('resolving records the time; the customer\'s reply reopens the ticket', async () => {
  const t = await ticketIn('open');
  const r = await patch(cs.as, t.id, { status: 'resolved' });
  assert.equal(r.json.resolved_at, r.json.updated_at);
  assert.equal(r.json.closed_at, null);
  await comment(org.asOther, t.id, 'It is broken again.');
  const now = await get(t.id);
  assert.equal(now.status, 'open');
  assert.equal(now.resolved_at, null);
  const h = (await history(t.id)).filter((e) => e.field === 'status').slice(-1)[0];
  assert.deepEqual([h.from, h.to, h.actor_id], ['resolved', 'open', org.other.id]);
});

test('customers reopen a resolved ticket and answer a question by PATCH', async () => {
  const t = await ticketIn('resolved');
  const r = await patch(org.asSpoc, t.id, { status: 'open' });
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.resolved_at, null);
  const w = await ticketIn('awaiting_customer');
  assert.equal((await patch(org.asOther, w.id, { status: 'open' })).json.status, 'open');
});

test('customers reopen by replying within 7 days of the resolution, not after', async () => {
  const recent = await ticketIn('resolved');
  server.sql(`UPDATE tickets SET resolved_at = resolved_at - 6 * 86400 WHERE id = ${recent.id}`);
  await comment(org.asOther, recent.id, 'Six days later: still broken.');
  assert.equal((await get(recent.id)).status, 'open');

  const old = await ticketIn('resolved');
  server.sql(`UPDATE tickets SET resolved_at = resolved_at - 7 * 86400 - 60 WHERE id = ${old.id}`);
  expectError(await org.asOther.post(`/api/v1/tickets/${old.id}/comments`, { body: 'A week later.' }), 409, 'conflict');
  assert.equal((await get(old.id)).status, 'resolved');
  assert.equal((await cs.as.get(`/api/v1/tickets/${old.id}/comments`)).json.items.length, 1);
  assert.equal((await patch(cs.as, old.id, { status: 'open' })).json.status, 'open', 'an agent may still reopen');
});

test('closed is final: replies and status changes are refused with 409', async () => {
  const t = await ticketIn('closed');
  assert.ok(t.closed_at, 'closed_at is set');
  assert.ok(t.resolved_at, 'resolved_at is kept');
  expectError(await org.asSpoc.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Hello?' }), 409, 'conflict');
  expectError(await org.asOther.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Hello?' }), 409, 'conflict');
  expectError(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Reopening' }), 409, 'conflict');
  expectError(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Why?', kind: 'question' }), 409, 'conflict');
  expectError(await org.asSpoc.patch(`/api/v1/tickets/${t.id}`, { status: 'open' }), 409, 'conflict');
  for (const s of STATES) expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: s }), 409, 'conflict');
  const now = await get(t.id);
  assert.equal(now.status, 'closed');
  assert.equal(now.version, t.version);
  assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}/comments`)).json.items.length, 1);
});

test('customers may only change the status: priority and assignee are 403', async () => {
  const t = await newTicket();
  for (const body of [{ priority: 'emergency' }, { assignee_id: cs.user.id }, { assignee_id: null }, { status: 'resolved', priority: 'emergency' }]) {
    expectError(await org.asSpoc.patch(`/api/v1/tickets/${t.id}`, body), 403, 'forbidden');
    expectError(await org.asOther.patch(`/api/v1/tickets/${t.id}`, body), 403, 'forbidden');
  }
  const now = await get(t.id);
  assert.deepEqual([now.priority, now.assignee_id, now.status, now.version], ['standard', null, 'new', 1]);
});

// ---- priority ---------------------------------------------------------------------------

test('an upgrade before the first response is due an hour from the change, never later than before', async () => {
  const t = await newTicket();
  const r = await patch(cs.as, t.id, { priority: 'emergency' });
  const changed = sec(r.json.updated_at);
  assert.equal(r.json.priority, 'emergency');
  const want = Math.min(changed + 3600, sec(t.first_response_due_at));
  assert.equal(r.json.first_response_due_at, iso(want));
  const h = await history(t.id);
  assert.deepEqual(h.slice(1).map((e) => [e.field, e.from, e.to, e.actor_id]), [
    ['priority', 'standard', 'emergency', cs.user.id],
    ...(want === sec(t.first_response_due_at) ? [] : [['first_response_due_at', t.first_response_due_at, iso(want), cs.user.id]]),
  ]);
});

test('an upgrade never moves the target later than it was', async () => {
  const t = await newTicket();
  // The standard target is 10 minutes away: an hour from now would be later.
  server.sql(`UPDATE tickets SET first_response_due_at = ${server.nowSql} + 600 WHERE id = ${t.id}`);
  const before = await get(t.id);
  const r = await patch(cs.as, t.id, { priority: 'emergency' });
  assert.equal(r.json.priority, 'emergency');
  assert.equal(r.json.first_response_due_at, before.first_response_due_at);
  assert.ok(sec(r.json.first_response_due_at) < sec(r.json.updated_at) + 3600);
});

test('a downgrade needs a reason, which is kept; the target is recomputed from the change', async () => {
  const t = await file(org.asSpoc, uiBug(emergency()));
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'standard' }), ['priority_reason']);
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'standard', priority_reason: '   ' }), ['priority_reason']);
  const same = await get(t.id);
  assert.deepEqual([same.priority, same.first_response_due_at, same.version], ['emergency', t.first_response_due_at, 1]);

  const reason = 'Ads are serving; this is a reporting delay.';
  const r = await patch(cs.as, t.id, { priority: 'standard', priority_reason: reason });
  assert.equal(r.json.priority, 'standard');
  assert.equal(r.json.first_response_due_at, iso(standardDue(sec(r.json.updated_at))));
  const p = (await history(t.id)).find((e) => e.field === 'priority');
  assert.deepEqual([p.from, p.to, p.note, p.actor_id], ['emergency', 'standard', reason, cs.user.id]);
});

test('after the first response, a priority change keeps the target', async () => {
  const t = await ticketIn('open');
  const r = await patch(cs.as, t.id, { priority: 'emergency' });
  assert.equal(r.json.priority, 'emergency');
  assert.equal(r.json.first_response_due_at, t.first_response_due_at);
  const back = await patch(cs.as, t.id, { priority: 'standard', priority_reason: 'Not an outage.' });
  assert.equal(back.json.first_response_due_at, t.first_response_due_at);
});

test('an unknown priority, or one on an account request, is a 422', async () => {
  const t = await newTicket();
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'urgent' }), ['priority']);
  const a = await file(org.asSpoc, validBody('billing'));
  expectFields(await org.asRep.patch(`/api/v1/tickets/${a.id}`, { priority: 'emergency' }), ['priority']);
  assert.equal((await get(a.id, org.asRep)).priority, 'standard');
});

// ---- assignment ------------------------------------------------------------------------

test('tickets are assigned to agents and leads of their team, and unassigned', async () => {
  const t = await newTicket();
  assert.equal((await patch(cs.as, t.id, { assignee_id: cs2.user.id })).json.assignee_id, cs2.user.id);
  assert.equal((await patch(lead.as, t.id, { assignee_id: lead.user.id })).json.assignee_id, lead.user.id);
  assert.equal((await patch(cs.as, t.id, { assignee_id: null })).json.assignee_id, null);
  const h = (await history(t.id)).filter((e) => e.field === 'assignee_id').map((e) => [e.from, e.to, e.actor_id]);
  assert.deepEqual(h, [[null, String(cs2.user.id), cs.user.id], [String(cs2.user.id), String(lead.user.id), lead.user.id], [String(lead.user.id), null, cs.user.id]]);
});

test('assigning to someone outside the ticket\'s team, a contact or nobody is a 422', async () => {
  const t = await newTicket();
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: aq.user.id }), ['assignee_id']);
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: org.spoc.id }), ['assignee_id']);
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: 999999 }), ['assignee_id']);
  expectFields(await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: 'me' }), ['assignee_id']);
  const now = await get(t.id);
  assert.deepEqual([now.assignee_id, now.version], [null, 1]);
});

test('agents of another team may not work a team\'s ticket (PRODUCT.md: "the tickets of their teams")', async () => {
  const t = await newTicket();
  expectError(await aq.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Not my queue, but hello.' }), 403, 'forbidden');
  expectError(await aq.as.patch(`/api/v1/tickets/${t.id}`, { status: 'resolved' }), 403, 'forbidden');
  const now = await get(t.id);
  assert.deepEqual([now.status, now.first_response_at], ['new', null]);
});

// ---- If-Match ------------------------------------------------------------------------------

test('If-Match: the current ETag is accepted and replaced, a stale one is 412', async () => {
  const t = await newTicket();
  const e1 = (await cs.as.get(`/api/v1/tickets/${t.id}`)).headers.get('etag');
  assert.match(e1, /^(W\/)?"[^"]+"$/, 'a quoted entity tag');
  const r = await patch(cs.as, t.id, { assignee_id: cs.user.id }, { 'If-Match': e1 });
  const e2 = r.headers.get('etag');
  assert.ok(e2 && e2 !== e1, 'a new ETag');
  assert.equal((await cs.as.get(`/api/v1/tickets/${t.id}`)).headers.get('etag'), e2);

  const stale = await cs2.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs2.user.id }, { 'If-Match': e1 });
  expectError(stale, 412, 'precondition_failed');
  const now = await get(t.id);
  assert.equal(now.assignee_id, cs.user.id, 'the stale write changed nothing');
  assert.equal(now.version, r.json.version);
  assert.equal((await patch(cs2.as, t.id, { assignee_id: cs2.user.id }, { 'If-Match': e2 })).json.assignee_id, cs2.user.id);
});

test('a comment that moves the ticket makes the ETag read before it stale', async () => {
  const t = await newTicket();
  const e1 = (await cs.as.get(`/api/v1/tickets/${t.id}`)).headers.get('etag');
  await comment(cs2.as, t.id, 'Acknowledged.');
  expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'resolved' }, { 'If-Match': e1 }), 412, 'precondition_failed');
  assert.equal((await get(t.id)).status, 'open');
});

test('two writes with the same If-Match: one wins, the other gets 412', async () => {
  const t = await newTicket();
  const e1 = (await cs.as.get(`/api/v1/tickets/${t.id}`)).headers.get('etag');
  const [a, b] = await Promise.all([
    cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs.user.id }, { 'If-Match': e1 }),
    cs2.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs2.user.id }, { 'If-Match': e1 }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 412], `${a.text} / ${b.text}`);
  const winner = a.status === 200 ? a : b;
  const now = await get(t.id);
  assert.equal(now.assignee_id, winner.json.assignee_id);
  assert.equal(now.version, 2);
});

// ---- history -------------------------------------------------------------------------------

test('the history lists every change: who, what, when', async () => {
  const t = await newTicket();
  await comment(cs.as, t.id, 'Looking.');
  await patch(cs.as, t.id, { assignee_id: cs2.user.id });
  await comment(cs2.as, t.id, 'Which page?', 'question');
  await comment(org.asOther, t.id, 'The line item page.');
  await patch(cs2.as, t.id, { status: 'pending_engineering' });
  await patch(cs2.as, t.id, { priority: 'emergency' });
  await patch(cs2.as, t.id, { priority: 'standard', priority_reason: 'Workaround found.' });
  await patch(cs2.as, t.id, { status: 'resolved' });
  await patch(org.asSpoc, t.id, { status: 'open' });
  await patch(lead.as, t.id, { status: 'resolved' });
  await patch(lead.as, t.id, { status: 'closed' });

  const res = await cs.as.get(`/api/v1/tickets/${t.id}/history`);
  assert.equal(res.status, 200);
  const items = res.json.items;
  for (const e of items) {
    assert.deepEqual(Object.keys(e).sort(), ['actor_id', 'at', 'field', 'from', 'id', 'note', 'to']);
    sec(e.at);
    assert.ok(sec(e.at) >= sec(t.created_at));
  }
  assert.deepEqual(items.map((e) => e.id), [...items.map((e) => e.id)].sort((a, b) => a - b), 'in order');
  assert.deepEqual(items.map((e) => [e.field, e.from, e.to, e.actor_id, e.note]), [
    ['created', null, 'new', org.spoc.id, null],
    ['status', 'new', 'open', cs.user.id, null],
    ['assignee_id', null, String(cs2.user.id), cs.user.id, null],
    ['status', 'open', 'awaiting_customer', cs2.user.id, null],
    ['status', 'awaiting_customer', 'open', org.other.id, null],
    ['status', 'open', 'pending_engineering', cs2.user.id, null],
    ['priority', 'standard', 'emergency', cs2.user.id, null],
    ['priority', 'emergency', 'standard', cs2.user.id, 'Workaround found.'],
    ['status', 'pending_engineering', 'resolved', cs2.user.id, null],
    ['status', 'resolved', 'open', org.spoc.id, null],
    ['status', 'open', 'resolved', lead.user.id, null],
    ['status', 'resolved', 'closed', lead.user.id, null],
  ]);
});

// ---- account requests ---------------------------------------------------------------------

test('the account rep answers an account request: it opens, with no target to meet', async () => {
  const a = await file(org.asSpoc, validBody('training'));
  const c = await comment(org.asRep, a.id, 'Happy to set up a session.');
  assert.equal(c.author.role, 'account-rep');
  const now = await get(a.id, org.asRep);
  assert.equal(now.status, 'open');
  assert.equal(now.first_response_at, c.created_at);
  assert.equal(now.first_response_due_at, null);
  assert.equal((await patch(org.asRep, a.id, { status: 'resolved' })).json.status, 'resolved');
});

// ---- concurrency -----------------------------------------------------------------------------

test('replies sent at the same time are all kept (nothing a customer or agent sends is lost)', async () => {
  for (let round = 0; round < 10; round++) {
    const t = await newTicket({ subject: `busy ticket ${round}` });
    const sends = [cs, cs2, lead].flatMap((a) => [1, 2].map((i) => a.as.post(`/api/v1/tickets/${t.id}/comments`, { body: `reply ${i} from ${a.user.name}` })));
    const results = await Promise.all(sends);
    assert.deepEqual(results.map((r) => r.status), results.map(() => 201), results.filter((r) => r.status !== 201).map((r) => r.text).join('\n'));
    const list = await cs.as.get(`/api/v1/tickets/${t.id}/comments`);
    assert.equal(list.json.items.length, sends.length);
    const now = await get(t.id);
    assert.equal(now.status, 'open');
    assert.equal(now.first_response_at, list.json.items[0].created_at);
  }
});

test('contacts answering a question at once are all heard', async () => {
  const contacts = [org.asSpoc, org.asOther];
  for (let i = 0; i < 3; i++) contacts.push((await makeUser(server, 'contact', { org_id: org.org.id })).as);
  for (let round = 0; round < 10; round++) {
    const t = await ticketIn('awaiting_customer');
    const results = await Promise.all(contacts.map((c, i) => c.post(`/api/v1/tickets/${t.id}/comments`, { body: `Answer ${i}` })));
    assert.deepEqual(results.map((r) => r.status), contacts.map(() => 201), results.filter((r) => r.status !== 201).map((r) => r.text).join('\n'));
    assert.equal((await get(t.id)).status, 'open');
    const bodies = (await org.asSpoc.get(`/api/v1/tickets/${t.id}/comments`)).json.items.map((c) => c.body);
    assert.deepEqual(bodies.filter((b) => b.startsWith('Answer')).sort(), contacts.map((_, i) => `Answer ${i}`));
  }
});

test('a PATCH without If-Match is not refused with 412 when someone else writes at the same time', async () => {
  for (let round = 0; round < 10; round++) {
    const t = await newTicket({ subject: `unconditional ${round}` });
    const [x, y] = await Promise.all([
      cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs2.user.id }),
      cs2.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'emergency' }),
    ]);
    assert.deepEqual([x.status, y.status], [200, 200], `${x.text} / ${y.text}`);
    const now = await get(t.id);
    assert.deepEqual([now.assignee_id, now.priority], [cs2.user.id, 'emergency'], 'both changes are applied');
  }
});
