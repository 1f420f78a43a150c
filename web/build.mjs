// Bundles the explorer into DIST (index.html, app.js, app.css) with esbuild.
// Run by web/CMakeLists.txt as
//   node build.mjs --modules BUILD/web/node_modules --out BUILD/web/dist
// The npm packages live in the build tree (npm ci there), not beside the
// sources, so the source tree stays clean: esbuild is loaded from --modules
// and bare imports of src/ resolve through nodePaths.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) {
    console.error('usage: node build.mjs --modules NODE_MODULES_DIR --out DIST_DIR [--dev]');
    process.exit(2);
  }
  return path.resolve(args[i + 1]);
};
const modules = opt('--modules');
// --dev: readable output, for profiling in the browser.
const dev = args.includes('--dev');
const out = opt('--out');
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(modules, 'package.json'));
const esbuild = require('esbuild');

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: { app: path.join(here, 'src/main.js') },
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: !dev,
  sourcemap: 'linked',
  nodePaths: [modules],
  outdir: out,
  // uPlot's stylesheet is imported by src/main.js and lands in app.css.
  loader: { '.css': 'css' },
  logLevel: 'warning',
  legalComments: 'linked',
});
fs.copyFileSync(path.join(here, 'src/index.html'), path.join(out, 'index.html'));
console.log(`explorer: wrote ${out}`);
