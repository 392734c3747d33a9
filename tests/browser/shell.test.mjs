// The shell: serving the app, signing in and out, the language choice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeBrowser, expectAccessible, expectClean, makeOrg, makeAgent, newPage, signInUI, startServer,
} from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await closeBrowser(); await server.stop(); });

test('the app is served with a strict CSP and cacheable assets', async () => {
  const res = await fetch(server.base + '/portal/tickets/1');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const csp = res.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const html = await res.text();
  const asset = html.match(/src="(\/assets\/[^"]+\.js)"/)[1];
  const js = await fetch(server.base + asset);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.match(res.headers.get('x-content-type-options'), /nosniff/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal((await fetch(server.base + '/assets/nope.js')).status, 404, 'a missing asset is a 404, not the app');
  assert.equal((await fetch(server.base + '/api/v1/nope')).status, 404, 'API paths never fall back to the app');
});

test('a contact signs in to the portal, an agent to the workspace; both sign out', async () => {
  const { spoc } = await makeOrg(server, 'Shell Org');
  const { user: agent } = await makeAgent(server, 'app-support');
  const page = await newPage(server);
  await page.goto('/');
  await expectAccessible(page, 'the sign-in page');
  await page.locator('input[name="email"]').fill(spoc.email);
  await page.locator('input[name="password"]').fill('wrong password here');
  await page.locator('form button[type="submit"]').click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /do not match/);
  await signInUI(page, spoc.email);
  await page.waitForURL('**/portal**');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('input[name="email"]').waitFor();
  await signInUI(page, agent.email);
  await page.waitForURL('**/agent**');
  // A reload keeps the session, and writes still carry the CSRF token.
  await page.reload();
  await page.locator('header.topbar').waitFor();
  expectClean(page, [/401/]);
  await page.context().close();
});

test('the language follows Accept-Language, then the user\'s choice', async () => {
  const { other } = await makeOrg(server, 'Idioma Org');
  const page = await newPage(server, { locale: 'es-MX' });
  await page.goto('/');
  await page.getByRole('heading', { name: 'Inicia sesión en Switchboard' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  await signInUI(page, other.email);
  // The account says English (the default): the user's choice wins.
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
  expectClean(page, [/401/]);
  await page.context().close();
});
