// What the cluster delivers to: SMTP servers that record which server's
// connection brought each message, and a webhook receiver.
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

// A shared log of mail, and one SMTP server per switchboard server (VIA is
// its index), so that the test knows who delivered what. Each holds its
// answer to DATA for HOLD ms, which keeps claimed mail in flight: a server
// killed then has rows under its lease. A message counts as delivered once
// the 250 was written to a client still connected (a client killed while
// we held the answer never learns of acceptance and must send again).
export async function startMailSinks(n, { hold = 0 } = {}) {
  const log = [];
  const holding = Array.from({ length: n }, () => new Map()); // session id -> Message-ID
  const servers = [];
  for (let via = 0; via < n; via++) {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const id = (raw.match(/^Message-ID:\s*(<[^>]+>)/im) || [])[1] || null;
          holding[via].set(session.id, id);
          setTimeout(() => {
            holding[via].delete(session.id);
            if (session.closed) return;
            log.push({ via, id, raw, at: Date.now() });
            cb();
          }, hold);
        });
      },
      onClose(session) { session.closed = true; holding[via].delete(session.id); },
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  return {
    log,
    urls: servers.map((s) => `smtp://127.0.0.1:${s.server.address().port}`),
    // The Message-IDs whose DATA sink VIA holds unanswered now.
    held: (via) => [...holding[via].values()],
    busy: () => holding.some((m) => m.size > 0),
    close: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))),
  };
}

// An HTTP receiver for webhooks: every POST, with its webhook-id.
export async function startWebhookSink() {
  const log = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      log.push({ id: req.headers['webhook-id'], at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    log,
    url: `http://127.0.0.1:${server.address().port}/hook`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}
