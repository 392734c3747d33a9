// The API suite's harness: a real `switchboard serve` on a temporary data
// directory and an ephemeral port, an admin made with the CLI, and small
// helpers to act as different people.
//
// With SWITCHBOARD_TEST_DATABASE_URL set (a PostgreSQL server's URL, as
// scripts/pg-test-server prints it; `make check-pg`), every server gets a
// fresh database of its own on that server, and the data directory keeps
// only the attachments.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export const BIN = process.env.SWITCHBOARD_BIN || 'build/switchboard';
export const ROOT = new URL('../../', import.meta.url);
export const PASSWORD = 'correct horse battery';
export const PG_URL = process.env.SWITCHBOARD_TEST_DATABASE_URL || '';

const psql = (url, statement) =>
  execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', statement], { encoding: 'utf8' });

// A new empty database on the test server: its URL.
function createDatabase() {
  const name = `sb_${process.pid}_${randomBytes(6).toString('hex')}`;
  psql(PG_URL, `CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

// OPTIONS: args (more arguments for serve, e.g. ['--smtp-url', url]) and env
// (more environment variables for it).
export async function startServer({ args = [], env = {} } = {}) {
  const data = mkdtempSync(join(tmpdir(), 'sb-api-'));
  const db = PG_URL ? createDatabase() : null;
  const dbArgs = db ? ['--database', db.url] : [];
  const cli = (...args) => execFileSync(BIN, [...args, '--data', data, ...dbArgs], { encoding: 'utf8' });
  cli('user', 'add', '--email', 'admin@test.example', '--name', 'Admin', '--role', 'admin', '--password', PASSWORD);
  const adminToken = cli('token', 'create', '--email', 'admin@test.example').trim().split('\n').pop();
  const serve = await spawnServe(data, dbArgs, args, env);
  const { proc, port } = serve;
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, data, proc, cli, adminToken,
    dbArgs, // ['--database', URL] on PostgreSQL: for commands run beside the server
    admin: client(base, { token: adminToken }),
    get stderr() { return serve.stderr; },
    // Stops the server; fails when it had crashed, did not stop cleanly, or
    // printed a sanitizer report (run with SWITCHBOARD_BIN=build-asan/switchboard).
    async stop() {
      try {
        await serve.stop();
      } finally {
        server.discard();
      }
    },
    // Removes the data directory and the database, for a test that stopped
    // the server itself.
    discard() {
      rmSync(data, { recursive: true, force: true });
      if (db) psql(PG_URL, `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    },
    // Runs SQL on the server's database (to age sessions and due times):
    // rows as lines of |-separated values on either engine.
    // '.dump' is every row, as SQL text.
    sql: (statement) => {
      if (!db) return execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(data, 'switchboard.db'), statement], { encoding: 'utf8' });
      if (statement === '.dump') return execFileSync('pg_dump', ['--inserts', '-d', db.url], { encoding: 'utf8' });
      return psql(db.url, statement);
    },
    database: db ? 'postgres' : 'sqlite',
    // The current Unix time, as SQL for this server's engine.
    nowSql: db ? 'CAST(extract(epoch FROM now()) AS BIGINT)' : "CAST(strftime('%s','now') AS INTEGER)",
    // A bearer-token client for EMAIL, made with the CLI.
    tokenClient: (email) => client(base, { token: cli('token', 'create', '--email', email).trim().split('\n').pop() }),
  };
  return server;
}

const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|ThreadSanitizer|runtime error:/;

// `switchboard serve` on DATA (and the database DBARGS name), listening on
// an ephemeral port: { proc, port, stderr, stop() }. stop() sends SIGTERM
// and fails when the server had crashed, did not stop cleanly, or printed a
// sanitizer report (run with SWITCHBOARD_BIN=build-asan/switchboard).
async function spawnServe(data, dbArgs, args = [], env = {}) {
  // The web app is the one beside the binary, or $SWITCHBOARD_WEB.
  const web = process.env.SWITCHBOARD_WEB ? ['--web', process.env.SWITCHBOARD_WEB] : [];
  const proc = spawn(BIN, ['serve', '--data', data, ...dbArgs, '--listen', '127.0.0.1:0', '--threads', '4', ...web, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  // The server's stderr is echoed and kept, to look for sanitizer reports.
  let stderr = '';
  proc.stderr.on('data', (chunk) => { stderr += chunk; process.stderr.write(chunk); });
  let exit = null;
  proc.once('exit', (code, signal) => { exit = { code, signal }; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/\(port (\d+)\)/);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  return {
    proc, port,
    get stderr() { return stderr; },
    async stop() {
      const crashed = exit;
      if (!exit) {
        proc.kill('SIGTERM');
        await new Promise((r) => (exit ? r() : proc.once('exit', () => r())));
      }
      assert.equal(crashed, null, `the server exited during the tests: ${JSON.stringify(crashed)}`);
      assert.deepEqual(exit, { code: 0, signal: null }, 'the server stops cleanly on SIGTERM');
      const reports = stderr.split('\n').filter((l) => SANITIZER.test(l));
      assert.deepEqual(reports, [], 'no sanitizer reports on the server\'s stderr');
    },
  };
}

// On PostgreSQL: one more server on SERVER's database, with a data
// directory of its own, as a second machine behind a load balancer would
// run. { base, admin, stop() }.
export async function startPeer(server) {
  assert.ok(server.dbArgs.length, 'a peer shares a database server: PostgreSQL only');
  const data = mkdtempSync(join(tmpdir(), 'sb-peer-'));
  const serve = await spawnServe(data, server.dbArgs);
  const base = `http://127.0.0.1:${serve.port}`;
  return {
    base, data,
    admin: client(base, { token: server.adminToken }),
    async stop() {
      try {
        await serve.stop();
      } finally {
        rmSync(data, { recursive: true, force: true });
      }
    },
  };
}

// A client acting with a bearer token, or with a session cookie and CSRF token.
// Headers given to a request win over the client's own; a header given as
// null is not sent (e.g. { 'X-CSRF-Token': null }, { 'Content-Type': null }).
export function client(base, { token, cookie, csrf } = {}) {
  async function request(method, path, body, headers = {}) {
    const h = {};
    if (token) h.Authorization = `Bearer ${token}`;
    if (cookie) h.Cookie = cookie;
    if (csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = csrf;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    Object.assign(h, headers);
    for (const k of Object.keys(h)) if (h[k] === null || h[k] === undefined) delete h[k];
    const res = await fetch(base + path, {
      method, headers: h,
      body: body === undefined ? undefined
        : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }
  return {
    token, cookie, csrf,
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b, h) => request('POST', p, b, h),
    patch: (p, b, h) => request('PATCH', p, b, h),
    del: (p, h) => request('DELETE', p, undefined, h),
  };
}

export async function signIn(server, email, password = PASSWORD) {
  const res = await fetch(server.base + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 201) throw new Error(`sign in ${email}: ${res.status}`);
  const setCookie = res.headers.get('set-cookie');
  const cookie = setCookie.split(';')[0];
  const { csrf_token, user } = await res.json();
  return Object.assign(client(server.base, { cookie, csrf: csrf_token }), { user, setCookie });
}

let seq = 0;
// An organization with a SPOC, another contact and an account rep; returns clients for them.
export async function makeOrg(server, name) {
  const n = ++seq;
  name = name || `Org ${n}`;
  const admin = server.admin;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const rep = (await admin.post('/api/v1/users', { email: `rep-${slug}@desk.example`, name: `Rep ${name}`, role: 'account-rep', password: PASSWORD })).json;
  const org = (await admin.post('/api/v1/orgs', { name, member_id: String(1000 + n), account_rep_id: rep.id })).json;
  const spoc = (await admin.post('/api/v1/users', { email: `spoc@${slug}.example`, name: `Spoc ${name}`, role: 'contact', org_id: org.id, password: PASSWORD })).json;
  const other = (await admin.post('/api/v1/users', { email: `other@${slug}.example`, name: `Other ${name}`, role: 'contact', org_id: org.id, password: PASSWORD })).json;
  const patched = await admin.patch(`/api/v1/orgs/${org.id}`, { spoc_id: spoc.id });
  if (patched.status !== 200) throw new Error(`set spoc: ${patched.status} ${patched.text}`);
  return {
    org: patched.json, spoc, other, rep,
    asSpoc: await signIn(server, spoc.email),
    asOther: await signIn(server, other.email),
    asRep: await signIn(server, rep.email),
  };
}

// An agent in TEAM, signed in.
export async function makeAgent(server, team, role = 'agent') {
  const email = `${role}-${team}-${++seq}@desk.example`;
  const user = (await server.admin.post('/api/v1/users', { email, name: `${role} ${team}`, role, teams: [team], password: PASSWORD })).json;
  return { user, as: await signIn(server, email) };
}

export const uiBug = (extra = {}) => ({
  request_type: 'ui-api-bug',
  subject: 'Save button does nothing',
  description: 'The Save button on the line item page does not respond.',
  impact: 'Traders cannot change bids.',
  steps: '1. Open a line item\n2. Click Save',
  browser: 'Firefox 133',
  os: 'Ubuntu 24.04',
  ...extra,
});

// ---- assertions ------------------------------------------------------------

// Asserts an error response: STATUS, JSON {"error": {"code": CODE, "message"}}.
export function expectError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') || '', /^application\/json/, 'errors are JSON');
  assert.ok(res.json && typeof res.json.error === 'object', `an error object: ${res.text}`);
  assert.equal(res.json.error.code, code, `error code: ${res.text}`);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0, 'the error has a message');
  return res.json.error;
}

// Asserts a 422 whose error.fields[] names exactly NAMES (each once, any order).
export function expectFields(res, names) {
  const e = expectError(res, 422, 'invalid');
  assert.ok(Array.isArray(e.fields), `error.fields[] is present: ${res.text}`);
  for (const f of e.fields) {
    assert.equal(typeof f.name, 'string');
    assert.equal(typeof f.message, 'string');
    assert.ok(f.message.length > 0, `field ${f.name} has a message`);
  }
  assert.deepEqual(e.fields.map((f) => f.name).sort(), [...names].sort(), `fields of ${res.text}`);
  return e.fields;
}

// ---- time ------------------------------------------------------------------

// Epoch seconds of an RFC 3339 string, and back (whole seconds, UTC, "Z").
export const sec = (s) => {
  assert.match(s, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `an RFC 3339 UTC time with whole seconds: ${s}`);
  return Date.parse(s) / 1000;
};
export const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

// The default calendar (docs/sla.md), written independently of the server:
// America/New_York, mon-fri 09:00-18:00, the six US holidays as observed.
const nyFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: '2-digit',
  day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
export function nyParts(t) {
  const p = Object.fromEntries(nyFormat.formatToParts(new Date(t * 1000)).map((x) => [x.type, x.value]));
  return { y: +p.year, m: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}
// UTC seconds of wall time y-m-d h:mi in New York (09:00 and 18:00 are never in a DST gap).
export function nyToUtc(y, m, d, h, mi) {
  const naive = Date.UTC(y, m - 1, d, h, mi) / 1000;
  let t = naive + 5 * 3600;
  for (let i = 0; i < 3; i++) {
    const p = nyParts(t);
    t += naive - Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) / 1000;
  }
  return t;
}
const pad2 = (n) => String(n).padStart(2, '0');
const ymd = (y, m, d) => `${y}-${pad2(m)}-${pad2(d)}`;
const weekday = (y, m, d) => new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 Sunday
const nthMonday = (y, m, n) => 1 + ((1 - weekday(y, m, 1) + 7) % 7) + 7 * (n - 1);
const fourthThursday = (y, m) => 1 + ((4 - weekday(y, m, 1) + 7) % 7) + 21;
function lastMonday(y, m) {
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return days - ((weekday(y, m, days) - 1 + 7) % 7);
}
function observed(y, m, d) {
  const w = weekday(y, m, d);
  const o = new Date(Date.UTC(y, m - 1, d) + (w === 6 ? -1 : w === 0 ? 1 : 0) * 86400000);
  return ymd(o.getUTCFullYear(), o.getUTCMonth() + 1, o.getUTCDate());
}
export function usHolidays(year) {
  const set = new Set();
  for (const y of [year - 1, year, year + 1]) {
    set.add(observed(y, 1, 1));
    set.add(ymd(y, 5, lastMonday(y, 5)));
    set.add(observed(y, 7, 4));
    set.add(ymd(y, 9, nthMonday(y, 9, 1)));
    set.add(ymd(y, 11, fourthThursday(y, 11)));
    set.add(observed(y, 12, 25));
  }
  return set;
}
// The working intervals [start, end), in UTC seconds, from the New York day of T on.
function* workingIntervals(t) {
  const p = nyParts(t);
  for (let day = Date.UTC(p.y, p.m - 1, p.d), i = 0; i < 400; i++, day += 86400000) {
    const dt = new Date(day), y = dt.getUTCFullYear(), m = dt.getUTCMonth() + 1, d = dt.getUTCDate();
    if (dt.getUTCDay() === 0 || dt.getUTCDay() === 6 || usHolidays(y).has(ymd(y, m, d))) continue;
    yield [nyToUtc(y, m, d, 9, 0), nyToUtc(y, m, d, 18, 0)];
  }
}
// SLA.md: a standard ticket filed at T is due when 9 working hours have
// elapsed; filed outside working hours, at the next opening.
export function standardDue(t) {
  let left = 9 * 3600, started = false;
  for (const [s, e] of workingIntervals(t)) {
    if (e <= t) continue;
    if (!started) {
      if (t < s) return s;
      started = true;
      if (t + left <= e) return t + left;
      left -= e - t;
    } else {
      if (s + left <= e) return s + left;
      left -= e - s;
    }
  }
  throw new Error(`no due time for ${iso(t)}`);
}
export const emergencyDue = (t) => t + 3600;
// Working seconds of the default calendar in [a, b).
export function workingSeconds(a, b) {
  let total = 0;
  for (const [s, e] of workingIntervals(a)) {
    if (s >= b) break;
    total += Math.max(0, Math.min(e, b) - Math.max(s, a));
  }
  return total;
}

// ---- tickets -----------------------------------------------------------------

// Valid bodies for every request type: exactly the required fields.
export function validBody(type, extra = {}) {
  const base = { request_type: type, subject: `A ${type} request`, description: `What happened (${type}).` };
  const routed = { impact: 'Our campaigns are affected.' };
  const more = {
    'anti-malvertising': { object_ids: [{ type: 'creative', id: '9001' }] },
    'creative-audit': { object_ids: [{ type: 'creative', id: '9002' }] },
    'app-bug': { steps: '1. Open the app', browser: 'Chrome 131', os: 'macOS 15' },
    'ui-api-bug': { steps: '1. PUT /line-item', browser: 'curl 8.5', os: 'Debian 12' },
    'data-pull': { business_justification: 'Needed for the quarterly audit.' },
    'manual-config': { business_justification: 'The product cannot share this segment.' },
  };
  return { ...base, ...(ROUTED_TEAMS[type] ? routed : {}), ...(more[type] || {}), ...extra };
}

// PRODUCT.md's tables.
export const ROUTED_TEAMS = {
  'anti-malvertising': 'anti-malvertising',
  'app-bug': 'app-support',
  'creative-audit': 'ad-quality',
  'data-pull': 'client-services',
  'inventory-quality': 'inventory-quality',
  implementation: 'client-services',
  'manual-config': 'client-services',
  'ad-serving': 'client-services',
  'buying-selling': 'client-services',
  'traffic-quality': 'client-services',
  'ui-api-bug': 'client-services',
};
export const ACCOUNT_TYPES = ['business', 'billing', 'training', 'enhancement', 'roadmap', 'general-usage', 'beta-program'];
export const TEAMS = ['anti-malvertising', 'app-support', 'ad-quality', 'client-services', 'inventory-quality'];

export const emergency = (extra = {}) => ({
  priority: 'emergency', emergency_criteria: ['production_down'], emergency_phone: '+1 212 555 0100', ...extra,
});

// Files a ticket as CLIENT (a SPOC) and asserts the 201.
export async function file(asSpoc, body = uiBug(), headers) {
  const res = await asSpoc.post('/api/v1/tickets', body, headers);
  assert.equal(res.status, 201, `filing: ${res.text}`);
  return res.json;
}

// A signed-in user of ROLE (no teams), e.g. another admin or account rep.
export async function makeUser(server, role, extra = {}) {
  const email = `${role}-${++seq}@desk.example`;
  const res = await server.admin.post('/api/v1/users', { email, name: `${role} ${seq}`, role, password: PASSWORD, ...extra });
  assert.equal(res.status, 201, `make ${role}: ${res.text}`);
  return { user: res.json, as: await signIn(server, email) };
}

// The route table of src/api/routes.c, read as text: {method, path, handler, roles, flags}.
export function routeTable() {
  const text = readFileSync(new URL('src/api/routes.c', ROOT), 'utf8');
  const re = /\{\s*"([A-Z]+)",\s*"([^"]+)",\s*(\w+),\s*([\w\s|]+?),\s*([\w\s|]+?),/g;
  const routes = [...text.matchAll(re)].map((m) => ({
    method: m[1], path: m[2], handler: m[3], roles: m[4].trim(), flags: m[5].trim(),
  }));
  assert.ok(routes.length >= 20, `the route table was read (${routes.length} routes)`);
  return routes;
}
