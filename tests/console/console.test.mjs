// The operator console in a real browser (CTest ConsoleBrowserTest): Debian's chromium, headless,
// driven by npm's puppeteer-core, against the real courierd, the fake service-order and the
// throw-away PostgreSQL the test command runs in (libpq's PG* variables). Every step waits for
// what it looks for, with a bound; none sleeps a fixed time to pass.
//   node tests/console/console.test.mjs COURIERD FAKE_SERVICE_ORDER SCREENSHOT_DIR
// It restarts the cluster (RUN_SERIAL), and writes the screenshots of the main views, wide and
// at phone width, to SCREENSHOT_DIR (docs/console/ holds the current ones).
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [courierd, fakeProgram, shots] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const steps = [];
const started = Date.now();

function step(text) {
  const line = `${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${text}`;
  steps.push(line);
  console.log(line);
}

function fail(text) {
  console.error(`FAIL: ${text}`);
  process.exitCode = 1;
  throw new Error(text);
}

async function waitFor(what, check, ms = 30000) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`${what}: not within ${ms / 1000} s (last: ${last})`);
}

function sql(database, text) {
  return execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', text],
    { encoding: 'utf8' }).trim();
}

function cluster(action) {
  execFileSync('pg_ctlcluster', [process.env.PGVERSION || '15', 'regress', ...action.split(' ')],
    { stdio: 'ignore' });
}

// A program's stdout and stderr, kept; resolves `line(pattern)` when one matches.
function launch(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  const lines = [];
  const waiters = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => {
      lines.push(text);
      for (const w of [...waiters]) {
        const m = text.match(w.pattern);
        if (m) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
      }
    });
  }
  child.line = (pattern, ms = 30000) => new Promise((resolve, reject) => {
    for (const text of lines) { const m = text.match(pattern); if (m) return resolve(m); }
    const timer = setTimeout(() => reject(new Error(`${command}: no line ${pattern} in ${ms / 1000} s:\n${lines.join('\n')}`)), ms);
    waiters.push({ pattern, resolve: (m) => { clearTimeout(timer); resolve(m); } });
  });
  child.output = () => lines.join('\n');
  return child;
}

for (const [what, path] of [['courierd', courierd], ['the fake service-order', fakeProgram], ['chromium (Debian package chromium)', CHROMIUM]])
  if (!path || !existsSync(path)) fail(`${what} is not at ${path}`);
let puppeteer;
try {
  puppeteer = (await import('puppeteer-core')).default;
} catch (e) {
  fail(`puppeteer-core is not installed: run npm ci at the top of the tree (${e.message})`);
}

const database = `courierd_console_${process.pid}`;
const dir = join(tmpdir(), `courierd-console-${process.pid}`);
mkdirSync(dir, { recursive: true });
mkdirSync(shots, { recursive: true });
const children = [];
let browser;

async function startDaemon(token) {
  const config = join(dir, 'courierd.ini');
  writeFileSync(config, [
    '[store]', `url = dbname=${database}`, 'connect_timeout = 2s',
    '[admin]', 'listen = 127.0.0.1:0', token ? `token = ${token}` : '',
    '[plugins]', 'strict_permissions = false',
    '[source.orders]', 'plugin = service-order', `base_url = ${fake.url}`, 'interval = 1s', 'lookback = 2s',
    'recheck_interval = 0s', '',
  ].join('\n'));
  const daemon = launch(courierd, ['--config', config]);
  children.push(daemon);
  const [, port] = await daemon.line(/admin endpoint on http:\/\/127\.0\.0\.1:(\d+)/);
  await daemon.line(/courierd ready/);
  return { daemon, base: `http://127.0.0.1:${port}` };
}

// Problems the page had: console errors, uncaught exceptions, failed requests, 4xx/5xx answers
// (`expected` ones aside).
function watch(page, expected = () => false) {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !expected(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => { if (!expected(r.url())) problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400 && !expected(r.url(), r.status())) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

const fake = launch(fakeProgram, ['--plugin-check']);
children.push(fake);
try {
  fake.url = (await fake.line(/^(http:\/\/\S+)$/))[1];
  execFileSync('createdb', [database]);
  execFileSync(courierd, ['--migrate', '--set', `store.url=dbname=${database}`], { stdio: 'ignore' });
  fake.stdin.write('seed 24\n');
  const ids = (await fake.line(/^([0-9a-f-]{36}( [0-9a-f-]{36})*)$/))[1].split(' ');
  step(`fake service-order at ${fake.url}, 24 orders seeded; database ${database} migrated`);

  let { daemon, base } = await startDaemon('');
  step(`courierd ready, admin endpoint ${base}; no courier yet, so the orders wait`);

  browser = await puppeteer.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // While the database is down, 503s are what the page is meant to meet.
  let outage = false;
  const problems = watch(page, (url, status) => outage && (status === 503 || status === undefined));
  const loadStart = Date.now();
  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  const headers = response.headers();
  if (!/script-src 'self'/.test(headers['content-security-policy'] || '')) fail(`no strict CSP: ${JSON.stringify(headers)}`);
  if (headers['x-content-type-options'] !== 'nosniff') fail('no nosniff');
  await page.waitForSelector('article.source[data-source="orders"] [data-count="pending"]', { timeout: 20000 });
  const loadMs = Date.now() - loadStart;
  const weight = await page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
    .map((e) => ({ name: e.name, transfer: e.transferSize, body: e.decodedBodySize })));
  const sent = weight.filter((w) => !w.name.includes('/api/'));
  // Kept small: the page, its script and its style, as sent.
  const bytesSent = sent.reduce((sum, w) => sum + w.transfer, 0);
  if (sent.length !== 3 || bytesSent > 32 * 1024) fail(`the page is ${sent.length} file(s), ${bytesSent} bytes sent (at most 3 and 32 KiB)`);
  step(`page loaded and showed source orders in ${loadMs} ms; page weight ${sent.reduce((s, w) => s + w.body, 0)} bytes, ${sent.reduce((s, w) => s + w.transfer, 0)} bytes sent (gzip, headers included)`);

  await waitFor('24 pending orders shown', () => page.$eval('[data-source="orders"] [data-count="pending"]', (e) => e.textContent === 'pending 24'));
  step('the source card shows its state (running) and its counts: pending 24');

  // Pause and resume through the buttons: the state in the database follows.
  await page.click('[data-source="orders"] button[data-action="pause"]');
  await waitFor('source paused in the database', () => sql(database, "SELECT state FROM source_controls WHERE source = 'orders'") === 'paused');
  await page.waitForSelector('[data-source="orders"] [data-state="paused"]', { timeout: 10000 });
  step('Pause: source_controls says paused, the card says paused');
  await page.click('[data-source="orders"] button[data-action="resume"]');
  await waitFor('source running in the database', () => sql(database, "SELECT state FROM source_controls WHERE source = 'orders'") === 'running');
  step('Resume: source_controls says running');

  // With the keyboard alone: from the page's first link, Tab to the source's Pause button,
  // Enter; then to Resume.
  const tabTo = async (action) => {
    await page.waitForSelector(`[data-source="orders"] button[data-action="${action}"]`, { timeout: 10000 });
    await page.focus('header nav a');
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((a) => document.activeElement && document.activeElement.dataset.action === a, action)) return i + 1;
    }
    return fail(`Tab never reached the ${action} button`);
  };
  const presses = await tabTo('pause');
  await page.keyboard.press('Enter');
  await waitFor('paused from the keyboard', () => sql(database, "SELECT state FROM source_controls WHERE source = 'orders'") === 'paused');
  await page.waitForSelector('[data-source="orders"] button[data-action="resume"]', { timeout: 10000 });
  await tabTo('resume');
  await page.keyboard.press('Enter');
  await waitFor('resumed from the keyboard', () => sql(database, "SELECT state FROM source_controls WHERE source = 'orders'") === 'running');
  step(`the keyboard alone: from the first link, ${presses} Tab presses to Pause, Enter pauses; Tab to Resume, Enter resumes`);
  await tabTo('trigger');
  const shown = await page.$eval('#refreshed', (e) => e.textContent);
  await waitFor('a refresh', () => page.$eval('#refreshed', (e, was) => e.textContent !== was, shown), 15000);
  if (!(await page.evaluate(() => document.activeElement && document.activeElement.dataset.action === 'trigger')))
    fail('a refresh took the focus away from the button it was on');
  step('a refresh keeps the focus on the button it was on');

  // Three orders failed (as the workers leave one whose attempts ran out): selected and retried.
  sql(database, `UPDATE inbox SET state = 'failed', attempts = 5, last_error = 'injected by the console test' WHERE source = 'orders' AND record_id IN ('${ids[0]}', '${ids[1]}', '${ids[2]}')`);
  await page.waitForSelector(`#problem-list tr[data-order="${ids[0]}"]`, { timeout: 15000 });
  for (const id of ids.slice(0, 3)) await page.click(`#problem-list tr[data-order="${id}"] input[type=checkbox]`);
  await page.screenshot({ path: join(shots, 'console-problems-wide.png'), fullPage: false, clip: await page.$eval('#problems', (e) => { const r = e.getBoundingClientRect(); return { x: 0, y: r.top + window.scrollY, width: 1280, height: Math.min(600, r.height + 20) }; }) });
  await page.click('#retry-selected');
  await waitFor('retried orders pending', () => sql(database, `SELECT count(*) FROM inbox WHERE state = 'pending' AND record_id IN ('${ids[0]}', '${ids[1]}', '${ids[2]}')`) === '3');
  step('three failed orders selected and retried from the page: pending again in the database');

  // A courier added from the page takes an order; the ledger search finds it.
  await page.type('#add-courier input[name=name]', 'Anna from the console');
  await page.click('#add-courier button[type=submit]');
  await waitFor('an order assigned', () => sql(database, 'SELECT count(*) FROM deliveries') === '1');
  const assigned = sql(database, 'SELECT order_id FROM deliveries');
  await page.waitForSelector('#board [data-status="busy"] .courier', { timeout: 15000 });
  step(`a courier added from the page took order ${assigned}; the board shows it busy`);
  await page.select('#ledger-source', 'orders');
  await page.type('#ledger-search input[name=id]', assigned);
  await page.click('#ledger-search button[type=submit]');
  await page.waitForSelector(`#ledger-result article[data-order="${assigned}"]`, { timeout: 10000 });
  const found = await page.$eval('#ledger-result', (e) => e.textContent);
  if (!found.includes('assigned') || !found.includes('courier #')) fail(`the ledger does not show the delivery: ${found}`);
  step('the ledger search found the order with its delivery');

  // Unassign asks for confirmation and a reason, which lands in the audit trail.
  await page.click(`#ledger-result button[data-action="unassign"]`);
  await page.waitForSelector('#confirm-dialog[open]', { timeout: 5000 });
  await page.type('#confirm-dialog input[name=reason]', 'customer called to cancel');
  await page.click('#confirm-ok');
  await waitFor('the unassign in the audit trail', () => sql(database, `SELECT reason FROM unassignments WHERE order_id = '${assigned}'`) === 'customer called to cancel');
  await page.waitForSelector('#ledger-result .audit li', { timeout: 10000 });
  step('Unassign asked for confirmation and a reason; the reason is in the audit trail and the ledger shows it');


  // The database restarts: the page says so and recovers by itself, without a reload.
  outage = true;
  cluster('stop -m fast');
  await page.waitForSelector('#banner:not([hidden])', { timeout: 30000 });
  const said = await page.$eval('#banner', (e) => e.textContent);
  if (!/database/i.test(said)) fail(`the banner does not name the database: ${said}`);
  step(`database stopped: the page says "${said.slice(0, 80)}…"`);
  cluster('start');
  await page.waitForSelector('#banner[hidden]', { timeout: 60000 });
  outage = false;
  const navigations = await page.evaluate(() => performance.getEntriesByType('navigation').length);
  if (navigations !== 1) fail('the page was reloaded');
  step('database started again: the banner went away, no reload');

  if (problems.length) fail(`the page had problems:\n${problems.join('\n')}`);
  step('no console error, no failed request, no 4xx/5xx answer outside the outage');

  // The main views, wide and at phone width, once the history holds two points (the
  // sparklines: one every 15 s) — after the outage, so the page shows it has recovered.
  await waitFor('two points of history', () => page.$$eval('#source-list svg.sparkline path', (p) => p.length > 0 && p[0].getAttribute('d').includes('L')), 45000);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, 'console-wide.png'), fullPage: true });
  await page.setViewport({ width: 390, height: 844, isMobile: true, deviceScaleFactor: 1 });
  await waitFor('phone layout', () => page.evaluate(() => document.documentElement.clientWidth <= 400));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, 'console-phone.png'), fullPage: true });
  await page.setViewport({ width: 1280, height: 900 });
  step('screenshots written: wide and phone width');

  // With admin.token set, the page asks for it once and keeps it in sessionStorage.
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.once('exit', r));
  ({ daemon, base } = await startDaemon('c0nsole-t0ken'));
  const guarded = await browser.newPage();
  // Until the token is given, the API's 401s (which the browser logs) are how the page learns
  // it needs one; none after.
  let tokenGiven = false;
  const guardedProblems = watch(guarded, (text, status) => !tokenGiven && (status === 401 || /status of 401/.test(text)));
  await guarded.goto(`${base}/`, { waitUntil: 'load' });
  await guarded.waitForSelector('#token-dialog[open]', { timeout: 15000 });
  step('with admin.token set, the page asks for the token');
  await guarded.type('#token-dialog input[name=token]', 'c0nsole-t0ken');
  await guarded.click('#token-dialog button[type=submit]');
  await guarded.waitForSelector('article.source[data-source="orders"]', { timeout: 15000 });
  // Shown with the token: from the next refresh on, no 401 may come.
  tokenGiven = true;
  const before = await guarded.$eval('#refreshed', (e) => e.textContent);
  await waitFor('a refresh with the token', () => guarded.$eval('#refreshed', (e, was) => e.textContent !== was, before), 15000);
  const kept = await guarded.evaluate(() => [sessionStorage.getItem('courierd.token'), localStorage.length]);
  if (kept[0] !== 'c0nsole-t0ken' || kept[1] !== 0) fail(`the token is not in sessionStorage alone: ${kept}`);
  if (guardedProblems.length) fail(`the guarded page had problems:\n${guardedProblems.join('\n')}`);
  step('the token given once opens the page; it is kept in sessionStorage only');

  writeFileSync(join(shots, 'steps.txt'), `${steps.join('\n')}\n`);
  console.log('PASS');
} catch (e) {
  process.exitCode = 1;
  console.error(e.stack || e.message);
  for (const child of children) console.error(`--- ${child.spawnargs.join(' ')}\n${child.output()}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const child of children) child.kill('SIGTERM');
  try { cluster('start'); } catch (e) { /* running already */ }
  try { execFileSync('dropdb', ['--if-exists', '--force', database], { stdio: 'ignore' }); } catch (e) { /* the cluster may be gone */ }
}
