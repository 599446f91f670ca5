/**
 * A bench script run as production runs the app: compiled, not under tsx. `compileAgainstDist(entry)` builds the
 * server to dist/ (scripts/build-server.mjs, what `npm start` runs) and bundles the bench script into
 * dist/bench/<name>.js with every import of src/ pointing at its compiled module in dist/ (so the app's modules are
 * the very files `node dist/main.js` loads, once each) and packages left to node_modules. The bench script's own
 * helpers (under scripts/) are bundled in. `startEnv()` is the environment `npm start` sets for the service (the
 * malloc settings in package.json's start script), for a bench process to run with it too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

/** The compiled module for a src/ import, with its file name complete (dynamic `import()` resolves no extension). */
function compiledPath(file: string): string {
  const target = path.join(dist, path.relative(src, file));
  if (existsSync(`${file}.ts`)) return `${target}.js`;
  if (existsSync(path.join(file, 'index.ts'))) return path.join(target, 'index.js');
  return target;
}

const appFromDist: Plugin = {
  name: 'app-from-dist',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      if (!file.startsWith(src + path.sep)) return undefined;
      return { path: compiledPath(file), external: true };
    });
  },
};

let built = false;

/** Compiles the server to dist/, as `npm start` does; once per bench run (a build empties dist/, bundles included). */
export function buildServer(): void {
  if (built) return;
  if (spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], { stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');
  built = true;
}

/** Bundles a bench script against the compiled server (build it first); returns the compiled script's path. */
export async function bundleAgainstDist(entry: string): Promise<string> {
  const outfile = path.join(dist, 'bench', `${path.basename(entry, path.extname(entry))}.js`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', plugins: [appFromDist], logLevel: 'warning' });
  return outfile;
}

/** Compiles the server and the bench script; returns the compiled script's path. */
export async function compileAgainstDist(entry: string): Promise<string> {
  buildServer();
  return bundleAgainstDist(entry);
}

/** The variables package.json's start script sets (`exec env VAR=${VAR:-value} … node`): what `npm start` adds. */
export function startEnv(): Record<string, string> {
  const start = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const assignments = /^exec\s+env\s+((?:\w+=\S+\s+)*)node\b/.exec(start)?.[1] ?? '';
  return Object.fromEntries([...assignments.matchAll(/(\w+)=(?:\$\{\w+:-([^}]*)\}|(\S+))/g)].map((m) => [m[1], process.env[m[1]] ?? m[2] ?? m[3]]));
}
