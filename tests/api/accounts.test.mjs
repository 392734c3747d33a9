// Sessions, bearer tokens, CSRF, users, organizations and who may do what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, makeOrg, makeAgent, makeUser, signIn, client, uiBug, file, PASSWORD,
  routeTable, expectError, expectFields,
} from './harness.mjs';

let server, org, other, cs, lead, adminSession;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Acme Media');
  other = await makeOrg(server, 'Globex Ads');
  cs = await makeAgent(server, 'client-services');
  lead = await makeAgent(server, 'client-services', 'lead');
  adminSession = await signIn(server, 'admin@test.example');
});
after(async () => { await server?.stop(); });

const post = (path, body, headers = {}) => fetch(server.base + path, {
  method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body),
});
async function asJson(res) {
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

// ---- sessions ----------------------------------------------------------------

test('signing in sets an HttpOnly SameSite session cookie and returns the user and a CSRF token', async () => {
  const res = await asJson(await post('/api/v1/session', { email: org.spoc.email, password: PASSWORD }));
  assert.equal(res.status, 201);
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /^sb_session=[^;]{20,};/);
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=(Lax|Strict)/i);
  assert.match(cookie, /;\s*Path=\//);
  assert.equal(typeof res.json.csrf_token, 'string');
  assert.ok(res.json.csrf_token.length >= 16, 'a CSRF token of some length');
  assert.deepEqual(res.json.user, {
    id: org.spoc.id, email: org.spoc.email, name: 'Spoc Acme Media', role: 'contact',
    org_id: org.org.id, teams: [], language: 'en', disabled: false, muted: [],
  });
  assert.ok(!/password|hash/i.test(res.text), 'no password material in the answer');

  const me = await client(server.base, { cookie: cookie.split(';')[0] }).get('/api/v1/session');
  assert.equal(me.status, 200);
  // A cookie caller gets the session's CSRF token back (the web app after a reload).
  assert.deepEqual(me.json, { user: res.json.user, csrf_token: res.json.csrf_token });
});

test('every role signs in and GET /api/v1/session tells who is signed in', async () => {
  const admin = await adminSession.get('/api/v1/session');
  assert.equal(admin.json.user.role, 'admin');
  assert.equal(admin.json.user.org_id, null);
  const l = await lead.as.get('/api/v1/session');
  assert.deepEqual([l.json.user.role, l.json.user.teams], ['lead', ['client-services']]);
  const a = await cs.as.get('/api/v1/session');
  assert.deepEqual([a.json.user.role, a.json.user.teams, a.json.user.id], ['agent', ['client-services'], cs.user.id]);
  const rep = await org.asRep.get('/api/v1/session');
  assert.deepEqual([rep.json.user.role, rep.json.user.id, rep.json.user.org_id], ['account-rep', org.rep.id, null]);
  const spoc = await org.asSpoc.get('/api/v1/session');
  assert.deepEqual([spoc.json.user.role, spoc.json.user.org_id], ['contact', org.org.id]);
  const contact = await org.asOther.get('/api/v1/session');
  assert.deepEqual([contact.json.user.role, contact.json.user.id], ['contact', org.other.id]);
});

test('a wrong password and an unknown email get the same 401', async () => {
  const wrong = await asJson(await post('/api/v1/session', { email: org.spoc.email, password: 'not the password' }));
  const unknown = await asJson(await post('/api/v1/session', { email: 'nobody@nowhere.example', password: 'not the password' }));
  expectError(wrong, 401, 'unauthorized');
  expectError(unknown, 401, 'unauthorized');
  assert.equal(wrong.json.error.message, unknown.json.error.message, 'the message does not reveal which accounts exist');
  assert.equal(wrong.headers.get('set-cookie'), null, 'no cookie on a failed sign-in');
});

test('signing in without email and password lists both fields', async () => {
  expectFields(await asJson(await post('/api/v1/session', {})), ['email', 'password']);
  expectFields(await asJson(await post('/api/v1/session', { email: org.spoc.email })), ['password']);
});

test('signing out needs the CSRF token, then the cookie no longer works', async () => {
  const s = await signIn(server, org.other.email);
  expectError(await s.del('/api/v1/session', { 'X-CSRF-Token': null }), 403, 'csrf');
  assert.equal((await s.get('/api/v1/session')).status, 200, 'a refused sign-out leaves the session');
  const out = await s.del('/api/v1/session');
  assert.equal(out.status, 204);
  assert.equal(out.text, '');
  assert.match(out.headers.get('set-cookie'), /^sb_session=;.*Max-Age=0/i);
  expectError(await s.get('/api/v1/session'), 401, 'unauthorized');
  expectError(await s.get('/api/v1/tickets'), 401, 'unauthorized');
});

test('an expired session is refused with 401', async () => {
  const s = await signIn(server, other.other.email);
  assert.equal((await s.get('/api/v1/session')).status, 200);
  server.sql(`UPDATE sessions SET expires_at = ${server.nowSql} - 1 WHERE user_id = ${other.other.id}`);
  expectError(await s.get('/api/v1/session'), 401, 'unauthorized');
  expectError(await s.get(`/api/v1/orgs/${other.org.id}`), 401, 'unauthorized');
});

test('passwords are stored as Argon2id hashes, sessions and tokens only as hashes', async () => {
  const s = await signIn(server, org.other.email);
  const session = s.cookie.split('=')[1];
  const dump = server.sql('.dump');
  for (const secret of [PASSWORD, session, server.adminToken]) {
    assert.ok(secret.length >= 16);
    assert.ok(!dump.includes(secret), 'a secret is stored in the clear');
  }
  const hashes = server.sql("SELECT password_hash FROM users WHERE password_hash IS NOT NULL").trim().split('\n');
  assert.ok(hashes.length >= 5);
  for (const h of hashes) assert.match(h, /^\$argon2id\$/);
  assert.equal(new Set(hashes).size, hashes.length, 'each hash has its own salt');
});

// ---- authentication on every route -------------------------------------------

test('every non-public route answers 401 without credentials, with a bad token or an unknown session', async () => {
  const anonymous = client(server.base);
  const badToken = client(server.base, { token: 'sbt_not-a-real-token' });
  const badCookie = client(server.base, { cookie: 'sb_session=sbs_not-a-real-session', csrf: 'x' });
  const routes = routeTable().filter((r) => r.roles !== 'API_PUBLIC');
  assert.ok(routes.length >= 18);
  for (const r of routes) {
    const method = r.method, path = r.path.replace('{id}', '1').replace('{key}', 'billing');
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    for (const [who, c] of [['anonymous', anonymous], ['bad token', badToken], ['bad cookie', badCookie]]) {
      const res = await c.request(method, path, body);
      assert.equal(res.status, 401, `${who} ${method} ${path}: ${res.text}`);
      expectError(res, 401, 'unauthorized');
    }
  }
});

test('an Authorization header that is not "Bearer <token>" is a 401', async () => {
  for (const value of ['Basic YWRtaW46cGFzcw==', 'Bearer', 'Bearer ', `Token ${server.adminToken}`]) {
    const res = await client(server.base).get('/api/v1/session', { Authorization: value });
    expectError(res, 401, 'unauthorized');
  }
});

test('a bad bearer token is refused even with a valid session cookie', async () => {
  const c = client(server.base, { token: 'sbt_wrong', cookie: org.asSpoc.cookie });
  expectError(await c.get('/api/v1/session'), 401, 'unauthorized');
});

test('bearer tokens work for every role and need no CSRF token on writes', async () => {
  const admin = await server.admin.get('/api/v1/session');
  assert.equal(admin.status, 200);
  assert.equal(admin.json.user.email, 'admin@test.example');
  // The scheme name is case-insensitive (RFC 9110, 11.1).
  const lower = await client(server.base).get('/api/v1/session', { Authorization: `bearer ${server.adminToken}` });
  assert.equal(lower.status, 200);

  const spoc = server.tokenClient(org.spoc.email);
  assert.equal((await spoc.get('/api/v1/session')).json.user.id, org.spoc.id);
  const t = await spoc.post('/api/v1/tickets', uiBug({ subject: 'Filed with a token' }));
  assert.equal(t.status, 201, t.text);
  for (const [email, role] of [[lead.user.email, 'lead'], [org.rep.email, 'account-rep'], [org.other.email, 'contact']]) {
    const me = await server.tokenClient(email).get('/api/v1/session');
    assert.equal(me.status, 200);
    assert.deepEqual([me.json.user.email, me.json.user.role], [email, role]);
  }
  const agent = server.tokenClient(cs.user.email);
  const reply = await agent.post(`/api/v1/tickets/${t.json.id}/comments`, { body: 'On it.' });
  assert.equal(reply.status, 201, reply.text);
});

// ---- CSRF ------------------------------------------------------------------------

test('a cookie-authenticated write without X-CSRF-Token is refused with 403 csrf and changes nothing', async () => {
  const before = (await server.admin.get('/api/v1/tickets?limit=100')).json.items.length;
  const res = await org.asSpoc.post('/api/v1/tickets', uiBug({ subject: 'no csrf' }), { 'X-CSRF-Token': null });
  expectError(res, 403, 'csrf');
  const after = (await server.admin.get('/api/v1/tickets?limit=100')).json.items.length;
  assert.equal(after, before, 'no ticket was filed');

  const t = await file(org.asSpoc, uiBug({ subject: 'csrf target' }));
  expectError(await cs.as.post(`/api/v1/tickets/${t.id}/comments`, { body: 'x' }, { 'X-CSRF-Token': null }), 403, 'csrf');
  expectError(await cs.as.patch(`/api/v1/tickets/${t.id}`, { status: 'resolved' }, { 'X-CSRF-Token': null }), 403, 'csrf');
  expectError(await adminSession.post('/api/v1/orgs', { name: 'No CSRF', member_id: '5' }, { 'X-CSRF-Token': null }), 403, 'csrf');
  expectError(await adminSession.patch(`/api/v1/orgs/${org.org.id}`, { name: 'Renamed' }, { 'X-CSRF-Token': null }), 403, 'csrf');
  const now = (await cs.as.get(`/api/v1/tickets/${t.id}`)).json;
  assert.equal(now.status, 'new');
  assert.equal(now.version, 1);
  assert.equal((await server.admin.get(`/api/v1/orgs/${org.org.id}`)).json.name, 'Acme Media');
});

test('a wrong X-CSRF-Token, or another session\'s, is refused with 403 csrf', async () => {
  const body = uiBug({ subject: 'wrong csrf' });
  expectError(await org.asSpoc.post('/api/v1/tickets', body, { 'X-CSRF-Token': 'wrong' }), 403, 'csrf');
  expectError(await org.asSpoc.post('/api/v1/tickets', body, { 'X-CSRF-Token': org.asOther.csrf }), 403, 'csrf');
  const second = await signIn(server, org.spoc.email);
  expectError(await org.asSpoc.post('/api/v1/tickets', body, { 'X-CSRF-Token': second.csrf }), 403, 'csrf');
  // Reads need no CSRF token.
  assert.equal((await org.asSpoc.get('/api/v1/tickets')).status, 200);
});

// ---- roles ---------------------------------------------------------------------------

test('only admins add organizations and users, change organizations and edit request types', async () => {
  const rep = { as: org.asRep };
  const people = [['agent', cs.as], ['lead', lead.as], ['account-rep', rep.as], ['SPOC', org.asSpoc], ['contact', org.asOther]];
  for (const [who, c] of people) {
    expectError(await c.post('/api/v1/orgs', { name: `By ${who}`, member_id: '42' }), 403, 'forbidden');
    expectError(await c.patch(`/api/v1/orgs/${org.org.id}`, { name: `By ${who}` }), 403, 'forbidden');
    expectError(await c.post('/api/v1/users', { email: `x-${who}@x.example`, name: 'X', role: 'admin', password: PASSWORD }), 403, 'forbidden');
    expectError(await c.patch('/api/v1/request-types/billing', { name_en: `By ${who}` }), 403, 'forbidden');
  }
  assert.equal((await server.admin.get(`/api/v1/orgs/${org.org.id}`)).json.name, 'Acme Media');
  assert.equal((await server.admin.get('/api/v1/request-types/billing')).json.name_en, 'Billing');
});

test('staff cannot file tickets: admin, lead, agent and account rep get 403', async () => {
  for (const [who, c] of [['admin', server.admin], ['lead', lead.as], ['agent', cs.as], ['account-rep', org.asRep]]) {
    const res = await c.post('/api/v1/tickets', uiBug({ subject: `by ${who}` }));
    expectError(res, 403, 'forbidden');
  }
});

test('a contact who is not the SPOC is refused with a message naming the SPOC\'s name and email', async () => {
  const res = await org.asOther.post('/api/v1/tickets', uiBug());
  const e = expectError(res, 403, 'forbidden');
  assert.ok(e.message.includes('Spoc Acme Media'), e.message);
  assert.ok(e.message.includes(org.spoc.email), e.message);
});

test('everyone signed in reads the teams and the request types', async () => {
  for (const c of [server.admin, lead.as, cs.as, org.asRep, org.asSpoc, org.asOther]) {
    const teams = await c.get('/api/v1/teams');
    assert.equal(teams.status, 200);
    assert.deepEqual(teams.json.items.map((t) => t.key).sort(),
      ['ad-quality', 'anti-malvertising', 'app-support', 'client-services', 'inventory-quality']);
    for (const t of teams.json.items) {
      assert.equal(typeof t.name_en, 'string');
      assert.equal(typeof t.name_es, 'string');
    }
    const types = await c.get('/api/v1/request-types');
    assert.equal(types.status, 200);
    assert.equal(types.json.items.length, 18);
  }
});

// ---- users ---------------------------------------------------------------------------

test('admins add users of every role, and the answer has no password material', async () => {
  const cases = [
    { role: 'admin' },
    { role: 'lead', teams: ['ad-quality'] },
    { role: 'agent', teams: ['app-support', 'inventory-quality'] },
    { role: 'account-rep', language: 'es' },
    { role: 'contact', org_id: org.org.id },
  ];
  for (const [i, c] of cases.entries()) {
    const email = `new-${c.role}-${i}@users.example`;
    const res = await server.admin.post('/api/v1/users', { email, name: `New ${c.role}`, password: PASSWORD, ...c });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json, {
      id: res.json.id, email, name: `New ${c.role}`, role: c.role, org_id: c.org_id ?? null,
      teams: [...(c.teams || [])].sort(), language: c.language || 'en', disabled: false, muted: [],
    });
    assert.ok(Number.isInteger(res.json.id) && res.json.id > 0);
    assert.ok(!/password|hash/i.test(res.text), res.text);
    const got = await server.admin.get(`/api/v1/users/${res.json.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, res.json);
    // And they can sign in.
    const s = await signIn(server, email);
    assert.equal((await s.get('/api/v1/session')).json.user.role, c.role);
  }
});

test('adding a user lists every invalid field at once', async () => {
  expectFields(await server.admin.post('/api/v1/users', {}), ['email', 'name', 'role']);
  expectFields(await server.admin.post('/api/v1/users', { email: 'bad', name: ' ', role: 'contact', password: 'short', language: 'fr' }),
    ['email', 'name', 'password', 'language', 'org_id']);
  expectFields(await server.admin.post('/api/v1/users', { email: 'a1@users.example', name: 'A', role: 'agent', org_id: org.org.id, teams: ['nope'] }),
    ['org_id', 'teams']);
  expectFields(await server.admin.post('/api/v1/users', { email: 'a2@users.example', name: 'A', role: 'account-rep', teams: ['app-support'] }), ['teams']);
  expectFields(await server.admin.post('/api/v1/users', { email: 'a4@users.example', name: 'A', role: 'contact', org_id: 999999 }), ['org_id']);
  expectFields(await server.admin.post('/api/v1/users', { email: org.spoc.email, name: 'Again', role: 'contact', org_id: org.org.id }), ['email']);
});

test('a field of the wrong type is listed once, not also as missing', async () => {
  expectFields(await server.admin.post('/api/v1/users', { email: 5, name: ['x'], role: 'admin' }), ['email', 'name']);
});

test('an unknown role is reported as the role alone, not as a contact without an organization', async () => {
  expectFields(await server.admin.post('/api/v1/users', { email: 'a3@users.example', name: 'A', role: 'wizard' }), ['role']);
});

test('contacts see themselves and the people of their organization; staff see anyone', async () => {
  const self = await org.asOther.get(`/api/v1/users/${org.other.id}`);
  assert.equal(self.status, 200);
  assert.equal(self.json.email, org.other.email);
  const colleague = await org.asOther.get(`/api/v1/users/${org.spoc.id}`);
  assert.equal(colleague.status, 200);
  assert.deepEqual(colleague.json, { ...org.spoc, teams: [] , language: 'en' });
  expectError(await org.asOther.get(`/api/v1/users/${other.spoc.id}`), 404, 'not_found');
  expectError(await org.asOther.get(`/api/v1/users/${cs.user.id}`), 404, 'not_found');
  for (const c of [cs.as, lead.as, org.asRep, server.admin]) {
    assert.equal((await c.get(`/api/v1/users/${other.spoc.id}`)).status, 200);
  }
  expectError(await server.admin.get('/api/v1/users/999999'), 404, 'not_found');
});

// ---- organizations ---------------------------------------------------------------------

test('admins add an organization with its platform ids and account representative', async () => {
  const rep = await makeUser(server, 'account-rep');
  const res = await server.admin.post('/api/v1/orgs', {
    name: 'Initech Exchange', member_id: '7001', bidder_ids: ['b-1', 'b.2'], account_rep_id: rep.user.id, language: 'es',
  });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(res.json, {
    id: res.json.id, name: 'Initech Exchange', member_id: '7001', bidder_ids: ['b-1', 'b.2'], spoc: null,
    account_rep: { id: rep.user.id, name: rep.user.name, email: rep.user.email }, language: 'es',
    created_at: res.json.created_at,
  });
  assert.match(res.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const got = await server.admin.get(`/api/v1/orgs/${res.json.id}`);
  assert.deepEqual(got.json, res.json);
});

test('adding an organization lists every invalid field at once', async () => {
  expectFields(await server.admin.post('/api/v1/orgs', {}), ['name', 'member_id']);
  expectFields(await server.admin.post('/api/v1/orgs', {
    name: 'Bad Fields', member_id: 'bad id!', bidder_ids: ['ok', 'no way'], account_rep_id: cs.user.id, spoc_id: org.spoc.id, language: 'de',
  }), ['member_id', 'bidder_ids', 'account_rep_id', 'spoc_id', 'language']);
  expectFields(await server.admin.post('/api/v1/orgs', { name: 'No Rep', member_id: '1', account_rep_id: 999999 }), ['account_rep_id']);
  expectFields(await server.admin.post('/api/v1/orgs', { name: 'Acme Media', member_id: '1' }), ['name']);
  expectFields(await server.admin.patch(`/api/v1/orgs/${other.org.id}`, { name: 'Acme Media' }), ['name']);
  assert.equal((await server.admin.get(`/api/v1/orgs/${other.org.id}`)).json.name, 'Globex Ads');
});

test('the SPOC must be a contact of that organization', async () => {
  const path = `/api/v1/orgs/${org.org.id}`;
  expectFields(await server.admin.patch(path, { spoc_id: other.spoc.id }), ['spoc_id']);
  expectFields(await server.admin.patch(path, { spoc_id: cs.user.id }), ['spoc_id']);
  expectFields(await server.admin.patch(path, { spoc_id: org.rep.id }), ['spoc_id']);
  expectFields(await server.admin.patch(path, { spoc_id: 999999 }), ['spoc_id']);
  expectFields(await server.admin.patch(path, { account_rep_id: org.spoc.id }), ['account_rep_id']);
  const now = await server.admin.get(path);
  assert.equal(now.json.spoc.id, org.spoc.id, 'the SPOC did not change');
  expectError(await server.admin.patch('/api/v1/orgs/999999', { name: 'Nobody' }), 404, 'not_found');
});

test('admins transfer the SPOC: the new one files, the old one is refused with the new one\'s name', async () => {
  const o = await makeOrg(server, 'Transfer Co');
  const path = `/api/v1/orgs/${o.org.id}`;
  const moved = await server.admin.patch(path, { spoc_id: o.other.id });
  assert.equal(moved.status, 200, moved.text);
  assert.deepEqual(moved.json.spoc, { id: o.other.id, name: 'Other Transfer Co', email: o.other.email });
  const filed = await o.asOther.post('/api/v1/tickets', uiBug());
  assert.equal(filed.status, 201, filed.text);
  assert.equal(filed.json.requester_id, o.other.id);
  const refused = expectError(await o.asSpoc.post('/api/v1/tickets', uiBug()), 403, 'forbidden');
  assert.ok(refused.message.includes('Other Transfer Co') && refused.message.includes(o.other.email), refused.message);

  const none = await server.admin.patch(path, { spoc_id: null });
  assert.equal(none.status, 200);
  assert.equal(none.json.spoc, null);
  expectError(await o.asOther.post('/api/v1/tickets', uiBug()), 403, 'forbidden');
});

test('a contact reads their own organization, with the SPOC\'s name and email, and gets 404 for others', async () => {
  for (const c of [org.asSpoc, org.asOther]) {
    const res = await c.get(`/api/v1/orgs/${org.org.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.json.name, 'Acme Media');
    assert.deepEqual(res.json.spoc, { id: org.spoc.id, name: 'Spoc Acme Media', email: org.spoc.email });
    assert.deepEqual(res.json.account_rep, { id: org.rep.id, name: 'Rep Acme Media', email: org.rep.email });
    const theirs = await c.get(`/api/v1/orgs/${other.org.id}`);
    expectError(theirs, 404, 'not_found');
    assert.ok(!theirs.text.includes('Globex'), 'the other organization is not named');
  }
  for (const c of [server.admin, cs.as, lead.as, org.asRep]) {
    assert.equal((await c.get(`/api/v1/orgs/${other.org.id}`)).status, 200);
  }
  expectError(await server.admin.get('/api/v1/orgs/999999'), 404, 'not_found');
});
