/**
 * Checks every package in package-lock.json against the npm registry's advisory database (the bulk endpoint
 * `npm audit` uses), without installing anything:
 *   npm run audit:deps [-- --registry URL] [--level low|moderate|high|critical] [--omit-dev]
 * Exit 0: nothing at or above the level; 1: advisories found (listed); 2: no vulnerability source answered.
 *
 * Why exit 2 exists: on our development machines the registry mirror answers the advisory endpoint with
 * 405 Method Not Allowed, and no other vulnerability source (OSV, GitHub advisories) is reachable from them;
 * no kept npm package ships the advisory data for offline use either. So here the honest answer is "could not
 * check", never a silent pass: run it where the public registry is reachable (a release machine, CI elsewhere).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const LEVELS = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Level = (typeof LEVELS)[number];

interface Advisory {
  id: number;
  title: string;
  severity: Level;
  url: string;
  vulnerable_versions: string;
}

const { values } = parseArgs({
  options: {
    registry: { type: 'string', default: 'https://registry.npmjs.org' },
    level: { type: 'string', default: 'moderate' },
    'omit-dev': { type: 'boolean', default: false },
  },
});

/** name → the versions of it in the lock file (nested copies included). */
export function lockedVersions(lock: { packages?: Record<string, { version?: string; dev?: boolean; link?: boolean }> }, omitDev: boolean): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const [where, entry] of Object.entries(lock.packages ?? {})) {
    if (!where || entry.link || !entry.version || (omitDev && entry.dev)) continue;
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    (out[name] ??= new Set()).add(entry.version);
  }
  return Object.fromEntries(Object.entries(out).map(([name, versions]) => [name, [...versions].sort()]));
}

async function main(): Promise<number> {
  const level = values.level as Level;
  if (!LEVELS.includes(level)) throw new Error(`--level must be one of ${LEVELS.join(', ')}`);
  const lock = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'package-lock.json'), 'utf8'));
  const packages = lockedVersions(lock, values['omit-dev']!);
  const url = `${values.registry!.replace(/\/+$/, '')}/-/npm/v1/security/advisories/bulk`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(packages), signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    console.error(`audit:deps: no vulnerability source reachable (${(err as Error).message}); ${Object.keys(packages).length} packages NOT checked.`);
    return 2;
  }
  if (!res.ok) {
    console.error(`audit:deps: ${url} answered ${res.status} ${res.statusText}; ${Object.keys(packages).length} packages NOT checked (see the comment at the top of scripts/audit-deps.ts).`);
    return 2;
  }
  const report = (await res.json()) as Record<string, Advisory[]>;
  const threshold = LEVELS.indexOf(level);
  const found = Object.entries(report).flatMap(([name, list]) => list.filter((a) => LEVELS.indexOf(a.severity) >= threshold).map((a) => ({ name, ...a })));
  for (const a of found) console.log(`${a.severity.padEnd(8)} ${a.name} ${a.vulnerable_versions} (locked: ${packages[a.name]?.join(', ')}) ${a.title} ${a.url}`);
  console.log(`audit:deps: ${Object.keys(packages).length} packages checked, ${found.length} advisories at ${level} or above.`);
  return found.length ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`audit:deps: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
