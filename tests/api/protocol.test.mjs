// HTTP and JSON conventions: errors, 400/401/403/404/405/413/415, health and
// the OpenAPI description against the route table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import {
  startServer, makeOrg, makeAgent, uiBug, file, client, BIN, ROOT, routeTable, expectError, expectFields,
} from './harness.mjs';

let server, org, cs, ticket;

before(async () => {
  server = await startServer();
  org = await makeOrg(server, 'Acme Media');
  cs = await makeAgent(server, 'client-services');
  ticket = await file(org.asSpoc, uiBug());
});
after(async () => { await server?.stop(); });

const raw = (method, path, { headers = {}, body } = {}) => fetch(server.base + path, { method, headers, body });
async function asJson(res) {
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

// ---- health and description --------------------------------------------------------

test('GET /healthz answers without authentication', async () => {
  const res = await asJson(await raw('GET', '/healthz'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(Object.keys(res.json).sort(), ['schema_version', 'status', 'version']);
  assert.equal(res.json.status, 'ok');
  assert.ok(Number.isInteger(res.json.schema_version) && res.json.schema_version >= 1);
  const version = execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim();
  assert.equal(version, `switchboard ${res.json.version}`);
  const head = await raw('HEAD', '/healthz');
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('GET /api/v1/openapi.json serves docs/api/openapi.json, without authentication', async () => {
  const res = await asJson(await raw('GET', '/api/v1/openapi.json'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.ok(res.json, 'valid JSON');
  assert.match(res.json.openapi, /^3\.1\.\d+$/);
  const file = JSON.parse(readFileSync(new URL('docs/api/openapi.json', ROOT), 'utf8'));
  assert.deepEqual(res.json, file);
});

test('openapi.json documents every route of src/api/routes.c, and nothing else', async () => {
  const doc = (await server.admin.get('/api/v1/openapi.json')).json;
  const routes = routeTable();
  const documented = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) documented.push(`${m.toUpperCase()} ${path}`);
  }
  const table = routes.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(table.filter((r) => !documented.includes(r)), [], 'routes missing from openapi.json');
  assert.deepEqual(documented.filter((r) => !table.includes(r)), [], 'documented operations that are not routes');
});

test('openapi.json agrees with the route table on authentication, bodies and parameters', async () => {
  const doc = (await server.admin.get('/api/v1/openapi.json')).json;
  for (const r of routeTable()) {
    const item = doc.paths[r.path];
    const op = item?.[r.method.toLowerCase()];
    if (!op) continue; // reported by the test above
    const name = `${r.method} ${r.path}`;
    assert.equal(typeof op.summary, 'string', `${name} has a summary`);
    if (r.roles === 'API_PUBLIC') {
      assert.deepEqual(op.security, [], `${name} is public`);
    } else {
      assert.notDeepEqual(op.security, [], `${name} needs authentication`);
      assert.ok(op.responses['401'], `${name} documents 401`);
    }
    if (r.flags.includes('API_JSON_BODY')) {
      assert.ok(op.requestBody?.content?.['application/json'], `${name} takes application/json`);
      assert.ok(op.responses['422'] || r.path === '/api/v1/session', `${name} documents 422`);
    }
    if (r.flags.includes('API_MULTIPART')) assert.ok(op.requestBody?.content?.['multipart/form-data'], `${name} takes multipart/form-data`);
    for (const [, param] of r.path.matchAll(/\{(\w+)\}/g)) {
      const params = [...(item.parameters || []), ...(op.parameters || [])];
      assert.ok(params.some((p) => p.in === 'path' && p.name === param && p.required === true), `${name} documents {${param}}`);
    }
  }
});

// ---- errors --------------------------------------------------------------------------------

// Paths outside /api belong to the web app (tests/browser/shell.test.mjs).
test('an unknown API path is a JSON 404', async () => {
  for (const path of ['/api', '/api/', '/api/v1', '/api/v1/ticket', '/api/v1/tickets/1/nope', '/api/v2/tickets', '/healthz.json']) {
    const res = await server.admin.get(path);
    expectError(res, 404, 'not_found');
    assert.equal(res.json.error.fields, undefined);
  }
});

test('an id that is not a positive integer is a 404', async () => {
  for (const id of ['abc', '0', '-1', '1.0', '+1', '0x1', '99999999999999999999', '%31']) {
    expectError(await server.admin.get(`/api/v1/tickets/${id}`), 404, 'not_found');
    expectError(await server.admin.get(`/api/v1/orgs/${id}`), 404, 'not_found');
    expectError(await server.admin.get(`/api/v1/users/${id}`), 404, 'not_found');
  }
  expectError(await server.admin.get(`/api/v1/tickets/${ticket.id}/`), 404, 'not_found');
});

test('a known path with another method is a JSON 405', async () => {
  for (const [method, path] of [['DELETE', '/api/v1/tickets'], ['PUT', `/api/v1/tickets/${ticket.id}`], ['POST', '/healthz'],
    ['PATCH', '/api/v1/session'], ['DELETE', `/api/v1/orgs/${org.org.id}`], ['OPTIONS', '/api/v1/tickets'], ['PUT', '/api/v1/users']]) {
    const res = await server.admin.request(method, path);
    expectError(res, 405, 'method_not_allowed');
  }
});

test('a 405 says which methods are allowed (RFC 9110: Allow)', async () => {
  const res = await server.admin.request('DELETE', '/api/v1/tickets');
  assert.equal(res.status, 405);
  const allow = (res.headers.get('allow') || '').split(',').map((m) => m.trim()).filter(Boolean).sort();
  assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow: ${res.headers.get('allow')}`);
  assert.ok(!allow.includes('DELETE'));
});

test('a body over the route\'s limit is a JSON 413, whether sized or chunked', async () => {
  // POST /session accepts 4 KB, tickets and comments 256 KB, orgs 16 KB.
  const big = (n) => JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(n) });
  const atLimit = big(4096 - big(0).length);
  assert.equal(Buffer.byteLength(atLimit), 4096);
  expectError(await asJson(await raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json' }, body: atLimit })), 401, 'unauthorized');
  expectError(await asJson(await raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json' }, body: big(4097 - big(0).length) })), 413, 'payload_too_large');
  expectError(await org.asSpoc.post('/api/v1/tickets', uiBug({ description: 'x'.repeat(256 * 1024) })), 413, 'payload_too_large');
  expectError(await cs.as.post(`/api/v1/tickets/${ticket.id}/comments`, { body: 'x'.repeat(256 * 1024) }), 413, 'payload_too_large');
  expectError(await server.admin.post('/api/v1/orgs', { name: 'Big', member_id: '1', pad: 'x'.repeat(16 * 1024) }), 413, 'payload_too_large');
  const chunks = new ReadableStream({
    start(c) { for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode(' '.repeat(1000))); c.close(); },
  });
  const chunked = await fetch(server.base + '/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: chunks, duplex: 'half' });
  expectError(await asJson(chunked), 413, 'payload_too_large');
  assert.equal((await cs.as.get(`/api/v1/tickets/${ticket.id}/comments`)).json.items.length, 0);
});

test('a JSON route refuses another content type with 415', async () => {
  const body = JSON.stringify({ name: 'Typed', member_id: '1' });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp', 'multipart/form-data; boundary=x', null]) {
    const res = await server.admin.post('/api/v1/orgs', body, { 'Content-Type': type });
    expectError(res, 415, 'unsupported_media_type');
  }
  for (const [i, type] of ['application/json; charset=utf-8', 'Application/JSON'].entries()) {
    const res = await server.admin.post('/api/v1/orgs', JSON.stringify({ name: `Typed ${i}`, member_id: '1' }), { 'Content-Type': type });
    assert.equal(res.status, 201, `${type}: ${res.text}`);
  }
});

test('malformed JSON, or JSON that is not an object, is a 400', async () => {
  const bodies = ['{', '{"name": }', '', 'null', 'true', '42', '"text"', '[{"name":"x"}]', '{} x',
    '{"name":"a","name":"b"}', Buffer.from('{"name":"\xff"}', 'latin1'), '['.repeat(5000) + ']'.repeat(5000)];
  for (const body of bodies) {
    const res = await server.admin.post('/api/v1/orgs', body);
    expectError(res, 400, 'malformed_json');
    assert.equal(res.json.error.fields, undefined);
  }
  expectError(await org.asSpoc.post('/api/v1/tickets', '[]'), 400, 'malformed_json');
  expectError(await cs.as.patch(`/api/v1/tickets/${ticket.id}`, 'nope'), 400, 'malformed_json');
  expectError(await cs.as.post(`/api/v1/tickets/${ticket.id}/comments`, '{"body":'), 400, 'malformed_json');
});

test('the gates run in order: route, authentication, CSRF, role, body', async () => {
  // Unauthenticated with a bad body: 401, not 415 or 400.
  expectError(await asJson(await raw('POST', '/api/v1/orgs', { headers: { 'Content-Type': 'text/plain' }, body: '{' })), 401, 'unauthorized');
  // A cookie write without CSRF with a bad body: 403 csrf.
  expectError(await org.asSpoc.post('/api/v1/tickets', '{', { 'X-CSRF-Token': null }), 403, 'csrf');
  // The wrong role with a bad body: 403 forbidden.
  expectError(await cs.as.post('/api/v1/orgs', '{'), 403, 'forbidden');
  expectError(await cs.as.post('/api/v1/orgs', '{}', { 'Content-Type': 'text/plain' }), 403, 'forbidden');
  // An unknown path is 404 and a known one with a wrong method 405, before authentication.
  expectError(await client(server.base).get('/api/v1/nope'), 404, 'not_found');
  expectError(await client(server.base).request('DELETE', '/api/v1/tickets'), 405, 'method_not_allowed');
});

test('ambiguous framing is refused with a JSON 400', async () => {
  const { port } = new URL(server.base);
  const send = (request) => new Promise((resolve) => {
    const c = net.connect(Number(port), '127.0.0.1');
    let data = '';
    c.on('data', (d) => { data += d; });
    c.on('close', () => resolve(data));
    c.on('error', () => resolve(data));
    c.write(request);
    setTimeout(() => c.destroy(), 2000);
  });
  for (const headers of [
    'Content-Length: 2\r\nTransfer-Encoding: chunked',
    'Content-Length: 2\r\nContent-Length: 2',
  ]) {
    const answer = await send(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n\r\n{}`);
    assert.match(answer, /^HTTP\/1\.1 400 /, answer);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(typeof body.error.message, 'string');
  }
});

test('errors are JSON with a code and a message, and fields only on 422', async () => {
  const cases = [
    [await client(server.base).get('/api/v1/tickets'), 401, 'unauthorized'],
    [await org.asOther.post('/api/v1/tickets', uiBug()), 403, 'forbidden'],
    [await server.admin.get('/api/v1/tickets/999999'), 404, 'not_found'],
    [await cs.as.patch(`/api/v1/tickets/${ticket.id}`, { status: 'closed' }), 409, 'conflict'],
    [await cs.as.patch(`/api/v1/tickets/${ticket.id}`, { status: 'resolved' }, { 'If-Match': '"999"' }), 412, 'precondition_failed'],
  ];
  for (const [res, status, code] of cases) {
    expectError(res, status, code);
    assert.deepEqual(Object.keys(res.json), ['error']);
    assert.equal(res.json.error.fields, undefined, `${status} has no fields`);
  }
  const invalid = await server.admin.post('/api/v1/orgs', {});
  expectFields(invalid, ['name', 'member_id']);
});

test('reads answer HEAD like GET, without a body', async () => {
  const get = await server.admin.get(`/api/v1/tickets/${ticket.id}`);
  const head = await fetch(`${server.base}/api/v1/tickets/${ticket.id}`, { method: 'HEAD', headers: { Authorization: `Bearer ${server.adminToken}` } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('etag'), get.headers.get('etag'));
  assert.equal(await head.text(), '');
  const anon = await fetch(`${server.base}/api/v1/tickets/${ticket.id}`, { method: 'HEAD' });
  assert.equal(anon.status, 401);
});
