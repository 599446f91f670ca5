/** The console is a client like any other: it imports nothing of the server, and the server nothing of it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const SRC = path.resolve(__dirname, '../../src');
const CONSOLE = path.join(SRC, 'console');

function files(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (skip.includes(full) || name === 'node_modules' || name === 'dist') return [];
    return statSync(full).isDirectory() ? files(full, skip) : /\.(ts|mts|mjs|vue)$/.test(name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

describe('console: module boundaries', () => {
  it('console sources import only console files and packages', () => {
    const offenders: string[] = [];
    for (const file of files(CONSOLE)) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(CONSOLE + path.sep)) offenders.push(`${path.relative(SRC, file)} → ${spec}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });

  it('server sources import nothing of the console', () => {
    const offenders: string[] = [];
    for (const file of files(SRC, [CONSOLE])) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (target === CONSOLE || target.startsWith(CONSOLE + path.sep)) offenders.push(`${path.relative(SRC, file)} → ${spec}`);
      }
    }
    expect(offenders).to.deep.equal([]);
  });
});
