// The API suite's harness: a real `switchboard serve` on a temporary data
// directory and an ephemeral port, an admin made with the CLI, and small
// helpers to act as different people.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.SWITCHBOARD_BIN || 'build/switchboard';
export const PASSWORD = 'correct horse battery';

export async function startServer() {
  const data = mkdtempSync(join(tmpdir(), 'sb-api-'));
  const cli = (...args) => execFileSync(BIN, [...args, '--data', data], { encoding: 'utf8' });
  cli('user', 'add', '--email', 'admin@test.example', '--name', 'Admin', '--role', 'admin', '--password', PASSWORD);
  const adminToken = cli('token', 'create', '--email', 'admin@test.example').trim().split('\n').pop();
  const proc = spawn(BIN, ['serve', '--data', data, '--listen', '127.0.0.1:0', '--threads', '4'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/\(port (\d+)\)/);
      if (m) resolve(Number(m[1]));
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, data, proc, cli, adminToken,
    admin: client(base, { token: adminToken }),
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(data, { recursive: true, force: true });
    },
  };
  return server;
}

// A client acting with a bearer token, or with a session cookie and CSRF token.
export function client(base, { token, cookie, csrf } = {}) {
  async function request(method, path, body, headers = {}) {
    const h = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (cookie) h.Cookie = cookie;
    if (csrf && method !== 'GET') h['X-CSRF-Token'] = csrf;
    if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
    const res = await fetch(base + path, {
      method, headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    return { status: res.status, headers: res.headers, json, text };
  }
  return {
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
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await res.json();
  return client(server.base, { cookie, csrf: csrf_token });
}

let seq = 0;
// An organization with a SPOC, another contact and an account rep; returns clients for them.
export async function makeOrg(server, name = `Org ${++seq}`) {
  const admin = server.admin;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const rep = (await admin.post('/api/v1/users', { email: `rep-${slug}@desk.example`, name: `Rep ${name}`, role: 'account-rep', password: PASSWORD })).json;
  const org = (await admin.post('/api/v1/orgs', { name, member_id: String(1000 + seq), account_rep_id: rep.id })).json;
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
