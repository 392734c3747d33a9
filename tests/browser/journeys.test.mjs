// Journeys across areas, each side in its own browser: what an agent does
// in the workspace reaches the customer's portal live, and back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeBrowser, expectAccessible, expectClean, file, makeAgent, makeOrg, newPage, signInUI,
  startServer, uiBug,
} from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await closeBrowser(); await server.stop(); });

test('an agent asks a follow-up question in the workspace; the customer answers it in the Spanish portal', async () => {
  const acme = await makeOrg(server, 'Journey Acme');
  assert.equal((await server.admin.patch(`/api/v1/users/${acme.spoc.id}`, { language: 'es' })).status, 200);
  const agent = await makeAgent(server, 'client-services');
  const t = await file(acme.asSpoc, uiBug({ subject: 'Los informes no cargan' }));

  // The agent's side.
  const desk = await newPage(server);
  await signInUI(desk, agent.user.email, undefined, { path: `/agent/tickets/${t.id}` });
  await desk.locator('#ticket-title').waitFor();
  assert.equal(await desk.locator('.t-sla [data-sla]').getAttribute('data-sla'), 'ok', 'the countdown runs');
  await desk.locator('#composer-body').blur();
  await desk.keyboard.press('q');
  await desk.keyboard.type('¿Qué informe y qué rango de fechas?');
  await desk.getByRole('button', { name: 'Send question' }).click();
  await desk.locator('.t-badges .status-awaiting_customer').waitFor();
  await desk.locator('.t-sla [data-sla="met"]').waitFor();

  // The customer's side, in Spanish (their account's language).
  const portal = await newPage(server, { locale: 'es-ES', timezoneId: 'Europe/Madrid' });
  await signInUI(portal, acme.spoc.email, undefined, { path: `/portal/tickets/${t.id}` });
  const card = portal.locator('.question-card');
  await card.waitFor();
  assert.match(await card.innerText(), /Necesitamos su respuesta[\s\S]*¿Qué informe y qué rango de fechas\?/);
  await expectAccessible(portal, 'the Spanish ticket view with a question');
  await card.getByRole('textbox', { name: 'Su respuesta' }).fill('El informe de entregas, del 1 al 15 de noviembre.');
  await card.getByRole('button', { name: 'Enviar respuesta' }).click();
  await portal.locator('.question-card').waitFor({ state: 'detached' });

  // Back on the desk, without a reload: the answer and the status arrive live.
  await desk.locator('.conversation li', { hasText: 'El informe de entregas' }).waitFor();
  await desk.locator('.t-badges .status-open').waitFor();
  const now = (await server.admin.get(`/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.status, 'open');
  const comments = (await server.admin.get(`/api/v1/tickets/${t.id}/comments`)).json.items;
  assert.deepEqual(comments.map((c) => [c.kind, c.author.id, c.body]), [
    ['question', agent.user.id, '¿Qué informe y qué rango de fechas?'],
    ['reply', acme.spoc.id, 'El informe de entregas, del 1 al 15 de noviembre.'],
  ]);
  expectClean(desk, [/401/]);
  expectClean(portal, [/401/]);
  await desk.context().close();
  await portal.context().close();
});
