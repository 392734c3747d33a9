// The notifications that time brings (docs/mail.md, "SLA timers"), and the
// emergency's on-call alert, as a real SMTP server receives them.
//
// Time is moved with `switchboard jobs --once --now RFC3339`, which judges
// the timers as if the clock read that instant and queues what is due;
// `serve` (the same data directory, a real SMTP server) delivers it. No test
// waits for a real SLA period.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, makeOrg, makeAgent, file, uiBug, emergency, validBody, sec, iso, BIN } from '../api/harness.mjs';
import { startSmtp, to } from './smtp.mjs';

const PUBLIC = 'https://desk.example';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

// A server that delivers to a fresh SMTP server, links to PUBLIC.
// The calendar runs round the clock, so that a standard target is 9 hours
// and its warning at 75% is ahead of it whatever the day the test runs.
async function setup() {
  const smtp = await startSmtp();
  const server = await startServer({ args: ['--smtp-url', smtp.url], env: { SWITCHBOARD_PUBLIC_URL: PUBLIC } });
  const r = await server.admin.request('PUT', '/api/v1/settings/calendar', { timezone: 'UTC', hours: '24x7', holidays_default: false });
  assert.equal(r.status, 200, r.text);
  return { smtp, server };
}

// One timers pass at NOW (epoch seconds), queueing only (serve delivers):
// resolves with how many notifications it queued.
async function timersAt(server, now) {
  const r = await promisify(execFile)(BIN, ['jobs', '--data', server.data, ...server.dbArgs, '--once', '--now', iso(now)], {
    encoding: 'utf8', env: { ...process.env, SWITCHBOARD_SMTP_URL: '' },
  });
  assert.ok(!SANITIZER.test(r.stderr), r.stderr);
  const m = r.stdout.match(/^timers: (\d+) queued$/m);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}

// The outbox rows of EVENT for TICKET, by recipient id.
function queued(server, event, ticket) {
  const out = server.sql(`SELECT recipient_id FROM outbox WHERE event = '${event}' AND ticket_id = ${ticket} ORDER BY recipient_id`).trim();
  return out ? out.split('\n').map(Number) : [];
}

// Waits until the outbox is all sent, then a little more: what arrived is all that will.
async function settle(server) {
  const end = Date.now() + 15000;
  while (server.sql("SELECT count(*) FROM outbox WHERE state = 'pending'").trim() !== '0') {
    if (Date.now() > end) throw new Error('the outbox did not drain');
    await sleep(100);
  }
  await sleep(300);
}

// The mails to ADDRESS about TICKET whose subject matches RE.
const mails = (smtp, address, ticket, re) =>
  to(smtp.messages, address).filter((m) => m.parsed.subject.startsWith(`[#${ticket}] `) && re.test(m.parsed.subject));

test('an emergency reaches the account rep and the team\'s on-call person; without one, the leads', async () => {
  const { smtp, server } = await setup();
  const org = await makeOrg(server, 'Oncall Org');
  const onCall = await makeAgent(server, 'client-services');
  const lead = await makeAgent(server, 'client-services', 'lead');
  const other = await makeAgent(server, 'client-services');
  const appLead = await makeAgent(server, 'app-support', 'lead');
  const appAgent = await makeAgent(server, 'app-support');
  let r = await lead.as.patch('/api/v1/teams/client-services', { on_call: onCall.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.on_call_id, onCall.user.id);

  const t = await file(org.asSpoc, uiBug(emergency({ subject: 'Nothing serves' })));
  await settle(server);
  assert.equal(mails(smtp, org.rep.email, t.id, /^\[#\d+\] EMERGENCY from /).length, 1, 'the rep');
  const [m] = mails(smtp, onCall.user.email, t.id, /EMERGENCY for Client Services: Nothing serves/);
  assert.ok(m, 'the on-call person');
  assert.match(m.parsed.text, /You are the team's on-call person\./);
  assert.ok(m.parsed.text.includes('+1 212 555 0100'));
  assert.ok(m.parsed.text.includes(`${PUBLIC}/agent/tickets/${t.id}`), m.parsed.text);
  assert.ok(m.parsed.html.includes(`<a href="${PUBLIC}/agent/tickets/${t.id}">`), 'a link in HTML');
  for (const u of [lead, other]) assert.equal(mails(smtp, u.user.email, t.id, /EMERGENCY/).length, 0, 'only the on-call person of the team');

  // App Support names nobody: its lead is alerted, not its agents.
  const app = await file(org.asSpoc, { ...uiBug(emergency({ subject: 'App down' })), request_type: 'app-bug' });
  await settle(server);
  const [l] = mails(smtp, appLead.user.email, app.id, /EMERGENCY for /);
  assert.ok(l, 'the lead');
  assert.match(l.parsed.text, /Nobody is on call for the team, so its leads are alerted\./);
  assert.equal(mails(smtp, appAgent.user.email, app.id, /EMERGENCY/).length, 0);
  assert.equal(mails(smtp, onCall.user.email, app.id, /EMERGENCY/).length, 0, 'another team\'s on-call is not alerted');
  await server.stop();
  await smtp.close();
});

test('the 75% warning goes to the assignee, or to the team when unassigned; the breach to the leads; each once', async () => {
  const { smtp, server } = await setup();
  const org = await makeOrg(server, 'Warn Org');
  const a = await makeAgent(server, 'client-services');
  const b = await makeAgent(server, 'client-services');
  const lead = await makeAgent(server, 'client-services', 'lead');
  const outsider = await makeAgent(server, 'app-support');
  const assigned = await file(org.asSpoc, uiBug({ subject: 'Assigned one' }));
  const loose = await file(org.asSpoc, uiBug({ subject: 'Unassigned one' }));
  assert.equal((await a.as.patch(`/api/v1/tickets/${assigned.id}`, { assignee_id: a.user.id })).status, 200);
  const warnAt = sec(assigned.sla_warn_at);
  const due = sec(assigned.first_response_due_at);
  assert.ok(warnAt < due);

  assert.equal(await timersAt(server, warnAt - 60), 0, 'nothing before 75%');
  // Two runners at once: each notification is queued by one of them.
  const counts = await Promise.all([timersAt(server, warnAt + 60), timersAt(server, warnAt + 60)]);
  assert.equal(counts[0] + counts[1], 4, `1 to the assignee, 3 to the team: ${counts}`);
  assert.equal(await timersAt(server, warnAt + 120), 0, 'and not again');
  assert.deepEqual(queued(server, 'sla_warning', assigned.id), [a.user.id]);
  assert.deepEqual(queued(server, 'sla_warning', loose.id), [a.user.id, b.user.id, lead.user.id].sort((x, y) => x - y));
  await settle(server);
  const [w] = mails(smtp, a.user.email, assigned.id, /First response due soon: Assigned one/);
  assert.ok(w, 'the assignee is warned');
  assert.equal(mails(smtp, a.user.email, assigned.id, /First response due soon/).length, 1, 'once');
  assert.match(w.parsed.text, new RegExp(`Assigned to ${a.user.name}\\.`));
  assert.ok(w.parsed.text.includes(`${PUBLIC}/agent/tickets/${assigned.id}`), 'links to the workspace');
  assert.equal(mails(smtp, b.user.email, assigned.id, /First response/).length, 0, 'not the team when assigned');
  for (const u of [a, b, lead]) {
    const got = mails(smtp, u.user.email, loose.id, /First response due soon: Unassigned one/);
    assert.equal(got.length, 1, `${u.user.email} warned once of the unassigned ticket`);
    assert.match(got[0].parsed.text, /Nobody is assigned: anyone in the Client Services team may take it\./);
  }
  assert.equal(to(smtp.messages, outsider.user.email).length, 0, 'another team hears nothing');

  // The target passes unanswered: the lead is alerted, over the assignee's head.
  const answered = await file(org.asSpoc, uiBug({ subject: 'Answered in time' }));
  assert.equal((await a.as.post(`/api/v1/tickets/${answered.id}/comments`, { body: 'On it.' })).status, 201);
  const both = await Promise.all([timersAt(server, due + 60), timersAt(server, due + 60)]);
  assert.equal(both[0] + both[1], 2, `one breach alert per ticket: ${both}`);
  assert.equal(await timersAt(server, due + 3600), 0);
  assert.deepEqual(queued(server, 'sla_breach', assigned.id), [lead.user.id]);
  assert.deepEqual(queued(server, 'sla_breach', loose.id), [lead.user.id]);
  assert.deepEqual(queued(server, 'sla_breach', answered.id), [], 'an answered ticket never breaches');
  assert.deepEqual(queued(server, 'sla_warning', answered.id), []);
  await settle(server);
  const [br] = mails(smtp, lead.user.email, assigned.id, /SLA BREACHED: Assigned one/);
  assert.ok(br, 'the lead hears of the breach');
  assert.match(br.parsed.text, /missed its first-response target/);
  assert.equal(mails(smtp, a.user.email, assigned.id, /BREACHED/).length, 0, 'the breach goes to the leads');
  await server.stop();
  await smtp.close();
});

test('a priority change that moves the target re-arms the warning for the new target', async () => {
  const { smtp, server } = await setup();
  const org = await makeOrg(server, 'Rearm Org');
  const a = await makeAgent(server, 'client-services');
  const t = await file(org.asSpoc, uiBug({ subject: 'Upgrade me' }));
  await a.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: a.user.id });
  assert.equal(await timersAt(server, sec(t.sla_warn_at) + 1), 1, 'warned of the standard target');
  const r = await a.as.patch(`/api/v1/tickets/${t.id}`, { priority: 'emergency', priority_reason: 'Ads are down' });
  assert.equal(r.status, 200, r.text);
  const newWarn = sec(r.json.sla_warn_at);
  assert.notEqual(r.json.first_response_due_at, t.first_response_due_at);
  assert.ok(newWarn < sec(t.sla_warn_at));
  assert.equal(await timersAt(server, newWarn + 1), 1, 'warned again, of the emergency target');
  assert.equal(await timersAt(server, sec(r.json.first_response_due_at) - 1), 0);
  await settle(server);
  assert.equal(mails(smtp, a.user.email, t.id, /First response due soon/).length, 2);
  await server.stop();
  await smtp.close();
});

test('emergency updates are due every N minutes, paused while awaiting the customer, restarted by a public reply', async () => {
  const { smtp, server } = await setup();
  let r = await server.admin.request('PUT', '/api/v1/settings/sla', { warn_percent: 75, emergency_update_minutes: 30 });
  assert.equal(r.status, 200, r.text);
  const org = await makeOrg(server, 'Update Org');
  const a = await makeAgent(server, 'client-services');
  // Spanish speakers read Spanish.
  assert.equal((await server.admin.patch(`/api/v1/users/${a.user.id}`, { language: 'es' })).status, 200);
  const t = await file(org.asSpoc, uiBug(emergency({ subject: 'Blank placements' })));
  await a.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: a.user.id });
  const t0 = sec(t.created_at);
  const reminders = () => queued(server, 'emergency_update_due', t.id).length;

  await timersAt(server, t0 + 29 * 60);
  assert.equal(reminders(), 0, 'not before 30 minutes');
  await timersAt(server, t0 + 31 * 60);
  assert.equal(reminders(), 1, 'at 30 minutes');
  await Promise.all([timersAt(server, t0 + 40 * 60), timersAt(server, t0 + 40 * 60)]);
  assert.equal(reminders(), 1, 'not again within the next 30 minutes, however many runners');
  await timersAt(server, t0 + 62 * 60);
  assert.equal(reminders(), 2, 'and again 30 minutes later');
  assert.deepEqual(new Set(queued(server, 'emergency_update_due', t.id)), new Set([a.user.id]), 'to the assignee');

  // A public reply restarts the clock.
  r = await a.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'We are on it.' });
  assert.equal(r.status, 201, r.text);
  const replied = sec(r.json.created_at);
  await timersAt(server, replied + 29 * 60);
  assert.equal(reminders(), 2, 'the reply restarted the clock');
  await timersAt(server, replied + 31 * 60);
  assert.equal(reminders(), 3);

  // A follow-up question: waiting for the customer pauses the reminders.
  r = await a.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Which placements?', kind: 'question' });
  assert.equal(r.status, 201, r.text);
  await timersAt(server, sec(r.json.created_at) + 10 * 3600);
  assert.equal(reminders(), 3, 'paused while awaiting the customer');
  r = await org.asSpoc.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Placements 1 and 2.' });
  assert.equal(r.status, 201, r.text);
  const back = sec(r.json.created_at);
  await timersAt(server, back + 29 * 60);
  assert.equal(reminders(), 3, 'a full period from the customer\'s answer');
  await timersAt(server, back + 31 * 60);
  assert.equal(reminders(), 4);

  await settle(server);
  const got = mails(smtp, a.user.email, t.id, /Toca actualizar la emergencia: Blank placements/);
  assert.equal(got.length, 4, 'each reminder mailed once, in Spanish');
  assert.match(got[0].parsed.text, /no tiene noticias nuestras desde hace 30 minutos/);
  assert.ok(got[0].parsed.text.includes(`${PUBLIC}/agent/tickets/${t.id}`));
  await server.stop();
  await smtp.close();
});

test('muted notifications are not sent, essential ones still are', async () => {
  const { smtp, server } = await setup();
  const org = await makeOrg(server, 'Mute Org');
  const lead = await makeAgent(server, 'client-services', 'lead');
  const agent = await makeAgent(server, 'client-services');
  let r = await lead.as.patch(`/api/v1/users/${lead.user.id}`, { muted: ['sla_warning', 'emergency_update_due'] });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.muted, ['sla_warning', 'emergency_update_due']);
  // The account rep mutes the copies of account requests; an emergency still reaches them.
  assert.equal((await org.asRep.patch(`/api/v1/users/${org.rep.id}`, { muted: ['account_request'] })).status, 200);

  const t = await file(org.asSpoc, uiBug({ subject: 'Muted warning' }));
  const acct = await file(org.asSpoc, validBody('billing', { subject: 'Invoice question' }));
  const em = await file(org.asSpoc, uiBug(emergency({ subject: 'Muted rep emergency' })));
  await timersAt(server, sec(t.first_response_due_at) + 60);
  assert.deepEqual(queued(server, 'sla_warning', t.id), [agent.user.id], 'the lead muted warnings');
  assert.deepEqual(queued(server, 'sla_breach', t.id), [lead.user.id], 'a breach is essential');
  assert.deepEqual(queued(server, 'account_request', acct.id), [], 'the rep muted account requests');
  assert.deepEqual(queued(server, 'emergency_filed', em.id), [org.rep.id], 'an emergency is essential');
  await settle(server);
  assert.equal(mails(smtp, lead.user.email, t.id, /First response due soon/).length, 0);
  assert.equal(mails(smtp, agent.user.email, t.id, /First response due soon/).length, 1);
  assert.equal(mails(smtp, lead.user.email, t.id, /SLA BREACHED/).length, 1);
  assert.equal(mails(smtp, org.rep.email, em.id, /EMERGENCY from/).length, 1);
  assert.equal(mails(smtp, org.rep.email, acct.id, /Account request/).length, 0);
  // The customer's own mail is never mutable.
  r = await org.asSpoc.patch(`/api/v1/users/${org.spoc.id}`, { muted: ['request_received'] });
  assert.equal(r.status, 422, r.text);
  assert.equal(mails(smtp, org.spoc.email, t.id, /Request received/).length, 1);
  await server.stop();
  await smtp.close();
});

test('mails link to the portal for customers, and an incomplete request says what is missing', async () => {
  const { smtp, server } = await setup();
  const org = await makeOrg(server, 'Link Org');
  const a = await makeAgent(server, 'client-services');
  // No screenshot: a UI bug's recommended field is missing.
  const complete = { urls: ['https://example.com/page'], object_ids: [{ type: 'line_item', id: '42' }] };
  const t = await file(org.asSpoc, uiBug({ subject: 'Incomplete one', ...complete }));
  assert.ok(t.completeness.percent < 100, JSON.stringify(t.completeness));
  await a.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Hello there.' });
  await settle(server);
  const [rr] = mails(smtp, org.spoc.email, t.id, /Request received/);
  assert.match(rr.parsed.text, /Your request is missing details that help us solve it: [^\n]*a screenshot\. Please complete it in the support portal: /);
  assert.ok(rr.parsed.text.includes(`Please complete it in the support portal: ${PUBLIC}/portal/tickets/${t.id}\n`), rr.parsed.text);
  assert.ok(!rr.parsed.text.includes('You can follow it'));
  assert.ok(rr.parsed.html.includes(`<a href="${PUBLIC}/portal/tickets/${t.id}">`));
  const [reply] = mails(smtp, org.spoc.email, t.id, /Reply/);
  assert.ok(reply.parsed.text.includes(`Answer in the support portal: ${PUBLIC}/portal/tickets/${t.id}`), reply.parsed.text);

  // Complete (with a screenshot): followed, not completed.
  const body = new FormData();
  body.append('ticket', JSON.stringify(uiBug({ subject: 'Complete one', ...complete })));
  body.append('file', new Blob([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], { type: 'image/png' }), 'shot.png');
  const res = await fetch(`${server.base}/api/v1/tickets`, { method: 'POST', headers: { Cookie: org.asSpoc.cookie, 'X-CSRF-Token': org.asSpoc.csrf }, body });
  const full = await res.json();
  assert.equal(res.status, 201, JSON.stringify(full));
  assert.equal(full.completeness.percent, 100);
  await settle(server);
  const [ok] = mails(smtp, org.spoc.email, full.id, /Request received/);
  assert.ok(ok.parsed.text.includes(`You can follow it in the support portal: ${PUBLIC}/portal/tickets/${full.id}`), ok.parsed.text);
  assert.ok(!ok.parsed.text.includes('missing details'));
  await server.stop();
  await smtp.close();
});

test('jobs --now takes an RFC 3339 instant, with --once only', async () => {
  const server = await startServer({ env: { SWITCHBOARD_SMTP_URL: '' } });
  const run = async (args) => {
    try {
      const r = await promisify(execFile)(BIN, ['jobs', '--data', server.data, ...server.dbArgs, ...args], { encoding: 'utf8', env: { ...process.env, SWITCHBOARD_SMTP_URL: '' } });
      return { status: 0, stdout: r.stdout };
    } catch (e) {
      assert.ok(!SANITIZER.test(e.stderr), e.stderr);
      return { status: e.code, stderr: e.stderr };
    }
  };
  let r = await run(['--once', '--now', '2026-11-23 15:00']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--now.*RFC 3339/);
  r = await run(['--now', '2026-11-23T15:00:00Z']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--now.*only with --once/);
  r = await run(['--once', '--now', '2026-11-23T10:00:00-05:00']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^timers: 0 queued$/m);
  await server.stop();
});
