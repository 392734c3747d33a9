#!/usr/bin/env node
// The demo's "reply by mail": takes the newest mail about a ticket from the
// mail catcher that `make run` starts (maildev), writes the reply its
// recipient would send from a mail program (In-Reply-To, References, the
// quoted original below the answer), and pipes it into `switchboard
// mailgate`, as Postfix or Exim would. Prints what mailgate answered.
//
//   node scripts/reply-by-mail.mjs TICKET "text of the reply"
//
// Environment: SWITCHBOARD_DATA (default ./var), MAILDEV_URL (default
// http://127.0.0.1:1080).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

const [ticket, text] = process.argv.slice(2);
if (!/^[0-9]+$/.test(ticket || '') || !text) {
  console.error('usage: node scripts/reply-by-mail.mjs TICKET "text of the reply"');
  process.exit(64);
}
const data = process.env.SWITCHBOARD_DATA || './var';
const catcher = process.env.MAILDEV_URL || 'http://127.0.0.1:1080';

let mails;
try {
  const res = await fetch(`${catcher}/email`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  mails = await res.json();
} catch (e) {
  console.error(`cannot read the mail catcher at ${catcher} (is \`make run\` running?): ${e.message}`);
  process.exit(69);
}
const tag = `[#${ticket}]`;
const about = mails.filter((m) => (m.subject || '').startsWith(tag));
if (about.length === 0) {
  console.error(`no mail about ticket ${ticket} in the catcher`);
  process.exit(66);
}
const last = about[about.length - 1];
const header = (name) => {
  const v = last.headers?.[name];
  return Array.isArray(v) ? v[0] : v;
};
const from = last.to[0].address;
const to = last.from[0].address;
const messageId = header('message-id');
const references = [header('references'), messageId].filter(Boolean).join(' ');
const quoted = (last.text || '').trimEnd().split('\n').map((l) => `> ${l}`).join('\n');
const when = new Date(last.date || Date.now()).toUTCString();

const message = [
  `From: <${from}>`,
  `To: <${to}>`,
  `Subject: Re: ${last.subject}`,
  `Date: ${new Date().toUTCString()}`,
  `Message-ID: <${randomUUID()}@reply.demo>`,
  `In-Reply-To: ${messageId}`,
  `References: ${references}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  text,
  '',
  `On ${when}, ${to} wrote:`,
  quoted,
  '',
].join('\r\n');

const gate = spawnSync('build/switchboard', ['mailgate', '--data', data], { input: message, encoding: 'utf8' });
process.stdout.write(gate.stdout || '');
process.stderr.write(gate.stderr || '');
console.log(`mailgate exited ${gate.status} for a reply from ${from} to "${last.subject}"`);
process.exit(gate.status ?? 70);
