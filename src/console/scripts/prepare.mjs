#!/usr/bin/env node
// `npm install` / `npm ci` run this (the `prepare` script): it leaves a built console in src/console/dist, so the
// README's two commands are still all the set-up. An install without dev dependencies (no Vite) skips the build
// and says so; `npm start` then answers /admin with a page that explains how to build it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);
let viteBin;
try {
  viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
} catch {
  console.warn('console: Vite is not installed (dev dependencies omitted); skipping the console build. Run `npm run console:build` after a full install.');
  process.exit(0);
}
const started = Date.now();
const res = spawnSync(process.execPath, [viteBin, 'build', '--config', path.join(consoleDir, 'vite.config.mts'), '--logLevel', 'warn'], { stdio: 'inherit' });
if (res.status !== 0) process.exit(res.status ?? 1);
console.log(`console: built src/console/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
