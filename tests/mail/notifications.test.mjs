// The notifications as they arrive at a real SMTP server: who receives
// which mail, in which language, with which headers (docs/mail.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, file, uiBug, emergency, standardDue, nyParts, sec,
} from '../api/harness.mjs';
import { startSmtp, to } from './smtp.mjs';

let smtp, server, org, cs;
before(async () => {
  smtp = await startSmtp();
  server = await startServer({ args: ['--smtp-url', smtp.url] });
  org = await makeOrg(server, 'Mail Org');
  cs = await makeAgent(server, 'client-services');
});
after(async () => {
  await server.stop();
  await smtp.close();
});

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];
const pad = (n) => String(n).padStart(2, '0');
const header = (m, name) => m.parsed.headers.get(name);

// The one mail to ADDRESS whose subject carries TICKET's tag and matches RE.
async function mailFor(address, ticketId, re) {
  const pick = (all) => to(all, address).filter((m) => m.parsed.subject.includes(`[#${ticketId}]`) && re.test(m.parsed.subject));
  await smtp.waitFor((all) => pick(all).length > 0, 15000, `${re} to ${address}`);
  const found = pick(smtp.messages);
  assert.equal(found.length, 1, `one mail ${re} to ${address}`);
  return found[0];
}

// Headers every notification of ticket ID carries.
function assertThreaded(m, id) {
  assert.match(m.parsed.messageId, new RegExp(`^<outbox-\\d+\\.ticket-${id}@localhost>$`));
  assert.equal(m.parsed.inReplyTo, `<ticket-${id}@localhost>`);
  assert.equal(m.parsed.references, `<ticket-${id}@localhost>`);
  assert.equal(header(m, 'auto-submitted'), 'auto-generated');
  assert.equal(m.parsed.from.value[0].address, 'support@localhost');
  assert.equal(m.parsed.from.value[0].name, 'Switchboard');
  assert.match(m.raw, /^Content-Type: multipart\/alternative;/m);
  assert.ok(m.parsed.text && m.parsed.text.length > 0, 'a text/plain part');
  assert.ok(m.parsed.html && m.parsed.html.length > 0, 'a text/html part');
  // RFC 5322: CRLF everywhere, no line over 998 characters (78 in the headers).
  assert.ok(!/[^\r]\n/.test(m.raw), 'every line ends in CRLF');
  const [head] = m.raw.split('\r\n\r\n');
  for (const line of head.split('\r\n')) assert.ok(line.length <= 78, `header line within 78: ${line}`);
}

test('the SPOC who files a request receives "request received" with its number and due time', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Save does nothing <script>alert(1)</script>' }));
  const m = await mailFor(org.spoc.email, t.id, /Request received/);
  assert.deepEqual(m.envelope, { from: 'support@localhost', to: [org.spoc.email] });
  assert.equal(m.parsed.subject, `[#${t.id}] Request received: Save does nothing <script>alert(1)</script>`);
  assertThreaded(m, t.id);
  assert.equal(m.parsed.to.value[0].name, org.spoc.name);
  // The due time, as New York reads it (the default calendar).
  const due = sec(t.first_response_due_at);
  assert.equal(due, standardDue(sec(t.created_at)));
  const p = nyParts(due);
  const when = `${MONTHS[p.m - 1]} ${p.d}, ${p.y} at ${pad(p.h)}:${pad(p.mi)} (America/New_York)`;
  assert.ok(m.parsed.text.includes(when), `the due time ${when} in: ${m.parsed.text}`);
  assert.ok(m.parsed.html.includes(when));
  assert.ok(m.parsed.text.includes(`#${t.id}`));
  // What the customer typed is text in HTML, never markup.
  assert.ok(!m.parsed.html.includes('<script>'), 'no markup from the subject');
  assert.ok(m.parsed.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('a Spanish-speaking recipient gets the mail in Spanish, subject encoded as RFC 2047', async () => {
  const es = await makeOrg(server, 'Org Española');
  const r = await server.admin.patch(`/api/v1/users/${es.spoc.id}`, { language: 'es' });
  assert.equal(r.status, 200, r.text);
  const t = await file(es.asSpoc, uiBug({ subject: 'El botón «Guardar» no funciona' }));
  const m = await mailFor(es.spoc.email, t.id, /Solicitud recibida/);
  assert.equal(m.parsed.subject, `[#${t.id}] Solicitud recibida: El botón «Guardar» no funciona`);
  assert.match(m.raw, /^Subject: \[#\d+\] Solicitud recibida: El =\?UTF-8\?B\?/m, 'non-ASCII words as encoded-words, the tag plain');
  assertThreaded(m, t.id);
  assert.match(m.parsed.text, /^Hola, /);
  assert.match(m.parsed.text, /Le responderemos a más tardar el (lunes|martes|miércoles|jueves|viernes) \d+ de \w+ de \d{4} a las \d\d:\d\d \(America\/New_York\)/);
  assert.match(m.parsed.html, /<html lang="es">/);
  assert.match(m.parsed.text, /prioridad estándar/);
});

test('an emergency is mailed to the organization\'s account representative', async () => {
  const t = await file(org.asSpoc, uiBug(emergency({ subject: 'Ads stopped serving' })));
  const m = await mailFor(org.rep.email, t.id, /EMERGENCY/);
  assert.equal(m.parsed.subject, `[#${t.id}] EMERGENCY from ${org.org.name}: Ads stopped serving`);
  assertThreaded(m, t.id);
  assert.ok(m.parsed.text.includes('+1 212 555 0100'), 'the emergency phone');
  assert.ok(m.parsed.text.includes('an essential production feature is broken'), 'the criterion in words');
  assert.ok(m.parsed.text.includes(org.spoc.name), 'who filed it');
  // The filer hears from us too, with the one-hour target.
  const ack = await mailFor(org.spoc.email, t.id, /Request received/);
  assert.match(ack.parsed.text, /emergency priority/);
});

test('an agent\'s reply reaches the customer with its text, threaded; a note is never mailed', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Reports are empty' }));
  await mailFor(org.spoc.email, t.id, /Request received/);
  const note = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'INTERNAL: check the cache', kind: 'note' });
  assert.equal(note.status, 201, note.text);
  const body = 'We found the cause: the report cache.\nIt is fixed & <verified>.';
  const r = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body });
  assert.equal(r.status, 201, r.text);
  const m = await mailFor(org.spoc.email, t.id, /Reply/);
  assert.equal(m.parsed.subject, `[#${t.id}] Reply: Reports are empty`);
  assertThreaded(m, t.id);
  assert.ok(m.parsed.text.includes('We found the cause: the report cache.\nIt is fixed & <verified>.'), m.parsed.text);
  assert.ok(m.parsed.text.includes(cs.user.name), 'who replied');
  assert.ok(m.parsed.html.includes('It is fixed &amp; &lt;verified&gt;.'));
  assert.ok(!smtp.messages.some((x) => x.raw.includes('INTERNAL')), 'no note in any mail');
});

test('follow-up questions, customer replies, resolution and priority changes are mailed', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Bids are rejected' }));
  let r = await cs.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: cs.user.id });
  assert.equal(r.status, 200, r.text);
  r = await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Which line item?', kind: 'question' });
  assert.equal(r.status, 201, r.text);
  const q = await mailFor(org.spoc.email, t.id, /Question about your request/);
  assert.ok(q.parsed.text.includes('Which line item?'));
  r = await org.asSpoc.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Line item 42.' });
  assert.equal(r.status, 201, r.text);
  const cr = await mailFor(cs.user.email, t.id, /Customer reply/);
  assert.ok(cr.parsed.text.includes('Line item 42.'));
  assert.ok(cr.parsed.text.includes(org.org.name));
  r = await cs.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'emergency', priority_reason: 'Bids fail everywhere.' });
  assert.equal(r.status, 200, r.text);
  const pc = await mailFor(org.spoc.email, t.id, /Priority changed to emergency/);
  assert.ok(pc.parsed.text.includes('Reason: Bids fail everywhere.'));
  r = await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'resolved' });
  assert.equal(r.status, 200, r.text);
  const res = await mailFor(org.spoc.email, t.id, /Resolved/);
  assert.ok(!res.parsed.text.includes('engineering issue'), 'no fix paragraph without a fix');
  // Every mail of the ticket is one thread.
  const all = smtp.messages.filter((m) => m.parsed.subject.includes(`[#${t.id}]`));
  assert.ok(all.length >= 5);
  assert.deepEqual(new Set(all.map((m) => m.parsed.references)), new Set([`<ticket-${t.id}@localhost>`]));
  // Marked sent right after the server's 250 (a moment after the mail arrived).
  let rows;
  for (let i = 0; i < 50; i++) {
    rows = server.sql(`SELECT event, state FROM outbox WHERE ticket_id = ${t.id} ORDER BY id`).trim().split('\n');
    if (rows.every((row) => row.endsWith('|sent'))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(rows.every((row) => row.endsWith('|sent')), rows.join(', '));
});
