// The agent queue's render time with 500 tickets, in Chromium.
//
// Starts a server (tests/api/harness.mjs), files 500 tickets for six
// organizations through the API (in parallel batches; some emergencies,
// some assigned, some answered, some near or past their due time), signs an
// agent in and opens the queue. The queue marks "queue-data" when its data
// has arrived and "queue-rendered" once the rows are committed to the DOM
// (a layout effect), and measures "queue-render" between them, then
// "queue-paint" to the task after the next animation frame (style, layout
// and paint included). This script repeats the render several ways: full
// reloads, a filter change and back (the same 500 rows rebuilt), and
// opening a ticket and coming back to the queue; it prints the median and
// the maximum of each measure, and how much the one-second countdown tick
// costs with 500 rows on screen.
//
// Usage: SWITCHBOARD_BIN=build/switchboard [SWITCHBOARD_WEB=build/web] node bench/web_queue.mjs [ROUNDS]
import { closeBrowser, emergency, file, makeAgent, makeOrg, newPage, PASSWORD, signInUI, startServer, uiBug } from '../tests/browser/harness.mjs';

const ROUNDS = Number(process.argv[2] || 8);
const TICKETS = 500;
const BATCH = 50;

const server = await startServer();
try {
  const t0 = Date.now();
  const orgs = [];
  for (let i = 0; i < 6; i++) orgs.push(await makeOrg(server, `Bench Org ${i + 1}`));
  const agent = await makeAgent(server, 'client-services');
  const others = [await makeAgent(server, 'client-services'), await makeAgent(server, 'client-services')];

  const ids = [];
  for (let start = 0; start < TICKETS; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(TICKETS, start + BATCH); i++) {
      const org = orgs[i % orgs.length];
      const body = uiBug({
        subject: `Bench ticket ${i + 1}: ${['bids rejected', 'report late', 'creative blank', 'pacing off'][i % 4]}`,
        object_ids: [{ type: 'line_item', id: String(10000 + i) }],
        ...(i % 10 === 0 ? emergency() : {}),
      });
      batch.push(file(org.asSpoc, body).then((t) => ids.push(t.id)));
    }
    await Promise.all(batch);
  }
  // Some assigned, some answered: the rows show names and "Responded".
  const work = [];
  for (let i = 0; i < ids.length; i++) {
    if (i % 5 === 1) work.push(server.admin.patch(`/api/v1/tickets/${ids[i]}`, { assignee_id: [agent, ...others][i % 3].user.id }));
    if (i % 7 === 2) work.push(agent.as.post(`/api/v1/tickets/${ids[i]}/comments`, { kind: 'reply', body: 'Looking into it.' }));
    if (work.length >= BATCH) await Promise.all(work.splice(0));
  }
  await Promise.all(work);
  // Some near their due time (amber), some past it (red).
  const now = "strftime('%s','now')";
  server.sql(`UPDATE tickets SET created_at = ${now} - 7 * 86400, first_response_due_at = ${now} + 1800 WHERE id % 11 = 3 AND first_response_at IS NULL`);
  server.sql(`UPDATE tickets SET first_response_due_at = ${now} - 600 WHERE id % 13 = 4 AND first_response_at IS NULL`);
  console.log(`seeded ${ids.length} tickets for ${orgs.length} organizations in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const page = await newPage(server, { viewport: { width: 1440, height: 900 } });
  await signInUI(page, agent.user.email, PASSWORD, { path: '/agent?view=all' });
  const rows = () => page.locator('.q-body .q-row').count();
  if (process.env.DEBUG) {
    page.on('request', (r) => console.log('REQ', r.method(), r.url()));
    page.on('response', (r) => console.log('RES', r.status(), r.request().method(), r.url()));
    page.on('requestfailed', (r) => console.log('FAIL', r.method(), r.url(), r.failure()?.errorText));
    page.on('console', (m) => console.log('CONSOLE', m.text()));
    page.on('pageerror', (e) => console.log('PAGEERROR', e.message, e.stack));
  }

  async function reload(p) {
    await p.reload();
    await p.locator('header.topbar').waitFor();
  }

  // Waits for the next render of COUNT rows and returns its measures.
  async function measured(action, count) {
    await page.evaluate(() => { performance.clearMeasures('queue-render'); performance.clearMeasures('queue-paint'); });
    await action();
    try {
      await page.waitForFunction((n) => document.querySelectorAll('.q-body .q-row').length === n
        && performance.getEntriesByName('queue-paint').length > 0, count, { timeout: 30_000 });
    } catch (e) {
      const shown = await page.evaluate(() => document.querySelectorAll('.q-body .q-row').length);
      throw new Error(`waiting for ${count} rows (${shown} shown): ${e.message}`);
    }
    return page.evaluate(() => ({
      render: performance.getEntriesByName('queue-render').at(-1).duration,
      paint: performance.getEntriesByName('queue-paint').at(-1).duration,
    }));
  }

  // The renderer's own accounting (Chrome DevTools Protocol): where the time goes.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const breakdown = { script: [], style: [], layout: [] };

  const results = { reload: [], filter: [], back: [] };
  // The first load (also a warm-up: compiling, fonts).
  await page.waitForFunction((n) => document.querySelectorAll('.q-body .q-row').length === n, TICKETS, { timeout: 30_000 });
  console.log(`first load: ${await rows()} rows`);
  for (let r = 0; r < ROUNDS; r++) {
    results.reload.push(await measured(() => reload(page), TICKETS));
    // A filter change and back: the 500 rows are rebuilt from new data.
    const emergencies = await page.evaluate(() => document.querySelectorAll('.q-body .q-row.q-emergency').length);
    await measured(() => page.getByLabel('Priority', { exact: true }).selectOption('emergency'), emergencies);
    const m0 = await metrics();
    results.filter.push(await measured(() => page.getByLabel('Priority', { exact: true }).selectOption(''), TICKETS));
    const m1 = await metrics();
    breakdown.script.push((m1.ScriptDuration - m0.ScriptDuration) * 1000);
    breakdown.style.push((m1.RecalcStyleDuration - m0.RecalcStyleDuration) * 1000);
    breakdown.layout.push((m1.LayoutDuration - m0.LayoutDuration) * 1000);
    // Open a ticket, come back ("e"): the queue mounts again.
    const back = await measured(async () => {
      await page.locator('.q-body .q-row .q-link').nth(r).click();
      await page.locator('#ticket-title').waitFor();
      await page.keyboard.press('e');
    }, TICKETS);
    results.back.push(back);
  }

  // The countdown tick with 500 rows: long tasks over 5 s, and the time a tick takes.
  const tick = await page.evaluate(async () => {
    const long = [];
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) long.push(e.duration); });
    obs.observe({ type: 'longtask', buffered: false });
    // Time from the tick's first countdown change to the frame after it.
    const cells = [...document.querySelectorAll('[data-sla="ok"], [data-sla="warn"], [data-sla="breach"]')];
    const costs = [];
    for (let i = 0; i < 5; i++) {
      const before = cells[0].textContent;
      const start = await new Promise((resolve) => {
        const mo = new MutationObserver(() => {
          if (cells[0].textContent !== before) { mo.disconnect(); resolve(performance.now()); }
        });
        mo.observe(cells[0], { characterData: true, childList: true, subtree: true });
      });
      // Everything the tick renders runs in one task; the frame after it shows it.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      costs.push(performance.now() - start);
    }
    obs.disconnect();
    return { cells: cells.length, long, costs };
  });

  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return `median ${median.toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms (n=${s.length})`;
  };
  console.log(`\nqueue of ${TICKETS} tickets, Chromium ${page.context().browser().version()}, ${ROUNDS} rounds`);
  for (const [name, list] of Object.entries(results)) {
    console.log(`${name.padEnd(7)} data → rows committed: ${stats(list.map((x) => x.render))}`);
    console.log(`${''.padEnd(7)} data → painted:        ${stats(list.map((x) => x.paint))}`);
  }
  const all = Object.values(results).flat();
  console.log(`all     data → rows committed: ${stats(all.map((x) => x.render))}`);
  console.log(`all     data → painted:        ${stats(all.map((x) => x.paint))}`);
  console.log(`filter back to 500 rows, renderer time: script ${stats(breakdown.script)}; style ${stats(breakdown.style)}; layout ${stats(breakdown.layout)}`);
  console.log(`tick    ${tick.cells} live countdowns: change → next frame ${stats(tick.costs)}; long tasks (>50 ms) in 5 ticks: ${tick.long.length}`);
  await page.context().close();
} finally {
  await closeBrowser();
  await server.stop();
}
