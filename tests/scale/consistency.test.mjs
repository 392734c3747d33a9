// What one server must learn of what another process did on the same
// PostgreSQL database: settings an admin saved elsewhere, and mail the
// mailgate stored, whatever order concurrent writers commit in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { client, makeAgent, makeOrg, uiBug, file, sec } from '../api/harness.mjs';
import { PG_URL, events, startCluster, until } from './cluster.mjs';

const skip = !PG_URL && 'needs SWITCHBOARD_TEST_DATABASE_URL (make check-scale)';

test('a calendar saved through one server is in force on the others', { skip, timeout: 60000 }, async () => {
  const cluster = await startCluster(2);
  const [a, b] = cluster.servers;
  try {
    const org = await makeOrg(a, 'Settings Org');
    const round = { timezone: 'UTC', hours: '24x7', holidays: '', holidays_default: false };
    assert.equal((await a.admin.request('PUT', '/api/v1/settings/calendar', round)).status, 200);
    // Round the clock, nine working hours are nine hours: on B too, once it has read the settings.
    const spocOnB = { post: (p, body) => fetch(b.base + p, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Cookie: org.asSpoc.cookie, 'X-CSRF-Token': org.asSpoc.csrf },
    }).then(async (r) => ({ status: r.status, json: await r.json(), text: '' })) };
    await until(async () => {
      const t = await file(spocOnB, uiBug());
      return sec(t.first_response_due_at) === sec(t.created_at) + 9 * 3600;
    }, 'server B to file on the round-the-clock calendar', 15000, 300);
    await cluster.stop();
  } finally {
    for (const s of cluster.servers) if (!s.exit) s.proc.kill('SIGKILL');
  }
});

test('mail stored by two writers that commit out of order: both reach the live events', { skip, timeout: 60000 }, async () => {
  const cluster = await startCluster(1);
  const [server] = cluster.servers;
  let holder;
  try {
    const org = await makeOrg(server, 'Inbound Org');
    const first = await file(org.asSpoc, uiBug({ subject: 'First' }));
    const second = await file(org.asSpoc, uiBug({ subject: 'Second' }));
    const stream = events(server.base, cluster.adminToken);
    const comment = (id) => stream.seen.some((e) => e.id === id && e.event === 'comment');
    const insert = (key, ticket) =>
      `INSERT INTO inbound_messages (message_id, ticket_id, outcome, received_at) VALUES ('${key}', ${ticket}, 'reply', 0);`;
    // A writer (as a mailgate) takes the lower seq and has not committed yet...
    holder = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster.dbUrl], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    holder.stdout.on('data', (c) => { out += c; });
    holder.stdin.write(`BEGIN;\n${insert('<first@scale.example>', first.id)}\n\\echo inserted\n`);
    await until(() => out.includes('inserted'), 'the first writer to insert');
    // ...while another takes the next seq and commits first.
    const later = promisify(execFile)('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster.dbUrl, '-c', insert('<second@scale.example>', second.id)]);
    // Time for the server to see the second (if it can before the first commits).
    await until(() => comment(second.id), 'the second message', 3000).catch(() => {});
    holder.stdin.end('COMMIT;\n');
    await later;
    await until(() => comment(first.id) && comment(second.id), 'both messages on the live events', 15000);
    stream.close();
    await cluster.stop();
  } finally {
    if (holder && holder.exitCode === null) holder.kill();
    for (const s of cluster.servers) if (!s.exit) s.proc.kill('SIGKILL');
  }
});

test('changes to one ticket through two servers at once: none refused for a conflict its client did not ask about', { skip, timeout: 90000 }, async () => {
  const cluster = await startCluster(2);
  const [a, b] = cluster.servers;
  try {
    const org = await makeOrg(a, 'Busy Ticket Org');
    const agents = [await makeAgent(a, 'client-services'), await makeAgent(a, 'client-services')];
    const t = await file(org.asSpoc, uiBug({ subject: 'Everyone at once' }));
    // The same people's sessions on either server (sessions live in the database).
    const on = (base, who) => client(base, { cookie: who.as.cookie, csrf: who.as.csrf });
    const spocOnB = client(b.base, { cookie: org.asSpoc.cookie, csrf: org.asSpoc.csrf });
    const refused = [];
    let sent = 0;
    for (let round = 0; round < 40; round++) {
      // Without If-Match: each asks for its change on the ticket as it then is.
      const answers = await Promise.all([
        on(a.base, agents[0]).patch(`/api/v1/tickets/${t.id}`, { assignee_id: agents[round % 2].user.id }),
        on(b.base, agents[1]).patch(`/api/v1/tickets/${t.id}`, { assignee_id: agents[(round + 1) % 2].user.id }),
        on(a.base, agents[0]).post(`/api/v1/tickets/${t.id}/comments`, { body: `Question ${round}`, kind: 'question' }),
        spocOnB.post(`/api/v1/tickets/${t.id}/comments`, { body: `Answer ${round}` }),
        on(b.base, agents[1]).post(`/api/v1/tickets/${t.id}/comments`, { body: `Note ${round}`, kind: 'note' }),
      ]);
      sent += answers.length;
      for (const r of answers) if (r.status === 409 || r.status === 412 || r.status >= 500) refused.push(`${r.status} ${r.text}`);
    }
    assert.deepEqual(refused, [], `of ${sent} changes`);
    // Every comment is there, once.
    const all = await a.admin.get(`/api/v1/tickets/${t.id}/comments?limit=500`);
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.items.length, 40 * 3);
    await cluster.stop();
  } finally {
    for (const s of cluster.servers) if (!s.exit) s.proc.kill('SIGKILL');
  }
});
