// Webhooks (docs/webhooks.md): admins register a URL for event types; the
// job runner inside serve POSTs each event to a real HTTP receiver on
// loopback, signed the Standard Webhooks way, retried with backoff, with a
// delivery log. Signatures are checked here with node:crypto, independently
// of the server's code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import {
  startServer, makeOrg, makeAgent, makeUser, uiBug, file, expectError, expectFields, BIN,
} from './harness.mjs';

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

async function until(pred, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// A real HTTP receiver on 127.0.0.1. HANDLER(request, n) answers request
// number N (from 1): {status, body, headers}, or null to hold the request unanswered.
async function receiver(handler = () => ({ status: 200, body: 'ok' }), port = 0) {
  const requests = [];
  const held = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: now() };
      requests.push(r);
      const answer = handler(r, requests.length);
      if (!answer) { held.push(res); return; }
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers || {}) });
      res.end(answer.body ?? '');
    });
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/hooks/switchboard?x=1`,
    port: actual,
    requests,
    events: () => requests.map((r) => JSON.parse(r.body)),
    waitFor: (pred, what, ms) => until(() => pred(requests), what, ms),
    close: () => new Promise((r) => {
      for (const res of held) res.socket?.destroy();
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}

async function freePort() {
  const s = createTcpServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// Standard Webhooks verification, as a receiver would write it with node:crypto.
function verify(secret, r, toleranceS = 300) {
  const id = r.headers['webhook-id'];
  const ts = r.headers['webhook-timestamp'];
  const sigs = r.headers['webhook-signature'];
  assert.match(id, /^msg_[A-Za-z0-9_-]{24}$/, 'webhook-id');
  assert.match(ts, /^\d+$/, 'webhook-timestamp in Unix seconds');
  assert.ok(Math.abs(Number(ts) - now()) <= toleranceS, `a fresh timestamp: ${ts}`);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return sigs.split(' ').some((s) => {
    const [version, value] = s.split(',');
    const got = Buffer.from(value || '', 'base64');
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

function expectSigned(secret, r) {
  assert.equal(r.method, 'POST');
  assert.equal(r.url, '/hooks/switchboard?x=1', 'the URL as registered');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.ok(verify(secret, r), `the signature verifies: ${r.headers['webhook-signature']}`);
  const body = JSON.parse(r.body);
  assert.deepEqual(Object.keys(body).sort(), ['data', 'timestamp', 'type']);
  assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return body;
}

// The delivery rows, for what the API does not show (leases).
function rows(server, webhookId) {
  const cols = ['id', 'state', 'attempts', 'next_attempt_at', 'lease_until', 'msg_id'];
  const out = server.sql(`SELECT ${cols.join(', ')} FROM webhook_deliveries WHERE webhook_id = ${Number(webhookId)} ORDER BY id`).trim();
  return out ? out.split('\n').map((line) => {
    const v = line.split('|');
    const row = Object.fromEntries(cols.map((c, i) => [c, v[i]]));
    for (const c of ['id', 'attempts', 'next_attempt_at', 'lease_until']) row[c] = row[c] === '' ? null : Number(row[c]);
    return row;
  }) : [];
}

let server, org, cs;
before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Hook Org');
  cs = await makeAgent(server, 'client-services');
});
after(async () => server?.stop());

async function register(body) {
  const res = await server.admin.post('/api/v1/webhooks', body);
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function log(id, query = '') {
  const res = await server.admin.get(`/api/v1/webhooks/${id}/deliveries${query}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('each webhook receives exactly the events it subscribed to, signed, with what changed', async () => {
  const a = await receiver();
  const b = await receiver();
  const hookA = await register({ url: a.url, events: ['ticket.created', 'comment.created', 'ticket.resolved', 'engineering_issue.fixed'], description: 'CRM sync' });
  const hookB = await register({ url: b.url, events: ['ticket.updated'] });
  assert.match(hookA.secret, /^whsec_[A-Za-z0-9+/]{32}$/, 'a whsec_ secret of 24 random bytes');
  assert.notEqual(hookA.secret, hookB.secret);
  assert.deepEqual(hookA.events, ['ticket.created', 'ticket.resolved', 'comment.created', 'engineering_issue.fixed'], 'in the order of the event list');
  assert.equal(hookA.active, true);
  assert.equal(hookA.description, 'CRM sync');
  const shown = (await server.admin.get(`/api/v1/webhooks/${hookA.id}`)).json;
  assert.equal(shown.secret, undefined, 'the secret is shown once, at creation');
  assert.ok(!JSON.stringify((await server.admin.get('/api/v1/webhooks')).json).includes(hookA.secret.slice(6)), 'nor in the list');

  // A ticket filed, answered (new -> open), noted internally, assigned, resolved.
  const t = await file(org.asSpoc, uiBug({ subject: 'Hooked ticket' }));
  assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Looking into it.' })).status, 201);
  assert.equal((await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'SECRET-NOTE do not leak', kind: 'note' })).status, 201);
  assert.equal((await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs.user.id })).status, 200);
  assert.equal((await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'resolved' })).status, 200);
  // Another ticket, resolved by an engineering fix.
  const t2 = await file(org.asSpoc, uiBug({ subject: 'Fixed by engineering' }));
  assert.equal((await cs.as.post(`/api/v1/tickets/${t2.id}/comments`, { body: 'Linked.' })).status, 201);
  const issue = (await cs.as.post('/api/v1/engineering-issues', { key: `HOOK-${process.pid}`, title: 'Save broken' })).json;
  assert.equal((await cs.as.post(`/api/v1/tickets/${t2.id}/engineering-links`, { issue_id: issue.id })).status, 201);
  assert.equal((await cs.as.patch(`/api/v1/engineering-issues/${issue.id}`, { fixed: true })).status, 200);

  const wantA = ['ticket.created', 'comment.created', 'ticket.resolved', 'ticket.created', 'comment.created', 'engineering_issue.fixed', 'ticket.resolved'];
  await a.waitFor((r) => r.length >= wantA.length, 'the first webhook\'s events');
  // t2: answered (new -> open), linked (open -> pending_engineering), fixed (-> resolved).
  const wantB = 6;
  await b.waitFor((r) => r.length >= wantB, 'the second webhook\'s events');
  await sleep(1500); // and nothing more comes
  const gotA = a.requests.map((r) => expectSigned(hookA.secret, r));
  const gotB = b.requests.map((r) => expectSigned(hookB.secret, r));
  assert.deepEqual(gotA.map((e) => e.type).sort(), [...wantA].sort(), 'A: its five event types only');
  assert.ok(gotB.every((e) => e.type === 'ticket.updated'), 'B: ticket.updated only');
  assert.equal(gotB.length, wantB);
  assert.ok(!a.requests.some((r) => verify(hookB.secret, r)), 'each webhook signs with its own secret');

  const created = gotA.find((e) => e.type === 'ticket.created' && e.data.ticket.id === t.id);
  assert.equal(created.data.ticket.number, t.id);
  assert.equal(created.data.ticket.subject, 'Hooked ticket');
  assert.equal(created.data.ticket.status, 'new');
  assert.equal(created.data.ticket.org_id, org.org.id);
  const reply = gotA.find((e) => e.type === 'comment.created' && e.data.ticket.id === t.id);
  assert.equal(reply.data.comment.body, 'Looking into it.');
  assert.equal(reply.data.comment.kind, 'reply');
  assert.equal(reply.data.comment.author.id, cs.user.id);
  for (const r of [...a.requests, ...b.requests]) assert.ok(!r.body.includes('SECRET-NOTE'), 'internal notes never leave');

  const changes = gotB.filter((e) => e.data.ticket.id === t.id).map((e) => e.data.changes);
  assert.deepEqual(changes, [
    { status: { from: 'new', to: 'open' } },
    { assignee_id: { from: null, to: cs.user.id } },
    { status: { from: 'open', to: 'resolved' } },
  ]);
  const fixed = gotA.find((e) => e.type === 'engineering_issue.fixed');
  assert.equal(fixed.data.engineering_issue.key, `HOOK-${process.pid}`);
  assert.deepEqual(fixed.data.resolved_ticket_ids, [t2.id]);
  assert.ok(gotA.some((e) => e.type === 'ticket.resolved' && e.data.ticket.id === t2.id && e.data.ticket.status === 'resolved'));
  // One message, one webhook-id.
  assert.equal(new Set(a.requests.map((r) => r.headers['webhook-id'])).size, a.requests.length);

  // The delivery log: newest first, each delivered at the first attempt with the receiver's 200.
  const entries = (await log(hookA.id)).items;
  assert.equal(entries.length, wantA.length);
  assert.deepEqual(entries.map((d) => d.id), [...entries.map((d) => d.id)].sort((x, y) => y - x), 'newest first');
  for (const d of entries) {
    assert.equal(d.state, 'delivered');
    assert.equal(d.attempts, 1);
    assert.equal(d.last_status, 200);
    assert.equal(d.response_excerpt, 'ok');
    assert.equal(d.payload, undefined, 'the list leaves payloads out');
  }
  assert.deepEqual(new Set(entries.map((d) => d.msg_id)), new Set(a.requests.map((r) => r.headers['webhook-id'])));
  // Pages: limit and before.
  const page1 = await log(hookA.id, '?limit=3');
  assert.equal(page1.items.length, 3);
  const page2 = await log(hookA.id, `?limit=3&before=${page1.next_before}`);
  assert.deepEqual(page2.items.map((d) => d.id), entries.slice(3, 6).map((d) => d.id));
  // One delivery, with the exact payload sent.
  const one = (await server.admin.get(`/api/v1/webhook-deliveries/${entries[0].id}`)).json;
  assert.deepEqual(one.payload, JSON.parse(a.requests.find((r) => r.headers['webhook-id'] === one.msg_id).body));
  await a.close();
  await b.close();
});

test('a receiver answering 500, then 200: retried after backoff with the same webhook-id, delivered once', async () => {
  const rcv = await receiver((r, n) => (n === 1 ? { status: 500, body: 'boom\nnot now' } : { status: 204 }));
  const hook = await register({ url: rcv.url, events: ['ticket.created'] });
  const t = await file(org.asSpoc, uiBug({ subject: 'Retry me' }));
  await rcv.waitFor((r) => r.length === 1, 'the first attempt');
  let [d] = await until(async () => {
    const items = (await log(hook.id)).items;
    return items.length === 1 && items[0].attempts === 1 && items[0].last_status === 500 && items;
  }, 'the failure in the log');
  assert.equal(d.state, 'pending');
  assert.match(d.last_error, /HTTP 500/);
  assert.equal(d.response_excerpt, 'boom not now', 'a printable excerpt of the answer');
  const wait = Date.parse(d.next_attempt_at) / 1000 - now();
  assert.ok(wait > 0 && wait <= 30, `the first retry within 30 s: ${wait}`);
  await sleep(1500);
  assert.equal(rcv.requests.length, 1, 'not before it is due');

  // Time passes: the retry is due.
  server.sql(`UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE webhook_id = ${hook.id}`);
  await rcv.waitFor((r) => r.length === 2, 'the retry');
  [d] = await until(async () => {
    const items = (await log(hook.id)).items;
    return items[0].state === 'delivered' && items;
  }, 'delivered');
  assert.deepEqual([d.attempts, d.last_status], [2, 204]);
  assert.match(d.last_error, /HTTP 500/, 'the last error says what the retry was about');
  assert.ok(d.delivered_at);
  const [first, second] = rcv.requests;
  assert.equal(second.headers['webhook-id'], first.headers['webhook-id'], 'the same webhook-id on a retry');
  assert.equal(second.body, first.body, 'the same payload');
  assert.ok(verify(hook.secret, first) && verify(hook.secret, second));
  assert.equal(JSON.parse(second.body).data.ticket.id, t.id);
  await sleep(1500);
  assert.equal(rcv.requests.length, 2, 'delivered once, not again');
  await rcv.close();
});

test('a redirect is not followed: the signed payload goes nowhere else, and the attempt is retried', async () => {
  const elsewhere = await receiver();
  const rcv = await receiver(() => ({ status: 307, body: 'moved', headers: { location: elsewhere.url } }));
  const hook = await register({ url: rcv.url, events: ['ticket.created'] });
  // The receiver answers with a Location: the runner must not go there.
  await file(org.asSpoc, uiBug({ subject: 'Redirected' }));
  await rcv.waitFor((r) => r.length === 1, 'the attempt');
  const [d] = await until(async () => {
    const items = (await log(hook.id)).items;
    return items.length === 1 && items[0].attempts === 1 && items[0].last_status === 307 && items;
  }, 'the redirect in the log');
  assert.equal(d.state, 'pending');
  assert.match(d.last_error, /HTTP 307/);
  await sleep(1000);
  assert.equal(elsewhere.requests.length, 0, 'nothing sent to the other URL');
  await rcv.close();
  await elsewhere.close();
  assert.equal((await server.admin.del(`/api/v1/webhooks/${hook.id}`)).status, 204);
});

test('a receiver that stays down: backing off, given up after five days, then retried by an admin', async () => {
  const port = await freePort();
  const hook = await register({ url: `http://127.0.0.1:${port}/hooks/switchboard?x=1`, events: ['ticket.created'] });
  await file(org.asSpoc, uiBug({ subject: 'Nobody listens' }));
  let [r] = await until(() => { const x = rows(server, hook.id); return x.length === 1 && x[0].attempts === 1 && x[0].lease_until === null && x; }, 'the first failure');
  assert.ok(r.next_attempt_at - now() <= 30, 'within 30 s');
  server.sql(`UPDATE webhook_deliveries SET next_attempt_at = 0 WHERE webhook_id = ${hook.id}`);
  [r] = await until(() => { const x = rows(server, hook.id); return x[0].attempts === 2 && x[0].lease_until === null && x; }, 'the second failure');
  assert.ok(r.next_attempt_at - now() > 30 && r.next_attempt_at - now() <= 60, `then within 60 s: ${r.next_attempt_at - now()}`);
  let [d] = (await log(hook.id)).items;
  assert.match(d.last_error, /connect|refused/i, d.last_error);
  assert.equal(d.last_status, null, 'no answer, no status');

  // Five days pass: the next failure gives up.
  server.sql(`UPDATE webhook_deliveries SET next_attempt_at = 0, queued_at = queued_at - 5 * 86400 WHERE webhook_id = ${hook.id}`);
  [d] = await until(async () => { const items = (await log(hook.id)).items; return items[0].state === 'failed' && items; }, 'the give-up');
  assert.equal(d.attempts, 3);
  assert.match(d.last_error, /^gave up after 3 attempts: .*(connect|refused)/i);
  assert.equal(d.next_attempt_at, null);
  assert.match(server.stderr, /webhooks: delivery \d+ \(ticket\.created\) to http:\/\/127\.0\.0\.1:\d+\/hooks\/switchboard\?x=1: gave up/);

  // The receiver is back; an admin retries the failed delivery: same webhook-id, delivered.
  const rcv = await receiver(undefined, port);
  const res = await server.admin.post(`/api/v1/webhook-deliveries/${d.id}/retry`);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.state, 'pending');
  await rcv.waitFor((x) => x.length === 1, 'the manual retry');
  assert.equal(rcv.requests[0].headers['webhook-id'], d.msg_id);
  assert.ok(verify(hook.secret, rcv.requests[0]));
  [d] = await until(async () => { const items = (await log(hook.id)).items; return items[0].state === 'delivered' && items; }, 'delivered');
  assert.equal(d.attempts, 4);
  // Only a failed delivery is retried by hand.
  expectError(await server.admin.post(`/api/v1/webhook-deliveries/${d.id}/retry`), 409, 'conflict');
  expectError(await server.admin.post('/api/v1/webhook-deliveries/999999/retry'), 404, 'not_found');
  await rcv.close();
});

test('a runner killed mid-delivery loses nothing: the delivery goes out, same webhook-id, once the lease runs out', async () => {
  const own = await startServer();
  const o = await makeOrg(own, 'Killed Hook Org');
  const rcv = await receiver((r, n) => (n === 1 ? null : { status: 200, body: 'ok' }));
  const hook = (await own.admin.post('/api/v1/webhooks', { url: rcv.url, events: ['ticket.created'] })).json;
  await file(o.asSpoc, uiBug({ subject: 'Killed mid-delivery' }));
  await rcv.waitFor((r) => r.length === 1, 'the request at the receiver');
  const killedAt = now();
  own.proc.kill('SIGKILL');
  await new Promise((r) => (own.proc.exitCode !== null || own.proc.signalCode ? r() : own.proc.once('exit', r)));
  let [row] = rows(own, hook.id);
  assert.deepEqual([row.state, row.attempts], ['pending', 1]);
  assert.ok(row.lease_until >= killedAt, 'still leased to the dead runner');

  const once = async () => {
    const r = await promisify(execFile)(BIN, ['jobs', '--data', own.data, ...own.dbArgs, '--once'], { encoding: 'utf8', env: { ...process.env, SWITCHBOARD_SMTP_URL: '' } });
    assert.ok(!SANITIZER.test(r.stderr), r.stderr);
    return r.stdout;
  };
  assert.match(await once(), /^webhooks: 0 delivered, 0 to retry, 0 failed$/m, 'nobody takes a leased delivery');
  assert.equal(rcv.requests.length, 1);
  // Time passes: the dead runner's lease runs out.
  own.sql(`UPDATE webhook_deliveries SET lease_until = ${now() - 1} WHERE webhook_id = ${hook.id}`);
  assert.match(await once(), /^webhooks: 1 delivered, 0 to retry, 0 failed$/m);
  assert.equal(rcv.requests.length, 2);
  assert.equal(rcv.requests[1].headers['webhook-id'], rcv.requests[0].headers['webhook-id'], 'the same message: receivers dedupe by webhook-id');
  assert.ok(verify(hook.secret, rcv.requests[1]));
  [row] = rows(own, hook.id);
  assert.deepEqual([row.state, row.attempts, row.lease_until], ['delivered', 2, null]);
  assert.match(await once(), /^webhooks: 0 delivered, 0 to retry, 0 failed$/m, 'and not again');
  assert.equal(rcv.requests.length, 2);
  rmSync(own.data, { recursive: true, force: true });
  await rcv.close();
});

test('serve stops promptly on SIGTERM mid-delivery and releases the delivery for the next runner', async () => {
  const own = await startServer();
  const o = await makeOrg(own, 'Stopping Hook Org');
  const rcv = await receiver(() => null); // never answers
  const hook = (await own.admin.post('/api/v1/webhooks', { url: rcv.url, events: ['ticket.created'] })).json;
  await file(o.asSpoc, uiBug());
  await rcv.waitFor((r) => r.length === 1, 'the request at the receiver');
  const started = Date.now();
  own.proc.kill('SIGTERM');
  const [code, signal] = await new Promise((r) => own.proc.once('exit', (c, s) => r([c, s])));
  assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  assert.deepEqual([code, signal], [0, null]);
  assert.ok(!SANITIZER.test(own.stderr), own.stderr);
  const [row] = rows(own, hook.id);
  assert.deepEqual([row.state, row.attempts, row.lease_until], ['pending', 1, null], 'released, not failed');
  assert.ok(row.next_attempt_at <= now(), 'due again at once');
  rmSync(own.data, { recursive: true, force: true });
  await rcv.close();
});

test('a test event, rotation with both signatures for a day, disabling and deleting', async () => {
  const rcv = await receiver();
  const hook = await register({ url: rcv.url, events: ['ticket.created'], active: false });
  assert.equal(hook.active, false);
  await file(org.asSpoc, uiBug({ subject: 'While disabled' }));
  expectError(await server.admin.post(`/api/v1/webhooks/${hook.id}/test`), 409, 'conflict');
  let res = await server.admin.patch(`/api/v1/webhooks/${hook.id}`, { active: true, description: 'Now on' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.active, res.json.description, res.json.url], [true, 'Now on', rcv.url]);

  res = await server.admin.post(`/api/v1/webhooks/${hook.id}/test`);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.json.event, 'webhook.test');
  await rcv.waitFor((r) => r.length === 1, 'the test event');
  const ping = expectSigned(hook.secret, rcv.requests[0]);
  assert.equal(ping.type, 'webhook.test');
  assert.equal(ping.data.webhook_id, hook.id);
  assert.equal(rcv.requests.length, 1, 'nothing was queued while it was disabled');

  res = await server.admin.post(`/api/v1/webhooks/${hook.id}/rotate-secret`);
  assert.equal(res.status, 200, res.text);
  const fresh = res.json.secret;
  assert.match(fresh, /^whsec_/);
  assert.notEqual(fresh, hook.secret);
  assert.ok(res.json.previous_secret_expires_at);
  const until24h = Date.parse(res.json.previous_secret_expires_at) / 1000 - now();
  assert.ok(until24h > 86000 && until24h <= 86400, `the old secret signs for a day: ${until24h}`);
  await file(org.asSpoc, uiBug({ subject: 'After rotation' }));
  await rcv.waitFor((r) => r.length === 2, 'an event after rotation');
  assert.equal(rcv.requests[1].headers['webhook-signature'].split(' ').length, 2, 'two signatures');
  assert.ok(verify(fresh, rcv.requests[1]), 'the new secret verifies');
  assert.ok(verify(hook.secret, rcv.requests[1]), 'the old one too, for now');
  // A day later only the new secret signs.
  server.sql(`UPDATE webhooks SET previous_expires_at = ${now() - 1} WHERE id = ${hook.id}`);
  await file(org.asSpoc, uiBug({ subject: 'A day later' }));
  await rcv.waitFor((r) => r.length === 3, 'an event a day later');
  assert.ok(verify(fresh, rcv.requests[2]) && !verify(hook.secret, rcv.requests[2]));
  assert.equal((await server.admin.get(`/api/v1/webhooks/${hook.id}`)).json.previous_secret_expires_at, null);

  // Disabled: nothing is queued or sent.
  assert.equal((await server.admin.patch(`/api/v1/webhooks/${hook.id}`, { active: false })).status, 200);
  await file(org.asSpoc, uiBug({ subject: 'Disabled again' }));
  await sleep(1500);
  assert.equal(rcv.requests.length, 3);
  assert.equal((await log(hook.id)).items.length, 3);

  res = await server.admin.del(`/api/v1/webhooks/${hook.id}`);
  assert.equal(res.status, 204, res.text);
  expectError(await server.admin.get(`/api/v1/webhooks/${hook.id}`), 404, 'not_found');
  expectError(await server.admin.get(`/api/v1/webhooks/${hook.id}/deliveries`), 404, 'not_found');
  assert.equal(server.sql(`SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ${hook.id}`).trim(), '0', 'its log goes with it');
  expectError(await server.admin.del(`/api/v1/webhooks/${hook.id}`), 404, 'not_found');
  await rcv.close();
});

test('webhooks are validated, and only admins may touch them', async () => {
  const post = (body) => server.admin.post('/api/v1/webhooks', body);
  expectFields(await post({}), ['url', 'events']);
  for (const url of ['ftp://example.com/x', 'not a url', 'http://', 'javascript:alert(1)', 'http://user:pw@example.com/x', 'https://example.com/x#frag', `https://example.com/${'a'.repeat(2100)}`]) {
    expectFields(await post({ url, events: ['ticket.created'] }), ['url']);
  }
  expectFields(await post({ url: 'https://example.com/x', events: ['ticket.deleted'] }), ['events[0]']);
  expectFields(await post({ url: 'https://example.com/x', events: ['ticket.created', 42] }), ['events[1]']);
  expectFields(await post({ url: 'https://example.com/x', events: [] }), ['events']);
  expectFields(await post({ url: 'https://example.com/x', events: 'ticket.created' }), ['events']);
  expectFields(await post({ url: 'https://example.com/x', events: ['webhook.test'] }), ['events[0]']);
  expectFields(await post({ url: 'https://example.com/x', events: ['ticket.created'], active: 'yes' }), ['active']);
  expectFields(await post({ url: 'https://example.com/x', events: ['ticket.created'], description: 'd'.repeat(501) }), ['description']);
  expectError(await server.admin.post('/api/v1/webhooks', 'not json', { 'Content-Type': 'application/json' }), 400, 'malformed_json');

  const ok = await register({ url: 'https://example.com/hook', events: ['ticket.created', 'ticket.created'] });
  assert.deepEqual(ok.events, ['ticket.created'], 'duplicates dropped');
  expectFields(await server.admin.patch(`/api/v1/webhooks/${ok.id}`, {}), ['url']);
  expectFields(await server.admin.patch(`/api/v1/webhooks/${ok.id}`, { url: 'gopher://x' }), ['url']);
  expectFields(await server.admin.patch(`/api/v1/webhooks/${ok.id}`, { events: ['nope'] }), ['events[0]']);
  expectFields(await server.admin.patch(`/api/v1/webhooks/${ok.id}`, { url: null }), ['url']);
  expectError(await server.admin.patch('/api/v1/webhooks/999999', { active: false }), 404, 'not_found');
  expectError(await server.admin.get('/api/v1/webhooks/abc'), 404, 'not_found');
  const listed = (await server.admin.get('/api/v1/webhooks')).json;
  assert.deepEqual(listed.event_types, ['ticket.created', 'ticket.updated', 'ticket.resolved', 'comment.created', 'engineering_issue.fixed']);
  assert.ok(listed.items.some((w) => w.id === ok.id));

  const lead = await makeAgent(server, 'client-services', 'lead');
  const rep = await makeUser(server, 'account-rep');
  for (const who of [cs.as, lead.as, rep.as, org.asSpoc]) {
    expectError(await who.post('/api/v1/webhooks', { url: 'https://example.com/x', events: ['ticket.created'] }), 403, 'forbidden');
    expectError(await who.get('/api/v1/webhooks'), 403, 'forbidden');
    expectError(await who.get(`/api/v1/webhooks/${ok.id}`), 403, 'forbidden');
    expectError(await who.patch(`/api/v1/webhooks/${ok.id}`, { active: false }), 403, 'forbidden');
    expectError(await who.del(`/api/v1/webhooks/${ok.id}`), 403, 'forbidden');
    expectError(await who.post(`/api/v1/webhooks/${ok.id}/rotate-secret`), 403, 'forbidden');
    expectError(await who.get(`/api/v1/webhooks/${ok.id}/deliveries`), 403, 'forbidden');
    expectError(await who.post(`/api/v1/webhooks/${ok.id}/test`), 403, 'forbidden');
  }
  expectFields(await server.admin.get(`/api/v1/webhooks/${ok.id}/deliveries?limit=0`), ['limit']);
  expectFields(await server.admin.get(`/api/v1/webhooks/${ok.id}/deliveries?before=x`), ['before']);
  assert.equal((await server.admin.del(`/api/v1/webhooks/${ok.id}`)).status, 204);
});
