// The agent workspace: the queue (live countdowns, acknowledge, live
// updates, keyboard), the ticket view (notes, questions, replies, priority,
// assignment, conflicts, engineering links) and its Spanish.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeBrowser, emergency, expectAccessible, expectClean, file, makeAgent, makeOrg, newPage,
  PASSWORD, screenshot, shows, signIn, signInUI, startServer, uiBug,
} from './harness.mjs';

const ACK_EN = 'Thank you, we have received your request and are looking into it.';
const ACK_ES = 'Gracias, hemos recibido su solicitud y la estamos revisando.';

let server, agent, agent2;
before(async () => {
  server = await startServer();
  agent = await makeAgent(server, 'client-services');
  agent2 = await makeAgent(server, 'client-services');
});
after(async () => { await closeBrowser(); await server.stop(); });

const now = "strftime('%s','now')";
const row = (page, id) => page.locator(`.q-row[data-ticket="${id}"]`);
const sla = (page, id) => row(page, id).locator('[data-sla]');
// Rows are content-visibility: auto, so a row not yet painted (just added,
// or below the fold) has an innerText of ''; tests read its textContent.

async function openQueue(page, path = '/agent') {
  await signInUI(page, agent.user.email, PASSWORD, { path });
  await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
}

async function openTicket(page, id, who = agent.user) {
  await signInUI(page, who.email, PASSWORD, { path: `/agent/tickets/${id}` });
  await page.locator('#ticket-title').waitFor();
}

// Reloads PAGE and waits for the app's shell.
async function reload(page) {
  await page.reload();
  await page.locator('header.topbar').waitFor();
}

async function ticket(id) {
  const res = await server.admin.get(`/api/v1/tickets/${id}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('the queue sorts by due time with live countdowns: amber at 75%, red once due', async () => {
  const acme = await makeOrg(server, 'Queue Acme');
  const later = await file(acme.asSpoc, uiBug({ subject: 'Report export is slow' }));
  const soon = await file(acme.asSpoc, uiBug({ subject: 'Bid modifiers ignored' }));
  const late = await file(acme.asSpoc, uiBug({ subject: 'Ad server down', ...emergency() }));
  // later: due in 30 days (on time); soon: filed a week ago, due in an hour
  // (past 75% of its business time); late: due ten minutes ago.
  server.sql(`UPDATE tickets SET first_response_due_at = ${now} + 30 * 86400 WHERE id = ${later.id}`);
  server.sql(`UPDATE tickets SET created_at = ${now} - 7 * 86400, first_response_due_at = ${now} + 3600 WHERE id = ${soon.id}`);
  server.sql(`UPDATE tickets SET created_at = ${now} - 3600, first_response_due_at = ${now} - 600 WHERE id = ${late.id}`);

  const page = await newPage(server);
  await openQueue(page, `/agent?org=${acme.org.id}`);
  await row(page, later.id).waitFor();

  // The server's order and the screen's agree: by due time.
  const api = await agent.as.get(`/api/v1/tickets?sort=due&org_id=${acme.org.id}`);
  assert.deepEqual(api.json.items.map((t) => t.id), [late.id, soon.id, later.id]);
  const shown = await page.locator('.q-body .q-row').evaluateAll((rows) => rows.map((r) => Number(r.dataset.ticket)));
  assert.deepEqual(shown, [late.id, soon.id, later.id], 'rows sorted by due time');

  assert.equal(await sla(page, later.id).getAttribute('data-sla'), 'ok');
  assert.equal(await sla(page, soon.id).getAttribute('data-sla'), 'warn');
  assert.equal(await sla(page, late.id).getAttribute('data-sla'), 'breach');
  assert.match(await sla(page, soon.id).textContent(), /due in (59m|1h)/);
  assert.match(await sla(page, late.id).textContent(), /overdue by 1\dm/);
  const bg = (id) => sla(page, id).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(await bg(soon.id), 'rgb(254, 243, 199)', 'amber');
  assert.equal(await bg(late.id), 'rgb(254, 226, 226)', 'red');
  // The emergency stands out, and the row shows what an agent scans for.
  assert.match(await row(page, late.id).getAttribute('class'), /q-emergency/);
  const cells = (await row(page, late.id).locator('[role=cell]').allTextContents()).map((c) => c.trim());
  assert.equal(cells[0], `#${late.id}`);
  assert.equal(cells[1], 'Ad server down');
  assert.equal(cells[2], 'Queue Acme');
  assert.equal(cells[3], 'UI/API bugs and product issues');
  assert.equal(cells[4], 'Emergency');
  assert.equal(cells[5], 'New');
  assert.equal(cells[6], 'Unassigned');

  // The countdowns tick without a reload.
  const before = await sla(page, soon.id).textContent();
  await page.waitForFunction(([id, text]) => document.querySelector(`.q-row[data-ticket="${id}"] [data-sla]`).textContent.trim() !== text.trim(), [soon.id, before]);

  await expectAccessible(page, 'the queue');
  await screenshot(page, 'agent-queue');

  // Keyboard: j/k select, "/" finds, Enter opens; nothing fires while typing.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await row(page, late.id).getAttribute('aria-current'), 'true');
  assert.equal(await row(page, soon.id).getAttribute('aria-current'), null);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'q-text');
  await page.keyboard.type('jj');
  assert.equal(await page.locator('#q-text').inputValue(), 'jj', 'typing j in the filter types it');
  await page.locator('#q-text').fill('');
  await row(page, late.id).waitFor();
  assert.equal(await row(page, late.id).getAttribute('aria-current'), 'true', 'the selection did not move');
  await page.locator('#q-text').fill('bid modifiers');
  await page.waitForFunction(() => document.querySelectorAll('.q-body .q-row').length === 1);
  await page.waitForURL(/q=bid/);
  await page.locator('#q-text').fill('');
  await page.waitForFunction(() => document.querySelectorAll('.q-body .q-row').length === 3);

  // "?" opens the shortcut help as a dialog with the focus in it; Escape gives it back.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor();
  assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), 'focus moves into the dialog');
  assert.match(await dialog.innerText(), /Acknowledge the selected ticket/);
  await expectAccessible(page, 'the queue with the shortcut help open');
  await screenshot(page, 'agent-shortcuts');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });

  await page.locator(`.q-row[data-ticket="${soon.id}"] .q-link`).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/agent/tickets/${soon.id}`);
  await shows(page, page.locator('#ticket-title'));
  await page.keyboard.press('e');
  await page.waitForURL(/\/agent\?org=/);
  await row(page, soon.id).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.closest('.q-row')?.dataset.ticket), String(soon.id), 'back in the queue at the same row');

  // At phone width the queue still reads (fewer columns, no page overflow).
  await page.setViewportSize({ width: 375, height: 800 });
  assert.equal(await page.locator(`.q-row[data-ticket="${soon.id}"] .q-org`).isVisible(), false);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 376), 'no horizontal page scroll');
  expectClean(page, [/401/]);
  await page.context().close();
});

test('an agent acknowledges from the queue (button and "c"); the countdown stops', async () => {
  const acme = await makeOrg(server, 'Ack Acme');
  const one = await file(acme.asSpoc, uiBug({ subject: 'Creative preview blank' }));
  const two = await file(acme.asSpoc, uiBug({ subject: 'Segment not shared' }));
  const hola = await makeOrg(server, 'Ack Hola');
  assert.equal((await server.admin.patch(`/api/v1/orgs/${hola.org.id}`, { language: 'es' })).status, 200);
  const tres = await file(hola.asSpoc, uiBug({ subject: 'Pujas rechazadas' }));

  const page = await newPage(server);
  await openQueue(page, '/agent?view=all');
  await row(page, one.id).waitFor();
  assert.equal(await sla(page, one.id).getAttribute('data-sla'), 'ok');

  await page.getByRole('button', { name: `Acknowledge ticket #${one.id}` }).click();
  await page.getByRole('status').filter({ hasText: `Ticket #${one.id} acknowledged` }).waitFor();
  await page.waitForFunction((id) => document.querySelector(`.q-row[data-ticket="${id}"] [data-sla]`)?.dataset.sla === 'met', one.id);
  assert.equal(await sla(page, one.id).textContent(), 'Responded');
  assert.equal(await row(page, one.id).locator('.badge.status-open').textContent(), 'Open');
  assert.equal(await page.getByRole('button', { name: `Acknowledge ticket #${one.id}` }).count(), 0, 'no second acknowledgment');

  const t1 = await ticket(one.id);
  assert.ok(t1.first_response_at, 'first_response_at is set');
  assert.equal(t1.status, 'open');
  const c1 = await acme.asSpoc.get(`/api/v1/tickets/${one.id}/comments`);
  assert.deepEqual(c1.json.items.map((c) => [c.kind, c.body]), [['reply', ACK_EN]], 'the customer sees the standard reply');

  // The shortcut on the selected row; a Spanish-speaking customer gets Spanish.
  for (const t of [two, tres]) {
    await row(page, t.id).locator('[role=cell]').first().click();
    assert.equal(await row(page, t.id).getAttribute('aria-current'), 'true');
    await page.keyboard.press('c');
    await page.waitForFunction((id) => document.querySelector(`.q-row[data-ticket="${id}"] [data-sla]`)?.dataset.sla === 'met', t.id);
  }
  assert.ok((await ticket(two.id)).first_response_at);
  const c3 = await hola.asSpoc.get(`/api/v1/tickets/${tres.id}/comments`);
  assert.deepEqual(c3.json.items.map((c) => c.body), [ACK_ES]);
  expectClean(page, [/401/]);
  await page.context().close();
});

test('live: a ticket filed while the queue is open appears without a reload', async () => {
  const acme = await makeOrg(server, 'Live Acme');
  const first = await file(acme.asSpoc, uiBug({ subject: 'First of the day' }));
  const page = await newPage(server);
  await openQueue(page, '/agent');
  await row(page, first.id).waitFor();
  await page.evaluate(() => { window.__same_page = true; });
  await row(page, first.id).locator('[role=cell]').first().click();
  await page.locator('#q-text').fill('live');
  await page.waitForURL(/q=live/);

  // An emergency: its countdown shows seconds, so the ticking shows within the wait.
  const fresh = await file(acme.asSpoc, uiBug({ subject: 'Live pacing broken', ...emergency() }));
  await row(page, fresh.id).waitFor({ timeout: 5000 });
  assert.equal(await row(page, fresh.id).locator('.q-link').textContent(), 'Live pacing broken');
  assert.equal(await page.evaluate(() => window.__same_page), true, 'no reload');
  // The refresh kept everything else: the filter, the selection, the ticking.
  assert.equal(await page.locator('#q-text').inputValue(), 'live');
  assert.equal(await row(page, first.id).getAttribute('aria-current'), 'true');
  assert.equal(await page.locator('.q-body .q-row').count(), 2);
  const before = await sla(page, fresh.id).textContent();
  await page.waitForFunction(([id, text]) => document.querySelector(`.q-row[data-ticket="${id}"] [data-sla]`).textContent !== text, [fresh.id, before]);

  // A change elsewhere (another agent acknowledges) shows up too.
  const r = await agent2.as.post(`/api/v1/tickets/${first.id}/comments`, { kind: 'reply', body: 'On it.' });
  assert.equal(r.status, 201);
  await page.waitForFunction((id) => document.querySelector(`.q-row[data-ticket="${id}"] [data-sla]`)?.dataset.sla === 'met', first.id);
  expectClean(page, [/401/]);
  await page.context().close();
});

test('ticket view: an internal note stays internal, a question waits for the customer, a reply goes out', async () => {
  const acme = await makeOrg(server, 'View Acme');
  const t = await file(acme.asSpoc, uiBug({
    subject: 'Line item budget resets',
    object_ids: [{ type: 'line_item', id: '4455' }],
    urls: ['https://console.example/li/4455'],
  }));
  const page = await newPage(server);
  await openTicket(page, t.id);

  // The structured request and its completeness.
  const request = page.getByRole('region', { name: 'Request' });
  for (const text of ['The Save button on the line item page does not respond.', 'Traders cannot change bids.',
    '1. Open a line item', 'Firefox 133', 'Ubuntu 24.04', 'line_item', '4455', 'https://console.example/li/4455',
    'Spoc View Acme', 'View Acme', 'UI/API bugs and product issues']) {
    assert.ok((await request.innerText()).includes(text), `the request shows ${text}`);
  }
  const complete = page.getByRole('region', { name: 'Completeness' });
  assert.match(await complete.innerText(), new RegExp(`${t.completeness.percent}%`));
  if (t.completeness.missing.includes('attachments')) assert.match(await complete.innerText(), /Screenshot/);
  assert.equal(await page.locator('.t-sla [data-sla]').getAttribute('data-sla'), 'ok');
  await expectAccessible(page, 'the ticket view');
  await screenshot(page, 'agent-ticket');

  // "n": an internal note, in a composer that looks different.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('n');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-body');
  assert.equal(await page.locator('#composer-body').inputValue(), '', 'the shortcut key is not typed');
  assert.equal(await page.locator('.composer').getAttribute('data-mode'), 'note');
  assert.match(await page.locator('.composer-banner').innerText(), /only staff see this note/);
  assert.equal(await page.getByLabel('Internal note (staff only)').count(), 1);
  await page.keyboard.type('Customer is on the legacy budget pacer; check with eng.');
  await screenshot(page, 'agent-ticket-note');
  await page.keyboard.press('Control+Enter');
  await page.getByRole('status').filter({ hasText: 'Internal note added.' }).waitFor();
  const note = page.locator('.conversation li[data-kind="note"]');
  await note.waitFor();
  assert.match(await note.getAttribute('class'), /message-note/);
  assert.match(await note.innerText(), /Internal note/);
  assert.equal(await page.locator('#composer-body').inputValue(), '', 'the composer clears after sending');
  const spocView = await acme.asSpoc.get(`/api/v1/tickets/${t.id}/comments`);
  assert.equal(spocView.json.items.length, 0, 'the customer does not see the note');
  const staffView = await agent.as.get(`/api/v1/tickets/${t.id}/comments`);
  assert.deepEqual(staffView.json.items.map((c) => c.kind), ['note']);
  assert.equal((await ticket(t.id)).first_response_at, null, 'a note is not a response');

  // "q": ask the customer; the ticket waits for them.
  await page.locator('#composer-body').blur();
  await page.keyboard.press('q');
  assert.equal(await page.locator('.composer').getAttribute('data-mode'), 'question');
  await page.keyboard.type('Which line item ids are affected besides 4455?');
  await page.getByRole('button', { name: 'Send question' }).click();
  await page.locator('.t-badges .status-awaiting_customer').waitFor();
  assert.equal(await page.locator('.t-badges .status-awaiting_customer').innerText(), 'Awaiting customer');
  await page.locator('.t-sla [data-sla="met"]').waitFor();
  assert.equal(await page.locator('.t-sla [data-sla]').innerText(), 'Responded', 'the countdown stops');
  const afterQ = await ticket(t.id);
  assert.equal(afterQ.status, 'awaiting_customer');
  assert.ok(afterQ.first_response_at);

  // "r": a public reply.
  await page.locator('#composer-body').blur();
  await page.keyboard.press('r');
  assert.equal(await page.locator('.composer').getAttribute('data-mode'), 'reply');
  await page.keyboard.type('We are looking at the pacer now.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByRole('status').filter({ hasText: 'Reply sent to the customer.' }).waitFor();
  await page.locator('.conversation li', { hasText: 'We are looking at the pacer now.' }).waitFor();
  const seen = await acme.asSpoc.get(`/api/v1/tickets/${t.id}/comments`);
  assert.deepEqual(seen.json.items.map((c) => c.kind), ['question', 'reply'], 'the customer sees the question and the reply, not the note');

  // Live: the customer answers while the agent looks; it shows without a reload.
  await page.evaluate(() => { window.__same_page = true; });
  const answer = await acme.asSpoc.post(`/api/v1/tickets/${t.id}/comments`, { body: 'Also 4456 and 4457.' });
  assert.equal(answer.status, 201, answer.text);
  await page.locator('.conversation li', { hasText: 'Also 4456 and 4457.' }).waitFor();
  await page.locator('.t-badges .status-open').waitFor();
  assert.equal(await page.evaluate(() => window.__same_page), true, 'no reload');

  // The help dialog on the ticket view.
  await page.locator('#composer-body').blur();
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await expectAccessible(page, 'the ticket view with the shortcut help open');
  await page.keyboard.press('Escape');
  expectClean(page, [/401/]);
  await page.context().close();
});

test('downgrading an emergency needs a reason the customer sees', async () => {
  const acme = await makeOrg(server, 'Prio Acme');
  const t = await file(acme.asSpoc, uiBug({ subject: 'One campaign under-delivers', ...emergency() }));
  const page = await newPage(server);
  await openTicket(page, t.id);
  assert.match(await page.locator('.t-emergency').innerText(), /no workaround/);
  assert.match(await page.locator('.t-emergency').innerText(), /\+1 212 555 0100/);

  await page.getByLabel('Priority').selectOption('standard');
  const reason = page.getByLabel(/Reason for the customer/);
  await reason.waitFor();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Tell the customer why this is not an emergency.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA', 'focus goes to the reason');
  assert.equal((await ticket(t.id)).priority, 'emergency', 'nothing was sent');
  await expectAccessible(page, 'the properties with the reason missing');

  const why = 'One campaign is affected and serving continues: handled as standard.';
  await reason.fill(why);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
  await page.locator('.t-badges .priority-standard').waitFor();
  assert.equal((await ticket(t.id)).priority, 'standard');
  const history = await agent.as.get(`/api/v1/tickets/${t.id}/history`);
  const change = history.json.items.find((h) => h.field === 'priority');
  assert.deepEqual([change.from, change.to, change.note], ['emergency', 'standard', why]);

  // The history section shows it too.
  await page.getByText('History').click();
  await page.locator('.t-history-list li', { hasText: 'Priority: Emergency → Standard' }).waitFor();
  assert.match(await page.locator('.t-history-list').innerText(), new RegExp(`Reason: ${why}`));
  expectClean(page, [/401/]);
  await page.context().close();
});

test('assign with "a", change the status, and survive a concurrent change (412)', async () => {
  const acme = await makeOrg(server, 'Conflict Acme');
  const t = await file(acme.asSpoc, uiBug({ subject: 'Deals missing from report' }));
  assert.equal((await agent2.as.post(`/api/v1/tickets/${t.id}/comments`, { kind: 'reply', body: 'Looking.' })).status, 201);
  const page = await newPage(server);
  await openTicket(page, t.id);

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('a');
  await page.getByRole('status').filter({ hasText: 'The ticket is now assigned to you.' }).waitFor();
  assert.equal(await page.getByTestId('assignee').innerText(), agent.user.name);
  assert.equal((await ticket(t.id)).assignee_id, agent.user.id);

  // "s" goes to the status; the agent picks "Pending engineering"...
  await page.keyboard.press('s');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'SELECT');
  await page.getByLabel('Status').selectOption('pending_engineering');
  // ...while a colleague reassigns the ticket.
  const current = await agent2.as.get(`/api/v1/tickets/${t.id}`);
  const other = await agent2.as.patch(`/api/v1/tickets/${t.id}`, { assignee_id: agent2.user.id }, { 'If-Match': current.headers.get('etag') });
  assert.equal(other.status, 200, other.text);
  // The live refresh shows the colleague's change, but the agent's choice
  // was made on the older ticket: saving it is refused, not silently merged.
  await page.waitForFunction((name) => document.querySelector('[data-testid="assignee"]')?.textContent === name, agent2.user.name);
  assert.equal(await page.getByLabel('Status').inputValue(), 'pending_engineering', 'the edit in progress is kept');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Someone else changed this ticket' }).waitFor();
  // The view shows the latest ticket; the server kept the colleague's change only.
  await page.waitForFunction((name) => document.querySelector('[data-testid="assignee"]')?.textContent === name, agent2.user.name);
  assert.equal(await page.getByLabel('Status').inputValue(), 'open');
  const mid = await ticket(t.id);
  assert.deepEqual([mid.status, mid.assignee_id], ['open', agent2.user.id]);

  // Saving again works.
  await page.getByLabel('Status').selectOption('pending_engineering');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
  await page.locator('.t-badges .status-pending_engineering').waitFor();
  assert.equal((await ticket(t.id)).status, 'pending_engineering');
  expectClean(page, [/401/, /412/]);
  await page.context().close();
});

test('engineering: link an existing issue by its key, or record a new one; the fix resolves every linked ticket', async () => {
  const acme = await makeOrg(server, 'Eng Acme');
  const first = await file(acme.asSpoc, uiBug({ subject: 'Budget ignored on one line item' }));
  const t = await file(acme.asSpoc, uiBug({ subject: 'PUT /line-item ignores budget' }));
  for (const x of [first, t]) {
    assert.equal((await agent.as.post(`/api/v1/tickets/${x.id}/comments`, { kind: 'reply', body: 'Reproduced.' })).status, 201);
  }
  // The issue is already recorded and linked to another ticket (through the API).
  const key = `ENG-${Date.now() % 100000}`;
  const made = await agent.as.post('/api/v1/engineering-issues', {
    key, title: 'Budget field dropped on PUT', url: `https://tracker.example/browse/${key}`,
  });
  assert.equal(made.status, 201, made.text);
  const issueId = made.json.id;
  assert.equal((await agent.as.post(`/api/v1/tickets/${first.id}/engineering-links`, { issue_id: issueId })).status, 201);

  const page = await newPage(server);
  await openTicket(page, t.id);
  const eng = page.getByRole('region', { name: 'Engineering' });
  assert.match(await eng.innerText(), /No engineering issue is linked/);
  await eng.getByRole('button', { name: 'Link an engineering issue' }).click();
  await eng.getByLabel('Issue key').fill(key);
  // The form says the key names a recorded issue, which it will link as it is.
  const lookup = eng.getByTestId('eng-lookup');
  await lookup.filter({ hasText: `${key} is already recorded, on 1 ticket: it will be linked as it is.` }).waitFor();
  assert.match(await lookup.innerText(), /Budget field dropped on PUT/);
  assert.equal(await eng.getByLabel('Title').count(), 0, 'no title to give an issue that exists');
  await expectAccessible(page, 'the engineering form with an existing key');
  await eng.getByRole('button', { name: 'Link existing issue' }).click();
  await page.getByRole('status').filter({ hasText: `The existing issue ${key} is linked to this ticket: it now covers 2 tickets.` }).waitFor();
  const item = eng.locator(`li[data-issue="${key}"]`);
  await item.waitFor();
  assert.equal(await item.getByRole('link', { name: key }).getAttribute('href'), `https://tracker.example/browse/${key}`);
  assert.match(await item.innerText(), /Budget field dropped on PUT/);
  assert.match(await item.innerText(), /Not fixed yet/);
  assert.match(await item.innerText(), /also on 1 other ticket/);
  await page.locator('.t-badges .status-pending_engineering').waitFor();

  // No second issue was made: both tickets are linked to the one issue.
  const issue = (await agent.as.get(`/api/v1/engineering-issues/${issueId}`)).json;
  assert.deepEqual(issue.ticket_ids, [first.id, t.id]);
  assert.deepEqual((await agent.as.get(`/api/v1/engineering-issues?key=${key}`)).json.items.map((i) => i.id), [issueId]);
  for (const x of [first, t]) {
    const links = (await agent.as.get(`/api/v1/tickets/${x.id}/engineering-links`)).json.items;
    assert.deepEqual(links.map((i) => [i.id, i.title]), [[issueId, 'Budget field dropped on PUT']]);
  }
  assert.equal((await ticket(t.id)).status, 'pending_engineering');
  const history = await agent.as.get(`/api/v1/tickets/${t.id}/history`);
  assert.ok(history.json.items.some((h) => h.field === 'engineering_issue' && h.to === key));

  // A key not recorded yet makes the issue, with its title and URL, and links it.
  const fresh = `${key}-B`;
  await eng.getByRole('button', { name: 'Link an engineering issue' }).click();
  await eng.getByLabel('Issue key').fill(fresh);
  await lookup.filter({ hasText: `${fresh} is not recorded yet` }).waitFor();
  await eng.getByLabel('Title').fill('Pacing off by one day');
  await eng.getByLabel('URL').fill(`https://tracker.example/browse/${fresh}`);
  await expectAccessible(page, 'the engineering form with a new key');
  await eng.getByRole('button', { name: 'Create and link' }).click();
  await page.getByRole('status').filter({ hasText: `${fresh} was recorded and linked to this ticket.` }).waitFor();
  await eng.locator(`li[data-issue="${fresh}"]`, { hasText: 'Pacing off by one day' }).waitFor();
  const created = (await agent.as.get(`/api/v1/engineering-issues?key=${fresh}`)).json.items;
  assert.deepEqual(created.map((i) => [i.title, i.ticket_ids]), [['Pacing off by one day', [t.id]]]);

  // After a reload the list comes from the server: keys, titles, links.
  await reload(page);
  await page.locator('#ticket-title').waitFor();
  await eng.locator(`li[data-issue="${key}"]`, { hasText: 'Budget field dropped on PUT' }).waitFor();
  await eng.locator(`li[data-issue="${fresh}"]`, { hasText: 'Pacing off by one day' }).waitFor();
  assert.equal(await eng.getByRole('link', { name: key, exact: true }).getAttribute('href'), `https://tracker.example/browse/${key}`);

  // Engineering ships the fix: both tickets are resolved, and the open page shows it live.
  const fixed = await agent.as.patch(`/api/v1/engineering-issues/${issueId}`, { fixed: true });
  assert.equal(fixed.status, 200, fixed.text);
  for (const x of [first, t]) assert.equal((await ticket(x.id)).status, 'resolved');
  await page.locator('.t-badges .status-resolved').waitFor();
  await eng.locator(`li[data-issue="${key}"] .status-resolved`, { hasText: 'Fixed' }).waitFor();
  assert.match(await eng.locator(`li[data-issue="${fresh}"]`).innerText(), /Not fixed yet/);

  // A fixed issue cannot be linked: the form says so before anything is sent.
  await eng.getByRole('button', { name: 'Link an engineering issue' }).click();
  await eng.getByLabel('Issue key').fill(key);
  await lookup.filter({ hasText: `${key} is already fixed: a fixed issue cannot be linked.` }).waitFor();
  assert.equal(await eng.locator('button[type="submit"]').isDisabled(), true);
  expectClean(page, [/401/]);
  await page.context().close();
});

test('the workspace in Spanish', async () => {
  const acme = await makeOrg(server, 'Hola Acme');
  const t = await file(acme.asSpoc, uiBug({ subject: 'El botón Guardar no responde' }));
  const email = 'agente-es@desk.example';
  const made = await server.admin.post('/api/v1/users', { email, name: 'Agente Español', role: 'agent', teams: ['client-services'], language: 'es', password: PASSWORD });
  assert.equal(made.status, 201, made.text);
  const page = await newPage(server, { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
  await signInUI(page, email, PASSWORD, { path: `/agent?org=${acme.org.id}` });
  await page.getByRole('heading', { level: 1, name: 'Cola de solicitudes' }).waitFor();
  await row(page, t.id).waitFor();
  const views = await page.getByRole('navigation', { name: 'Colas' }).innerText();
  for (const v of ['Mías', 'Mis equipos', 'Sin asignar', 'Todas']) assert.ok(views.includes(v), v);
  const headers = await page.locator('[role=columnheader]').allInnerTexts();
  assert.ok(headers.includes('Asunto') && headers.includes('Estado') && headers.includes('Primera respuesta'), headers.join('|'));
  assert.equal(await row(page, t.id).locator('.badge.status-new').textContent(), 'Nuevo');
  assert.equal(await row(page, t.id).locator('.badge.priority-standard').textContent(), 'Estándar');
  assert.match(await sla(page, t.id).textContent(), /vence en /);
  assert.equal(await page.getByRole('button', { name: `Acusar recibo de la solicitud #${t.id}` }).count(), 1);
  await expectAccessible(page, 'the Spanish queue');
  await screenshot(page, 'agent-es');

  await page.locator(`.q-row[data-ticket="${t.id}"] .q-link`).click();
  await page.locator('#ticket-title').waitFor();
  await page.locator('.composer').waitFor();
  const view = await page.locator('main').innerText();
  for (const text of ['Volver a la cola', 'PRIMERA RESPUESTA', 'Respuesta pública', 'Nota interna', 'Preguntar al cliente',
    'Propiedades', 'Historial', 'Solicitud', 'Conversación', 'Información completa', 'Guardar cambios', 'Navegador']) {
    assert.ok(view.includes(text), `the ticket view says ${text}`);
  }
  assert.match(await page.locator('.t-sla [data-sla]').innerText(), /vence en/);
  expectClean(page, [/401/]);
  await page.context().close();
});
