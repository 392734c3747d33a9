// Several `switchboard serve` processes on ONE PostgreSQL database, each
// with a data directory of its own, as servers on separate machines behind
// a load balancer run them: they share the database and nothing else. The database server comes from
// SWITCHBOARD_TEST_DATABASE_URL (`make check-scale` starts one with
// scripts/pg-test-server); each cluster gets a fresh database on it.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BIN, PG_URL, client } from '../api/harness.mjs';

export { PG_URL };

const psql = (url, statement) =>
  execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', statement], { encoding: 'utf8' });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves with PRED()'s truthy value (PRED may be async), polling every
// STEP ms; fails after MS with WHAT.
export async function until(pred, what, ms = 30000, step = 100) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(step);
  }
}

const SANITIZER = /AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/;

// Starts one serve process; resolves once it listens.
async function startOne(i, data, dbUrl, args) {
  const proc = spawn(BIN, ['serve', '--data', data, '--database', dbUrl, '--listen', '127.0.0.1:0',
    '--threads', '4', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHBOARD_SMTP_URL: '' } });
  const s = { i, proc, stderr: '', exit: null };
  proc.stderr.on('data', (c) => { s.stderr += c; });
  proc.once('exit', (code, signal) => { s.exit = { code, signal }; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/\(port (\d+)\)/);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`server ${i} exited with ${code} before listening: ${s.stderr}`)));
  });
  s.base = `http://127.0.0.1:${port}`;
  return s;
}

// N servers; ARGS(i) gives server i's extra arguments (e.g. its --smtp-url).
export async function startCluster(n, args = () => []) {
  assert.ok(PG_URL, 'SWITCHBOARD_TEST_DATABASE_URL names a PostgreSQL server');
  const name = `sb_scale_${process.pid}_${randomBytes(4).toString('hex')}`;
  psql(PG_URL, `CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const data = mkdtempSync(join(tmpdir(), 'sb-scale-'));
  const cli = (...a) => execFileSync(BIN, [...a, '--data', data, '--database', dbUrl], { encoding: 'utf8' });
  // Migrates the database once, before several servers start on it.
  cli('user', 'add', '--email', 'admin@test.example', '--name', 'Admin', '--role', 'admin', '--password', 'correct horse battery');
  const adminToken = cli('token', 'create', '--email', 'admin@test.example').trim().split('\n').pop();
  const servers = [];
  for (let i = 0; i < n; i++) {
    const own = join(data, `server${i}`);
    mkdirSync(own);
    servers.push(await startOne(i, own, dbUrl, args(i)));
  }
  for (const s of servers) s.admin = client(s.base, { token: adminToken });
  return {
    servers, data, dbUrl, adminToken, cli,
    sql: (statement) => psql(dbUrl, statement),
    // Rows of STATEMENT as arrays of strings.
    rows: (statement) => psql(dbUrl, statement).split('\n').filter((l) => l !== '').map((l) => l.split('|')),
    // Stops the servers still running (SIGTERM; each must exit 0 with no
    // sanitizer report), then drops the database and the data directory.
    async stop({ killed = [] } = {}) {
      for (const s of servers) {
        if (!s.exit) s.proc.kill('SIGTERM');
      }
      for (const s of servers) {
        if (!s.exit) await new Promise((r) => s.proc.once('exit', r));
      }
      rmSync(data, { recursive: true, force: true });
      psql(PG_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const s of servers) {
        assert.ok(!SANITIZER.test(s.stderr), `server ${s.i}: no sanitizer report:\n${s.stderr}`);
        if (killed.includes(s)) assert.equal(s.exit.signal, 'SIGKILL');
        else assert.deepEqual(s.exit, { code: 0, signal: null }, `server ${s.i} stops cleanly:\n${s.stderr}`);
      }
    },
  };
}

// The ticket events of a live event stream on BASE, as they come, and how
// many resets it got; OPENED resolves once the stream has said hello.
export function events(base, token) {
  const seen = [];
  let resets = 0;
  let hello;
  const opened = new Promise((r) => { hello = r; });
  const req = http.request(`${base}/api/v1/events`, { headers: { Authorization: `Bearer ${token}` }, agent: false }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      buf += chunk;
      hello();
      for (let i; (i = buf.indexOf('\n\n')) >= 0; buf = buf.slice(i + 2)) {
        const block = buf.slice(0, i).split('\n');
        const data = block.find((l) => l.startsWith('data: {"id"'));
        if (data) seen.push(JSON.parse(data.slice(6)));
        if (block.includes('event: reset')) resets++;
      }
    });
  });
  req.on('error', () => {});
  req.end();
  return { seen, opened, resets: () => resets, close: () => req.destroy() };
}
