// The admin area: organizations and their SPOC, users and teams, request
// types, the business calendar with its live preview, SLA settings, and
// that only admins get in. Each test checks what the admin sees and what
// the server then holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PASSWORD, closeBrowser, expectAccessible, expectClean, file, iso, makeAgent, makeOrg, newPage, nyToUtc,
  screenshot, sec, signIn, signInUI, standardDue, startServer, validBody,
} from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await closeBrowser(); await server.stop(); });

const api = (path) => server.admin.get('/api/v1' + path);
const put = (path, body) => server.admin.request('PUT', '/api/v1' + path, body);

async function adminPage(path, opts) {
  const page = await newPage(server, opts);
  await signInUI(page, 'admin@test.example', PASSWORD, { path });
  return page;
}

// The preview's standard due time (an RFC 3339 instant) once it shows EXPECTED, or what it shows.
async function previewDue(page, kind = 'standard') {
  const el = page.locator(`[data-testid="preview"] time[data-due="${kind}"]`);
  await el.waitFor();
  return el.getAttribute('datetime');
}

// A screenshot of the whole page at its natural height (sticky panels where they rest).
async function shot(page, name) {
  const vp = page.viewportSize();
  const h = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: vp.width, height: Math.min(Math.max(h, vp.height), 2400) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
  await page.setViewportSize(vp);
}

async function waitPreview(page, expected, kind = 'standard') {
  const el = page.locator(`[data-testid="preview"][aria-busy="false"] time[data-due="${kind}"][datetime="${expected}"]`);
  try {
    await el.waitFor({ timeout: 5000 });
  } catch {
    assert.equal(await previewDue(page, kind), expected, `the preview's ${kind} due time`);
  }
}

test('an admin changes the calendar, the preview follows, and tickets filed afterwards keep its promise', async () => {
  const before = (await api('/settings/calendar')).json;
  assert.deepEqual(before, { timezone: 'America/New_York', hours: 'mon-fri 09:00-18:00', holidays: '', holidays_default: true });
  const page = await adminPage('/admin/calendar');
  await page.getByRole('heading', { level: 1, name: 'Business calendar' }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Admin sections' });
  assert.equal(await nav.getByRole('link', { name: 'Business calendar' }).getAttribute('aria-current'), 'page');

  // Now, on the default calendar: the server's promise for this very moment.
  const nowDue = await previewDue(page);
  const t0 = Math.floor(Date.now() / 1000);
  assert.ok([standardDue(t0 - 5), standardDue(t0)].includes(sec(nowDue)) || Math.abs(sec(nowDue) - standardDue(t0)) <= 5,
    `a standard request filed now is due at ${nowDue} by the default calendar`);
  await expectAccessible(page, 'the business calendar');

  // Monday 2026-11-23 11:00 in New York: 7 working hours that day, 2 the next: Tuesday 11:00 (16:00Z).
  const at = nyToUtc(2026, 11, 23, 11, 0);
  await page.getByLabel('Filed at').fill('2026-11-23T11:00');
  await waitPreview(page, iso(standardDue(at)));
  assert.equal(iso(standardDue(at)), '2026-11-24T16:00:00Z');
  await waitPreview(page, iso(at + 3600), 'emergency');
  const preview = page.getByTestId('preview');
  assert.match(await preview.innerText(), /A standard request filed then is due/);
  assert.match(await preview.innerText(), /Tuesday, November 24.*11:00/);
  assert.match(await preview.innerText(), /Open at that moment/);

  // Round the clock: one business day is nine hours of working time, so exactly nine hours later.
  await page.getByRole('button', { name: 'Round the clock' }).click();
  assert.equal(await page.getByLabel('Hours as text').inputValue(), '24x7');
  await waitPreview(page, iso(at + 9 * 3600));
  assert.match(await preview.innerText(), /9h 00m after filing/);

  // Weekdays in Tokyo: 16:00Z on Monday is 01:00 on Tuesday there, closed; due at the opening, 09:00 JST.
  await page.getByRole('button', { name: 'Weekdays 9:00–18:00' }).click();
  await page.getByLabel('Calendar time zone').fill('Asia/Tokyo');
  await waitPreview(page, '2026-11-24T00:00:00Z');
  const promised = (await server.admin.post('/api/v1/calendar/preview', {
    timezone: 'Asia/Tokyo', hours: 'mon-fri 09:00-18:00', holidays: '', holidays_default: true, at: iso(at),
  })).json;
  assert.equal(promised.standard_due_at, '2026-11-24T00:00:00Z', 'the API agrees with the page');
  assert.match(await preview.innerText(), /Closed at that moment/);
  assert.match(await preview.innerText(), /in Asia\/Tokyo/);
  // The day-by-day editor shows the spec: Monday open 09:00–18:00, Saturday closed.
  assert.equal(await page.getByRole('checkbox', { name: 'Monday' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: 'Saturday' }).isChecked(), false);
  assert.equal(await page.getByLabel('Monday: opens at').inputValue(), '09:00');
  // Opening Saturday in the editor writes the spec.
  await page.getByRole('checkbox', { name: 'Saturday' }).check();
  assert.equal(await page.getByLabel('Hours as text').inputValue(), 'mon-sat 09:00-18:00');
  await page.waitForTimeout(400);
  await page.locator('[data-testid="preview"][aria-busy="false"]').waitFor();
  await shot(page, 'admin-calendar');

  // What is saved: round the clock in Tokyo with no holidays at all.
  await page.getByRole('button', { name: 'Round the clock' }).click();
  await page.getByRole('radio', { name: 'Only the dates listed here' }).check();
  await waitPreview(page, iso(at + 9 * 3600));
  assert.match(await page.getByText('Unsaved changes').innerText(), /preview shows them/);
  assert.deepEqual((await api('/settings/calendar')).json, before, 'nothing is saved before Save');
  await page.getByRole('button', { name: 'Save calendar' }).click();
  await page.getByRole('status').filter({ hasText: 'Calendar saved' }).waitFor();
  assert.deepEqual((await api('/settings/calendar')).json, { timezone: 'Asia/Tokyo', hours: '24x7', holidays: '', holidays_default: false });

  // Back to "now": the preview's promise, then a ticket filed through the API keeps it.
  await page.getByRole('button', { name: 'Now', exact: true }).click();
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="preview"][aria-busy="false"] time[data-due="standard"]');
    return el && Math.abs(Date.parse(el.dateTime) - Date.now() - 9 * 3600e3) < 120e3;
  });
  assert.match(await preview.innerText(), /A standard request filed now is due/);
  const promise = sec(await previewDue(page));
  const { asSpoc } = await makeOrg(server, 'Calendar Customer');
  const ticket = await file(asSpoc, validBody('implementation'));
  assert.equal(ticket.first_response_due_at, iso(sec(ticket.created_at) + 9 * 3600), 'due nine clock hours later, round the clock');
  assert.ok(Math.abs(sec(ticket.first_response_due_at) - promise) <= 90,
    `the ticket is due when the preview said (${ticket.first_response_due_at} vs ${iso(promise)})`);
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('an invalid hours spec shows the server\'s error on the field, and nothing is saved', async () => {
  const before = (await api('/settings/calendar')).json;
  const page = await adminPage('/admin/calendar');
  await previewDue(page);
  const hours = page.getByLabel('Hours as text');
  await hours.fill('mon-fri 09:00-18:00; mon 19:00-20:00');
  // The live preview asks the server, which names the fault; it shows on the field.
  const field = page.locator('.field').filter({ has: hours });
  await field.locator('.error').filter({ hasText: "day 'mon' named twice" }).waitFor();
  assert.equal(await hours.getAttribute('aria-invalid'), 'true');
  const err = await field.locator('.error').getAttribute('id');
  assert.match(await hours.getAttribute('aria-describedby'), new RegExp(err));
  const why = page.getByTestId('preview-error');
  await why.waitFor();
  assert.match(await why.innerText(), /cannot be computed/);
  assert.match(await why.innerText(), /Working hours: day 'mon' named twice/);
  assert.match(await page.getByText('The day-by-day editor cannot show these hours').innerText(), /Correct them/);
  // Saving anyway: refused, the text is kept, the error stays on the field.
  await page.getByRole('button', { name: 'Save calendar' }).click();
  await page.getByRole('alert').filter({ hasText: 'Some values need fixing' }).waitFor();
  await field.locator('.error').filter({ hasText: "day 'mon' named twice" }).waitFor();
  assert.equal(await hours.inputValue(), 'mon-fri 09:00-18:00; mon 19:00-20:00');
  assert.deepEqual((await api('/settings/calendar')).json, before, 'the calendar is unchanged');
  // Fixing it clears the error and the preview computes again.
  await hours.fill('mon-fri 09:00-18:00');
  await page.locator('[data-testid="preview"][aria-busy="false"] time[data-due="standard"]').waitFor();
  assert.equal(await field.locator('.error').count(), 0);
  expectClean(page, [/status of 401/, /status of 422/]);
  await page.context().close();
});

test('an admin adds an organization and a contact, names the SPOC and the account rep', async () => {
  const rep = (await server.admin.post('/api/v1/users', {
    email: 'rep-admin-ui@desk.example', name: 'Rita Rep', role: 'account-rep', password: PASSWORD,
  })).json;
  const page = await adminPage('/admin/orgs');
  await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
  await page.getByRole('link', { name: 'Add organization' }).click();
  await page.getByRole('heading', { level: 1, name: 'New organization' }).waitFor();
  // The server's validation shows on the fields; what was typed stays.
  await page.getByLabel('Name', { exact: true }).fill('Northwind Media');
  await page.getByLabel('Member ID').fill('not a member id!');
  await page.getByRole('button', { name: 'Add organization' }).click();
  await page.locator('.field-invalid').filter({ hasText: 'Member ID' }).getByText(/1 to 64 letters/).waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Northwind Media');
  await page.getByLabel('Member ID').fill('7301');
  await page.getByLabel('Bidder IDs').fill('88, 89');
  await page.getByLabel('Preferred language').selectOption('es');
  await page.getByRole('button', { name: 'Add organization' }).click();
  await page.getByRole('heading', { level: 1, name: 'Northwind Media' }).waitFor();
  await page.getByText('Organization added. Next: add its contacts').waitFor();
  const id = Number(page.url().match(/\/admin\/orgs\/(\d+)/)[1]);
  let org = (await api(`/orgs/${id}`)).json;
  assert.equal(org.member_id, '7301');
  assert.deepEqual(org.bidder_ids, ['88', '89']);
  assert.equal(org.language, 'es');
  assert.equal(org.spoc, null);

  // A contact, with a generated password shown once.
  await page.getByLabel('Name', { exact: true }).nth(1).fill('Nadia Spoc');
  await page.getByLabel('Email').fill('nadia@northwind.example');
  await page.getByRole('button', { name: 'Add contact' }).click();
  await page.getByRole('status').filter({ hasText: 'Nadia Spoc was added' }).waitFor();
  const password = await page.getByTestId('generated-password').innerText();
  assert.ok(password.length >= 10);
  const nadia = await signIn(server, 'nadia@northwind.example', password);
  assert.equal(nadia.user.org_id, id, 'the contact belongs to the organization and can sign in');
  assert.equal(nadia.user.language, 'es', 'with the organization\'s language');

  // Make her the SPOC, set the account rep.
  await page.getByLabel('Authorized contact (SPOC)').selectOption({ label: 'Nadia Spoc (nadia@northwind.example)' });
  await page.getByLabel('Account representative').selectOption({ label: 'Rita Rep (rep-admin-ui@desk.example)' });
  await expectAccessible(page, 'an organization\'s page');
  await shot(page, 'admin-org-edit');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Organization saved.' }).waitFor();
  org = (await api(`/orgs/${id}`)).json;
  assert.equal(org.spoc?.id, nadia.user.id);
  assert.equal(org.account_rep?.id, rep.id);
  await page.locator('.people li').filter({ hasText: 'Nadia Spoc' }).getByText('SPOC', { exact: true }).waitFor();
  // She may now file: the SPOC is who the server says.
  const filed = await nadia.post('/api/v1/tickets', validBody('implementation'));
  assert.equal(filed.status, 201, filed.text);

  // The list shows the SPOC and the rep.
  await page.getByRole('link', { name: 'Organizations' }).first().click();
  const row = page.getByRole('row').filter({ hasText: 'Northwind Media' });
  await row.waitFor();
  assert.match(await row.innerText(), /7301\s+Nadia Spoc\s+Rita Rep/);
  await expectAccessible(page, 'the organizations list');
  await screenshot(page, 'admin-orgs');
  expectClean(page, [/status of 401/, /status of 422/]);
  await page.context().close();
});

test('an admin adds an agent to a team, changes their teams, and disables them', async () => {
  const page = await adminPage('/admin/users/new');
  await page.getByRole('heading', { level: 1, name: 'New user' }).waitFor();
  await page.getByLabel('Name').fill('Ana Agent');
  await page.getByLabel('Email').fill('ana.agent@desk.example');
  await page.getByLabel('Role').selectOption('agent');
  await page.getByRole('checkbox', { name: 'App Support' }).check();
  await page.getByRole('radio', { name: 'Set a password now' }).check();
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByText('shorter than 10 characters').waitFor();
  await page.getByLabel('New password').fill('ana password 123');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByText('Ana Agent was added.').waitFor();
  let users = (await api('/users?role=agent')).json.items;
  let ana = users.find((u) => u.email === 'ana.agent@desk.example');
  assert.deepEqual(ana.teams, ['app-support']);
  assert.equal(ana.disabled, false);
  await signIn(server, 'ana.agent@desk.example', 'ana password 123');

  // Her page: move her from App Support to Ad Quality and Client Services.
  await page.getByRole('link', { name: 'Open Ana Agent\'s page' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ana Agent' }).waitFor();
  await expectAccessible(page, 'a user\'s page');
  await page.getByRole('checkbox', { name: 'App Support' }).uncheck();
  await page.getByRole('checkbox', { name: 'Ad Quality' }).check();
  await page.getByRole('checkbox', { name: 'Client Services' }).check();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'User saved.' }).waitFor();
  ana = (await api(`/users/${ana.id}`)).json;
  assert.deepEqual([...ana.teams].sort(), ['ad-quality', 'client-services']);

  // The list, filtered by team, shows her there and not in her old team.
  const nav = page.getByRole('navigation', { name: 'Admin sections' });
  await nav.getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Team').selectOption('ad-quality');
  await page.waitForURL(/\/admin\/users\?team=ad-quality$/);
  await page.getByRole('status').filter({ hasText: /^1 user$/ }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'ana.agent@desk.example' });
  await row.waitFor();
  assert.match(await row.innerText(), /Agent/);
  assert.match(await row.innerText(), /Ad Quality, Client Services|Client Services, Ad Quality/);
  await page.getByLabel('Team').selectOption('app-support');
  await page.waitForURL(/team=app-support/);
  await page.getByText('No user matches these filters.').waitFor();
  assert.equal(await page.getByRole('row').filter({ hasText: 'ana.agent@desk.example' }).count(), 0);
  await page.getByLabel('Team').selectOption('');
  await page.waitForURL(/\/admin\/users$/);
  await page.getByRole('row').filter({ hasText: 'ana.agent@desk.example' }).waitFor();
  await expectAccessible(page, 'the users list');
  await screenshot(page, 'admin-users');
  await page.getByLabel('Role').selectOption('agent');
  await page.waitForURL(/role=agent/);
  await page.getByRole('status').filter({ hasText: /^1 user$/ }).waitFor();
  await page.getByRole('row').filter({ hasText: 'ana.agent@desk.example' }).waitFor();

  // Disabled: she can no longer sign in.
  await page.getByRole('link', { name: 'Ana Agent' }).click();
  await page.getByRole('button', { name: 'Disable account' }).click();
  await page.getByRole('status').filter({ hasText: 'Ana Agent can no longer sign in' }).waitFor();
  await page.getByRole('button', { name: 'Enable account' }).waitFor();
  assert.equal((await api(`/users/${ana.id}`)).json.disabled, true);
  const res = await fetch(server.base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'ana.agent@desk.example', password: 'ana password 123' }),
  });
  assert.equal(res.status, 401, 'a disabled user cannot sign in');
  expectClean(page, [/status of 401/, /status of 422/]);
  await page.context().close();
});

test('teams: their names in English and Spanish, and who works them', async () => {
  await makeAgent(server, 'inventory-quality');
  const page = await adminPage('/admin/teams');
  const card = page.getByRole('region', { name: /^Inventory Quality/ });
  await card.waitFor();
  await card.getByRole('link', { name: 'agent inventory-quality' }).waitFor();
  await expectAccessible(page, 'the teams page');
  await card.getByLabel('Name in Spanish').fill('Calidad de inventario');
  await card.getByRole('button', { name: 'Save names' }).click();
  await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  const teams = (await api('/teams')).json.items;
  assert.equal(teams.find((x) => x.key === 'inventory-quality').name_es, 'Calidad de inventario');
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('an admin makes a screenshot required for UI/API bugs', async () => {
  const page = await adminPage('/admin/types');
  await page.getByRole('heading', { level: 1, name: 'Request types' }).waitFor();
  // Position order: the seed's table, support types first.
  const names = await page.locator('tbody tr td:first-child a').allInnerTexts();
  assert.equal(names[0], 'Anti-malvertising questions');
  assert.equal(names.length, 18);
  await expectAccessible(page, 'the request types list');
  await page.getByRole('link', { name: 'UI/API bugs and product issues' }).click();
  await page.getByRole('heading', { level: 1, name: 'UI/API bugs and product issues' }).waitFor();
  const effect = page.getByTestId('type-effect');
  assert.doesNotMatch(await effect.locator('p').first().innerText(), /Screenshots/);
  const group = page.getByRole('group', { name: 'Screenshots' });
  assert.equal(await group.getByRole('radio', { name: 'Recommended' }).isChecked(), true);
  await group.getByRole('radio', { name: 'Required' }).check();
  assert.match(await effect.locator('p').first().innerText(),
    /^Customers must give: Subject, Description, Impact on their goals, Steps to reproduce, Browser and version, Operating system and version, and Screenshots\.$/);
  // Subject and description cannot be made optional.
  assert.equal(await page.getByRole('group', { name: 'Subject' }).getByRole('radio', { name: 'Optional' }).isDisabled(), true);
  await expectAccessible(page, 'a request type');
  await shot(page, 'admin-types');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Request type saved' }).waitFor();
  const rt = (await api('/request-types/ui-api-bug')).json;
  assert.equal(rt.fields.attachments, 'required');
  assert.equal(rt.fields.steps, 'required');
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('SLA settings are saved, explained, and shown after a reload; the admin area folds at phone width', async () => {
  const page = await adminPage('/admin/sla');
  await page.getByRole('heading', { level: 1, name: 'SLA settings' }).waitFor();
  const warn = page.getByLabel('Warn agents at');
  const update = page.getByLabel('Update open emergencies every');
  assert.equal(await warn.inputValue(), '75');
  assert.equal(await update.inputValue(), '120');
  assert.match(await page.getByText(/^At 75%/).innerText(), /after 6h 45m of working time/);
  assert.match(await page.locator('.targets').innerText(), /Within 1 business day[\s\S]*Within 1 hour, round the clock/);
  await expectAccessible(page, 'the SLA settings');
  // Out of range: the server's message, on the field; nothing saved.
  await update.fill('5');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('.field-invalid').getByText('an integer from 15 to 1440').waitFor();
  assert.deepEqual((await api('/settings/sla')).json, { warn_percent: 75, emergency_update_minutes: 120 });
  await warn.fill('80');
  await update.fill('60');
  assert.match(await page.getByText(/^At 80%/).innerText(), /after 7h 12m of working time, an emergency after 48m/);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await shot(page, 'admin-sla');
  assert.deepEqual((await api('/settings/sla')).json, { warn_percent: 80, emergency_update_minutes: 60 });
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'SLA settings' }).waitFor();
  assert.equal(await page.getByLabel('Warn agents at').inputValue(), '80');
  assert.equal(await page.getByLabel('Update open emergencies every').inputValue(), '60');

  // At 375 px the section navigation sits above the content, and nothing overflows sideways.
  await page.setViewportSize({ width: 375, height: 800 });
  const nav = await page.getByRole('navigation', { name: 'Admin sections' }).boundingBox();
  const h1 = await page.getByRole('heading', { level: 1 }).boundingBox();
  assert.ok(nav.y + nav.height <= h1.y, 'the navigation is above the heading');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scrolling');
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Business calendar' }).click();
  await previewDue(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'the calendar fits too');
  await expectAccessible(page, 'the calendar at phone width');
  expectClean(page, [/status of 401/, /status of 422/]);
  await page.context().close();
});

test('an agent who opens /admin is sent to their workspace', async () => {
  const { user } = await makeAgent(server, 'client-services');
  const page = await newPage(server);
  await signInUI(page, user.email, PASSWORD, { path: '/admin/calendar' });
  await page.waitForURL((u) => new URL(u).pathname.startsWith('/agent'));
  assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0, 'no Admin link for an agent');
  await page.goto('/admin');
  await page.waitForURL((u) => new URL(u).pathname.startsWith('/agent'));
  assert.equal(await page.getByRole('navigation', { name: 'Admin sections' }).count(), 0);
  expectClean(page, [/status of 401/]);
  await page.context().close();
});
