// PostgreSQL restarts under running servers (a minor upgrade, a failover):
// they reconnect by themselves. The first requests after the restart are
// served, reads and durable writes alike; every open event stream is told
// to start over, since what other servers sent during the outage is lost;
// and events flow between the servers again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeOrg, uiBug, file } from '../api/harness.mjs';
import { events, startCluster, until } from './cluster.mjs';

const DIR = process.env.SWITCHBOARD_TEST_DATABASE_DIR;
const skip = !DIR && 'needs SWITCHBOARD_TEST_DATABASE_DIR, the test server to restart (make check-scale)';

test('servers reconnect after PostgreSQL restarts; streams reset, then events flow again', { skip, timeout: 90000 }, async () => {
  const cluster = await startCluster(2);
  const [a, b] = cluster.servers;
  try {
    const org = await makeOrg(a, 'Restart Org');
    const stream = events(b.base, cluster.adminToken);
    await stream.opened;
    const created = (id) => stream.seen.some((e) => e.id === id && e.event === 'created');
    const before = await file(org.asSpoc, uiBug({ subject: 'Before the restart' }));
    await until(() => created(before.id), 'the event through the other server before the restart', 10000);

    execFileSync(new URL('../../scripts/pg-test-server', import.meta.url).pathname, ['restart', DIR]);

    // The first statements on each server find their sessions gone and run again on new ones.
    const read = await a.admin.get(`/api/v1/tickets/${before.id}`);
    assert.equal(read.status, 200, read.text);
    const write = await b.admin.post(`/api/v1/tickets/${before.id}/comments`, { body: 'After the restart', kind: 'note' });
    assert.equal(write.status, 201, write.text);
    for (const s of cluster.servers) assert.equal((await fetch(`${s.base}/healthz`)).status, 200);

    // B's listener lost its session: once it listens again, its streams start over...
    await until(() => stream.resets() >= 1, 'a reset on the stream', 15000);
    // ...and a change through A reaches B's stream again.
    const after = await file(org.asSpoc, uiBug({ subject: 'After the restart' }));
    await until(() => created(after.id), 'the event through the other server after the restart', 10000);
    stream.close();
    await cluster.stop();
  } finally {
    for (const s of cluster.servers) if (!s.exit) s.proc.kill('SIGKILL');
  }
});
