// A real SMTP server on loopback for the mail suite (the npm package
// smtp-server), keeping every message it accepted, parsed by mailparser.
// It runs in the test's own event loop: run switchboard with spawn or the
// promise form of execFile, never execFileSync, or the server cannot answer.
import { createServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

// A port that was free a moment ago (for a server that is down for a while).
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

// Starts a server on PORT (0: any). Options:
//   rejectRcpt(address) -> [code, message] | null   refuse a recipient
//   holdData(session) -> Promise | null               answer DATA when it settles
//                                                     (rejected: 451, not accepted)
//   onDataReceived()                                   called when the message bytes are in
export async function startSmtp({ port = 0, rejectRcpt, holdData, onDataReceived } = {}) {
  const messages = [];
  const waiters = [];
  const server = new SMTPServer({
    authOptional: true,
    // Loopback tests speak plain SMTP: smtp-server's built-in certificate is self-signed.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, cb) {
      const r = rejectRcpt && rejectRcpt(address.address);
      if (r) return cb(Object.assign(new Error(r[1]), { responseCode: r[0] }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        if (onDataReceived) onDataReceived(session);
        const hold = holdData && holdData(session);
        if (hold) {
          try { await hold; } catch { return cb(Object.assign(new Error('held'), { responseCode: 451 })); }
        }
        // A client gone while we held the answer never learns of acceptance: not counted.
        if (session.closed) return;
        const parsed = await simpleParser(raw);
        messages.push({
          raw: raw.toString('utf8'),
          parsed,
          envelope: { from: session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address) },
        });
        cb();
        for (const w of waiters.splice(0)) w();
      });
    },
    onClose(session) { session.closed = true; },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.server.address().port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    messages,
    // Resolves with the messages once PRED(messages) holds, or fails after MS.
    async waitFor(pred, ms = 15000, what = 'mail') {
      const until = Date.now() + ms;
      while (!pred(messages)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; have ${messages.length}: ${messages.map((m) => m.parsed.subject).join(' | ')}`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
      }
      return messages;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

// The messages sent to ADDRESS.
export const to = (messages, address) => messages.filter((m) => m.envelope.to.includes(address));
