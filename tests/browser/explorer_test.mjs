// The explorer in a real browser (ctest label browser; docs/explorer.md):
// Debian's Chromium, headless, against a real entente-server loaded with the
// seed story. Every expectation is computed from the fixture, not written
// down. Screenshots of each step go to --artifacts.
//
//   node explorer_test.mjs --server-bin B --cli-bin C --dist D --fixture F
//                          --modules BUILD/web/node_modules --artifacts DIR
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, fail, tempDir, startServer, run, loadPlaywright, launchChromium } from './harness.mjs';

const USAGE = 'usage: explorer_test.mjs --server-bin B --cli-bin C --dist D --fixture F --modules M --artifacts DIR';
const opt = parseArgs(process.argv.slice(2),
  ['server-bin', 'cli-bin', 'dist', 'fixture', 'modules', 'artifacts'], USAGE);

// --- what the fixture says -----------------------------------------------

const fixture = fs.readFileSync(opt.fixture, 'utf8').split('\n').filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const code = (s) => s.action.cameoCode || '';
const isMaterialCooperation = (s) => /^0[6-9]/.test(code(s));  // CAMEO roots 06-09
const lower = (s) => s.toLowerCase();

function counterparts(name, keep = () => true) {
  const out = new Set();
  for (const s of fixture.filter(keep)) {
    if (s.actor.name === name && s.target.name !== name) out.add(s.target.name);
    if (s.target.name === name && s.actor.name !== name) out.add(s.actor.name);
  }
  return out;
}

// Hops of the shortest path between two names, edges in either direction.
function distance(from, to, keep = () => true) {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length) {
    const n = queue.shift();
    for (const m of counterparts(n, keep)) {
      if (!dist.has(m)) { dist.set(m, dist.get(n) + 1); queue.push(m); }
    }
  }
  return dist.get(to);
}

const nkMcQuotes = fixture.filter((s) => s.actor.name === 'North Korea' && s.target.name === 'Russia' &&
  isMaterialCooperation(s)).map((s) => s.quote);
// Under a confidence of 0.8 Rutte and Ukraine are not connected in the
// seed story; under 0.6 they are (checked here, so the test notices if the
// fixture changes).
const atLeast = (c) => (s) => (s.confidence ?? 1) >= c;
const [strict, loose] = [0.8, 0.6];
const rutteToUkraine = distance('Mark Rutte', 'Ukraine', atLeast(loose));
if (!nkMcQuotes.length || !rutteToUkraine || distance('Mark Rutte', 'Ukraine', atLeast(strict))) {
  fail('the fixture no longer holds the story this test tells');
}

// --- the run ---------------------------------------------------------------

fs.mkdirSync(opt.artifacts, { recursive: true });
const work = tempDir('entente-browser-');
const started = Date.now();
const server = await startServer({ serverBin: opt['server-bin'], data: path.join(work, 'db'), assets: opt.dist });
const browser = await launchChromium(loadPlaywright(opt.modules));
const page = await browser.context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') console.log(`  browser console: ${m.text()}`); });

let step = 0;
async function shot(name) {
  const file = path.join(opt.artifacts, `${String(++step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// Waits until fn() (run in the page) is truthy; on timeout says what the
// page showed instead.
async function waitFor(what, fn, arg) {
  try {
    await page.waitForFunction(fn, arg, { timeout: 15000 });
  } catch {
    const status = await page.textContent('#status').catch(() => '?');
    const message = await page.textContent('#message').catch(() => '?');
    throw new Error(`timed out waiting for ${what}; status "${status}", message "${message}"`);
  }
}

const idle = () => waitFor('the view to load', () => !document.body.classList.contains('busy'));
const nodeCount = () => page.evaluate(() => window.entente.graph.order);
const nodeNames = () => page.evaluate(() => window.entente.graph.nodes()
  .map((n) => window.entente.graph.getNodeAttribute(n, 'name')).sort());

async function pick(input, typed, name) {
  await page.fill(input, '');
  await page.type(input, typed);
  const option = page.locator(`${input} + ul li`, { hasText: name }).first();
  await option.waitFor({ timeout: 10000 });
  await option.click();
}

try {
  const ingest = run(opt['cli-bin'], ['--server', server.grpc, 'ingest', opt.fixture]);
  console.log(`ingest: ${ingest.trim()}`);

  await page.goto(server.http);
  await page.waitForSelector('#search');
  await shot('empty');

  // Search "north k", pick North Korea from the completions.
  await pick('#search', 'north k', 'North Korea');
  await waitFor('North Korea on screen', () => window.entente.graph.order === 1);
  const nk = await page.evaluate(() => window.entente.graph.nodes()[0]);
  check((await nodeNames())[0] === 'North Korea', `search placed ${await nodeNames()}`);

  // Aliases: "DPRK" completes to North Korea.
  await page.type('#search', 'DPRK');
  await page.locator('#search-results li', { hasText: 'North Korea' }).first().waitFor({ timeout: 10000 });
  await page.fill('#search', '');
  await page.keyboard.press('Escape');

  // Expand North Korea by clicking its node on the canvas.
  await idle();
  const at = await page.evaluate((id) => {
    const r = window.entente.renderer;
    const d = r.getNodeDisplayData(id);
    const p = r.framedGraphToViewport(d);
    const box = r.getContainer().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, nk);
  await page.mouse.click(at.x, at.y);
  const expectedAll = counterparts('North Korea').size + 1;
  await waitFor(`${expectedAll} entities after expanding`, (n) => window.entente.graph.order === n, expectedAll);
  await idle();
  check(await page.evaluate((id) => window.entente.state.expanded.has(id), nk), 'the click did not expand North Korea');
  await page.waitForTimeout(1500);  // some layout for the screenshot
  await shot('north-korea-expanded');

  // Filter to material cooperation: only those counterparts remain, and
  // every edge is drawn in that class's colour.
  await page.check('#quad-classes input[value=MATERIAL_COOPERATION]');
  const expectedMc = counterparts('North Korea', isMaterialCooperation).size + 1;
  await waitFor(`${expectedMc} entities under material cooperation`,
    (n) => window.entente.graph.order === n && location.hash.includes('q=mc'), expectedMc);
  await idle();
  const quads = await page.evaluate(() => window.entente.graph.mapEdges((e, a) => a.quad));
  check(quads.length > 0 && quads.every((q) => q === 2), `edges under the filter have classes ${quads}`);

  // Open the North Korea -> Russia edge: its quotes, from the fixture.
  const russia = await page.evaluate(() => window.entente.graph.findNode((n, a) => a.name === 'Russia'));
  check(russia, 'Russia is not on screen');
  await page.click(`#edge-list li[data-a="${nk}"][data-b="${russia}"] button`);
  await page.waitForSelector('#selection .statement', { timeout: 10000 });
  await waitFor('the evidence to load', () => !document.querySelector('#selection .loading'));
  const evidence = await page.textContent('#selection');
  for (const q of nkMcQuotes) check(evidence.includes(q), `the evidence panel lacks the quote "${q}"`);
  check(evidence.includes('News Today'), 'the evidence panel names no publisher');
  check(await page.locator('#selection .timeline canvas').count() > 0, 'no timeline chart');
  await shot('north-korea-russia-evidence');

  // The path Mark Rutte -> Ukraine: none under the strict confidence
  // filter, the fixture's under the loose one (the path follows the filters).
  const setConfidence = async (c) => {
    await page.fill('#min-confidence', String(c));
    await page.dispatchEvent('#min-confidence', 'change');
    await waitFor(`conf=${c} in the URL`, (v) => location.hash.includes(`conf=${v}`), String(c));
    await idle();
  };
  await page.uncheck('#quad-classes input[value=MATERIAL_COOPERATION]');
  await setConfidence(strict);
  await pick('#path-from', 'Mark R', 'Mark Rutte');
  await pick('#path-to', 'Ukrai', 'Ukraine');
  await page.click('#path-find');
  await page.waitForSelector('#path-results .none', { timeout: 10000 });
  await setConfidence(loose);
  await page.waitForSelector('#path-results .path', { timeout: 10000 });
  await idle();
  const hops = await page.locator('#path-results .path').first().locator('.hop').count();
  check(hops === rutteToUkraine, `the path has ${hops} hops, the fixture ${rutteToUkraine}`);
  const names = await page.textContent('#path-results .path .path-names');
  check(names.startsWith('Mark Rutte') && names.endsWith('Ukraine'), `path "${names}"`);
  const hopStatements = await page.locator('#path-results .path').first().locator('.hop-statement').count();
  check(hopStatements >= hops, `${hopStatements} statements for ${hops} hops`);
  await page.waitForTimeout(1500);
  await shot('path-rutte-ukraine');

  // Exports: GraphML with Gephi's label and weight, CSV, PNG.
  const save = async (button) => {
    await page.click('#export-menu summary');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const file = path.join(opt.artifacts, download.suggestedFilename());
    await download.saveAs(file);
    console.log(`export: ${file}`);
    return fs.readFileSync(file);
  };
  const graphml = (await save('#export-graphml')).toString();
  check(/attr\.name="label"/.test(graphml) && /attr\.name="weight"/.test(graphml), 'GraphML keys');
  check(graphml.includes('>Mark Rutte</data>'), 'GraphML lacks the path\'s nodes');
  const onScreen = await nodeCount();
  check((graphml.match(/<node /g) || []).length === onScreen, 'GraphML node count');
  const csv = (await save('#export-edges-csv')).toString();
  check(csv.split('\r\n').filter(Boolean).length === 1 + await page.evaluate(() => window.entente.graph.size), 'CSV rows');
  const png = await save('#export-png');
  check(png.subarray(1, 4).toString() === 'PNG' && png.length > 5000, 'PNG export');

  // Reload: the same entities, filters, path and selection.
  const before = { nodes: await nodeNames(), hash: await page.evaluate(() => location.hash),
    path: await page.textContent('#path-results'), conf: await page.inputValue('#min-confidence') };
  await page.reload();
  await waitFor('the view after reload', (n) => window.entente.graph.order === n, before.nodes.length);
  await page.waitForSelector('#path-results .path', { timeout: 10000 });
  await idle();
  const after = { nodes: await nodeNames(), hash: await page.evaluate(() => location.hash),
    path: await page.textContent('#path-results'), conf: await page.inputValue('#min-confidence') };
  check(JSON.stringify(after) === JSON.stringify(before),
    `after reload ${JSON.stringify(after)}\nbefore ${JSON.stringify(before)}`);
  await page.waitForTimeout(1000);
  await shot('after-reload');

  // Bad input in the search box: a message, not a blank page.
  await page.fill('#search', '   ');
  await page.press('#search', 'Enter');
  await page.waitForSelector('#message:not([hidden])', { timeout: 10000 });
  const said = await page.textContent('#message');
  check(/INVALID_ARGUMENT/.test(said) && /prefix/.test(said), `message "${said}"`);
  check(await nodeCount() === before.nodes.length, 'the graph went away after bad input');
  await shot('bad-search-input');
  await page.fill('#search', 'zzqqxx');
  await page.press('#search', 'Enter');
  await waitFor('a no-match message', () => /No entity/.test(document.querySelector('#message').textContent));

  // A server with tokens: the page says the call needs one, and works once
  // one is pasted (kept in sessionStorage, never in the URL).
  const tokens = path.join(work, 'tokens.txt');
  const readerToken = `reader-${process.pid}-${Date.now()}`;
  fs.writeFileSync(tokens, `reader ${readerToken} browser test\n`);
  const guarded = await startServer({ serverBin: opt['server-bin'], data: path.join(work, 'db2'),
    assets: opt.dist, extraArgs: ['--tokens_file', tokens] });
  try {
    await page.goto(guarded.http);
    await page.fill('#search', 'north k');
    await page.press('#search', 'Enter');
    await waitFor('an authentication message', () => /UNAUTHENTICATED/.test(document.querySelector('#message').textContent));
    await shot('token-needed');
    await page.click('#token-button');
    await page.fill('#token', readerToken);
    await page.click('#token-save');
    await pick('#search', 'north k', 'North Korea');
    await waitFor('North Korea on the guarded server', () => window.entente.graph.order === 1);
    check(await page.evaluate(() => sessionStorage.getItem('entente.token')) === readerToken, 'token not in sessionStorage');
    check(!page.url().includes(readerToken), 'the token leaked into the URL');
  } finally {
    await guarded.stop();
  }

  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
  console.log(`PASS in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  await shot('failure').catch(() => {});
  console.error(server.log().split('\n').slice(-20).join('\n'));
  await browser.close();
  await server.stop();
  fail(e.message);
}
await browser.close();
await server.stop();
fs.rmSync(work, { recursive: true, force: true });
