// The admin's and the agent queue's endpoints: the CSRF token after a reload,
// listing organizations and users, changing users and teams, the business
// calendar and SLA settings (with the live preview), sla_warn_at, team=mine
// and 500-ticket pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, makeUser, signIn, client, uiBug, file, validBody, emergency,
  expectError, expectFields, sec, iso, nyToUtc, standardDue, PASSWORD,
} from './harness.mjs';

let server, acme, globex, cs, lead, multi, adminSession;

before(async () => {
  server = await startServer();
  // Made in reverse alphabetical order, so that sorting by name is visible.
  globex = await makeOrg(server, 'Globex Ads');
  acme = await makeOrg(server, 'acme media');
  cs = await makeAgent(server, 'client-services');
  lead = await makeAgent(server, 'client-services', 'lead');
  multi = await makeUser(server, 'agent', { teams: ['ad-quality', 'app-support'] });
  adminSession = await signIn(server, 'admin@test.example');
});
after(async () => { await server?.stop(); });

const ids = (res) => res.json.items.map((x) => x.id);
const settings = () => server.sql('SELECT key || \'=\' || value FROM settings ORDER BY key').trim();

// Signs in by hand, to see refusals (the harness's signIn throws on them).
async function tryToSignIn(email, password = PASSWORD) {
  const res = await fetch(`${server.base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
}

// ---- the session -----------------------------------------------------------------

test('GET /session returns the session\'s CSRF token to a cookie caller, none to a bearer caller', async () => {
  const s = await signIn(server, acme.other.email);
  const me = await client(server.base, { cookie: s.cookie }).get('/api/v1/session');
  assert.equal(me.status, 200);
  assert.equal(me.json.csrf_token, s.csrf);
  assert.equal(me.json.user.id, acme.other.id);
  // The token recovered this way works for writes.
  const reloaded = client(server.base, { cookie: s.cookie, csrf: me.json.csrf_token });
  assert.equal((await reloaded.patch(`/api/v1/users/${acme.other.id}`, { name: 'Other Acme' })).status, 200);
  // Another session of the same user has its own token.
  const second = await signIn(server, acme.other.email);
  assert.notEqual(second.csrf, s.csrf);
  assert.equal((await second.get('/api/v1/session')).json.csrf_token, second.csrf);

  const bearer = await server.tokenClient(acme.other.email).get('/api/v1/session');
  assert.equal(bearer.status, 200);
  assert.deepEqual(Object.keys(bearer.json), ['user']);
});

// ---- organizations ---------------------------------------------------------------

test('GET /orgs lists organizations by name for staff, as GET /orgs/{id} shows each', async () => {
  for (const c of [server.admin, cs.as, lead.as, acme.asRep]) {
    const res = await c.get('/api/v1/orgs');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.json), ['items']);
    assert.deepEqual(ids(res), [acme.org.id, globex.org.id], 'by name, case folded');
    for (const o of res.json.items) assert.deepEqual(o, (await server.admin.get(`/api/v1/orgs/${o.id}`)).json);
  }
  assert.equal((await server.admin.get('/api/v1/orgs')).json.items[0].spoc.id, acme.spoc.id);
  assert.deepEqual(ids(await server.admin.get('/api/v1/orgs?limit=1')), [acme.org.id]);
  assert.deepEqual(ids(await server.admin.get('/api/v1/orgs?limit=1&offset=1')), [globex.org.id]);
  assert.deepEqual(ids(await server.admin.get('/api/v1/orgs?offset=2')), []);
});

test('GET /orgs shows a contact their own organization only', async () => {
  for (const [o, c] of [[acme, acme.asSpoc], [acme, acme.asOther], [globex, globex.asOther]]) {
    const res = await c.get('/api/v1/orgs');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { items: [(await c.get(`/api/v1/orgs/${o.org.id}`)).json] });
  }
  assert.deepEqual((await acme.asOther.get('/api/v1/orgs?offset=1')).json, { items: [] });
});

test('GET /orgs refuses a bad limit or offset with 422', async () => {
  for (const q of ['limit=0', 'limit=501', 'limit=x', 'offset=-1', 'offset=1.5']) {
    expectFields(await server.admin.get(`/api/v1/orgs?${q}`), [q.split('=')[0]]);
  }
  expectFields(await server.admin.get('/api/v1/orgs?limit=0&offset=-1'), ['limit', 'offset']);
});

// ---- users -------------------------------------------------------------------------

test('GET /users lists users by name, each as GET /users/{id} shows them, with teams and disabled', async () => {
  for (const c of [server.admin, cs.as, lead.as, acme.asRep]) {
    const res = await c.get('/api/v1/users');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.json), ['items']);
    // By name with ASCII case folded (SQLite's NOCASE), then id.
    const names = res.json.items.map((u) => u.name.toLowerCase());
    assert.deepEqual(names, [...names].sort());
    assert.ok(res.json.items.length >= 10, `everyone: ${res.json.items.length}`);
  }
  const all = (await server.admin.get('/api/v1/users')).json.items;
  for (const u of all) {
    assert.deepEqual(u, (await server.admin.get(`/api/v1/users/${u.id}`)).json);
    assert.deepEqual(Object.keys(u).sort(), ['disabled', 'email', 'id', 'language', 'muted', 'name', 'org_id', 'role', 'teams']);
    assert.equal(u.disabled, false);
  }
  assert.deepEqual(all.find((u) => u.id === multi.user.id).teams, ['ad-quality', 'app-support']);
});

test('GET /users filters by role, organization and team, and pages with limit and offset', async () => {
  const q = async (s) => ids(await server.admin.get(`/api/v1/users?${s}`)).sort((a, b) => a - b);
  const sorted = (list) => [...list].sort((a, b) => a - b);
  assert.deepEqual(await q(`org_id=${acme.org.id}`), sorted([acme.spoc.id, acme.other.id]));
  assert.deepEqual(await q(`org_id=${acme.org.id}&role=agent`), []);
  assert.deepEqual(await q('role=lead'), [lead.user.id]);
  assert.deepEqual(await q('role=account-rep'), sorted([acme.rep.id, globex.rep.id]));
  assert.deepEqual(await q('team=client-services'), sorted([cs.user.id, lead.user.id]));
  assert.deepEqual(await q('team=app-support'), [multi.user.id]);
  assert.deepEqual(await q('team=client-services&role=agent'), [cs.user.id]);
  const all = ids(await server.admin.get('/api/v1/users'));
  assert.deepEqual(ids(await server.admin.get('/api/v1/users?limit=2')), all.slice(0, 2));
  assert.deepEqual(ids(await server.admin.get('/api/v1/users?limit=2&offset=2')), all.slice(2, 4));
});

test('GET /users is for staff (403 for contacts) and lists every bad filter at once', async () => {
  for (const c of [acme.asSpoc, acme.asOther]) expectError(await c.get('/api/v1/users'), 403, 'forbidden');
  expectFields(await server.admin.get('/api/v1/users?role=wizard&org_id=x&team=nope&limit=501&offset=-3'),
    ['role', 'org_id', 'team', 'limit', 'offset']);
  expectFields(await server.admin.get('/api/v1/users?org_id=0'), ['org_id']);
});

test('an admin changes a user\'s name, role, language and teams', async () => {
  const u = await makeUser(server, 'agent', { teams: ['client-services'] });
  const res = await adminSession.patch(`/api/v1/users/${u.user.id}`, {
    name: 'Renamed Lead', role: 'lead', language: 'es', teams: ['ad-quality', 'anti-malvertising'],
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, {
    ...u.user, name: 'Renamed Lead', role: 'lead', language: 'es', teams: ['ad-quality', 'anti-malvertising'], disabled: false,
  });
  assert.deepEqual((await server.admin.get(`/api/v1/users/${u.user.id}`)).json, res.json);
  assert.deepEqual((await u.as.get('/api/v1/session')).json.user, res.json, 'the user\'s session sees the change');
  // Fields not sent stay as they are; teams: [] empties the list.
  const kept = await server.admin.patch(`/api/v1/users/${u.user.id}`, { teams: [] });
  assert.deepEqual(kept.json, { ...res.json, teams: [] });
  // A role without teams leaves none.
  await server.admin.patch(`/api/v1/users/${u.user.id}`, { teams: ['app-support'] });
  const admin = await server.admin.patch(`/api/v1/users/${u.user.id}`, { role: 'admin' });
  assert.deepEqual([admin.json.role, admin.json.teams], ['admin', []]);
  assert.equal(server.sql(`SELECT count(*) FROM user_teams WHERE user_id = ${u.user.id}`).trim(), '0');
});

test('changing a user lists every invalid field at once', async () => {
  const u = await makeUser(server, 'agent', { teams: ['client-services'] });
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, {
    name: ' ', role: 'wizard', language: 'fr', teams: ['nope'], disabled: 'yes',
  }), ['name', 'role', 'language', 'teams', 'disabled']);
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, { name: 5, teams: 'client-services' }), ['name', 'teams']);
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, { role: 'account-rep', teams: ['app-support'] }), ['teams']);
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, { name: '', role: 'account-rep', teams: ['app-support'] }), ['name', 'teams']);
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, { language: 'de', role: 'contact' }), ['language', 'role']);
  expectFields(await server.admin.patch(`/api/v1/users/${acme.rep.id}`, { teams: ['app-support'] }), ['teams']);
  // Staff stay staff and contacts stay contacts.
  expectFields(await server.admin.patch(`/api/v1/users/${u.user.id}`, { role: 'contact' }), ['role']);
  expectFields(await server.admin.patch(`/api/v1/users/${acme.other.id}`, { role: 'agent' }), ['role']);
  // A representative of an organization stays one until another is named.
  expectFields(await server.admin.patch(`/api/v1/users/${acme.rep.id}`, { role: 'agent' }), ['role']);
  // Nothing changed.
  assert.deepEqual((await server.admin.get(`/api/v1/users/${u.user.id}`)).json, u.user);
  assert.equal((await server.admin.get(`/api/v1/users/${acme.rep.id}`)).json.role, 'account-rep');
  expectError(await server.admin.patch('/api/v1/users/999999', { name: 'Nobody' }), 404, 'not_found');
});

test('an account representative who represents no one may become an agent', async () => {
  const rep = await makeUser(server, 'account-rep');
  const res = await server.admin.patch(`/api/v1/users/${rep.user.id}`, { role: 'agent', teams: ['client-services'] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.role, res.json.teams], ['agent', ['client-services']]);
});

test('an admin cannot change their own role nor disable themselves', async () => {
  const me = (await adminSession.get('/api/v1/session')).json.user;
  expectFields(await adminSession.patch(`/api/v1/users/${me.id}`, { role: 'agent' }), ['role']);
  expectFields(await adminSession.patch(`/api/v1/users/${me.id}`, { disabled: true }), ['disabled']);
  const same = await adminSession.patch(`/api/v1/users/${me.id}`, { role: 'admin', disabled: false, name: 'Admin' });
  assert.equal(same.status, 200, same.text);
  assert.equal((await server.admin.get('/api/v1/session')).json.user.role, 'admin');
});

test('anyone changes their own name and language, and nothing else', async () => {
  const c = await makeUser(server, 'contact', { org_id: acme.org.id });
  const res = await c.as.patch(`/api/v1/users/${c.user.id}`, { language: 'es' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { ...c.user, language: 'es' });
  assert.equal((await c.as.get('/api/v1/session')).json.user.language, 'es');
  const named = await c.as.patch(`/api/v1/users/${c.user.id}`, { name: 'Ana Contact', language: 'en' });
  assert.deepEqual([named.json.name, named.json.language], ['Ana Contact', 'en']);
  for (const body of [{ role: 'admin' }, { role: 'contact' }, { disabled: false }, { teams: [] }, { name: 'X', teams: ['app-support'] }]) {
    expectError(await c.as.patch(`/api/v1/users/${c.user.id}`, body), 403, 'forbidden');
  }
  assert.deepEqual((await server.admin.get(`/api/v1/users/${c.user.id}`)).json, named.json);
  expectFields(await c.as.patch(`/api/v1/users/${c.user.id}`, { language: 'fr', name: '' }), ['language', 'name']);
  // Staff too, with a token.
  const agent = await server.tokenClient(cs.user.email).patch(`/api/v1/users/${cs.user.id}`, { language: 'es' });
  assert.equal(agent.status, 200, agent.text);
  assert.deepEqual(agent.json.teams, ['client-services']);
  await server.tokenClient(cs.user.email).patch(`/api/v1/users/${cs.user.id}`, { language: 'en' });
  expectError(await cs.as.patch(`/api/v1/users/${cs.user.id}`, { role: 'lead' }), 403, 'forbidden');
  // A cookie write needs the CSRF token.
  expectError(await c.as.patch(`/api/v1/users/${c.user.id}`, { name: 'No CSRF' }, { 'X-CSRF-Token': null }), 403, 'csrf');
});

test('only an admin changes another user: 403 when the caller may see them, 404 when not', async () => {
  for (const [c, target] of [[cs.as, lead.user], [lead.as, cs.user], [acme.asRep, acme.other], [acme.asSpoc, acme.other]]) {
    expectError(await c.patch(`/api/v1/users/${target.id}`, { name: 'Hijacked' }), 403, 'forbidden');
  }
  expectError(await acme.asSpoc.patch(`/api/v1/users/${globex.other.id}`, { name: 'Hijacked' }), 404, 'not_found');
  expectError(await acme.asSpoc.patch(`/api/v1/users/${cs.user.id}`, { language: 'es' }), 404, 'not_found');
  assert.equal((await server.admin.get(`/api/v1/users/${acme.other.id}`)).json.name, 'Other Acme');
  assert.equal((await server.admin.get(`/api/v1/users/${lead.user.id}`)).json.name, lead.user.name);
});

test('a disabled user can neither sign in nor use a session or a token, until enabled again', async () => {
  const u = await makeUser(server, 'agent', { teams: ['client-services'] });
  const token = server.tokenClient(u.user.email);
  assert.equal((await token.get('/api/v1/session')).status, 200);
  const off = await adminSession.patch(`/api/v1/users/${u.user.id}`, { disabled: true });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.disabled, true);
  assert.equal((await server.admin.get(`/api/v1/users?role=agent`)).json.items.find((x) => x.id === u.user.id).disabled, true);

  const refused = await tryToSignIn(u.user.email);
  expectError(refused, 401, 'unauthorized');
  assert.equal(refused.headers.get('set-cookie'), null);
  // A wrong password still gets the message everyone gets.
  const wrong = await tryToSignIn(u.user.email, 'not the password');
  assert.equal(wrong.json.error.message, (await tryToSignIn('nobody@nowhere.example', 'not the password')).json.error.message);
  expectError(await u.as.get('/api/v1/session'), 401, 'unauthorized');
  expectError(await u.as.get('/api/v1/tickets'), 401, 'unauthorized');
  expectError(await token.get('/api/v1/session'), 401, 'unauthorized');
  expectError(await token.get('/api/v1/tickets'), 401, 'unauthorized');
  assert.equal(server.sql(`SELECT count(*) FROM sessions WHERE user_id = ${u.user.id}`).trim(), '0', 'their sessions ended');

  const on = await server.admin.patch(`/api/v1/users/${u.user.id}`, { disabled: false });
  assert.equal(on.json.disabled, false);
  assert.equal((await tryToSignIn(u.user.email)).status, 201);
  assert.equal((await token.get('/api/v1/session')).status, 200, 'tokens work again');
  expectError(await u.as.get('/api/v1/session'), 401, 'unauthorized'); // the old session stays ended
});

// ---- teams -----------------------------------------------------------------------

test('an admin renames a team; GET /teams shows the new names to everyone', async () => {
  const res = await adminSession.patch('/api/v1/teams/inventory-quality', { name_en: 'Supply Quality', name_es: 'Calidad de la oferta' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { key: 'inventory-quality', name_en: 'Supply Quality', name_es: 'Calidad de la oferta', on_call_id: null });
  for (const c of [server.admin, cs.as, acme.asOther]) {
    const teams = (await c.get('/api/v1/teams')).json.items;
    assert.deepEqual(teams.map((t) => t.key), ['anti-malvertising', 'app-support', 'ad-quality', 'client-services', 'inventory-quality']);
    assert.deepEqual(teams.find((t) => t.key === 'inventory-quality'), res.json);
  }
  const one = await server.admin.patch('/api/v1/teams/inventory-quality', { name_es: 'Calidad del inventario' });
  assert.deepEqual(one.json, { key: 'inventory-quality', name_en: 'Supply Quality', name_es: 'Calidad del inventario', on_call_id: null });
  assert.equal(server.sql("SELECT CAST(renamed_at IS NOT NULL AS INTEGER) FROM teams WHERE key = 'inventory-quality'").trim(), '1');
});

test('renaming a team: admins only, valid names, known keys', async () => {
  const before = (await server.admin.get('/api/v1/teams')).json;
  for (const c of [cs.as, lead.as, acme.asRep, acme.asSpoc]) {
    expectError(await c.patch('/api/v1/teams/app-support', { name_en: 'Mine' }), 403, 'forbidden');
  }
  expectFields(await server.admin.patch('/api/v1/teams/app-support', { name_en: ' ', name_es: 7 }), ['name_en', 'name_es']);
  expectFields(await server.admin.patch('/api/v1/teams/app-support', { name_en: 'x'.repeat(201) }), ['name_en']);
  expectError(await server.admin.patch('/api/v1/teams/no-such-team', { name_en: 'Ghost' }), 404, 'not_found');
  assert.deepEqual((await server.admin.get('/api/v1/teams')).json, before);
});

// ---- sla_warn_at -------------------------------------------------------------------

// Files a ticket, then moves its creation and target to known instants.
async function placed(body, created, due) {
  const t = await file(acme.asSpoc, body);
  server.sql(`UPDATE tickets SET created_at = ${created}, first_response_due_at = ${due} WHERE id = ${t.id}`);
  return t.id;
}
const warnOf = async (id) => (await server.admin.get(`/api/v1/tickets/${id}`)).json.sla_warn_at;

test('sla_warn_at is when 75% of the business time to the target has elapsed (clock time for emergencies)', async () => {
  // Tuesday 10:00 New York: due Wednesday 10:00; 75% of 9 working hours is 6h45: Tuesday 16:45.
  const tue = nyToUtc(2026, 3, 3, 10, 0);
  assert.equal(standardDue(tue), nyToUtc(2026, 3, 4, 10, 0));
  const a = await placed(uiBug(), tue, standardDue(tue));
  // Friday 17:00: one hour on Friday, then Monday (after the switch to daylight time) 09:00 + 5h45.
  const fri = nyToUtc(2026, 3, 6, 17, 0);
  assert.equal(standardDue(fri), nyToUtc(2026, 3, 9, 17, 0));
  const b = await placed(uiBug(), fri, standardDue(fri));
  // An emergency at 03:00 UTC on a Saturday: 45 minutes of its hour.
  const sat = sec('2026-03-07T03:00:00Z');
  const c = await placed(uiBug(emergency()), sat, sat + 3600);

  const t = (await server.admin.get(`/api/v1/tickets/${a}`)).json;
  assert.equal(t.sla_warn_at, iso(nyToUtc(2026, 3, 3, 16, 45)));
  assert.equal(t.sla_warn_at, '2026-03-03T21:45:00Z');
  assert.equal(await warnOf(b), iso(nyToUtc(2026, 3, 9, 14, 45)));
  assert.equal(await warnOf(b), '2026-03-09T18:45:00Z');
  assert.equal(await warnOf(c), '2026-03-07T03:45:00Z');
  // The same in listings and to the customer.
  const listed = (await server.admin.get('/api/v1/tickets?limit=500')).json.items.find((x) => x.id === a);
  assert.equal(listed.sla_warn_at, '2026-03-03T21:45:00Z');
  assert.equal((await acme.asSpoc.get(`/api/v1/tickets/${b}`)).json.sla_warn_at, '2026-03-09T18:45:00Z');
});

test('sla_warn_at follows warn_percent, and is null without a target or once answered', async () => {
  const tue = nyToUtc(2026, 3, 3, 10, 0);
  const a = await placed(uiBug(), tue, standardDue(tue));
  const sat = sec('2026-03-07T03:00:00Z');
  const e = await placed(uiBug(emergency()), sat, sat + 3600);
  assert.equal((await server.admin.request('PUT', '/api/v1/settings/sla', { warn_percent: 50, emergency_update_minutes: 120 })).status, 200);
  try {
    assert.equal(await warnOf(a), iso(nyToUtc(2026, 3, 3, 14, 30)));
    assert.equal(await warnOf(e), '2026-03-07T03:30:00Z');
    await server.admin.request('PUT', '/api/v1/settings/sla', { warn_percent: 99, emergency_update_minutes: 120 });
    // 99% of 32,400 s is 32,076 s: Tuesday's 8 hours, then 54 min 36 s on Wednesday.
    assert.equal(await warnOf(a), iso(nyToUtc(2026, 3, 4, 9, 54) + 36));
    assert.equal(await warnOf(e), iso(sat + 3564));
  } finally {
    await server.admin.request('PUT', '/api/v1/settings/sla', { warn_percent: 75, emergency_update_minutes: 120 });
  }
  assert.equal(await warnOf(a), '2026-03-03T21:45:00Z');

  const account = await file(acme.asSpoc, validBody('billing'));
  assert.equal(account.first_response_due_at, null);
  assert.equal(account.sla_warn_at, null);
  const answered = await file(acme.asSpoc, uiBug());
  assert.notEqual(answered.sla_warn_at, null);
  assert.equal((await cs.as.post(`/api/v1/tickets/${answered.id}/comments`, { body: 'On it.' })).status, 201);
  assert.equal(await warnOf(answered.id), null);
});

test('a ticket filed now carries an sla_warn_at between its creation and its target', async () => {
  const t = await file(acme.asSpoc, uiBug());
  const created = sec(t.created_at), due = sec(t.first_response_due_at), warn = sec(t.sla_warn_at);
  assert.ok(created <= warn && warn <= due, `${t.created_at} <= ${t.sla_warn_at} <= ${t.first_response_due_at}`);
  const e = await file(acme.asSpoc, uiBug(emergency()));
  assert.equal(sec(e.sla_warn_at), sec(e.created_at) + 2700);
});

// ---- the agent queue ---------------------------------------------------------------

test('team=mine lists the tickets of the caller\'s teams', async () => {
  const org = await makeOrg(server, 'Queue Test');
  const mine = {
    cs: await file(org.asSpoc, uiBug({ subject: 'queue cs' })),
    aq: await file(org.asSpoc, validBody('creative-audit', { subject: 'queue aq' })),
    app: await file(org.asSpoc, validBody('app-bug', { subject: 'queue app' })),
    am: await file(org.asSpoc, validBody('anti-malvertising', { subject: 'queue am' })),
    billing: await file(org.asSpoc, validBody('billing', { subject: 'queue billing' })),
  };
  const q = async (c, s = '') => ids(await c.get(`/api/v1/tickets?team=mine&org_id=${org.org.id}&limit=100${s}`)).sort((a, b) => a - b);
  assert.deepEqual(await q(cs.as), [mine.cs.id]);
  assert.deepEqual(await q(lead.as), [mine.cs.id]);
  assert.deepEqual(await q(multi.as), [mine.aq.id, mine.app.id].sort((a, b) => a - b));
  assert.deepEqual(await q(multi.as, '&request_type=app-bug'), [mine.app.id]);
  // Staff without teams (and contacts) have no queue.
  assert.deepEqual(await q(server.admin), []);
  assert.deepEqual(await q(org.asRep), []);
  assert.deepEqual(await q(org.asSpoc), []);
  // Changing an agent's teams changes their queue at once.
  await server.admin.patch(`/api/v1/users/${multi.user.id}`, { teams: ['anti-malvertising'] });
  try {
    assert.deepEqual(await q(multi.as), [mine.am.id]);
  } finally {
    await server.admin.patch(`/api/v1/users/${multi.user.id}`, { teams: ['ad-quality', 'app-support'] });
  }
  expectFields(await cs.as.get('/api/v1/tickets?team=ours'), ['team']);
});

// ---- the business calendar -----------------------------------------------------------

const DEFAULTS = { timezone: 'America/New_York', hours: 'mon-fri 09:00-18:00', holidays: '', holidays_default: true };

test('GET /settings/calendar: the defaults, for staff only', async () => {
  for (const c of [server.admin, cs.as, lead.as, acme.asRep]) {
    const res = await c.get('/api/v1/settings/calendar');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, DEFAULTS);
  }
  for (const c of [acme.asSpoc, acme.asOther]) expectError(await c.get('/api/v1/settings/calendar'), 403, 'forbidden');
});

test('PUT /settings/calendar validates every field, admins only, and changes nothing when refused', async () => {
  const put = (c, body) => c.request('PUT', '/api/v1/settings/calendar', body);
  const before = settings();
  for (const c of [cs.as, lead.as, acme.asRep, acme.asSpoc]) expectError(await put(c, { ...DEFAULTS, hours: '24x7' }), 403, 'forbidden');
  expectFields(await put(server.admin, {}), ['timezone', 'hours', 'holidays_default']);
  expectFields(await put(server.admin, { timezone: 'Mars/Olympus_Mons', hours: 'someday 9-5', holidays: '2026-02-30', holidays_default: false }),
    ['timezone', 'hours', 'holidays']);
  const e = expectFields(await put(server.admin, { ...DEFAULTS, timezone: '../../etc/passwd' }), ['timezone']);
  assert.match(e[0].message, /time zone/);
  expectFields(await put(server.admin, { ...DEFAULTS, hours: 'mon 10:00-09:00' }), ['hours']);
  expectFields(await put(server.admin, { ...DEFAULTS, holidays: '2026-12-24' }), ['holidays']);
  expectFields(await put(server.admin, { ...DEFAULTS, holidays_default: 'yes', timezone: 5 }), ['holidays_default', 'timezone']);
  assert.equal(settings(), before, 'nothing was stored');
  assert.deepEqual((await server.admin.get('/api/v1/settings/calendar')).json, DEFAULTS);
  const t = await file(acme.asSpoc, uiBug());
  assert.equal(sec(t.first_response_due_at), standardDue(sec(t.created_at)), 'the calendar in force did not change');
});

test('PUT /settings/calendar stores the settings and the next ticket filed is due on the new calendar', async () => {
  const put = (body) => adminSession.request('PUT', '/api/v1/settings/calendar', body);
  const round = { timezone: 'UTC', hours: '24x7', holidays: '', holidays_default: false };
  try {
    const res = await put(round);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, round);
    assert.deepEqual((await cs.as.get('/api/v1/settings/calendar')).json, round);
    assert.match(settings(), /calendar\.holidays=\ncalendar\.hours=24x7\ncalendar\.timezone=UTC/);
    // Round the clock: nine working hours are nine hours, whenever it is filed.
    const t = await file(acme.asSpoc, uiBug());
    assert.equal(sec(t.first_response_due_at), sec(t.created_at) + 9 * 3600);
    assert.equal(sec(t.sla_warn_at), sec(t.created_at) + 24300);
    const e = await file(acme.asSpoc, uiBug(emergency()));
    assert.equal(sec(e.first_response_due_at), sec(e.created_at) + 3600);

    // Dates of one's own: stored as given.
    const dated = { timezone: 'America/New_York', hours: 'mon-fri 09:00-18:00', holidays: '2026-12-24, 2026-12-31', holidays_default: false };
    assert.deepEqual((await put(dated)).json, dated);
    assert.deepEqual((await server.admin.get('/api/v1/settings/calendar')).json, dated);
  } finally {
    const back = await put(DEFAULTS);
    assert.deepEqual(back.json, DEFAULTS);
  }
  // The default holidays are the absence of a list, which `serve` reads at start.
  assert.match(settings(), /calendar\.hours=mon-fri 09:00-18:00\ncalendar\.timezone=America\/New_York/);
  assert.doesNotMatch(settings(), /calendar\.holidays/);
  assert.deepEqual((await server.admin.get('/api/v1/settings/calendar')).json, DEFAULTS);
  const t = await file(acme.asSpoc, uiBug());
  assert.equal(sec(t.first_response_due_at), standardDue(sec(t.created_at)));
});

test('saving calendars while tickets are filed: every ticket is due on one calendar or the other', async () => {
  const round = { timezone: 'UTC', hours: '24x7', holidays: '', holidays_default: false };
  const writes = [];
  for (let i = 0; i < 10; i++) writes.push(server.admin.request('PUT', '/api/v1/settings/calendar', i % 2 ? DEFAULTS : round));
  const filings = [];
  for (let i = 0; i < 20; i++) filings.push(acme.asSpoc.post('/api/v1/tickets', uiBug({ subject: `race ${i}` })));
  for (const r of await Promise.all(writes)) assert.equal(r.status, 200, r.text);
  for (const r of await Promise.all(filings)) {
    assert.equal(r.status, 201, r.text);
    const created = sec(r.json.created_at), due = sec(r.json.first_response_due_at);
    assert.ok(due === created + 9 * 3600 || due === standardDue(created), `${r.json.created_at} due ${r.json.first_response_due_at}`);
  }
  // Whichever write landed last in the store is the calendar in force.
  const stored = (await server.admin.get('/api/v1/settings/calendar')).json;
  const t = await file(acme.asSpoc, uiBug());
  const created = sec(t.created_at);
  assert.equal(sec(t.first_response_due_at), stored.hours === '24x7' ? created + 9 * 3600 : standardDue(created), JSON.stringify(stored));
  assert.equal((await server.admin.request('PUT', '/api/v1/settings/calendar', DEFAULTS)).status, 200);
  const u = await file(acme.asSpoc, uiBug());
  assert.equal(sec(u.first_response_due_at), standardDue(sec(u.created_at)));
});

// ---- the preview ---------------------------------------------------------------------

const preview = (c, body, headers) => c.post('/api/v1/calendar/preview', body, headers);

test('POST /calendar/preview computes due times on the current calendar by default', async () => {
  // Monday 2 March 2026, 10:00 in New York.
  const at = '2026-03-02T15:00:00Z';
  const res = await preview(cs.as, { at });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, {
    at, standard_due_at: iso(standardDue(sec(at))), emergency_due_at: '2026-03-02T16:00:00Z', open_now: true, timezone: 'America/New_York',
  });
  assert.equal(res.json.standard_due_at, '2026-03-03T15:00:00Z');
  // A Saturday: closed, due at Monday's opening.
  const sat = await preview(server.admin, { at: '2026-03-07T15:00:00Z' });
  assert.deepEqual([sat.json.open_now, sat.json.standard_due_at], [false, '2026-03-09T13:00:00Z']);
  // Offsets are read; the answer is in UTC.
  assert.equal((await preview(server.admin, { at: '2026-03-02T10:00:00-05:00' })).json.at, at);
  // Without at: now.
  const now = await preview(lead.as, {});
  assert.ok(Math.abs(sec(now.json.at) - Date.now() / 1000) < 60, now.json.at);
  assert.equal(now.json.standard_due_at, iso(standardDue(sec(now.json.at))));
});

test('POST /calendar/preview uses the calendar the body describes, field by field', async () => {
  const at = '2026-03-02T15:00:00Z';
  const round = await preview(server.admin, { at, timezone: 'UTC', hours: '24x7' });
  assert.deepEqual(round.json, {
    at, standard_due_at: '2026-03-03T00:00:00Z', emergency_due_at: '2026-03-02T16:00:00Z', open_now: true, timezone: 'UTC',
  });
  // Tuesday a holiday: eight hours on Monday, the last on Wednesday.
  const holiday = await preview(server.admin, { at, holidays: '2026-03-03' });
  assert.equal(holiday.json.standard_due_at, '2026-03-04T15:00:00Z');
  // Tokyo's hours: Monday 15:00 UTC is Tuesday 00:00 there, closed until 09:00 (00:00 UTC).
  const tokyo = await preview(server.admin, { at, timezone: 'Asia/Tokyo' });
  assert.deepEqual([tokyo.json.open_now, tokyo.json.standard_due_at, tokyo.json.timezone], [false, '2026-03-03T00:00:00Z', 'Asia/Tokyo']);
  // Christmas Eve 17:00: the default holidays skip Christmas; no holidays do not.
  const eve = '2026-12-24T22:00:00Z';
  assert.equal((await preview(server.admin, { at: eve })).json.standard_due_at, '2026-12-28T22:00:00Z');
  assert.equal((await preview(server.admin, { at: eve, holidays_default: false })).json.standard_due_at, '2026-12-25T22:00:00Z');
  assert.equal((await preview(server.admin, { at: eve, holidays: '' })).json.standard_due_at, '2026-12-25T22:00:00Z');
  assert.equal((await preview(server.admin, { at: eve, holidays: '2026-12-25,2026-12-28' })).json.standard_due_at, '2026-12-29T22:00:00Z');
});

test('POST /calendar/preview changes nothing', async () => {
  const before = settings();
  const res = await preview(adminSession, { timezone: 'UTC', hours: '24x7', holidays: '2026-03-03', at: '2026-03-02T15:00:00Z' });
  assert.equal(res.status, 200, res.text);
  assert.equal(settings(), before);
  assert.deepEqual((await server.admin.get('/api/v1/settings/calendar')).json, DEFAULTS);
  const t = await file(acme.asSpoc, uiBug());
  assert.equal(sec(t.first_response_due_at), standardDue(sec(t.created_at)), 'tickets are still due on the calendar in force');
});

test('POST /calendar/preview: staff only, and every invalid field at once', async () => {
  for (const c of [acme.asSpoc, acme.asOther]) expectError(await preview(c, {}), 403, 'forbidden');
  expectFields(await preview(server.admin, { timezone: 'Nowhere/Land', hours: '9 to 5', holidays: 'christmas', at: 'yesterday' }),
    ['timezone', 'hours', 'holidays', 'at']);
  expectFields(await preview(server.admin, { at: '1800-01-01T00:00:00Z' }), ['at']);
  expectFields(await preview(server.admin, { at: 5, hours: ['24x7'] }), ['at', 'hours']);
  expectFields(await preview(server.admin, { holidays_default: true, holidays: '2026-12-24' }), ['holidays']);
  expectError(await preview(adminSession, {}, { 'X-CSRF-Token': null }), 403, 'csrf');
});

// ---- SLA settings --------------------------------------------------------------------

test('GET /settings/sla: the defaults, for staff only', async () => {
  for (const c of [server.admin, cs.as, lead.as, acme.asRep]) {
    assert.deepEqual((await c.get('/api/v1/settings/sla')).json, { warn_percent: 75, emergency_update_minutes: 120 });
  }
  for (const c of [acme.asSpoc, acme.asOther]) expectError(await c.get('/api/v1/settings/sla'), 403, 'forbidden');
});

test('PUT /settings/sla stores both settings; admins only; values in range', async () => {
  const put = (c, body) => c.request('PUT', '/api/v1/settings/sla', body);
  for (const c of [cs.as, lead.as, acme.asRep, acme.asSpoc]) {
    expectError(await put(c, { warn_percent: 80, emergency_update_minutes: 60 }), 403, 'forbidden');
  }
  expectFields(await put(server.admin, {}), ['warn_percent', 'emergency_update_minutes']);
  for (const [w, m] of [[0, 14], [100, 1441], ['75', '120'], [75.5, true], [null, null], [-1, 0]]) {
    expectFields(await put(server.admin, { warn_percent: w, emergency_update_minutes: m }), ['warn_percent', 'emergency_update_minutes']);
  }
  assert.deepEqual((await server.admin.get('/api/v1/settings/sla')).json, { warn_percent: 75, emergency_update_minutes: 120 });
  try {
    for (const body of [{ warn_percent: 1, emergency_update_minutes: 15 }, { warn_percent: 99, emergency_update_minutes: 1440 }, { warn_percent: 80, emergency_update_minutes: 60 }]) {
      const res = await put(adminSession, body);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, body);
      assert.deepEqual((await cs.as.get('/api/v1/settings/sla')).json, body);
    }
    assert.match(settings(), /sla\.emergency_update_minutes=60\nsla\.warn_percent=80/);
  } finally {
    await put(server.admin, { warn_percent: 75, emergency_update_minutes: 120 });
  }
});

// ---- 500 tickets at once (last: it adds 520 tickets) -----------------------------------

test('staff list up to 500 tickets in one request; contacts up to 100', async () => {
  const org = await makeOrg(server, 'Bulk Ads');
  const seed = await file(org.asSpoc, uiBug({ subject: 'bulk' }));
  server.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 519)
    INSERT INTO tickets (org_id, requester_id, request_type, kind, team_key, status, priority, subject, description,
      impact, created_at, updated_at, first_response_due_at)
    SELECT org_id, requester_id, request_type, kind, team_key, status, priority, subject || ' ' || i, description,
      impact, created_at, updated_at, first_response_due_at FROM tickets, n WHERE tickets.id = ${seed.id}`);
  for (const c of [server.admin, cs.as]) {
    const page = await c.get(`/api/v1/tickets?org_id=${org.org.id}&limit=500&sort=due`);
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.items.length, 500);
    assert.equal(typeof page.json.next_cursor, 'string');
    const rest = await c.get(`/api/v1/tickets?org_id=${org.org.id}&limit=500&sort=due&cursor=${encodeURIComponent(page.json.next_cursor)}`);
    assert.equal(rest.json.items.length, 20);
    assert.equal(rest.json.next_cursor, null);
    assert.equal(new Set([...ids(page), ...ids(rest)]).size, 520);
  }
  const queue = await cs.as.get(`/api/v1/tickets?team=mine&org_id=${org.org.id}&limit=500`);
  assert.equal(queue.json.items.length, 500);
  expectFields(await cs.as.get('/api/v1/tickets?limit=501'), ['limit']);
  assert.equal((await org.asSpoc.get('/api/v1/tickets?limit=100')).json.items.length, 100);
  expectFields(await org.asSpoc.get('/api/v1/tickets?limit=500'), ['limit']);
  expectFields(await org.asSpoc.get('/api/v1/tickets?limit=101'), ['limit']);
});
