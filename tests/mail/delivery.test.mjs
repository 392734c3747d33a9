// Delivery from the outbox under failure: the SMTP server down and back,
// a permanent refusal, a runner killed mid-delivery, a stop mid-delivery
// (docs/mail.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, makeOrg, makeAgent, file, uiBug, BIN } from '../api/harness.mjs';
import { startSmtp, freePort, to } from './smtp.mjs';

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Under ASan (SWITCHBOARD_BIN=build-asan/switchboard), `jobs` must stay as clean as serve.
const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;
const clean = (stderr) => assert.ok(!SANITIZER.test(stderr || ''), `no sanitizer report: ${stderr}`);

// The outbox as objects.
function outbox(server) {
  const cols = ['id', 'event', 'ticket_id', 'state', 'attempts', 'next_attempt_at', 'lease_until', 'last_error'];
  const out = server.sql(`SELECT ${cols.join(', ')} FROM outbox ORDER BY id`).trim();
  return out ? out.split('\n').map((line) => {
    const v = line.split('|');
    const row = Object.fromEntries(cols.map((c, i) => [c, v[i]]));
    for (const c of ['id', 'ticket_id', 'attempts', 'next_attempt_at', 'lease_until']) row[c] = row[c] === '' ? null : Number(row[c]);
    row.last_error = v.slice(cols.length - 1).join('|');
    return row;
  }) : [];
}

async function until(pred, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// A server that queues mail but does not deliver it (no SMTP URL, whatever the environment says).
const quietServer = () => startServer({ env: { SWITCHBOARD_SMTP_URL: '' } });

test('the SMTP server down for a while, then up: every mail arrives exactly once, retries backing off', async () => {
  const port = await freePort();
  const server = await startServer({ args: ['--smtp-url', `smtp://127.0.0.1:${port}`] });
  const org = await makeOrg(server, 'Outage Org');
  const cs = await makeAgent(server, 'client-services');
  const tickets = [];
  for (let i = 0; i < 3; i++) tickets.push(await file(org.asSpoc, uiBug({ subject: `Outage ${i}` })));
  assert.equal((await cs.as.post(`/api/v1/tickets/${tickets[0].id}/comments`, { body: 'Looking.' })).status, 201);
  const queued = outbox(server).length;
  assert.equal(queued, 4);

  // The first attempt fails (nothing listens) and is due again within 30 s.
  let rows = await until(() => { const r = outbox(server); return r.every((x) => x.attempts === 1 && x.lease_until === null) && r; }, 'first failures');
  const t = now();
  for (const r of rows) {
    assert.equal(r.state, 'pending');
    assert.match(r.last_error, /connect|refused/i, r.last_error);
    assert.ok(r.next_attempt_at > t && r.next_attempt_at <= t + 30, `next attempt within 30 s: ${r.next_attempt_at - t}`);
  }
  // Time passes (the rows are made due); the second failure waits twice as long.
  server.sql('UPDATE outbox SET next_attempt_at = 0');
  rows = await until(() => { const r = outbox(server); return r.every((x) => x.attempts === 2 && x.lease_until === null) && r; }, 'second failures');
  for (const r of rows) assert.ok(r.next_attempt_at - now() > 30 && r.next_attempt_at - now() <= 60, `then within 60 s: ${r.next_attempt_at - now()}`);

  // The server comes up; when the retries are due, everything arrives once.
  const smtp = await startSmtp({ port });
  server.sql('UPDATE outbox SET next_attempt_at = 0');
  await until(() => outbox(server).every((x) => x.state === 'sent'), 'all sent');
  await sleep(1500); // a second pass of the runner finds nothing more to send
  const ids = smtp.messages.map((m) => m.parsed.messageId);
  assert.equal(ids.length, queued, `${queued} mails: ${ids.join(' ')}`);
  assert.equal(new Set(ids).size, queued, 'no Message-ID twice');
  assert.deepEqual(new Set(ids), new Set(outbox(server).map((r) => `<outbox-${r.id}.ticket-${r.ticket_id}@localhost>`)));
  assert.ok(outbox(server).every((r) => r.attempts === 3));
  await server.stop();
  await smtp.close();
});

test('a permanent refusal (550) fails the row with the server\'s answer and is not retried', async () => {
  const smtp = await startSmtp({ rejectRcpt: (a) => (a.startsWith('spoc@refused') ? [550, 'No such user here'] : null) });
  const server = await startServer({ args: ['--smtp-url', smtp.url] });
  const org = await makeOrg(server, 'Refused');
  const t = await file(org.asSpoc, uiBug());
  const row = await until(() => outbox(server).find((r) => r.ticket_id === t.id && r.state === 'failed'), 'the failure');
  assert.equal(row.event, 'request_received');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error, /550.*No such user here/);
  assert.match(server.stderr, /outbox \d+ \(request_received\): failed: 550/, 'the server says so');
  server.sql('UPDATE outbox SET next_attempt_at = 0');
  await sleep(2500);
  const again = outbox(server).find((r) => r.id === row.id);
  assert.deepEqual([again.state, again.attempts], ['failed', 1], 'not retried');
  assert.equal(to(smtp.messages, org.spoc.email).length, 0);
  await server.stop();
  await smtp.close();
});

test('a runner killed mid-delivery loses nothing: the mail goes out once the lease runs out', async () => {
  // The server has the bytes but has not committed to them when the runner dies;
  // then it drops them (as Postfix does with a client gone before its answer).
  let drop;
  const held = new Promise((_, reject) => { drop = reject; });
  let received = 0;
  const smtp = await startSmtp({
    holdData: () => (received === 1 ? held : null),
    onDataReceived: () => { received++; },
  });
  const server = await quietServer();
  const org = await makeOrg(server, 'Killed');
  const t = await file(org.asSpoc, uiBug());
  assert.equal(outbox(server).length, 1);
  const jobs = spawn(BIN, ['jobs', '--data', server.data, ...server.dbArgs, '--smtp-url', smtp.url, '--lease', '3'], { stdio: 'ignore' });
  await until(() => received === 1, 'the message bytes at the server');
  const killedAt = now();
  jobs.kill('SIGKILL');
  await new Promise((r) => jobs.once('exit', r));
  drop(new Error('the client is gone'));
  let [row] = outbox(server);
  assert.deepEqual([row.state, row.attempts], ['pending', 1]);
  assert.ok(row.lease_until >= killedAt, 'still leased to the dead runner');
  assert.equal(smtp.messages.length, 0, 'the server never accepted it');

  // Not execFileSync: the SMTP server lives in this process's event loop.
  const once = async () => {
    const r = await promisify(execFile)(BIN, ['jobs', '--data', server.data, ...server.dbArgs, '--smtp-url', smtp.url, '--once'], { encoding: 'utf8' });
    clean(r.stderr);
    return r.stdout;
  };
  if (now() < row.lease_until) assert.match(await once(), /^mail: 0 sent/, 'nobody takes a leased row');
  await until(() => now() >= row.lease_until, 'the lease to run out', 10000);
  assert.match(await once(), /^mail: 1 sent, 0 to retry, 0 failed/);
  [row] = outbox(server);
  assert.deepEqual([row.state, row.attempts], ['sent', 2]);
  assert.equal(smtp.messages.length, 1, 'delivered once');
  assert.equal(smtp.messages[0].parsed.messageId, `<outbox-${row.id}.ticket-${t.id}@localhost>`);
  assert.match(await once(), /^mail: 0 sent, 0 to retry, 0 failed/, 'and not again');
  await server.stop();
  await smtp.close();
});

test('switchboard jobs runs without an SMTP server (mail stays queued) and refuses a bad URL or sender', async () => {
  const server = await quietServer();
  // No SMTP server is involved here, so a synchronous run blocks nothing.
  const run = (args, env = {}) => {
    try {
      execFileSync(BIN, ['jobs', '--data', server.data, ...server.dbArgs, ...args], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, SWITCHBOARD_SMTP_URL: '', ...env } });
      return { status: 0 };
    } catch (e) {
      clean(e.stderr);
      return { status: e.status, stderr: e.stderr, stdout: e.stdout };
    }
  };
  let r = run(['--once']);
  assert.equal(r.status, 0, 'without SMTP the other jobs still run');
  r = run(['--once', '--smtp-url', 'http://example.com']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /expected smtp:\/\/host/);
  r = run(['--once', '--smtp-url', 'smtp://u:secret@127.0.0.1:1?starttls=maybe']);
  assert.equal(r.status, 2);
  assert.ok(!r.stderr.includes('secret'), 'the password is never shown');
  r = run(['--once', '--smtp-url', 'smtp://127.0.0.1:1'], { SWITCHBOARD_MAIL_FROM: 'Support <not an address>' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /mail sender: not a mail address/);
  r = run(['--once', '--lease', '0', '--smtp-url', 'smtp://127.0.0.1:1']);
  assert.equal(r.status, 2);
  // Nothing due: nothing to do, and the environment's URL is used.
  assert.equal(run(['--once'], { SWITCHBOARD_SMTP_URL: 'smtp://127.0.0.1:1' }).status, 0);
  await server.stop();
});

test('serve stops promptly on SIGTERM mid-delivery, and releases the row for the next runner', async () => {
  let received = 0;
  const smtp = await startSmtp({
    holdData: () => new Promise(() => {}), // never answers
    onDataReceived: () => { received++; },
  });
  const server = await startServer({ args: ['--smtp-url', smtp.url] });
  const org = await makeOrg(server, 'Stopping');
  await file(org.asSpoc, uiBug());
  await until(() => received === 1, 'the message bytes at the server');
  const started = Date.now();
  server.proc.kill('SIGTERM');
  const [code, signal] = await new Promise((r) => server.proc.once('exit', (c, sig) => r([c, sig])));
  assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  assert.deepEqual([code, signal], [0, null], 'a clean exit');
  clean(server.stderr);
  const [row] = outbox(server);
  assert.deepEqual([row.state, row.attempts, row.lease_until], ['pending', 1, null], 'released, not failed');
  assert.ok(row.next_attempt_at <= now(), 'due again at once');
  server.discard();
  await smtp.close();
});
