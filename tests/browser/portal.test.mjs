// The support portal, as customers use it: filing with a pasted screenshot,
// the SPOC rule, emergencies at night, errors on their fields, answering a
// follow-up question, reopening, Spanish end to end, and a phone's width.
// Each test checks what the person sees and what the server stored.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PASSWORD, closeBrowser, expectAccessible, expectClean, makeAgent, makeOrg, newPage, screenshot,
  signIn, signInUI, startServer, validBody,
} from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await closeBrowser(); await server.stop(); });

// The app's "full" date format (web/src/lib/time.ts formatFull), computed in
// the page: the browser's own ICU, time zone and the given language.
async function formatInPage(page, iso, lang) {
  return page.evaluate(([at, l]) => new Intl.DateTimeFormat(l, {
    weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
  }).format(new Date(at)), [iso, lang]);
}

// Pastes a PNG (drawn on a canvas) onto the element matching SELECTOR, as a
// clipboard paste from a screenshot tool would.
async function pasteScreenshot(page, selector) {
  await page.evaluate(async (sel) => {
    const c = document.createElement('canvas');
    c.width = 480; c.height = 270;
    const g = c.getContext('2d');
    g.fillStyle = '#f8fafc'; g.fillRect(0, 0, 480, 270);
    g.fillStyle = '#1d4ed8'; g.fillRect(0, 0, 480, 40);
    g.fillStyle = '#94a3b8'; g.fillRect(340, 200, 110, 40);
    g.fillStyle = '#0f172a'; g.font = '20px sans-serif'; g.fillText('Line item 4412 — Save', 20, 100);
    const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'image.png', { type: 'image/png' }));
    const target = document.querySelector(sel);
    target.focus();
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, selector);
}

const ticketIdFrom = async (page) => Number((await page.getByRole('heading', { level: 1 }).innerText()).match(/(\d+)/)[1]);

test('a SPOC files a UI bug with a pasted screenshot and is told when we will respond', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Bug Org');
  // One older request, so the landing page has a list to show.
  const older = (await asSpoc.post('/api/v1/tickets', validBody('buying-selling', {
    subject: 'Campaign 7781 will not serve', description: 'Line items are eligible but never win.',
  }))).json;

  const page = await newPage(server);
  await signInUI(page, spoc.email);
  await page.waitForURL('**/portal');
  await page.getByRole('heading', { level: 1, name: 'Hello, Spoc' }).waitFor();
  const search = page.getByRole('searchbox', { name: 'Search the help center' });
  await search.fill('line item');
  await search.press('Enter');
  await page.getByRole('status').filter({ hasText: 'no help-center articles have been published yet' }).waitFor();
  const row = page.locator(`tr[data-ticket="${older.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Campaign 7781 will not serve[\s\S]*Received[\s\S]*Standard[\s\S]*by /);
  await expectAccessible(page, 'the portal landing page');
  await screenshot(page, 'portal-home');

  await page.getByRole('link', { name: 'New request' }).first().click();
  await page.waitForURL('**/portal/new');
  // Each type says who handles it; account requests name the representative.
  const ui = page.getByRole('radio', { name: 'UI/API bugs and product issues' });
  assert.match(await page.locator('#type-ui-api-bug-desc').innerText(), /Handled by Client Services/);
  assert.match(await page.locator('#type-app-bug-desc').innerText(), /Handled by App Support/);
  assert.match(await page.locator('#type-billing-desc').innerText(), /account representative, Rep Portal Bug Org/);
  await ui.check();

  // Browser and OS come pre-filled, with versions.
  const browser = page.getByLabel('Browser and version');
  await page.waitForFunction(() => document.querySelector('[data-field="browser"]')?.value !== '');
  assert.match(await browser.inputValue(), /^Chrome \d+$/);
  assert.match(await page.getByLabel('Operating system and version').inputValue(), /^Linux x86_64$/);
  assert.equal(await page.getByLabel('Member id').inputValue(), (await asSpoc.get(`/api/v1/orgs/${spoc.org_id}`)).json.member_id);

  await page.getByLabel('Subject').fill('Save button on line items does nothing');
  await page.getByLabel('Description').fill('Clicking Save on the line item page shows no error and saves nothing.');
  await page.getByLabel('Impact on your goals').fill('Traders cannot change bids before the holiday push.');
  await page.getByLabel('Steps to reproduce').fill('1. Open line item 4412\n2. Change the bid\n3. Click Save');
  const missing = page.getByTestId('missing');
  assert.match(await missing.innerText(), /Screenshots · recommended/);

  await pasteScreenshot(page, '[data-field="steps"]');
  const thumb = page.locator('.thumbs li').filter({ hasText: 'pasted-screenshot-1.png' });
  await thumb.waitFor();
  assert.match(await thumb.locator('img').getAttribute('src'), /^blob:/);
  assert.equal(await page.getByLabel('Steps to reproduce').inputValue(), '1. Open line item 4412\n2. Change the bid\n3. Click Save',
    'pasting an image does not paste into the text');
  assert.doesNotMatch(await missing.innerText(), /Screenshots/);
  await page.getByRole('button', { name: 'Remove pasted-screenshot-1.png' }).waitFor();
  await expectAccessible(page, 'the new-request form with a type selected');
  await screenshot(page, 'portal-new-request', { fullPage: true });

  const posted = page.waitForRequest((r) => r.url().endsWith('/api/v1/tickets') && r.method() === 'POST');
  await page.getByRole('button', { name: 'Submit request' }).click();
  const request = await posted;
  assert.ok(request.headers()['idempotency-key'], 'the filing carries an Idempotency-Key');
  assert.match(request.headers()['content-type'], /^multipart\/form-data/, 'the screenshot travels with the request');
  await page.getByRole('heading', { level: 1, name: /Request #\d+ received/ }).waitFor();
  const id = await ticketIdFrom(page);

  const t = (await asSpoc.get(`/api/v1/tickets/${id}`)).json;
  assert.equal(t.request_type, 'ui-api-bug');
  assert.equal(t.team, 'client-services');
  assert.equal(t.subject, 'Save button on line items does nothing');
  assert.equal(t.steps, '1. Open line item 4412\n2. Change the bid\n3. Click Save');
  assert.match(t.browser, /^Chrome \d+$/);
  assert.equal(t.os, 'Linux x86_64');
  assert.equal(t.priority, 'standard');
  assert.ok(!t.completeness.missing.includes('attachments'), 'the screenshot counts for completeness');
  const files = (await asSpoc.get(`/api/v1/tickets/${id}/attachments`)).json.items;
  assert.equal(files.length, 1);
  assert.equal(files[0].filename, 'pasted-screenshot-1.png');
  assert.equal(files[0].content_type, 'image/png');
  const bytes = new Uint8Array(await (await fetch(server.base + files[0].url, { headers: { Cookie: asSpoc.cookie } })).arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'the stored file is the PNG');

  const status = page.getByRole('status').filter({ hasText: 'We will respond by' });
  const due = await formatInPage(page, t.first_response_due_at, 'en-US');
  assert.equal(await page.locator('.due').innerText(), due);
  assert.match(await status.innerText(), new RegExp(`We will respond by ${due.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.`));
  assert.match(await page.locator('.confirmation-details').innerText(), /1 file uploaded/);
  await expectAccessible(page, 'the confirmation');
  await screenshot(page, 'portal-confirmation');

  await page.getByRole('link', { name: `View request #${id}` }).click();
  await page.waitForURL(`**/portal/tickets/${id}`);
  await page.locator('.attachments').getByText('pasted-screenshot-1.png').waitFor();
  assert.match(await page.getByTestId('status-callout').innerText(), /We will respond by/);
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('a contact who is not the SPOC sees who is, and no form', async () => {
  const { org, other, asOther } = await makeOrg(server, 'Portal Nonspoc Org');
  const page = await newPage(server);
  await signInUI(page, other.email);
  await page.waitForURL('**/portal');
  await page.goto('/portal/new');
  const card = page.getByTestId('spoc-card');
  await card.waitFor();
  assert.match(await card.innerText(), /Spoc Portal Nonspoc Org files requests for your organization/);
  assert.match(await card.innerText(), /single point of contact \(SPOC\) who is authorized to create tickets/);
  assert.match(await card.innerText(), /spoc@portal-nonspoc-org\.example/);
  assert.match(await card.getByRole('link', { name: 'Email Spoc Portal Nonspoc Org' }).getAttribute('href'), /^mailto:spoc@portal-nonspoc-org\.example\?/);
  assert.equal(await page.locator('form.request-form').count(), 0, 'no request form');
  assert.equal(await page.getByRole('radio').count(), 0, 'no request types to pick');
  assert.equal(await page.getByRole('button', { name: /Submit/ }).count(), 0);
  await expectAccessible(page, 'the non-SPOC page');
  await screenshot(page, 'portal-non-spoc');
  // The landing page offers no "New request" either.
  await page.getByRole('link', { name: 'Support portal' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Hello, Other' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'New request' }).count(), 0);
  // And the server agrees: filing is refused, naming the SPOC.
  const refused = await asOther.post('/api/v1/tickets', validBody('app-bug'));
  assert.equal(refused.status, 403);
  assert.match(refused.json.error.message, new RegExp(org.spoc.email.replace('.', '\\.')));
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('an emergency filed at night is due one hour later, in the viewer\'s time zone', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Night Org');
  // A zone where it is now about 02:00 (00:00-05:00 even if the hour turns).
  const h = new Date().getUTCHours();
  let offset = (((2 - h) % 24) + 24) % 24;
  if (offset > 14) offset -= 24;
  const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const page = await newPage(server, { timezoneId: zone });
  const localHour = await page.evaluate(() => new Date().getHours());
  assert.ok(localHour >= 0 && localHour < 5, `night in ${zone}: ${localHour}h`);

  await signInUI(page, spoc.email);
  await page.goto('/portal/new');
  await page.getByRole('radio', { name: 'Observed ad serving issues' }).check();
  await page.getByLabel('Subject').fill('Every placement serves blanks');
  await page.getByLabel('Description').fill('Since 01:40 all placements return blank ads.');
  await page.getByLabel('Impact on your goals').fill('No revenue at all while it lasts.');
  await page.getByRole('radio', { name: 'Emergency' }).check();
  await page.getByRole('checkbox', { name: /significant financial losses/ }).check();
  await page.getByLabel('Phone number for the emergency contact').fill('+44 20 7946 0958');
  await page.getByRole('button', { name: 'Submit emergency' }).click();
  await page.getByRole('heading', { level: 1, name: /Request #\d+ received/ }).waitFor();
  const id = await ticketIdFrom(page);

  const t = (await asSpoc.get(`/api/v1/tickets/${id}`)).json;
  assert.equal(t.priority, 'emergency');
  assert.deepEqual(t.emergency_criteria, ['financial_loss']);
  assert.equal(t.emergency_phone, '+44 20 7946 0958');
  assert.equal((Date.parse(t.first_response_due_at) - Date.parse(t.created_at)) / 1000, 3600);
  const expected = await formatInPage(page, new Date(Date.parse(t.created_at) + 3600_000).toISOString(), 'en-US');
  assert.equal(await page.locator('.due').innerText(), expected);
  const promise = await page.locator('.promise').innerText();
  assert.match(promise, /within one hour/);
  assert.ok(promise.includes(expected), `"${promise}" names ${expected}`);
  assert.match(await page.locator('.confirmation-status').innerText(), /\+44 20 7946 0958/);
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('missing fields are shown before submitting, and a 422 lands on its field with nothing lost', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Errors Org');
  const page = await newPage(server);
  await signInUI(page, spoc.email);
  await page.goto('/portal/new?type=app-bug');
  await page.getByRole('radio', { name: 'App bugs' }).waitFor();
  assert.ok(await page.getByRole('radio', { name: 'App bugs' }).isChecked(), 'the type from the link is chosen');
  await page.getByLabel('Subject').fill('App will not load');
  const missing = page.getByTestId('missing');
  const text = await missing.innerText();
  for (const f of ['Description · required', 'Impact on your goals · required', 'Steps to reproduce · required', 'Screenshots · recommended'])
    assert.ok(text.includes(f), `the meter lists ${f}: ${text}`);
  assert.match(await page.getByRole('progressbar', { name: 'Completeness' }).getAttribute('aria-valuenow'), /^\d+$/);

  // Submitting now names every missing required field, on the field.
  await page.getByRole('button', { name: 'Submit request' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Please correct these fields' });
  await summary.waitFor();
  assert.match(await summary.innerText(), /Description[\s\S]*Impact on your goals[\s\S]*Steps to reproduce/);
  const description = page.getByLabel('Description');
  assert.equal(await description.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('.field-invalid').filter({ has: description }).innerText(), /This is required\./);
  assert.equal((await asSpoc.get('/api/v1/tickets')).json.items.length, 0, 'nothing was filed');

  // Filled in, with a phone the server refuses: the 422 shows on the phone field.
  await description.fill('The app shows a white page after sign-in.');
  await page.getByLabel('Impact on your goals').fill('Nobody can work.');
  await page.getByLabel('Steps to reproduce').fill('1. Sign in\n2. Wait');
  await page.getByRole('radio', { name: 'Emergency' }).check();
  await page.getByRole('checkbox', { name: /essential production feature/ }).check();
  const phone = page.getByLabel('Phone number for the emergency contact');
  await phone.fill('call me maybe');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Submit emergency' }).click();
  assert.equal((await refused).status(), 422);
  await page.getByRole('alert').filter({ hasText: 'Phone number for the emergency contact' }).waitFor();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('.field-invalid').filter({ has: phone }).innerText(), /This is not a phone number/);
  assert.equal(await page.getByLabel('Subject').inputValue(), 'App will not load');
  assert.equal(await description.inputValue(), 'The app shows a white page after sign-in.');
  assert.equal(await page.getByLabel('Steps to reproduce').inputValue(), '1. Sign in\n2. Wait');
  assert.equal(await phone.inputValue(), 'call me maybe');
  assert.ok(await page.getByRole('checkbox', { name: /essential production feature/ }).isChecked());
  assert.equal((await asSpoc.get('/api/v1/tickets')).json.items.length, 0, 'still nothing filed');

  // A reload (or a detour) keeps it too.
  await page.reload();
  await page.getByText('We kept what you were writing.').waitFor();
  assert.equal(await page.getByLabel('Subject').inputValue(), 'App will not load');
  assert.equal(await page.getByLabel('Steps to reproduce').inputValue(), '1. Sign in\n2. Wait');
  assert.ok(await page.getByRole('radio', { name: 'Emergency' }).isChecked());
  assert.equal(await phone.inputValue(), 'call me maybe');

  // Corrected, it goes through.
  await phone.fill('+1 212 555 0100');
  await page.getByRole('button', { name: 'Submit emergency' }).click();
  await page.getByRole('heading', { level: 1, name: /Request #\d+ received/ }).waitFor();
  const items = (await asSpoc.get('/api/v1/tickets')).json.items;
  assert.equal(items.length, 1);
  assert.equal(items[0].emergency_phone, '+1 212 555 0100');
  expectClean(page, [/status of 401/, /status of 422/]);
  await page.context().close();
});

test('a retry after a lost response files the request once (same Idempotency-Key)', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Retry Org');
  const page = await newPage(server);
  await signInUI(page, spoc.email);
  await page.goto('/portal/new?type=billing');
  await page.getByLabel('Subject').fill('Invoice 2291 counts October twice');
  await page.getByLabel('Description').fill('The October impressions appear on two invoices.');
  assert.match(await page.locator('.form-step').filter({ hasText: 'What happens next' }).innerText(), /Rep Portal Retry Org, your account representative/);
  const keys = [];
  let lose = true;
  await page.route('**/api/v1/tickets', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    const res = await route.fetch(); // the server files it...
    if (lose) { lose = false; await route.abort('connectionreset'); } // ...and the answer is lost
    else await route.fulfill({ response: res });
  });
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByRole('alert').filter({ hasText: 'it will not be filed twice' }).waitFor();
  assert.equal(await page.getByLabel('Subject').inputValue(), 'Invoice 2291 counts October twice');
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.getByRole('heading', { level: 1, name: /Request #\d+ received/ }).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the retry reuses the key');
  const items = (await asSpoc.get('/api/v1/tickets')).json.items;
  assert.equal(items.length, 1, 'one ticket');
  assert.equal(items[0].kind, 'account');
  assert.equal(items[0].first_response_due_at, null);
  // Account requests have no due time: the representative will call.
  assert.match(await page.locator('.confirmation-status').innerText(), /Your account representative, Rep Portal Retry Org, will contact you/);
  expectClean(page, [/status of 401/, /ERR_CONNECTION_RESET|ERR_FAILED/]);
  await page.context().close();
});

test('the customer answers a follow-up question and the ticket is open again', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Question Org');
  const ticket = (await asSpoc.post('/api/v1/tickets', validBody('app-bug', {
    subject: 'The app will not load', description: 'White page after sign-in.',
  }))).json;
  const { as: agent } = await makeAgent(server, 'app-support');
  const q = await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { kind: 'question', body: 'Which line item id shows the problem?' });
  assert.equal(q.status, 201, q.text);
  await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { kind: 'note', body: 'Internal: probably the CDN.' });

  const page = await newPage(server);
  await signInUI(page, spoc.email);
  await page.waitForURL('**/portal');
  await page.getByRole('alert').or(page.getByRole('status')).filter({ hasText: 'We asked you a question' }).first().waitFor();
  assert.match(await page.locator(`tr[data-ticket="${ticket.id}"]`).innerText(), /Needs your answer/);
  await page.getByRole('link', { name: 'The app will not load' }).first().click();
  await page.waitForURL(`**/portal/tickets/${ticket.id}`);
  const card = page.locator('.question-card');
  await card.waitFor();
  assert.match(await card.innerText(), /We need your answer[\s\S]*Which line item id shows the problem\?/);
  assert.doesNotMatch(await page.locator('main').innerText(), /probably the CDN/, 'no internal note reaches the customer');
  await expectAccessible(page, 'the ticket view with a question');
  await screenshot(page, 'portal-ticket', { fullPage: true });

  await card.getByRole('textbox', { name: 'Your answer' }).fill('Line item 4412, every time.');
  await card.getByRole('button', { name: 'Send answer' }).click();
  await page.getByRole('status').filter({ hasText: 'your answer was sent' }).waitFor();
  await page.locator('.ticket-head').getByText('In progress').waitFor();
  assert.equal(await page.locator('.question-card').count(), 0);
  const t = (await asSpoc.get(`/api/v1/tickets/${ticket.id}`)).json;
  assert.equal(t.status, 'open');
  const comments = (await asSpoc.get(`/api/v1/tickets/${ticket.id}/comments`)).json.items;
  const answer = comments[comments.length - 1];
  assert.equal(answer.body, 'Line item 4412, every time.');
  assert.equal(answer.author.id, spoc.id);

  // Live: the agent's reply appears without a reload.
  await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Thanks, we can reproduce it now.' });
  await page.locator('.conversation').getByText('Thanks, we can reproduce it now.').waitFor({ timeout: 15_000 });
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('a resolved ticket is reopened from the portal', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Reopen Org');
  const ticket = (await asSpoc.post('/api/v1/tickets', validBody('ui-api-bug', { subject: 'PUT /line-item ignores bids' }))).json;
  const { as: agent } = await makeAgent(server, 'client-services');
  await agent.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'Fixed on our side; please check.' });
  const cur = await agent.get(`/api/v1/tickets/${ticket.id}`);
  const resolved = await agent.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' }, { 'If-Match': cur.headers.get('etag') });
  assert.equal(resolved.status, 200, resolved.text);

  const page = await newPage(server);
  await signInUI(page, spoc.email);
  await page.goto(`/portal/tickets/${ticket.id}`);
  await page.locator('.ticket-head').getByText('Resolved').waitFor();
  assert.match(await page.getByTestId('status-callout').innerText(), /^Resolved /);
  await expectAccessible(page, 'a resolved ticket');
  const patched = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.getByRole('button', { name: 'Reopen request' }).click();
  assert.match((await patched).headers()['if-match'], /^"\d+"$/, 'the reopen sends If-Match');
  await page.locator('.alert-success').filter({ hasText: 'The request is open again' }).waitFor();
  await page.locator('.ticket-head').getByText('In progress').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Reopen request' }).count(), 0);
  const t = (await asSpoc.get(`/api/v1/tickets/${ticket.id}`)).json;
  assert.equal(t.status, 'open');
  assert.equal(t.resolved_at, null);
  const history = (await asSpoc.get(`/api/v1/tickets/${ticket.id}/history`)).json.items;
  const last = history.filter((h) => h.field === 'status').pop();
  assert.deepEqual([last.from, last.to, last.actor_id], ['resolved', 'open', spoc.id]);
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('the portal in Spanish, end to end', async () => {
  const { org, rep } = await makeOrg(server, 'Portal Idioma Org');
  // The SPOC's account speaks Spanish (PATCH /users/{id}; where that is
  // missing, the language given when the account is made).
  let u = (await server.admin.post('/api/v1/users', {
    email: 'lucia@portal-idioma.example', name: 'Lucía Fernández', role: 'contact', org_id: org.id, password: PASSWORD,
  })).json;
  let email = u.email;
  if ((await server.admin.patch(`/api/v1/users/${u.id}`, { language: 'es' })).status !== 200) {
    email = 'lucia.es@portal-idioma.example';
    u = (await server.admin.post('/api/v1/users', {
      email, name: 'Lucía Fernández', role: 'contact', org_id: org.id, password: PASSWORD, language: 'es',
    })).json;
  }
  assert.equal((await server.admin.get(`/api/v1/users/${u.id}`)).json.language, 'es');
  assert.equal((await server.admin.patch(`/api/v1/orgs/${org.id}`, { spoc_id: u.id })).status, 200);
  const asLucia = await signIn(server, email);

  const page = await newPage(server, { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
  await page.goto('/');
  await page.getByRole('heading', { name: 'Inicia sesión en Switchboard' }).waitFor();
  await signInUI(page, email);
  await page.getByRole('heading', { level: 1, name: 'Hola, Lucía' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await page.getByRole('searchbox', { name: 'Buscar en el centro de ayuda' }).waitFor();
  await page.getByRole('link', { name: 'Nueva solicitud' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Nueva solicitud' }).waitFor();
  assert.match(await page.locator('#type-app-bug-desc').innerText(), /La atiende Compatibilidad con aplicaciones/);
  assert.match(await page.locator('#type-billing-desc').innerText(), new RegExp(`Va a su representante de cuenta, ${rep.name}`));
  await page.getByRole('radio', { name: 'Errores de aplicación' }).check();
  await page.getByLabel('Asunto').fill('La aplicación no carga');
  await page.getByLabel('Descripción').fill('Página en blanco después de iniciar sesión.');
  await page.getByLabel('Impacto en sus objetivos').fill('Nadie puede trabajar.');
  await page.getByLabel('Pasos para reproducirlo').fill('1. Iniciar sesión\n2. Esperar');
  assert.match(await page.getByTestId('missing').innerText(), /Capturas de pantalla · recomendado/);
  await expectAccessible(page, 'the Spanish form');
  await page.getByRole('button', { name: 'Enviar solicitud' }).click();
  await page.getByRole('heading', { level: 1, name: /Solicitud n\.º \d+ recibida/ }).waitFor();
  const id = await ticketIdFrom(page);
  const t = (await asLucia.get(`/api/v1/tickets/${id}`)).json;
  assert.equal(t.team, 'app-support');
  const due = await formatInPage(page, t.first_response_due_at, 'es');
  assert.match(due, /lunes|martes|miércoles|jueves|viernes|sábado|domingo/);
  assert.match(due, /enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre/);
  assert.equal(await page.locator('.due').innerText(), due);
  assert.ok((await page.locator('.promise').innerText()).startsWith(`Le responderemos antes del ${due}`));
  assert.match(await page.locator('.confirmation-details').innerText(), /Compatibilidad con aplicaciones/);
  await expectAccessible(page, 'the Spanish confirmation');
  await screenshot(page, 'portal-es');
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('a colleague prepares a draft; the SPOC completes and files it, or sends one back', async () => {
  const { org, spoc, other, asSpoc, asOther } = await makeOrg(server, 'Portal Draft Org');
  const page = await newPage(server);
  await signInUI(page, other.email);
  await page.goto('/portal/new');
  await page.getByRole('link', { name: 'Prepare a draft for Spoc Portal Draft Org' }).click();
  await page.getByRole('heading', { level: 1, name: 'Prepare a draft' }).waitFor();
  await page.getByRole('radio', { name: 'Creative auditing questions' }).check();
  await page.getByLabel('Subject').fill('Creative 5521 rejected as malware');
  await page.getByLabel('Description').fill('The audit says malware; it is a plain JPEG.');
  await page.getByLabel('Object id 1').fill('5521');
  // Unfinished (no impact) is fine for a draft.
  await page.getByRole('button', { name: 'Send draft to Spoc Portal Draft Org' }).click();
  await page.getByRole('heading', { level: 1, name: 'Draft sent' }).waitFor();
  await expectAccessible(page, 'the draft confirmation');
  const [draft] = (await asOther.get('/api/v1/drafts')).json.items;
  assert.equal(draft.fields.subject, 'Creative 5521 rejected as malware');
  assert.deepEqual(draft.fields.object_ids, [{ type: 'creative', id: '5521' }]);
  assert.equal((await asOther.get('/api/v1/tickets')).json.items.length, 0, 'a draft is not a ticket');
  expectClean(page, [/status of 401/]);
  await page.context().close();

  // The SPOC sees it, completes it and files it.
  const sp = await newPage(server);
  await signInUI(sp, spoc.email);
  const item = sp.locator(`[data-draft="${draft.id}"]`);
  await item.getByText(/Other Portal Draft Org/).waitFor(); // who prepared it
  assert.match(await item.innerText(), /Creative 5521 rejected as malware[\s\S]*Creative auditing questions/);
  await item.getByRole('link', { name: /Review and file/ }).click();
  await sp.getByRole('heading', { level: 1, name: 'Review and file a draft' }).waitFor();
  assert.equal(await sp.getByLabel('Subject').inputValue(), 'Creative 5521 rejected as malware');
  assert.ok(await sp.getByRole('radio', { name: 'Creative auditing questions' }).isChecked());
  await sp.getByLabel('Impact on your goals').fill('The campaign launch is blocked.');
  await sp.getByRole('button', { name: 'Submit request' }).click();
  await sp.getByRole('heading', { level: 1, name: /Request #\d+ received/ }).waitFor();
  const id = await ticketIdFrom(sp);
  const t = (await asSpoc.get(`/api/v1/tickets/${id}`)).json;
  assert.equal(t.team, 'ad-quality');
  assert.equal(t.impact, 'The campaign launch is blocked.');
  const filed = (await asSpoc.get(`/api/v1/drafts/${draft.id}`)).json;
  assert.deepEqual([filed.state, filed.ticket_id], ['filed', id]);

  // Another draft goes back to its author with a comment.
  const second = (await asOther.post('/api/v1/drafts', { request_type: 'billing', subject: 'Invoice question' })).json;
  await sp.goto(`/portal/new?draft=${second.id}`);
  await sp.getByLabel('What should the author change?').fill('Please add the invoice number.');
  await sp.getByRole('button', { name: 'Send back to the author' }).click();
  await sp.getByRole('status').filter({ hasText: 'sent back to its author' }).waitFor();
  const back = (await asOther.get(`/api/v1/drafts/${second.id}`)).json;
  assert.deepEqual([back.state, back.return_comment], ['returned', 'Please add the invoice number.']);
  expectClean(sp, [/status of 401/]);
  await sp.context().close();

  // The author sees why.
  const au = await newPage(server);
  await signInUI(au, other.email);
  const returned = au.locator(`[data-draft="${second.id}"]`);
  await returned.waitFor();
  assert.match(await returned.innerText(), /Sent back[\s\S]*Please add the invoice number\./);
  await expectAccessible(au, 'the landing page with a returned draft');
  expectClean(au, [/status of 401/]);
  await au.context().close();
  assert.equal(org.id, t.org_id);
});

test('at phone width the portal and the form fit without horizontal scrolling', async () => {
  const { asSpoc, spoc } = await makeOrg(server, 'Portal Phone Org');
  await asSpoc.post('/api/v1/tickets', validBody('creative-audit', { subject: 'Creative 9002 rejected for no reason at all' }));
  const page = await newPage(server, { viewport: { width: 375, height: 740 } });
  const width = () => page.evaluate(() => document.scrollingElement.scrollWidth);
  // Nothing sticks out of the screen or gets clipped at its edges either.
  const outside = () => page.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 1 && (r.left < -1 || r.right > innerWidth + 1); })
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.slice(0, 30)}`));
  await signInUI(page, spoc.email);
  await page.waitForURL('**/portal');
  await page.locator('tr[data-ticket]').first().waitFor();
  assert.ok(await width() <= 375, `landing: ${await width()}px`);
  assert.deepEqual(await outside(), [], 'landing: everything within the screen');
  const [list, cta] = [await page.locator('.portal-tickets').boundingBox(), await page.locator('.cta-card').boundingBox()];
  assert.ok(cta.y < list.y && list.width > 300, 'one column at phone width, the way to file first');
  await page.goto('/portal/new');
  await page.getByRole('radio', { name: 'Creative auditing questions' }).check();
  await page.getByLabel('Subject').fill('Creative 9002 rejected');
  await page.getByLabel('Object id 1').fill('9002');
  await page.getByRole('button', { name: 'Add another object' }).click();
  await page.getByRole('radio', { name: 'Emergency' }).check();
  await pasteScreenshot(page, '[data-field="description"]');
  await page.locator('.thumbs li').waitFor();
  assert.ok(await width() <= 375, `form: ${await width()}px`);
  assert.deepEqual(await outside(), [], 'form: everything within the screen');
  // Everything that matters is reachable and labelled at this width.
  for (const name of ['Description', 'Impact on your goals', 'Phone number for the emergency contact'])
    assert.ok(await page.getByLabel(name).isVisible(), `${name} is visible`);
  assert.ok(await page.getByRole('button', { name: 'Submit emergency' }).isVisible());
  await screenshot(page, 'portal-phone-new-request', { fullPage: true });
  expectClean(page, [/status of 401/]);
  await page.context().close();
});
