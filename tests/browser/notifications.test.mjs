// Notifications in the web app: the admins' Mail screen (failed and
// retrying mail, with Retry), the team's on-call person in Teams, and the
// notification settings where staff mute what may be muted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  PASSWORD, closeBrowser, expectAccessible, expectClean, file, makeAgent, makeOrg, newPage, screenshot,
  signInUI, startServer, uiBug,
} from './harness.mjs';

let server, org;
before(async () => {
  server = await startServer({ env: { SWITCHBOARD_SMTP_URL: '' } });
  org = await makeOrg(server, 'Browser Mail Org');
});
after(async () => { await closeBrowser(); await server.stop(); });

test('an admin sees failed and retrying mail on the Mail screen and retries a failed one', async () => {
  const t1 = await file(org.asSpoc, uiBug({ subject: 'Bounced mail' }));
  const t2 = await file(org.asSpoc, uiBug({ subject: 'Waiting mail' }));
  const row = (t) => Number(server.sql(`SELECT id FROM outbox WHERE ticket_id = ${t.id}`).trim());
  const failed = row(t1), retrying = row(t2);
  server.sql(`UPDATE outbox SET state = 'failed', attempts = 1, last_error = '550 5.1.1 No such user here' WHERE id = ${failed}`);
  server.sql(`UPDATE outbox SET attempts = 3, last_error = 'Failed to connect to mail.example', next_attempt_at = 4000000000 WHERE id = ${retrying}`);

  const page = await newPage(server);
  await signInUI(page, 'admin@test.example', PASSWORD, { path: '/admin' });
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Mail' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
  const failedList = page.getByRole('region', { name: 'Failed' });
  const bad = failedList.locator(`tr[data-outbox="${failed}"]`);
  await bad.waitFor();
  assert.match(await bad.innerText(), /request_received/);
  assert.match(await bad.innerText(), new RegExp(`#${t1.id}`));
  assert.match(await bad.innerText(), /Spoc Browser Mail Org/);
  assert.match(await bad.innerText(), /550 5\.1\.1 No such user here/);
  const waiting = page.getByRole('region', { name: 'Retrying' }).locator(`tr[data-outbox="${retrying}"]`);
  await waiting.waitFor();
  assert.match(await waiting.innerText(), /Failed to connect to mail\.example/);
  assert.match(await waiting.innerText(), /Next attempt/);
  assert.equal(await waiting.getByRole('button', { name: /Retry/ }).count(), 0, 'a retrying mail needs no button');
  await expectAccessible(page, 'the Mail screen');
  await screenshot(page, 'admin-mail', { fullPage: true });

  await bad.getByRole('button', { name: `Retry mail ${failed}` }).click();
  await failedList.getByText(`Mail ${failed} will be sent again now.`).waitFor();
  await failedList.getByText('No failed mail.').waitFor();
  assert.equal(server.sql(`SELECT state, attempts FROM outbox WHERE id = ${failed}`).trim(), 'pending|0');
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('the Mail screen in Spanish', async () => {
  const page = await newPage(server);
  await signInUI(page, 'admin@test.example', PASSWORD, { path: '/admin/mail' });
  await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
  await page.getByRole('banner').locator('select').selectOption('es');
  await page.getByRole('heading', { level: 1, name: 'Correo' }).waitFor();
  await page.getByRole('region', { name: 'Fallidos' }).waitFor();
  await page.getByRole('region', { name: 'Reintentándose' }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Secciones de administración' }).getByRole('link', { name: 'Correo' }).getAttribute('aria-current'), 'page');
  await expectAccessible(page, 'the Mail screen in Spanish');
  await page.getByRole('banner').locator('select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Mail' }).waitFor();
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('an admin names the team\'s on-call person in Teams', async () => {
  const onCall = await makeAgent(server, 'ad-quality');
  const page = await newPage(server);
  await signInUI(page, 'admin@test.example', PASSWORD, { path: '/admin/teams' });
  const form = page.getByRole('form', { name: /On call for Ad Quality/ });
  const select = form.getByLabel('On call');
  await select.locator(`option[value="${onCall.user.id}"]`).waitFor({ state: 'attached' });
  await select.selectOption(String(onCall.user.id));
  await form.getByRole('button', { name: 'Save on call' }).click();
  await form.getByText('Saved').waitFor();
  const teams = (await server.admin.get('/api/v1/teams')).json.items;
  assert.equal(teams.find((t) => t.key === 'ad-quality').on_call_id, onCall.user.id);
  await expectAccessible(page, 'Teams with on-call');
  await select.selectOption('');
  await form.getByRole('button', { name: 'Save on call' }).click();
  await page.waitForFunction(async () => {
    const r = await fetch('/api/v1/teams');
    return (await r.json()).items.find((t) => t.key === 'ad-quality').on_call_id === null;
  });
  expectClean(page, [/status of 401/]);
  await page.context().close();
});

test('an agent mutes SLA warnings in their notification settings, in English and Spanish', async () => {
  const agent = await makeAgent(server, 'client-services');
  const page = await newPage(server);
  await signInUI(page, agent.user.email, PASSWORD, { path: '/agent' });
  await page.getByRole('banner').getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  const warn = page.getByRole('checkbox', { name: 'First responses due soon (75% of the target)' });
  assert.equal(await warn.isChecked(), true);
  await page.getByText('Missed first-response targets of the teams I lead').waitFor();
  await expectAccessible(page, 'the notification settings');
  await warn.uncheck();
  await page.getByRole('button', { name: 'Save notifications' }).click();
  await page.getByRole('status').getByText('Saved').waitFor();
  assert.deepEqual((await server.admin.get(`/api/v1/users/${agent.user.id}`)).json.muted, ['sla_warning']);

  await page.reload();
  const again = page.getByRole('checkbox', { name: 'First responses due soon (75% of the target)' });
  await again.waitFor();
  assert.equal(await again.isChecked(), false, 'kept after a reload');
  await page.getByRole('banner').locator('select').selectOption('es');
  await page.getByRole('heading', { level: 1, name: 'Notificaciones' }).waitFor();
  const es = page.getByRole('checkbox', { name: 'Primeras respuestas que vencen pronto (75 % del plazo)' });
  assert.equal(await es.isChecked(), false);
  await es.check();
  await page.getByRole('button', { name: 'Guardar notificaciones' }).click();
  await page.waitForFunction(async () => (await (await fetch('/api/v1/session')).json()).user.muted.length === 0);
  await expectAccessible(page, 'the notification settings in Spanish');
  expectClean(page, [/status of 401/]);
  await page.context().close();
});
