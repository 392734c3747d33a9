// Live ticket events: GET /api/v1/events, Server-Sent Events read with
// node:http as they stream in, against a real server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import {
  startServer, startPeer, makeOrg, makeAgent, signIn, uiBug, validBody, file, expectError, PG_URL,
} from './harness.mjs';

// ---- a small SSE client ------------------------------------------------------

// Parses one SSE block ("field: value" lines) into {id, event, data, retry, comments}.
function parseBlock(block) {
  const m = { comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) { m.comments.push(line.slice(1).trim()); continue; }
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'data') m.data = m.data === undefined ? value : `${m.data}\n${value}`;
    else m[field] = value;
  }
  return m;
}

// Opens a stream with HEADERS (a token or cookie); resolves once the status
// line and headers arrived. The stream collects messages as they come.
function openStream(base, headers = {}, path = '/api/v1/events') {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { headers, agent: false }, (res) => {
      const s = {
        status: res.statusCode, headers: res.headers, raw: '', messages: [],
        ended: false, aborted: false, waiters: new Set(),
        // Ticket events as {seq, ...data}.
        get tickets() {
          return this.messages.filter((x) => x.event === 'ticket').map((x) => ({ seq: x.id, ...JSON.parse(x.data) }));
        },
        // Resolves with PRED's truthy result once it holds; rejects after MS.
        waitFor(pred, ms = 5000, what = 'a condition') {
          const now = pred(s);
          if (now) return Promise.resolve(now);
          return new Promise((ok, fail) => {
            const w = () => { const r = pred(s); if (r) { clearTimeout(timer); s.waiters.delete(w); ok(r); } };
            const timer = setTimeout(() => { s.waiters.delete(w); fail(new Error(`timed out waiting for ${what}; the stream so far:\n${s.raw}`)); }, ms);
            s.waiters.add(w);
          });
        },
        close() { req.destroy(); },
      };
      const notify = () => { for (const w of [...s.waiters]) w(); };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        s.raw += chunk;
        buf += chunk;
        for (let i; (i = buf.indexOf('\n\n')) >= 0; buf = buf.slice(i + 2)) s.messages.push(parseBlock(buf.slice(0, i)));
        notify();
      });
      res.on('end', () => { s.ended = true; notify(); });
      res.on('aborted', () => { s.aborted = true; notify(); });
      res.on('error', () => { s.aborted = true; notify(); });
      resolve(s);
    });
    req.on('error', reject);
    req.end();
  });
}

const auth = (c) => (c.token ? { Authorization: `Bearer ${c.token}` } : { Cookie: c.cookie });
const hello = (s) => s.waitFor((x) => x.messages.length > 0, 5000, 'the hello');
// The id the stream gave last (what a browser would send back as Last-Event-ID).
const lastId = (s) => [...s.messages].reverse().find((m) => m.id !== undefined)?.id;
const ticketEvent = (s, id, event) => s.waitFor((x) => x.tickets.find((e) => e.id === id && e.event === event),
  5000, `${event} of ticket ${id}`);

// ---- the main server -----------------------------------------------------------------

describe('events', () => {
  let server, a, b, cs, adminSession, early;
  const streams = [];
  const open = async (who, extra = {}, path) => {
    const s = await openStream(server.base, { ...auth(who), ...extra }, path);
    streams.push(s);
    return s;
  };

  before(async () => {
    server = await startServer();
    a = await makeOrg(server, 'Acme Media');
    b = await makeOrg(server, 'Globex Ads');
    cs = await makeAgent(server, 'client-services');
    adminSession = await signIn(server, 'admin@test.example');
    // Opened first and checked last, so the suite need not wait 15 s twice.
    const quiet = await signIn(server, a.other.email);
    const leaving = await signIn(server, a.other.email);
    early = { at: Date.now(), quiet: await open(quiet), leaving: await open(leaving), leavingClient: leaving };
    await hello(early.quiet);
    await hello(early.leaving);
  });
  after(async () => {
    for (const s of streams) s.close();
    await server?.stop();
  });

  test('no credentials, or bad ones, are a JSON 401 and no stream', async () => {
    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Cookie: 'sb_session=nope' }]) {
      const res = await fetch(`${server.base}/api/v1/events`, { headers });
      const text = await res.text();
      expectError({ status: res.status, headers: res.headers, text, json: JSON.parse(text) }, 401, 'unauthorized');
    }
  });

  test('a stream is text/event-stream, uncached, and opens with retry and an id', async () => {
    const s = await open(cs.as);
    assert.equal(s.status, 200);
    assert.match(s.headers['content-type'], /^text\/event-stream/);
    assert.equal(s.headers['cache-control'], 'no-store');
    await hello(s);
    assert.match(s.raw, /^retry: 3000\nid: \d+\n\n/, 'the first bytes');
    s.close();
  });

  test('staff see a ticket a SPOC files, and its comments; by cookie or token alike', async () => {
    const byCookie = await open(cs.as);
    const byToken = await open(server.admin);
    await Promise.all([hello(byCookie), hello(byToken)]);
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: filed' }));
    for (const s of [byCookie, byToken]) {
      const e = await ticketEvent(s, t.id, 'created');
      assert.deepEqual({ ...e, seq: undefined }, {
        seq: undefined, id: t.id, version: t.version, org_id: a.org.id, team: 'client-services',
        status: 'new', priority: t.priority, assignee_id: null, event: 'created',
      });
      assert.match(e.seq, /^\d+$/, 'every event has an id');
    }
    const reply = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'On it.' });
    assert.equal(reply.status, 201, reply.text);
    const e = await ticketEvent(byCookie, t.id, 'comment');
    assert.equal(e.status, 'open', 'the event carries the ticket as the reply left it');
    assert.equal(e.version, t.version + 1);
    assert.ok(BigInt(e.seq) > BigInt(byCookie.tickets[0].seq), 'ids increase');
    await ticketEvent(byToken, t.id, 'comment');
    // An account request is not routed: agents do not see it, admins do.
    const billing = await file(a.asSpoc, validBody('billing', { subject: 'Events: invoice' }));
    await ticketEvent(byToken, billing.id, 'created');
    const marker = await file(a.asSpoc, uiBug({ subject: 'Events: marker' }));
    await ticketEvent(byCookie, marker.id, 'created');
    assert.ok(!byCookie.tickets.some((x) => x.id === billing.id), 'an agent sees no account request');
  });

  test('another organization\'s contacts and representative see nothing of it', async () => {
    const mine = [await open(a.asOther), await open(a.asRep)];
    const theirs = [await open(b.asSpoc), await open(b.asOther), await open(b.asRep)];
    await Promise.all([...mine, ...theirs].map(hello));
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: Acme only' }));
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Reply to Acme' })).status, 201);
    for (const s of mine) await ticketEvent(s, t.id, 'comment');
    // Globex's own ticket comes after Acme's events: once it arrived, Acme's would have too.
    const own = await file(b.asSpoc, uiBug({ subject: 'Events: Globex' }));
    for (const s of theirs) {
      await ticketEvent(s, own.id, 'created');
      assert.deepEqual(s.tickets.map((e) => e.org_id), [b.org.id], `only Globex's events: ${s.raw}`);
      assert.ok(!s.raw.includes(`"id":${t.id},`), 'nothing of the Acme ticket');
    }
    for (const s of mine) assert.ok(!s.tickets.some((e) => e.id === own.id), 'Acme sees nothing of Globex');
  });

  test('contacts never get an event caused by an internal note; staff do', async () => {
    const contact = await open(a.asSpoc);
    const staff = await open(cs.as);
    await Promise.all([hello(contact), hello(staff)]);
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: notes' }));
    const note = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Internal: cache?', kind: 'note' });
    assert.equal(note.status, 201, note.text);
    const reply = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Public reply' });
    assert.equal(reply.status, 201, reply.text);
    await staff.waitFor((x) => x.tickets.filter((e) => e.id === t.id && e.event === 'comment').length === 2, 5000, 'both comments');
    const [noteEvent, replyEvent] = staff.tickets.filter((e) => e.id === t.id && e.event === 'comment');
    await contact.waitFor((x) => x.tickets.find((e) => e.seq === replyEvent.seq), 5000, 'the reply');
    assert.deepEqual(contact.tickets.filter((e) => e.id === t.id).map((e) => e.event), ['created', 'comment']);
    assert.ok(!contact.tickets.some((e) => e.seq === noteEvent.seq), 'the note\'s event is not the contact\'s');
  });

  test('every kind of change publishes: PATCH, attachments, a filed draft, an engineering fix', async () => {
    const s = await open(server.admin);
    await hello(s);
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: kinds' }));
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Opening it' })).status, 201);
    const patched = await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs.user.id });
    assert.equal(patched.status, 200, patched.text);
    let e = await ticketEvent(s, t.id, 'updated');
    assert.deepEqual([e.status, e.assignee_id, e.version], ['open', cs.user.id, patched.json.version]);

    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
    const up = await fetch(`${server.base}/api/v1/tickets/${t.id}/attachments`, {
      method: 'POST', headers: { Cookie: a.asSpoc.cookie, 'X-CSRF-Token': a.asSpoc.csrf }, body: form,
    });
    assert.equal(up.status, 201, await up.text());
    await ticketEvent(s, t.id, 'attachment');

    const d = (await a.asOther.post('/api/v1/drafts', uiBug({ subject: 'Events: from a draft' }))).json;
    const filed = await a.asSpoc.post(`/api/v1/drafts/${d.id}/file`, {});
    assert.equal(filed.status, 201, filed.text);
    await ticketEvent(s, filed.json.id, 'created');

    const issue = (await cs.as.post('/api/v1/engineering-issues', { key: 'ENG-EVENTS-1' })).json;
    const link = await cs.as.post(`/api/v1/tickets/${t.id}/engineering-links`, { issue_id: issue.id });
    assert.equal(link.status, 201, link.text);
    await s.waitFor((x) => x.tickets.find((y) => y.id === t.id && y.status === 'pending_engineering'), 5000, 'the link');
    const fixed = await cs.as.patch(`/api/v1/engineering-issues/${issue.id}`, { fixed: true });
    assert.equal(fixed.status, 200, fixed.text);
    e = await s.waitFor((x) => x.tickets.find((y) => y.id === t.id && y.status === 'resolved'), 5000, 'the fix');
    assert.equal(e.event, 'updated');
  });

  test('a new engineering link publishes to staff only when the status stays; linking again publishes nothing', async () => {
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: a second link' }));
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Opening it' })).status, 201);
    const first = (await cs.as.post('/api/v1/engineering-issues', { key: 'ENG-EVENTS-2' })).json;
    const second = (await cs.as.post('/api/v1/engineering-issues', { key: 'ENG-EVENTS-3' })).json;
    const contact = await open(a.asSpoc);
    const staff = await open(cs.as);
    await Promise.all([hello(contact), hello(staff)]);
    const updates = (s) => s.tickets.filter((e) => e.id === t.id && e.event === 'updated');

    // The first link parks the open ticket: everyone who sees it hears of it.
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/engineering-links`, { issue_id: first.id })).status, 201);
    for (const s of [contact, staff]) await s.waitFor((x) => updates(x).length === 1, 5000, 'the parking link');
    // The second leaves the status alone: staff only. The same link again: no one.
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/engineering-links`, { issue_id: second.id })).status, 201);
    assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/engineering-links`, { issue_id: second.id })).status, 201);
    await staff.waitFor((x) => updates(x).length === 2, 5000, 'the second link');
    assert.equal(updates(staff)[1].status, 'pending_engineering');
    const marker = await file(a.asSpoc, uiBug({ subject: 'Events: after the links' }));
    for (const s of [contact, staff]) await ticketEvent(s, marker.id, 'created');
    assert.equal(updates(staff).length, 2, 'linking again publishes nothing');
    assert.equal(updates(contact).length, 1, 'the customer hears only of the status change');
  });

  test('a request that fails or rolls back publishes nothing', async () => {
    const s = await open(server.admin);
    await hello(s);
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: refused' }));
    await ticketEvent(s, t.id, 'created');
    // 412 after the write began; 409 (not a lifecycle step); 422 (bad field).
    expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'open' }, { 'If-Match': '"99"' }), 412, 'precondition_failed');
    expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'closed' }), 409, 'conflict');
    expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'open', assignee_id: 999999 }), 422, 'invalid');
    expectError(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: '' }), 422, 'invalid');
    const marker = await file(a.asSpoc, uiBug({ subject: 'Events: after the refusals' }));
    await ticketEvent(s, marker.id, 'created');
    assert.deepEqual(s.tickets.map((e) => [e.id, e.event]), [[t.id, 'created'], [marker.id, 'created']]);
  });

  test('Last-Event-ID (or ?last_event_id=) replays what the stream missed, and only that', async () => {
    const t = await file(a.asSpoc, uiBug({ subject: 'Events: replay' }));
    const first = await open(cs.as);
    await hello(first);
    const before = (await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'seen' })).json;
    assert.ok(before);
    await ticketEvent(first, t.id, 'comment');
    const id = lastId(first);
    first.close();
    for (const body of ['missed 1', 'missed 2']) assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body })).status, 201);
    const other = await file(a.asSpoc, uiBug({ subject: 'Events: missed too' }));

    for (const [headers, path] of [[{ 'Last-Event-ID': id }, undefined], [{}, `/api/v1/events?last_event_id=${id}`]]) {
      const again = await open(cs.as, headers, path);
      await again.waitFor((x) => x.tickets.find((e) => e.id === other.id), 5000, 'the replay');
      assert.deepEqual(again.tickets.map((e) => [e.id, e.event]), [[t.id, 'comment'], [t.id, 'comment'], [other.id, 'created']]);
      assert.ok(again.tickets.every((e) => BigInt(e.seq) > BigInt(id)), 'nothing already seen');
      assert.ok(!again.messages.some((m) => m.event === 'reset'));
      again.close();
    }
  });

  test('an id older than the ring, from another run, or not a number gets a reset', async () => {
    for (const value of ['1', '99999999999999999999', 'abc', '12x']) {
      const s = await open(cs.as, { 'Last-Event-ID': value });
      const reset = await s.waitFor((x) => x.messages.find((m) => m.event === 'reset'), 5000, `a reset for ${value}`);
      assert.match(reset.id, /^\d+$/, 'a reset carries the id to resume from');
      s.close();
    }
    // Push an id out of the ring (1024 events) for real; a recent one still replays.
    const s = await open(server.admin);
    await hello(s);
    const old = lastId(s);
    const tickets = [await file(a.asSpoc, uiBug()), await file(a.asSpoc, uiBug()), await file(a.asSpoc, uiBug())];
    let sent = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (sent < 1030) {
        const n = sent++;
        const r = await server.admin.post(`/api/v1/tickets/${tickets[n % 3].id}/comments`, { body: `bulk ${n}`, kind: 'note' });
        assert.equal(r.status, 201, r.text);
      }
    }));
    await s.waitFor((x) => x.tickets.length >= 1033, 20000, 'every bulk event');
    const recent = s.tickets[s.tickets.length - 5].seq;
    const tooOld = await open(server.admin, { 'Last-Event-ID': old });
    await tooOld.waitFor((x) => x.messages.find((m) => m.event === 'reset'), 5000, 'a reset');
    assert.equal(tooOld.tickets.length, 0, 'no partial replay after a reset');
    const fine = await open(server.admin, { 'Last-Event-ID': recent });
    await fine.waitFor((x) => x.tickets.length === 4, 5000, 'the last four events');
    assert.ok(!fine.messages.some((m) => m.event === 'reset'));
    for (const x of [s, tooOld, fine]) x.close();
  });

  test('a quiet stream gets ": keepalive" every 15 s; a signed-out one is ended', async () => {
    const signedOut = await early.leavingClient.del('/api/v1/session');
    assert.equal(signedOut.status, 204, signedOut.text);
    const left = 17000 - (Date.now() - early.at);
    await early.quiet.waitFor((x) => x.messages.some((m) => m.comments.includes('keepalive')), Math.max(left, 1000), 'a keepalive');
    await early.leaving.waitFor((x) => x.ended || x.aborted, Math.max(left, 1000), 'the end of the signed-out stream');
    assert.ok(!early.leaving.messages.some((m) => m.comments.includes('keepalive')), 'a signed-out stream gets no more');
    assert.ok(!early.quiet.ended && !early.quiet.aborted, 'the signed-in one stays open');
    const again = await fetch(`${server.base}/api/v1/events`, { headers: { Cookie: early.leavingClient.cookie } });
    assert.equal(again.status, 401, 'the browser\'s reconnection is refused');
    await again.text();
  });
});

// ---- many streams, the cap, and stopping ---------------------------------------------

// utime + stime of PID, in clock ticks (100 per second).
function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

// Behind a load balancer a browser's stream is held by one server while the
// change it must hear of goes through another (PostgreSQL only: servers
// share a database server there).
describe('several servers', { skip: !PG_URL && 'several servers share PostgreSQL only' }, () => {
  let server, peer, a, cs;
  const streams = [];
  const openOn = async (base, who) => {
    const s = await openStream(base, auth(who));
    streams.push(s);
    await hello(s);
    return s;
  };

  before(async () => {
    server = await startServer();
    peer = await startPeer(server);
    a = await makeOrg(server, 'Peer Acme');
    cs = await makeAgent(server, 'client-services');
  });
  after(async () => {
    for (const s of streams) s.close();
    await peer?.stop();
    await server?.stop();
  });

  test('a change made through one server reaches the streams of the other, with its visibility', async () => {
    const staffOnPeer = await openOn(peer.base, cs.as);
    const contactOnPeer = await openOn(peer.base, a.asSpoc);
    const staffHere = await openOn(server.base, cs.as);
    const t = await file(a.asSpoc, uiBug({ subject: 'Filed on one server' }));
    for (const s of [staffOnPeer, contactOnPeer, staffHere]) await ticketEvent(s, t.id, 'created');
    const note = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Internal: which server?', kind: 'note' });
    assert.equal(note.status, 201, note.text);
    const reply = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Looking into it' });
    assert.equal(reply.status, 201, reply.text);
    await staffOnPeer.waitFor((x) => x.tickets.filter((e) => e.id === t.id && e.event === 'comment').length === 2, 5000, 'both comments on the peer');
    await contactOnPeer.waitFor((x) => x.tickets.some((e) => e.id === t.id && e.event === 'comment'), 5000, 'the reply on the peer');
    assert.deepEqual(contactOnPeer.tickets.filter((e) => e.id === t.id).map((e) => e.event), ['created', 'comment'],
      'the contact does not hear of the internal note on the other server either');

    // The other way: a change through the peer reaches this server's streams.
    const patched = await peer.admin.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs.user.id });
    assert.equal(patched.status, 200, patched.text);
    const e = await ticketEvent(staffHere, t.id, 'updated');
    assert.deepEqual([e.assignee_id, e.version], [cs.user.id, patched.json.version]);
    await ticketEvent(staffOnPeer, t.id, 'updated');
    // Each server publishes a change once: its own, not again when its
    // message comes back (by now the echoes of the comments would be in).
    for (const s of [staffHere, staffOnPeer]) {
      assert.deepEqual(s.tickets.filter((x) => x.id === t.id).map((x) => x.event), ['created', 'comment', 'comment', 'updated'], s.raw);
    }
  });
});

describe('many streams', () => {
  let server, org;
  const streams = [];

  before(async () => {
    server = await startServer(); // 4 pool threads
    org = await makeOrg(server, 'Busy Media');
  });
  after(async () => {
    for (const s of streams) s.close();
    if (server && !server.stopped) await server.stop();
  });

  async function timeRequests(n) {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await server.admin.get('/api/v1/tickets?limit=5');
      times.push(performance.now() - t0);
      assert.equal(res.status, 200, res.text);
    }
    times.sort((x, y) => x - y);
    return { median: times[n >> 1], max: times[n - 1] };
  }

  test('200 idle streams hold no thread and burn no CPU: requests are served as before', async () => {
    const alone = await timeRequests(50);
    for (let i = 0; i < 200; i++) streams.push(await openStream(server.base, auth(server.admin)));
    await Promise.all(streams.map(hello));
    const ticks = cpuTicks(server.proc.pid);
    await new Promise((r) => setTimeout(r, 2000));
    const idle = cpuTicks(server.proc.pid) - ticks;
    const busy = await timeRequests(50);
    console.log(`# GET /tickets alone: median ${alone.median.toFixed(2)} ms, max ${alone.max.toFixed(2)} ms; `
      + `with 200 idle streams: median ${busy.median.toFixed(2)} ms, max ${busy.max.toFixed(2)} ms; `
      + `server CPU over 2 s idle with 200 streams: ${idle * 10} ms`);
    assert.ok(idle <= 20, `idle streams must not spin: ${idle * 10} ms of CPU in 2 s`);
    assert.ok(busy.max < 1000, `requests are served alongside the streams (max ${busy.max} ms)`);
    // And every parked stream wakes for an event.
    const t = await file(org.asSpoc, uiBug());
    await Promise.all(streams.map((s) => ticketEvent(s, t.id, 'created')));
  });

  test('beyond 1024 streams a new one is a JSON 503, and requests are still served', async () => {
    while (streams.length < 1024) {
      const batch = await Promise.all(Array.from({ length: Math.min(64, 1024 - streams.length) }, () => openStream(server.base, auth(server.admin))));
      streams.push(...batch);
    }
    await Promise.all(streams.map(hello));
    assert.ok(streams.every((s) => s.status === 200));
    const extra = await openStream(server.base, auth(server.admin));
    streams.push(extra); // closed at the end should it be a stream after all
    await extra.waitFor((x) => x.ended || x.aborted, 5000, 'a refusal');
    const h = new Headers(extra.headers);
    expectError({ status: extra.status, headers: h, text: extra.raw, json: JSON.parse(extra.raw) }, 503, 'unavailable');
    assert.equal(h.get('retry-after'), '10');
    assert.equal((await server.admin.get('/api/v1/tickets?limit=1')).status, 200);
  });

  test('the server stops promptly with every stream open, ending them cleanly', async () => {
    const t0 = Date.now();
    await server.stop(); // SIGTERM; asserts a clean exit and no sanitizer report
    server.stopped = true;
    const took = Date.now() - t0;
    console.log(`# stopped with ${streams.filter((s) => s.status === 200).length} open streams in ${took} ms`);
    assert.ok(took < 4000, `stopping took ${took} ms (it waits up to 10 s for requests)`);
    await Promise.all(streams.map((s) => s.waitFor((x) => x.ended || x.aborted, 2000, 'the end')));
    const clean = streams.filter((s) => s.status === 200 && s.ended && !s.aborted).length;
    assert.equal(clean, 1024, 'every stream ended with its last chunk, not a cut connection');
  });
});
