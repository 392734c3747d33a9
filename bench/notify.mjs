// Notification throughput: how fast filed tickets become mail at an SMTP
// server and signed webhook deliveries at a real HTTP receiver, and how long
// `switchboard mailgate` takes per reply. Figures go to bench/RESULTS.md.
//
//   SWITCHBOARD_BIN=build/switchboard node bench/notify.mjs [TICKETS]
//   (on PostgreSQL with SWITCHBOARD_TEST_DATABASE_URL set, as `make bench` runs it too)
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { startServer, makeOrg, uiBug, BIN } from '../tests/api/harness.mjs';

// A bare SMTP sink that answers at once: the tests' smtp-server waits 100 ms
// before its greeting (to catch early talkers), which would be all we measured.
async function startSink() {
  let count = 0;
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buf = buf.slice(end + 5);
          inData = false;
          count++;
          sock.write('250 queued\r\n');
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol).toUpperCase();
        buf = buf.slice(eol + 2);
        if (line.startsWith('EHLO')) sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (line.startsWith('DATA')) { inData = true; sock.write('354 go\r\n'); }
        else if (line.startsWith('QUIT')) { sock.end('221 bye\r\n'); return; }
        else sock.write('250 ok\r\n');
        // DATA's terminator may have come in the same chunk as the command.
        if (inData && buf.startsWith('.\r\n')) buf = '\r\n' + buf;
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    get count() { return count; },
    close: () => new Promise((r) => server.close(r)),
  };
}

const n = Number(process.argv[2] || 500);
const smtp = await startSink();
let hooks = 0;
let lastHook = 0;
const receiver = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { hooks++; lastHook = performance.now(); res.end(); });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const server = await startServer({ args: ['--smtp-url', smtp.url] });
const org = await makeOrg(server, 'Bench Org');
const hook = await server.admin.post('/api/v1/webhooks', {
  url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ['ticket.created'],
});
if (hook.status !== 201) throw new Error(`webhook: ${hook.text}`);

// Filing, eight at a time, as a busy portal would.
const t0 = performance.now();
const ids = [];
for (let i = 0; i < n; i += 8) {
  const batch = [];
  for (let k = i; k < Math.min(n, i + 8); k++) batch.push(org.asSpoc.post('/api/v1/tickets', uiBug({ subject: `Bench ${k}` })));
  for (const r of await Promise.all(batch)) {
    if (r.status !== 201) throw new Error(r.text);
    ids.push(r.json.id);
  }
}
const filed = performance.now();
while (smtp.count < n) await new Promise((r) => setTimeout(r, 20));
const mailed = performance.now();
while (hooks < n) await new Promise((r) => setTimeout(r, 20));

// Replies by mail, one process per message as an MTA runs it.
const replies = Math.min(n, 100);
const times = [];
for (let i = 0; i < replies; i++) {
  const msg = [
    `From: <${org.spoc.email}>`, 'To: <support@localhost>',
    `Subject: Re: [#${ids[i]}] Request received`, `Message-ID: <bench-${i}@reply.example>`,
    `In-Reply-To: <ticket-${ids[i]}@localhost>`, 'Content-Type: text/plain; charset=utf-8', '',
    `Still broken here (${i}).`, '', 'On Mon, Support wrote:', '> Request received', '',
  ].join('\r\n');
  const s = performance.now();
  const r = spawnSync(BIN, ['mailgate', '--data', server.data, ...server.dbArgs], { input: msg, encoding: 'utf8' });
  times.push(performance.now() - s);
  if (r.status !== 0) throw new Error(`mailgate ${r.status}: ${r.stdout}${r.stderr}`);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);

const s = (ms) => (ms / 1000).toFixed(2);
console.log(`${n} tickets filed in ${s(filed - t0)} s (${(n / ((filed - t0) / 1000)).toFixed(0)}/s)`);
console.log(`request_received mail: all ${n} at the SMTP server ${s(mailed - t0)} s after the first filing (${(n / ((mailed - t0) / 1000)).toFixed(0)} mails/s, one SMTP session each)`);
console.log(`ticket.created webhooks: all ${n} delivered ${s(lastHook - t0)} s after the first filing (${(n / ((lastHook - t0) / 1000)).toFixed(0)}/s)`);
console.log(`mailgate, ${replies} replies: median ${q(0.5)} ms, p95 ${q(0.95)} ms per message (process start to exit)`);
await server.stop();
await smtp.close();
receiver.close();
