// Scale-out: three `switchboard serve` processes on one PostgreSQL database
// (each with a data directory of its own), clients spreading ticket creation over them
// round-robin, and one server killed with SIGKILL midway while it holds
// claimed mail. What must hold (docs/operations.md, docs/mail.md):
//   - every request answered 201 left its ticket exactly once; a request
//     cut off by the kill and sent again, with the same Idempotency-Key, to
//     another server left exactly one ticket;
//   - the other servers answered every request sent to them, during and
//     after the kill;
//   - every notification is delivered, by Message-ID, once; the only
//     duplicate allowed is docs/mail.md's window: the killed server's
//     delivery accepted by the SMTP server before the kill, sent again
//     with the same Message-ID and bytes by another server after its lease;
//   - every webhook delivery reaches the receiver under one webhook-id,
//     with the same window for duplicates;
//   - the mail the killed server held under its lease is delivered by
//     another once the lease runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { makeOrg, uiBug } from '../api/harness.mjs';
import { PG_URL, startCluster, until, sleep } from './cluster.mjs';
import { startMailSinks, startWebhookSink } from './sinks.mjs';

const SERVERS = 3;
// Requests go on until AFTER_KILL have been sent after the kill (at most MAX_REQUESTS).
const AFTER_KILL = 40;
const MAX_REQUESTS = 600;
const CLIENTS = 6;
const PACE_MS = 20; // each client's pause between requests, to keep the load level
const LEASE_S = 2;
const HOLD_MS = 150; // the SMTP servers' pause before each 250: a batch of 16 outlasts the lease
const VICTIM = 1;

test('three servers on one PostgreSQL, one killed midway: nothing lost, nothing twice', { skip: !PG_URL && 'needs SWITCHBOARD_TEST_DATABASE_URL (make check-scale)', timeout: 100000 }, async (t) => {
  const started = Date.now();
  const mail = await startMailSinks(SERVERS, { hold: HOLD_MS });
  const hooks = await startWebhookSink();
  const cluster = await startCluster(SERVERS, (i) => ['--smtp-url', mail.urls[i], '--lease', String(LEASE_S)]);
  const { servers } = cluster;
  const victim = servers[VICTIM];
  try {
    // Set up through server 0; the session works on every server (it is in the database).
    const org = await makeOrg(servers[0], 'Scale Org');
    const hook = await servers[0].admin.post('/api/v1/webhooks', { url: hooks.url, events: ['ticket.created'] });
    assert.equal(hook.status, 201, hook.text);
    const spocOn = servers.map((s) => ({ base: s.base }));

    // ---- the load -------------------------------------------------------------
    const run = randomBytes(4).toString('hex');
    const requests = [];
    let killAt = 0, answered = 0, afterKill = 0;
    const send = async (server, r) => {
      const res = await fetch(`${server.base}/api/v1/tickets`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json', Cookie: org.asSpoc.cookie, 'X-CSRF-Token': org.asSpoc.csrf,
          'Idempotency-Key': r.key,
        },
        body: JSON.stringify(uiBug({ subject: `Scale ${run} ${r.j}` })),
      });
      return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', json: await res.json() };
    };
    // Round-robin; after a connection failure, the same request (same key) to the next server.
    const worker = async () => {
      while (afterKill < AFTER_KILL && requests.length < MAX_REQUESTS) {
        const j = requests.length;
        const r = { j, key: `scale-${run}-${j}`, attempts: [] };
        requests.push(r);
        if (killAt) afterKill++;
        for (let k = 0; k < SERVERS && !r.final; k++) {
          const s = servers[(r.j + k) % SERVERS];
          const attempt = { server: s.i, sentAt: Date.now() };
          r.attempts.push(attempt);
          try {
            const res = await send(s, r);
            Object.assign(attempt, { status: res.status, at: Date.now() });
            r.final = { ...res, server: s.i, at: Date.now() };
          } catch (e) {
            attempt.error = String(e.cause?.code || e.message);
          }
        }
        answered++;
        await sleep(PACE_MS);
      }
    };
    const killer = (async () => {
      // Midway, and while the victim holds claimed mail in flight.
      await until(() => answered >= 60 && mail.held(VICTIM).length > 0, 'the victim to hold mail', 60000, 5);
      const heldAtKill = mail.held(VICTIM);
      victim.proc.kill('SIGKILL');
      killAt = Date.now();
      await until(() => victim.exit, 'the victim to die');
      return { heldAtKill, answeredAtKill: answered };
    })();
    await Promise.all(Array.from({ length: CLIENTS }, worker));
    const { heldAtKill, answeredAtKill } = await killer;
    const REQUESTS = requests.length;
    assert.ok(afterKill >= AFTER_KILL, `the load went on after the kill (${requests.length} requests)`);

    // ---- tickets ----------------------------------------------------------------
    for (const r of requests) {
      assert.ok(r.final, `request ${r.j} was answered by some server: ${JSON.stringify(r.attempts)}`);
      assert.equal(r.final.status, 201, `request ${r.j}: ${JSON.stringify(r.final.json)}`);
      for (const a of r.attempts) {
        if (a.server !== VICTIM) assert.equal(a.error, undefined, `server ${a.server} answered request ${r.j}: ${JSON.stringify(r.attempts)}`);
      }
    }
    const survivorsAfterKill = requests.flatMap((r) => r.attempts).filter((a) => a.server !== VICTIM && a.sentAt > killAt && a.status === 201).length;
    assert.ok(survivorsAfterKill > 0, 'the other servers served after the kill');
    const cutOff = requests.filter((r) => r.attempts.some((a) => a.error && a.sentAt < killAt));
    const refused = requests.filter((r) => r.attempts.some((a) => a.error && a.sentAt >= killAt));
    const replayed = requests.filter((r) => r.final.replayed);
    // Every subject once: one ticket per request, whatever the kill cut off.
    const rows = cluster.rows(`SELECT id, subject FROM tickets WHERE subject LIKE 'Scale ${run} %' ORDER BY id`);
    const bySubject = new Map();
    for (const [id, subject] of rows) bySubject.set(subject, [...(bySubject.get(subject) || []), Number(id)]);
    for (const r of requests) {
      const ids = bySubject.get(`Scale ${run} ${r.j}`) || [];
      assert.deepEqual(ids, [r.final.json.id], `request ${r.j} (key ${r.key}) has exactly its 201's ticket`);
    }
    assert.equal(rows.length, REQUESTS, 'no other ticket');
    // A replay is only for a request whose first attempt was cut off and had committed.
    for (const r of replayed) assert.ok(r.attempts.some((a) => a.error), `request ${r.j} replayed after a failure`);
    const ids = rows.map(([id]) => Number(id));
    const gaps = ids[ids.length - 1] - ids[0] + 1 - ids.length;

    // ---- deliveries -----------------------------------------------------------
    // Everything queued is delivered and nothing is still in the SMTP servers' hands.
    await until(() => {
      const [[pendingMail], [pendingHooks]] = [
        cluster.rows("SELECT count(*) FROM outbox WHERE state <> 'sent'")[0],
        cluster.rows("SELECT count(*) FROM webhook_deliveries WHERE state <> 'delivered'")[0],
      ];
      return pendingMail === '0' && pendingHooks === '0' && !mail.busy();
    }, 'every mail and webhook delivered', 60000, 200);

    const outbox = cluster.rows('SELECT id, ticket_id, attempts FROM outbox ORDER BY id');
    const expected = new Map(outbox.map(([id, tid, attempts]) => [`<outbox-${id}.ticket-${tid}@localhost>`, { tid: Number(tid), attempts: Number(attempts) }]));
    for (const r of requests) {
      assert.ok([...expected.values()].some((e) => e.tid === r.final.json.id), `ticket ${r.final.json.id} has its notification`);
    }
    const received = new Map();
    for (const m of mail.log) received.set(m.id, [...(received.get(m.id) || []), m]);
    for (const id of received.keys()) assert.ok(expected.has(id), `a mail of the outbox: ${id}`);
    let mailDuplicates = 0;
    for (const [id] of expected) {
      const got = received.get(id) || [];
      assert.ok(got.length >= 1, `${id} delivered`);
      if (got.length === 1) continue;
      // docs/mail.md's window: accepted from the victim before the kill, then sent again by a survivor.
      mailDuplicates++;
      assert.equal(got.length, 2, `${id} at most twice: ${got.map((m) => m.via)}`);
      assert.ok(got[0].via === VICTIM && got[0].at <= killAt && got[1].via !== VICTIM, `${id}: a duplicate only across the kill`);
      assert.equal(got[1].raw, got[0].raw, `${id}: the same bytes again`);
    }
    // The mail held under the victim's lease went out through a survivor.
    assert.ok(heldAtKill.length > 0);
    for (const id of heldAtKill) {
      assert.ok((received.get(id) || []).some((m) => m.via !== VICTIM && m.at > killAt), `${id}, claimed by the killed server, delivered by another`);
    }

    const deliveries = cluster.rows('SELECT d.id, d.attempts FROM webhook_deliveries d ORDER BY d.id');
    assert.equal(deliveries.length, REQUESTS, 'one ticket.created delivery per ticket');
    const hooksById = new Map();
    for (const h of hooks.log) hooksById.set(h.id, [...(hooksById.get(h.id) || []), h]);
    const hookTickets = new Map();
    let hookDuplicates = 0;
    for (const [id, got] of hooksById) {
      const tids = new Set(got.map((h) => h.body.data.ticket.id));
      assert.equal(tids.size, 1, `${id} names one ticket`);
      const [tid] = tids;
      assert.ok(!hookTickets.has(tid), `ticket ${tid} told under one webhook-id`);
      hookTickets.set(tid, id);
      if (got.length > 1) {
        hookDuplicates++;
        assert.equal(got.length, 2, `${id} at most twice`);
        assert.ok(got[0].at <= killAt && got[1].at > killAt, `${id}: a duplicate only across the kill`);
      }
    }
    for (const r of requests) assert.ok(hookTickets.has(r.final.json.id), `ticket ${r.final.json.id}'s webhook delivered`);

    // ---- only the database is shared: a file stored through one server is read through another.
    const tid = requests[0].final.json.id;
    const form = new FormData();
    form.append('file', new Blob([Buffer.from(`scale ${run}`)], { type: 'text/plain' }), 'note.txt');
    const up = await fetch(`${servers[0].base}/api/v1/tickets/${tid}/attachments`, {
      method: 'POST', headers: { Authorization: `Bearer ${cluster.adminToken}` }, body: form,
    });
    assert.equal(up.status, 201, await up.clone().text());
    const att = await up.json();
    const attId = att.items[0].id;
    const down = await fetch(`${servers[2].base}/api/v1/attachments/${attId}`, { headers: { Authorization: `Bearer ${cluster.adminToken}` } });
    assert.equal(down.status, 200);
    assert.equal(await down.text(), `scale ${run}`);

    t.diagnostic(`requests ${REQUESTS} from ${CLIENTS} clients over ${SERVERS} servers; SIGKILL of server ${VICTIM} after ${answeredAtKill} answers, holding ${heldAtKill.length} mail(s) in DATA`);
    t.diagnostic(`cut off in flight ${cutOff.length} (replayed by another server ${replayed.length}), refused after the kill ${refused.length}; ticket id gaps ${gaps}`);
    t.diagnostic(`mail ${expected.size} (duplicates ${mailDuplicates}), webhooks ${deliveries.length} (duplicates ${hookDuplicates}); ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await cluster.stop({ killed: [victim] });
  } finally {
    for (const s of servers) if (!s.exit) s.proc.kill('SIGKILL');
    await mail.close();
    await hooks.close();
  }
});
