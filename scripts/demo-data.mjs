#!/usr/bin/env node
// Fills a fresh Switchboard with demo data through the public API, the way
// a real client would: organizations with their SPOCs and account
// representatives, agents in every team, and tickets in every state.
//
// Usage: node scripts/demo-data.mjs BASE_URL ADMIN_TOKEN
// Prints the demo logins. Every account's password is DEMO_PASSWORD.

export const DEMO_PASSWORD = 'switchboard-demo';

const [base, token] = process.argv.slice(2);
if (!base || !token) {
  console.error('usage: node scripts/demo-data.mjs BASE_URL ADMIN_TOKEN');
  process.exit(2);
}

async function call(method, path, body, bearer = token, extra = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json', ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return json;
}

const user = (email, name, role, extra = {}) =>
  call('POST', '/api/v1/users', { email, name, role, password: DEMO_PASSWORD, ...extra });

// Staff: a lead and an agent in every team, two account representatives.
const teams = ['client-services', 'app-support', 'ad-quality', 'anti-malvertising', 'inventory-quality'];
const agents = {};
for (const team of teams) {
  const short = team.split('-').map((w) => w[0]).join('');
  await user(`lead.${short}@demo.switchboard`, `Lead ${team}`, 'lead', { teams: [team] });
  agents[team] = await user(`agent.${short}@demo.switchboard`, `Agent ${team}`, 'agent', { teams: [team] });
}
const rep1 = await user('rep.north@demo.switchboard', 'Rosa Representative', 'account-rep');
const rep2 = await user('rep.south@demo.switchboard', 'Raúl Representante', 'account-rep', { language: 'es' });

// Customers: two organizations, each with a SPOC and another contact.
const orgs = [];
for (const [name, member, rep, lang, spocName, otherName] of [
  ['Acme Media', '958', rep1, 'en', 'Sam Spoc', 'Casey Contact'],
  ['Brisa Publicidad', '1204', rep2, 'es', 'Sofía Spoc', 'Carlos Contacto'],
]) {
  const org = await call('POST', '/api/v1/orgs', { name, member_id: member, bidder_ids: [`${member}1`], account_rep_id: rep.id, language: lang });
  const slug = name.split(' ')[0].toLowerCase();
  const spoc = await user(`spoc@${slug}.example`, spocName, 'contact', { org_id: org.id, language: lang });
  await user(`contact@${slug}.example`, otherName, 'contact', { org_id: org.id, language: lang });
  await call('PATCH', `/api/v1/orgs/${org.id}`, { spoc_id: spoc.id });
  orgs.push({ org, spoc, slug });
}

// Each SPOC works through a token of their own, as an integration would.
// Tokens come from the CLI, so the demo signs in instead and uses the cookie.
async function session(email) {
  const res = await fetch(base + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign in ${email}: ${res.status}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await res.json();
  return async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf_token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

const bug = {
  request_type: 'ui-api-bug',
  impact: 'Our traders cannot adjust bids during the campaign launch.',
  steps: '1. Open the line item\n2. Click Save\n3. Nothing happens',
  browser: 'Chrome 131', os: 'macOS 15.1',
  urls: ['https://console.example/line-items/123'],
  object_ids: [{ type: 'line_item', id: '123' }],
};
const states = [];
for (const { spoc, slug } of orgs) {
  const as = await session(spoc.email);
  const file = (extra) => as('POST', '/api/v1/tickets', { ...bug, ...extra });
  const fresh = await file({ subject: `[${slug}] Save button does nothing on line items`, description: 'Since this morning the Save button on the line item page does not respond.' });
  const open = await file({ subject: `[${slug}] API PUT on campaign ignores budget`, description: 'PUT /campaign with a new lifetime budget returns 200 but the budget is unchanged.' });
  const waiting = await file({ request_type: 'creative-audit', subject: `[${slug}] Creative rejected but compliant`, description: 'Creative 4455 was rejected for a landing page that complies with policy.', object_ids: [{ type: 'creative', id: '4455' }] });
  const engineering = await file({ request_type: 'ad-serving', subject: `[${slug}] Placements serving blanks`, description: 'Placements 77 and 78 started showing blanks without apparent cause.', object_ids: [{ type: 'placement', id: '77' }, { type: 'placement', id: '78' }] });
  const resolved = await file({ request_type: 'data-pull', subject: `[${slug}] Q3 impressions by deal`, description: 'We need Q3 impressions split by deal id for an audit.', business_justification: 'Required by our external auditor by month end.' });
  const emergency = await file({ request_type: 'ad-serving', priority: 'emergency', emergency_criteria: ['production_down', 'financial_loss'], emergency_phone: '+1 212 555 0100', subject: `[${slug}] No ad calls answered`, description: 'Every ad call since 02:10 UTC times out; production is down.' });
  await file({ request_type: 'billing', subject: `[${slug}] Invoice 2026-10 question`, description: 'The October invoice lists a tech fee we did not expect.' });
  states.push({ fresh, open, waiting, engineering, resolved, emergency });
}

// Agents move tickets along the lifecycle.
const agentCall = async (team) => session(agents[team].email);
for (const s of states) {
  const cs = await agentCall('client-services');
  const aq = await agentCall('ad-quality');
  await cs('POST', `/api/v1/tickets/${s.open.id}/comments`, { kind: 'reply', body: 'Thanks, we can reproduce it and are on it.' });
  await aq('POST', `/api/v1/tickets/${s.waiting.id}/comments`, { kind: 'question', body: 'Could you send the landing page URL the creative points to?' });
  await cs('POST', `/api/v1/tickets/${s.engineering.id}/comments`, { kind: 'reply', body: 'Confirmed; engineering is fixing it.' });
  await cs('POST', `/api/v1/tickets/${s.engineering.id}/comments`, { kind: 'note', body: 'Internal: linked to the serving regression.' });
  await cs('PATCH', `/api/v1/tickets/${s.engineering.id}`, { status: 'pending_engineering' });
  await cs('POST', `/api/v1/tickets/${s.resolved.id}/comments`, { kind: 'reply', body: 'The report is attached to your account page.' });
  await cs('PATCH', `/api/v1/tickets/${s.resolved.id}`, { status: 'resolved' });
  await cs('POST', `/api/v1/tickets/${s.emergency.id}/comments`, { kind: 'reply', body: 'We are on a bridge call; next update within the hour.' });
}

console.log('Demo logins (password for all: ' + DEMO_PASSWORD + '):');
console.log('  admin        admin@demo.switchboard');
console.log('  SPOC         spoc@acme.example, spoc@brisa.example');
console.log('  contact      contact@acme.example (not the SPOC)');
console.log('  agent        agent.cs@demo.switchboard (client-services), agent.as@..., agent.aq@...');
console.log('  lead         lead.cs@demo.switchboard');
console.log('  account rep  rep.north@demo.switchboard');
