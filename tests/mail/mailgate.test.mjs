// Mail in: `switchboard mailgate` on real-world messages (tests/mail/messages),
// checked through the API, and a notification answered by mail end to end
// (docs/mail.md, "Mail in").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, makeOrg, makeAgent, file, uiBug, BIN } from '../api/harness.mjs';
import { startSmtp, to } from './smtp.mjs';

const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;
const MESSAGES = new URL('./messages/', import.meta.url);

// Message NAME with its placeholders filled: %TICKET% and %OUTBOX% (a notification's row).
function eml(name, { ticket = 0, outbox = 1 } = {}) {
  return readFileSync(new URL(name, MESSAGES), 'latin1')
    .replaceAll('%TICKET%', String(ticket)).replaceAll('%OUTBOX%', String(outbox));
}

// Pipes RAW (a string of bytes) into the mailgate of DATA, as an MTA does.
function mailgate(data, raw, args = []) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['mailgate', ...(data ? ['--data', data] : []), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (c) => { stdout += c; });
    p.stderr.on('data', (c) => { stderr += c; });
    p.on('error', reject);
    p.on('exit', (code) => {
      assert.ok(!SANITIZER.test(stderr), `no sanitizer report: ${stderr}`);
      resolve({ code, stdout, stderr });
    });
    p.stdin.on('error', () => {}); // a mailgate that refuses early may close stdin
    p.stdin.end(Buffer.from(raw, 'latin1'));
  });
}

let server, org, cs;
before(async () => {
  // No SMTP server: notifications stay in the outbox, where the tests read them.
  server = await startServer({ env: { SWITCHBOARD_SMTP_URL: '' } });
  org = await makeOrg(server, 'Acme Ads');
  cs = await makeAgent(server, 'client-services');
});
after(async () => { await server?.stop(); });

const gate = (raw, args = []) => mailgate(server.data, raw, [...server.dbArgs, ...args]);
const get = async (id, as = cs.as) => {
  const r = await as.get(`/api/v1/tickets/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const comments = async (id, as = cs.as) => (await as.get(`/api/v1/tickets/${id}/comments`)).json.items;
const attachments = async (id) => (await cs.as.get(`/api/v1/tickets/${id}/attachments`)).json.items;
const outbox = (ticket) => server.sql(`SELECT event, recipient_id FROM outbox WHERE ticket_id = ${ticket} ORDER BY id`)
  .trim().split('\n').filter(Boolean).map((l) => { const [event, r] = l.split('|'); return { event, recipient: Number(r) }; });
const count = (table) => Number(server.sql(`SELECT count(*) FROM ${table}`).trim());
const comment = async (as, id, body, kind) => {
  const r = await as.post(`/api/v1/tickets/${id}/comments`, kind ? { body, kind } : { body });
  assert.equal(r.status, 201, r.text);
};
const patch = async (id, body) => {
  const r = await cs.as.patch(`/api/v1/tickets/${id}`, body);
  assert.equal(r.status, 200, r.text);
};

// A ticket of the SPOC's that waits for the customer (we asked a question).
async function awaiting(subject) {
  const t = await file(org.asSpoc, uiBug({ subject }));
  await comment(cs.as, t.id, 'We are looking.');
  await comment(cs.as, t.id, 'Could you clear your cache and try again?', 'question');
  assert.equal((await get(t.id)).status, 'awaiting_customer');
  return t;
}

test('a Gmail reply (multipart/alternative, quoted-printable) lands on its ticket without the quoted history, once', async () => {
  const t = await awaiting('Save button does nothing');
  const before = outbox(t.id).length;
  const raw = eml('gmail-reply-en.eml', { ticket: t.id, outbox: 3 });
  const r = await gate(raw);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, new RegExp(`reply on ticket #${t.id}`));

  const list = await comments(t.id, org.asSpoc);
  const last = list[list.length - 1];
  assert.equal(last.body, 'Hi,\n\nThanks for the quick answer. I cleared the cache and the Save button still does '
    + 'nothing on line item 4411; the console shows a 500 from PUT /line-item.\n\nBest,\nAna');
  assert.equal(last.author.id, org.spoc.id);
  assert.equal(last.visibility, 'public');
  // As a portal reply: the customer's answer opens the ticket and tells the assignee.
  assert.equal((await get(t.id)).status, 'open');
  assert.deepEqual(outbox(t.id).slice(before).map((o) => o.event), ['customer_reply']);

  // The MTA delivers it again (a retry after a temporary failure): stored once.
  const again = await gate(raw);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /duplicate/);
  assert.equal((await comments(t.id)).length, list.length);
  assert.equal(outbox(t.id).length, before + 1);
});

test('an Outlook reply in Spanish (ISO-8859-1, encoded subject, tag only) keeps its screenshot', async () => {
  const t = await awaiting('Guardar');
  const r = await gate(eml('outlook-reply-es.eml', { ticket: t.id }));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const list = await comments(t.id);
  const last = list[list.length - 1];
  assert.equal(last.body, 'Buenos días:\n\nAdjunto la captura de pantalla del error. El botón «Guardar» sigue sin '
    + 'funcionar en la línea de pedido 4411.\n\nSaludos,\nJosé Núñez');
  // From: is matched without case; the contact is not the SPOC but may reply.
  assert.equal(last.author.id, org.other.id);
  assert.equal((await get(t.id)).status, 'open');
  const files = await attachments(t.id);
  assert.equal(files.length, 1);
  assert.equal(files[0].filename, 'captura de pantalla.png');
  assert.equal(files[0].content_type, 'image/png');
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082', 'hex');
  const res = await fetch(server.base + files[0].url, { headers: { Authorization: `Bearer ${server.adminToken}` } });
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), png);
});

test('an Outlook reply ("-----Original Message-----", a PDF) reopens a ticket resolved within 7 days', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Report rows' }));
  await comment(cs.as, t.id, 'Fixed, please check.');
  await patch(t.id, { status: 'resolved' });
  const r = await gate(eml('outlook-reply-en.eml', { ticket: t.id, outbox: 9 }));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const list = await comments(t.id);
  assert.equal(list[list.length - 1].body, 'Hello,\n\nThe export finished overnight but the report is missing the '
    + 'Bidder 77 rows; see the attached PDF.\n\nRegards,\nOther Contact\nAd Operations, Acme Ads');
  const after = await get(t.id);
  assert.equal(after.status, 'open');
  assert.equal(after.resolved_at, null);
  const files = await attachments(t.id);
  assert.deepEqual(files.map((f) => [f.filename, f.content_type]), [['bidder-77-report.pdf', 'application/pdf']]);
});

test('a new message from the SPOC opens an incomplete ticket with its attachment, and says it was received', async () => {
  const r = await gate(eml('new-request-spoc.eml'));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const id = Number(r.stderr.match(/new ticket on ticket #(\d+)/)[1]);
  const t = await get(id, org.asSpoc);
  assert.equal(t.subject, 'Campaña 2026: las ubicaciones muestran anuncios en blanco');
  assert.match(t.description, /^Since this morning the placements of line item 4411 show blanks on\n/);
  assert.equal(t.requester_id, org.spoc.id);
  assert.equal(t.org_id, org.org.id);
  assert.equal(t.status, 'new');
  assert.equal(t.priority, 'standard');
  assert.equal(t.request_type, 'ui-api-bug');
  assert.equal(t.team, 'client-services');
  assert.ok(t.first_response_due_at, 'the first-response clock runs');
  assert.equal(t.incomplete, true);
  assert.deepEqual(t.missing_required, ['impact', 'steps', 'browser', 'os']);
  assert.equal(t.member_id, org.org.member_id);
  const files = await attachments(id);
  assert.deepEqual(files.map((f) => [f.filename, f.content_type, f.size]), [['delivery.csv', 'text/csv', 67]]);
  assert.deepEqual(outbox(id), [{ event: 'request_received', recipient: org.spoc.id }]);
  // Tickets filed in the portal are complete.
  const portal = await file(org.asSpoc, uiBug());
  assert.equal(portal.incomplete, false);
  assert.deepEqual(portal.missing_required, []);
});

test('an out-of-office reply from a customer is kept for staff only: no status change, nobody notified', async () => {
  const t = await awaiting('OOO');
  const before = outbox(t.id).length;
  const r = await gate(eml('auto-reply-ooo.eml', { ticket: t.id, outbox: 5 }));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note on ticket/);
  assert.equal((await get(t.id)).status, 'awaiting_customer');
  assert.equal(outbox(t.id).length, before, 'no notification');
  const staff = await comments(t.id);
  assert.equal(staff[staff.length - 1].visibility, 'internal');
  assert.match(staff[staff.length - 1].body, /out of the office until November 30/);
  const customer = await comments(t.id, org.asSpoc);
  assert.ok(!customer.some((c) => /out of the office/.test(c.body)), 'the customer never sees it');
});

test('automatic and bulk mail is never answered: dropped with exit 0 and a log line', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'loops' }));
  const tickets = count('tickets'), rows = count('outbox'), notes = count('comments');
  for (const name of ['auto-reply-unknown.eml', 'bulk-list.eml', 'bounce-dsn.eml', 'loop-own-notification.eml']) {
    const r = await gate(eml(name, { ticket: t.id }));
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${name}: no answer`);
    assert.match(r.stderr, /dropped automatic mail/, name);
  }
  assert.equal(count('tickets'), tickets);
  assert.equal(count('outbox'), rows);
  assert.equal(count('comments'), notes);
  // Auto-Submitted: no is a person's mail; an empty envelope sender (a bounce) is not.
  const human = eml('unknown-sender.eml').replace('Subject:', 'Auto-Submitted: no\r\nSubject:');
  assert.equal((await gate(human)).code, 67);
  const bounce = await gate(eml('non-spoc-new.eml'), ['--sender', '']);
  assert.equal(bounce.code, 0, bounce.stderr);
  assert.match(bounce.stderr, /dropped automatic mail/);
});

// The ticket events of an SSE stream opened with HEADERS, as they arrive.
function ticketEvents(headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.base}/api/v1/events`, { headers, agent: false }, (res) => {
      const s = { events: [], close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        for (let i; (i = buf.indexOf('\n\n')) >= 0; buf = buf.slice(i + 2)) {
          const block = buf.slice(0, i);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (/^event: ticket$/m.test(block) && data) s.events.push(JSON.parse(data.slice(6)));
        }
      });
      resolve(s);
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(pred, what, ms = 10000) {
  for (const end = Date.now() + ms; !pred();) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('what the mailgate stores reaches the web app as live events, as from the portal', async () => {
  const t = await awaiting('Live');
  const agent = await ticketEvents({ Cookie: cs.as.cookie });
  const customer = await ticketEvents({ Cookie: org.asSpoc.cookie });
  try {
    const raw = eml('gmail-reply-en.eml', { ticket: t.id }).replace('CAGmail-reply-en', 'live-events');
    assert.equal((await gate(raw)).code, 0);
    await until(() => agent.events.some((e) => e.id === t.id && e.event === 'comment' && e.status === 'open'), 'the comment event');
    await until(() => customer.events.some((e) => e.id === t.id && e.event === 'comment'), 'the customer\'s event');
    const ooo = eml('auto-reply-ooo.eml', { ticket: t.id }).replace('ooo-1@', 'ooo-live@');
    assert.equal((await gate(ooo)).code, 0);
    const r = await gate(eml('new-request-spoc.eml').replace('new-request-1@', 'new-live@'));
    const id = Number(r.stderr.match(/on ticket #(\d+)/)[1]);
    await until(() => agent.events.some((e) => e.id === id && e.event === 'created'), 'the created event');
    await until(() => customer.events.some((e) => e.id === id && e.event === 'created'), 'the customer\'s created event');
    // The note was staff's alone: the customer's stream never shows it.
    assert.equal(customer.events.filter((e) => e.id === t.id).length, 1);
    assert.equal(agent.events.filter((e) => e.id === t.id).length, 2);
  } finally {
    agent.close();
    customer.close();
  }
});

test('an unknown sender is refused (67) with how to reach support, for the bounce', async () => {
  let r = await gate(eml('unknown-sender.eml'));
  assert.equal(r.code, 67);
  assert.match(r.stdout, /someone@stranger\.example is not one of our customers' registered contacts/);
  assert.match(r.stdout, /authorized contact \(SPOC\)/);
  server.sql("INSERT INTO settings (key, value) VALUES ('public_url', 'https://support.example.com')");
  r = await gate(eml('unknown-sender.eml'));
  assert.equal(r.code, 67);
  assert.match(r.stdout, /sign in at https:\/\/support\.example\.com/);
  server.sql("DELETE FROM settings WHERE key = 'public_url'");
});

test('a contact who is not the SPOC is refused (67) with the name and address of their SPOC', async () => {
  const tickets = count('tickets');
  const r = await gate(eml('non-spoc-new.eml'));
  assert.equal(r.code, 67);
  assert.match(r.stdout, /Spoc Acme Ads <spoc@acme-ads\.example>/);
  assert.equal(count('tickets'), tickets);
  // A tag of a ticket of another organization is no way in either.
  const other = await makeOrg(server, 'Other Org');
  const theirs = await file(other.asSpoc, uiBug());
  const r2 = await gate(eml('outlook-reply-es.eml', { ticket: theirs.id }).replace('DB9PR10MB5412ABCDEF', 'other-org-attempt'));
  assert.equal(r2.code, 67, r2.stderr);
  assert.equal((await comments(theirs.id)).length, 0);
});

test('an HTML-only reply is read as text, and its quoted blockquote is left out', async () => {
  const t = await awaiting('HTML');
  const r = await gate(eml('html-only-reply-es.eml', { ticket: t.id }));
  assert.equal(r.code, 0, r.stderr);
  const list = await comments(t.id);
  assert.equal(list[list.length - 1].body, 'Sí, el problema ocurre en Chrome 131 & Windows 11.\n\nGracias.');
});

test('a reply to a closed ticket opens a follow-up ticket', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Closed one' }));
  await comment(cs.as, t.id, 'Done.');
  await patch(t.id, { status: 'resolved' });
  await patch(t.id, { status: 'closed' });
  const r = await gate(eml('reply-to-closed.eml', { ticket: t.id }));
  assert.equal(r.code, 0, r.stderr);
  const id = Number(r.stderr.match(/follow-up ticket on ticket #(\d+)/)[1]);
  const f = await get(id);
  assert.equal(f.subject, `Follow-up to #${t.id}: Closed one`);
  assert.equal(f.description, 'It broke again today, same line item.');
  assert.equal(f.requester_id, org.other.id);
  assert.equal(f.status, 'new');
  assert.equal(f.request_type, 'ui-api-bug');
  assert.equal((await get(t.id)).status, 'closed');
  const h = (await cs.as.get(`/api/v1/tickets/${t.id}/history`)).json.items;
  assert.ok(h.some((x) => x.field === 'follow_up' && x.to === String(id)));
});

test('exit codes: 65 not a mail, 78 a bad data directory, 75 an unreachable database, 64 a bad flag, 0 for --help', async () => {
  let r = await gate(eml('not-a-mail.eml'));
  assert.equal(r.code, 65, r.stderr);
  assert.match(r.stdout, /could not read this message/);
  const empty = mkdtempSync(join(tmpdir(), 'sb-mg-'));
  try {
    // On PostgreSQL the directory holds only the attachments: any directory will do.
    if (server.database === 'sqlite') {
      r = await mailgate(empty, eml('unknown-sender.eml'));
      assert.equal(r.code, 78, 'a directory without a database is not a data directory');
    }
    r = await mailgate(join(empty, 'missing'), eml('unknown-sender.eml'), server.dbArgs);
    assert.equal(r.code, 78);
    if (server.database === 'postgres') {
      // Nothing listens on port 1: the database server is down, which passes.
      r = await mailgate(empty, eml('unknown-sender.eml'), ['--database', 'postgres://switchboard@127.0.0.1:1/none']);
      assert.equal(r.code, 75, r.stderr);
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  r = await gate('', ['--bogus']);
  assert.equal(r.code, 64);
  r = await mailgate(null, '', ['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /usage: switchboard mailgate --data DIR/);
});

// A mailgate that waits for ever for the lock fails here rather than hangs the suite.
test('a database held by another writer is a temporary failure (75): the MTA tries again later', { timeout: 30000 }, async () => {
  const t = await awaiting('Busy');
  // Hold the write lock longer than the mailgate waits for it (5 s): on
  // SQLite the database's, on PostgreSQL the tickets table's against writers.
  let holder;
  if (server.database === 'sqlite') {
    holder = spawn('sqlite3', [join(server.data, 'switchboard.db')], { stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.write('BEGIN IMMEDIATE;\nSELECT 1;\n');
    await new Promise((r) => setTimeout(r, 300));
  } else {
    holder = spawn('psql', ['-X', '-q', '-d', server.dbArgs[1]], { stdio: ['pipe', 'ignore', 'ignore'] });
    holder.stdin.write('BEGIN;\nLOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;\n');
    const held = () => server.sql("SELECT count(*) FROM pg_locks WHERE mode = 'ShareRowExclusiveLock' AND granted").trim() === '1';
    await until(held, 'the lock');
  }
  const raw = eml('gmail-reply-en.eml', { ticket: t.id }).replace('CAGmail-reply-en', 'busy-retry');
  const r = await gate(raw);
  holder.stdin.end('ROLLBACK;\n');
  await new Promise((res) => holder.once('exit', res));
  assert.equal(r.code, 75, r.stderr);
  // The retry delivers it.
  const again = await gate(raw);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await get(t.id)).status, 'open');
});

test('end to end: a notification answered by mail lands on the ticket and notifies the assignee', async () => {
  const smtp = await startSmtp();
  const live = await startServer({ args: ['--smtp-url', smtp.url] });
  try {
    const o = await makeOrg(live, 'Mail Loop Org');
    const agent = await makeAgent(live, 'client-services');
    const t = await file(o.asSpoc, uiBug({ subject: 'Pacing is off' }));
    let r = await agent.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: agent.user.id });
    assert.equal(r.status, 200, r.text);
    r = await agent.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Which campaign?', kind: 'question' });
    assert.equal(r.status, 201, r.text);
    await smtp.waitFor((all) => to(all, o.spoc.email).some((m) => /Which campaign/.test(m.parsed.text)), 15000, 'the question');
    const question = to(smtp.messages, o.spoc.email).find((m) => /Which campaign/.test(m.parsed.text));

    // The customer answers in their mail program.
    const reply = [
      `From: ${o.spoc.name} <${o.spoc.email}>`,
      'To: Switchboard <support@localhost>',
      `Subject: Re: ${question.parsed.subject}`,
      'Date: Sun, 22 Nov 2026 10:00:00 +0000',
      `Message-ID: <answer-${t.id}@mail-loop-org.example>`,
      `In-Reply-To: ${question.parsed.messageId}`,
      `References: ${question.parsed.references} ${question.parsed.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Campaign 5150, since Friday.',
      '',
      `On Sun, Nov 22, 2026 at 9:00 AM Switchboard <support@localhost> wrote:`,
      ...question.parsed.text.split('\n').map((l) => `> ${l}`),
      '',
    ].join('\r\n');
    const g = await mailgate(live.data, reply, live.dbArgs);
    assert.equal(g.code, 0, g.stderr);
    const list = (await agent.as.get(`/api/v1/tickets/${t.id}/comments`)).json.items;
    assert.equal(list[list.length - 1].body, 'Campaign 5150, since Friday.');
    assert.equal(list[list.length - 1].author.id, o.spoc.id);
    assert.equal((await agent.as.get(`/api/v1/tickets/${t.id}`)).json.status, 'open');
    // The assignee hears of it by mail, as from a portal reply.
    await smtp.waitFor((all) => to(all, agent.user.email).some((m) => m.parsed.text.includes('Campaign 5150')), 15000, 'customer_reply to the assignee');
  } finally {
    await live.stop();
    await smtp.close();
  }
});
