/** npm run audit:deps: the lock file against a registry's advisory endpoint; "could not check" is never a pass. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectRoot } from '../support/process';

async function fakeRegistry(answer: (body: Record<string, string[]>) => { status: number; json?: unknown }) {
  const seen: Record<string, string[]>[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      seen.push(body);
      const { status, json } = req.url === '/-/npm/v1/security/advisories/bulk' && req.method === 'POST' ? answer(body) : { status: 404, json: {} };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

describe('npm run audit:deps', () => {
  it('sends every locked package and fails on advisories; says so when no source answers', async function () {
    this.timeout(60_000);
    const registry = await fakeRegistry((body) => ({
      status: 200,
      json: { koa: [{ id: 1, title: 'Test advisory', severity: 'high', url: 'https://example.test/a/1', vulnerable_versions: `<=${body.koa[0]}` }] },
    }));
    const run = (url: string) =>
      new Promise<{ status: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit-deps.ts', '--registry', url], { cwd: projectRoot });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (status) => resolve({ status, out }));
      });
    try {
      const found = await run(registry.url);
      expect(found.status, found.out).to.equal(1);
      expect(found.out).to.match(/^high\s+koa /m);
      expect(Object.keys(registry.seen[0])).to.include.members(['koa', 'mongoose', 'zod']);
    } finally {
      await registry.close();
    }
    const refusing = await fakeRegistry(() => ({ status: 405 }));
    try {
      const unchecked = await run(refusing.url);
      expect(unchecked.status).to.equal(2);
      expect(unchecked.out).to.contain('NOT checked');
    } finally {
      await refusing.close();
    }
  });
});
