/**
 * bench:console — what the first load of /admin transfers, from the built files: the JS and CSS that index.html
 * loads plus the lazily loaded chunks of the first screen (sign-in when signed out; layout + start page when signed
 * in), each compressed as the server sends it (brotli, and gzip for comparison). Printed beside the 400 KB budget.
 *
 *   npm run bench:console            (builds the console first when src/console/dist is missing)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_KB = 400;
const dist = path.resolve(__dirname, '../../src/console/dist');

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  src?: string;
}

if (!existsSync(path.join(dist, '.vite/manifest.json'))) {
  const started = Date.now();
  const res = spawnSync(process.execPath, [path.resolve(__dirname, '../../src/console/scripts/prepare.mjs')], { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
  console.log(`(built the console in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;

/** A chunk's files and everything it statically imports (what the browser fetches to run it). */
function closure(keys: string[], files = new Set<string>()): Set<string> {
  for (const key of keys) {
    const c = manifest[key];
    if (!c || files.has(c.file)) continue;
    files.add(c.file);
    for (const css of c.css ?? []) files.add(css);
    closure(c.imports ?? [], files);
  }
  return files;
}

function keyOf(srcSuffix: string): string {
  const key = Object.keys(manifest).find((k) => k.endsWith(srcSuffix));
  if (!key) throw new Error(`no chunk for ${srcSuffix} in the manifest`);
  return key;
}

function measure(files: Set<string>) {
  let raw = 0;
  let br = 0;
  let gz = 0;
  for (const f of files) {
    const data = readFileSync(path.join(dist, f));
    raw += data.length;
    br += brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  return { files: files.size, raw, br, gz };
}

const entry = Object.keys(manifest).filter((k) => manifest[k].isEntry);
const scenarios: [string, string[]][] = [
  ['signed out: /admin → sign-in page', [...entry, keyOf('views/LoginView.vue')]],
  ['signed in: /admin → layout + start page', [...entry, keyOf('layouts/MainLayout.vue'), keyOf('views/DashboardView.vue')]],
  ['(for comparison) the article editor, loaded later', [keyOf('views/content/ContentEdit.vue')]],
];
const kb = (n: number) => (n / 1024).toFixed(1).padStart(7);
console.log(`console first load (budget ${BUDGET_KB} KB compressed JS+CSS)\n`);
console.log('scenario                                             files   raw KB    br KB    gz KB   vs budget');
for (const [name, keys] of scenarios) {
  const m = measure(closure(keys));
  const verdict = name.startsWith('(') ? '' : m.br / 1024 <= BUDGET_KB ? `ok (${((m.br / 1024 / BUDGET_KB) * 100).toFixed(0)}%)` : 'OVER';
  console.log(`${name.padEnd(52)} ${String(m.files).padStart(5)} ${kb(m.raw)}  ${kb(m.br)}  ${kb(m.gz)}   ${verdict}`);
}
const all = measure(new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])])));
console.log(`${'whole console (every screen)'.padEnd(52)} ${String(all.files).padStart(5)} ${kb(all.raw)}  ${kb(all.br)}  ${kb(all.gz)}`);
