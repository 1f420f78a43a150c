// Render benchmark of the explorer (a benchmark, not a test): ICEWS05-15
// bulk-loaded into a fresh database, entente-server on 127.0.0.1, the
// explorer opened in Debian's headless Chromium on a depth-2 neighbourhood
// of a hub cut at --limit nodes, and the frame times measured while
// ForceAtlas2 runs and during a scripted pan and zoom. Writes
// bench/results/explorer-render-<data>-<date>.md and a screenshot beside it.
//
//   node bench/explorer_render.mjs [--build build] [--hub Japan] [--limit 5000]
//        [--data /work/shared/data/icews05-15] [--out bench/results]
//
// Frame times are requestAnimationFrame intervals in the page: what the
// user sees as smoothness (60 Hz is 16.7 ms). Chromium runs with
// --disable-gpu, so WebGL is SwiftShader on the CPU: a machine with a GPU
// draws faster; the figures are an upper bound for the drawing part.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, tempDir, startServer, run, loadPlaywright, launchChromium } from '../tests/browser/harness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opt = {
  build: path.join(repo, 'build'), hub: 'Japan', limit: '5000', depth: '2',
  data: path.resolve(repo, '../shared/data/icews05-15'), out: path.join(repo, 'bench/results'),
  ...parseArgs(process.argv.slice(2), [], 'usage: explorer_render.mjs [--build DIR] [--hub NAME] [--limit N] [--depth N] [--data DIR] [--out DIR]'),
};
const bin = (p) => path.join(opt.build, p);
const files = fs.readdirSync(opt.data).filter((f) => f.endsWith('.tsv')).sort().map((f) => path.join(opt.data, f));
if (!files.length) throw new Error(`no .tsv files in ${opt.data}`);

const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
const work = tempDir('entente-render-');
const db = path.join(work, 'db');
const t0 = Date.now();
const importLine = run(bin('server/entente-admin'), ['import', '--data', db, ...files]).trim().split('\n').at(-1);
console.log(`import: ${importLine} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

const server = await startServer({ serverBin: bin('server/entente-server'), data: db, assets: bin('web/dist') });
const browser = await launchChromium(loadPlaywright(bin('web/node_modules')), { width: 1600, height: 1000 });
const result = {};
try {
  // The hub's id, as the explorer's search finds it.
  const search = await fetch(`${server.http}v1/GraphService/GetEntity`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: opt.hub }),
  }).then((r) => r.json());
  if (!search.id) throw new Error(`no entity ${opt.hub}: ${JSON.stringify(search)}`);

  const page = await browser.context.newPage();
  // Every animation frame's time, from the start of the page.
  await page.addInitScript(() => {
    window.__frames = [];
    const tick = (t) => { window.__frames.push(t); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const hash = `#x=${search.id}b${opt.depth}&limit=${opt.limit}`;
  const url = `${server.http}${hash}`;
  await page.goto(url);
  await page.waitForFunction(() => window.entente && window.entente.graph.order > 0 &&
    !document.body.classList.contains('busy'), null, { timeout: 120000 });
  const loaded = await page.evaluate(() => ({
    now: performance.now(),
    firstRender: window.entente.graphView.firstRenderAt,
    nodes: window.entente.graph.order,
    edges: window.entente.graph.size,
    status: document.getElementById('status').textContent,
    apiMs: performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/'))
      .reduce((m, e) => Math.max(m, e.responseEnd), 0),
    apiCalls: performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/')).length,
    apiBytes: performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/'))
      .reduce((s, e) => s + e.decodedBodySize, 0),
  }));
  Object.assign(result, loaded);

  // During the layout (it stops by itself after a few seconds).
  await page.waitForFunction(() => !window.entente.graphView.layoutRunning(), null, { timeout: 60000 });
  const layoutEnd = await page.evaluate(() => performance.now());
  result.layout = await page.evaluate(([a, b]) => window.__frames.filter((t) => t >= a && t <= b), [loaded.firstRender, layoutEnd]);

  // A scripted pan (one drag) and zoom (wheel in, then out), with real mouse
  // events; each waits for the page to take it, so a slow frame shows.
  const panStart = await page.evaluate(() => performance.now());
  const box = await page.locator('#graph').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(cx + i * 25, cy + i * 12);
  await page.mouse.up();
  for (let i = 0; i < 4; i++) { await page.mouse.wheel(0, -240); await page.waitForTimeout(50); }
  for (let i = 0; i < 4; i++) { await page.mouse.wheel(0, 240); await page.waitForTimeout(50); }
  await page.waitForTimeout(300);
  const panEnd = await page.evaluate(() => performance.now());
  result.pan = await page.evaluate(([a, b]) => window.__frames.filter((t) => t >= a && t <= b), [panStart, panEnd]);
  // A frame drawn to the end: a redraw, then a one-pixel read of each WebGL
  // layer, which waits until the GPU (here SwiftShader) has finished it.
  // rAF intervals alone understate this when the GPU process lags behind.
  result.drawn = await page.evaluate(() => {
    const r = window.entente.renderer;
    const out = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      r.refresh();
      for (const c of Object.values(r.getCanvases())) {
        const gl = c.getContext('webgl2');
        if (gl) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      }
      out.push(performance.now() - t);
    }
    return out;
  });
  await page.evaluate(() => window.entente.graphView.fit());
  await page.waitForTimeout(600);
  const stamp = new Date().toISOString().slice(0, 10);
  const base = `explorer-render-${path.basename(opt.data)}-${stamp}`;
  result.screenshot = path.join(opt.out, `${base}.png`);
  await page.screenshot({ path: result.screenshot });
  result.url = url.replace(/127\.0\.0\.1:\d+/, 'HOST');
  result.chromium = browser.context.browser()?.version() || execFileSync('/usr/bin/chromium', ['--version']).toString().trim();
  result.base = base;
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

function stats(times) {
  const d = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  if (!d.length) return { frames: 0 };
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  return { frames: d.length, median: q(0.5), p95: q(0.95), max: d.at(-1),
    fps: 1000 * d.length / (times.at(-1) - times[0]) };
}
const ms = (v) => (v === undefined ? '-' : v.toFixed(1));
const layout = stats(result.layout), pan = stats(result.pan);
const commit = execFileSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD']).toString().trim();
const dirty = execFileSync('git', ['-C', repo, 'status', '--porcelain', '--', 'web', 'bench', 'server', 'service'])
  .toString().trim() ? ' (with uncommitted changes)' : '';
const command = `node bench/explorer_render.mjs ${process.argv.slice(2).join(' ')}`.trim();
const md = `# Explorer render: ${opt.limit}-node neighbourhood of ${opt.hub} in ICEWS05-15

Command: \`${command}\`
Commit: ${commit}${dirty}; ${new Date().toISOString()}
Machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GB; Chromium ${result.chromium}
headless (--headless=new --disable-gpu: WebGL on SwiftShader, the CPU), window 1600×1000.
Load average at the start: ${load} (the machine is shared; other builds ran alongside).
Data: ${files.map((f) => path.basename(f)).join(', ')} (${importLine})
View: \`${result.url}\` (depth-${opt.depth} neighbourhood, both directions, max_nodes ${opt.limit})

| what | value |
|---|---|
| entities on screen | ${result.nodes} |
| relations on screen | ${result.edges} |
| status line | ${result.status} |
| JSON API calls, bytes | ${result.apiCalls}, ${(result.apiBytes / 1e6).toFixed(1)} MB |
| last API answer received | ${ms(result.apiMs)} ms after navigation start |
| time to first render | ${ms(result.firstRender)} ms after navigation start |
| a frame drawn to the end (redraw + GPU finish), 3 tries | ${result.drawn.map(ms).join(', ')} ms |

Frame times (requestAnimationFrame intervals, ms):

| phase | frames | median | p95 | max | frames/s |
|---|---|---|---|---|---|
| ForceAtlas2 running (worker) | ${layout.frames} | ${ms(layout.median)} | ${ms(layout.p95)} | ${ms(layout.max)} | ${ms(layout.fps)} |
| scripted pan and zoom | ${pan.frames} | ${ms(pan.median)} | ${ms(pan.p95)} | ${ms(pan.max)} | ${ms(pan.fps)} |

Screenshot: [${path.basename(result.screenshot)}](${path.basename(result.screenshot)})
`;
const mdFile = path.join(opt.out, `${result.base}.md`);
fs.writeFileSync(mdFile, md);
console.log(md);
console.log(`wrote ${mdFile}\nscreenshot ${result.screenshot}`);
