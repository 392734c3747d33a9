// The browser suite's harness: a real server (tests/api/harness.mjs) that
// serves the built web app, and Debian's Chromium driven by playwright-core.
//
// Every page records console errors and uncaught exceptions; a CSP
// violation is a console error, so expectClean() catches inline scripts or
// styles that the server's policy would block in production.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PASSWORD } from '../api/harness.mjs';

export * from '../api/harness.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying Google's
// hosts, which a closed network refuses.
const ARGS = [
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

let browser = null;

export async function launch() {
  if (!browser) browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return browser;
}

export async function closeBrowser() {
  if (browser) await browser.close();
  browser = null;
}

// A new page in its own context (own cookies), with the viewer's locale and
// time zone: what a person at that desk would see.
export async function newPage(server, { locale = 'en-US', timezoneId = 'America/New_York', viewport, permissions } = {}) {
  const b = await launch();
  const context = await b.newContext({
    baseURL: server.base, locale, timezoneId,
    viewport: viewport ?? { width: 1280, height: 860 },
    permissions,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.problems = problems;
  // Every request with its outcome, for explain() when a wait times out.
  const requests = [];
  const t0 = Date.now();
  const entry = (r) => requests.find((x) => x.request === r);
  page.on('request', (r) => requests.push({ request: r, at: Date.now() - t0, outcome: 'pending' }));
  page.on('requestfinished', async (r) => {
    const e = entry(r);
    if (e) e.outcome = `${(await r.response())?.status() ?? '?'} after ${Date.now() - t0 - e.at} ms`;
  });
  page.on('requestfailed', (r) => { const e = entry(r); if (e) e.outcome = `failed: ${r.failure()?.errorText}`; });
  page.requests = requests;
  return page;
}

// What the page shows and what it asked for, to explain a wait that timed
// out: its URL, its main text, its console errors and its last requests.
export async function explain(page) {
  const text = await page.evaluate(() => document.querySelector('main')?.innerText ?? document.body.innerText).catch((e) => `(${e.message})`);
  const reqs = page.requests.slice(-25).map((e) => `  +${e.at} ms ${e.request.method()} ${e.request.url()} -> ${e.outcome}`);
  return [`url: ${page.url()}`, `main: ${text.slice(0, 600)}`, `problems: ${page.problems.join(' | ') || 'none'}`, 'requests:', ...reqs].join('\n');
}

// Waits for LOCATOR to show; a timeout says what the page showed instead.
export async function shows(page, locator) {
  try {
    await locator.waitFor();
  } catch (e) {
    throw new Error(`${e.message}\n${await explain(page)}`);
  }
}

// Signs in through the sign-in form and waits for the app to leave it.
export async function signInUI(page, email, password = PASSWORD, { path = '/' } = {}) {
  await page.goto(path);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('header.topbar').waitFor();
}

// No console errors (CSP violations among them) and no uncaught exceptions.
// 4xx answers the app handles show up as "Failed to load resource"; those
// the test expects can be allowed by pattern.
export function expectClean(page, allow = []) {
  const left = page.problems.filter((p) => !allow.some((re) => re.test(p)));
  assert.deepEqual(left, [], 'no console errors or page errors');
}

const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

// Runs axe-core on the page as it is; fails on any serious or critical
// violation (WCAG 2.1 A and AA rules and axe's best practices).
export async function expectAccessible(page, what) {
  // evaluate() runs outside the page's CSP, which forbids injected scripts.
  await page.evaluate(`${AXE}\n;void 0`);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(bad, [], `axe-core finds no serious violation on ${what}`);
}

// Saves a screenshot to $SWITCHBOARD_SCREENSHOTS/NAME.png when that is set
// (`make screenshots` sets it to docs/screenshots).
export async function screenshot(page, name, { fullPage = false } = {}) {
  const dir = process.env.SWITCHBOARD_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}
