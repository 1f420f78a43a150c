// What the explorer's browser test and its render benchmark share: a real
// entente-server on 127.0.0.1 port 0 with its HTTP port, and Debian's
// Chromium driven by playwright-core (bench/explorer_render.mjs,
// tests/browser/explorer_test.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// --name value pairs; every name in `required` must be given.
export function parseArgs(argv, required, usage) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) fail(`bad argument ${argv[i]}\n${usage}`);
    out[argv[i].slice(2)] = argv[++i];
  }
  for (const r of required) if (!out[r]) fail(`missing --${r}\n${usage}`);
  return out;
}

export function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts entente-server on a fresh or given database; resolves to
// {grpc: 'HOST:PORT', http: 'http://127.0.0.1:PORT/', stop(), log()} once
// both ports are open.
export function startServer({ serverBin, data, assets, extraArgs = [], timeoutMs = 30000 }) {
  const args = ['--data', data, '--listen', '127.0.0.1:0', '--http_listen', '127.0.0.1:0', ...extraArgs];
  if (assets) args.push('--http_assets', assets);
  const child = spawn(serverBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`entente-server did not open its ports in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`entente-server exited with ${code}:\n${stderr}`));
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Plain or JSON log lines: both carry these phrases.
      const grpc = /listening on ([^,"\s]+),/.exec(stderr);
      const http = /http on (http:\/\/[^ "]*:(\d+)\/)/.exec(stderr);
      if (grpc && http && !started) {
        started = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          grpc: grpc[1],
          http: `http://127.0.0.1:${http[2]}/`,
          log: () => stderr,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) { done(); return; }
            child.on('exit', done);
            child.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

// Runs a command to completion; throws with its output if it fails.
export function run(bin, args) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

// playwright-core from the build tree's node_modules (web/CMakeLists.txt
// runs npm ci there), so the source tree needs none.
export function loadPlaywright(modules) {
  const require = createRequire(path.join(path.resolve(modules), 'package.json'));
  return require('playwright-core');
}

// Debian's Chromium, headless, in a fresh profile, with everything that
// would reach the network at start-up turned off. Never a downloaded browser.
// The profile directory is fresh (playwright passes it as --user-data-dir).
export async function launchChromium(playwright, { width = 1400, height = 900 } = {}) {
  const profile = tempDir('entente-chromium-');
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width, height },
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
