// Files with the request: a multipart POST /tickets stores the ticket and
// its screenshots together, and files count for the type's "attachments"
// field, at filing and when they arrive later.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, makeOrg, uiBug, file, expectError, expectFields, PG_URL } from './harness.mjs';

let server, org;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Files Org');
});
after(async () => server.stop());

const PNG = Uint8Array.from(Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

// POSTs FORM to PATH as the SPOC (session cookie and CSRF token).
async function postForm(path, form, headers = {}) {
  const res = await fetch(server.base + path, {
    method: 'POST',
    headers: { Cookie: org.asSpoc.cookie, 'X-CSRF-Token': org.asSpoc.csrf, ...headers },
    body: form,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

function form(fields, files = [['shot.png', PNG, 'image/png']]) {
  const f = new FormData();
  if (fields !== undefined) f.append('ticket', typeof fields === 'string' ? fields : JSON.stringify(fields));
  for (const [name, bytes, type] of files) f.append('file', new Blob([bytes], { type }), name);
  return f;
}

test('a ticket filed with a screenshot stores both, and the screenshot counts', async () => {
  const res = await postForm('/api/v1/tickets', form(uiBug({ subject: 'Filed with a screenshot' })));
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.subject, 'Filed with a screenshot');
  assert.ok(!res.json.completeness.missing.includes('attachments'), 'the screenshot is not missing');
  const list = (await org.asSpoc.get(`/api/v1/tickets/${res.json.id}/attachments`)).json.items;
  assert.deepEqual(list.map((a) => [a.filename, a.content_type, a.size]), [['shot.png', 'image/png', PNG.length]]);
  const bytes = new Uint8Array(await (await fetch(server.base + list[0].url, { headers: { Cookie: org.asSpoc.cookie } })).arrayBuffer());
  assert.deepEqual(bytes, PNG, 'the bytes come back as sent');
  const history = (await org.asSpoc.get(`/api/v1/tickets/${res.json.id}/history`)).json.items;
  assert.ok(history.some((h) => h.field === 'attachment' && h.to === 'shot.png'), 'the file is in the history');
});

test('a type that requires a screenshot refuses JSON alone and takes multipart', async () => {
  const patched = await server.admin.patch('/api/v1/request-types/app-bug', { fields: { attachments: 'required' } });
  assert.equal(patched.status, 200, patched.text);
  try {
    const body = { ...uiBug({ subject: 'Needs a screenshot' }), request_type: 'app-bug' };
    expectFields(await org.asSpoc.post('/api/v1/tickets', body), ['attachments']);
    expectFields(await postForm('/api/v1/tickets', form(body, [])), ['attachments']);
    const res = await postForm('/api/v1/tickets', form(body));
    assert.equal(res.status, 201, res.text);
  } finally {
    await server.admin.patch('/api/v1/request-types/app-bug', { fields: { attachments: 'recommended' } });
  }
});

test('files uploaded after filing complete the ticket', async () => {
  const t = await file(org.asSpoc, uiBug({ subject: 'Screenshot later' }));
  assert.ok(t.completeness.missing.includes('attachments'));
  const up = await postForm(`/api/v1/tickets/${t.id}/attachments`, form(undefined));
  assert.equal(up.status, 201, up.text);
  const after = (await org.asSpoc.get(`/api/v1/tickets/${t.id}`)).json;
  assert.ok(!after.completeness.missing.includes('attachments'), 'no longer missing');
  assert.ok(after.completeness.percent > t.completeness.percent, 'the score went up');
  assert.equal(after.version, t.version + 1, 'a new version: the ticket changed');
});

test('a multipart filing without the ticket part, or with bad JSON in it, is refused and stores nothing', async () => {
  const before = (await server.admin.get(`/api/v1/tickets?org_id=${org.org.id}&limit=100`)).json.items.length;
  expectFields(await postForm('/api/v1/tickets', form(undefined)), ['ticket']);
  expectError(await postForm('/api/v1/tickets', form('{"subject": ')), 400, 'malformed_json');
  expectError(await postForm('/api/v1/tickets', form('[1, 2]')), 400, 'malformed_json');
  const wrong = new FormData();
  wrong.append('ticket', JSON.stringify(uiBug()));
  wrong.append('screenshot', new Blob([PNG], { type: 'image/png' }), 'x.png');
  expectFields(await postForm('/api/v1/tickets', wrong), ['screenshot']);
  const after = (await server.admin.get(`/api/v1/tickets?org_id=${org.org.id}&limit=100`)).json.items.length;
  assert.equal(after, before, 'no ticket was filed');
});

test('Idempotency-Key holds for multipart filings too', async () => {
  const headers = { 'Idempotency-Key': 'files-once' };
  const a = await postForm('/api/v1/tickets', form(uiBug({ subject: 'Once with files' })), headers);
  const b = await postForm('/api/v1/tickets', form(uiBug({ subject: 'Once with files' })), headers);
  assert.equal(a.status, 201, a.text);
  assert.equal(b.json.id, a.json.id);
  assert.equal(b.headers.get('idempotent-replayed'), 'true');
  const list = (await org.asSpoc.get(`/api/v1/tickets/${a.json.id}/attachments`)).json.items;
  assert.equal(list.length, 1, 'the replay stored no second file');
});

test('a JSON filing is at most 256 KB even though files may be larger', async () => {
  const big = uiBug({ description: 'x'.repeat(300 * 1024) });
  expectError(await org.asSpoc.post('/api/v1/tickets', big), 413, 'payload_too_large');
});

test('attachment bytes stay beside an embedded database, and in a shared one', async () => {
  const res = await postForm('/api/v1/tickets', form(uiBug({ subject: 'Where the bytes live' })));
  assert.equal(res.status, 201, res.text);
  const [at] = (await org.asSpoc.get(`/api/v1/tickets/${res.json.id}/attachments`)).json.items;
  const onDisk = existsSync(join(server.data, 'attachments'));
  if (!PG_URL) {
    assert.ok(onDisk, 'SQLite: the bytes are files in the data directory');
    return;
  }
  // Several servers share a PostgreSQL and nothing else: a file uploaded
  // through one downloads through another with a data directory of its own.
  assert.ok(!onDisk, 'PostgreSQL: nothing in the data directory');
  assert.equal(server.sql(`SELECT size FROM blobs WHERE sha256 = (SELECT sha256 FROM attachments WHERE id = ${at.id})`).trim(), String(PNG.length));
  const peer = await startPeer(server);
  try {
    const got = await fetch(peer.base + at.url, { headers: { Cookie: org.asSpoc.cookie } });
    assert.equal(got.status, 200);
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), PNG, 'the other server serves the same bytes');
    // A second upload of the same bytes through the peer shares the row.
    const again = await fetch(peer.base + `/api/v1/tickets/${res.json.id}/attachments`, {
      method: 'POST', headers: { Cookie: org.asSpoc.cookie, 'X-CSRF-Token': org.asSpoc.csrf }, body: form(undefined),
    });
    assert.equal(again.status, 201, await again.text());
    assert.equal(server.sql('SELECT count(*) FROM blobs').trim(), '1');
  } finally {
    await peer.stop();
  }
});
