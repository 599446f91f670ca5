import { expect } from 'chai';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mongoUriFor, uniqueDbName } from '../support/database';
import { exitOf, freePort, projectRoot, spawnTs, waitFor } from '../support/process';

describe('graceful shutdown', () => {
  it('finishes an in-flight request on SIGTERM, then exits 0', async function () {
    this.timeout(60_000);
    const port = await freePort();
    const child = spawnTs('src/main.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: mongoUriFor(uniqueDbName('shutdown')),
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 30_000, 'the service to serve /healthz');

      // An in-flight request: the body arrives in two parts, with SIGTERM sent in between.
      const body = JSON.stringify({ username: 'nobody', password: 'whatever-password' });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => {
          child.kill('SIGTERM');
          setTimeout(() => req.end(body.slice(10)), 300);
        }, 300);
      });

      const res = await response;
      expect(res.status).to.equal(401); // the request completed normally
      expect(JSON.parse(res.body).error.code).to.equal('invalid_credentials');
      expect(await exitOf(child)).to.equal(0);
      expect(child.output()).to.contain('"msg":"stopped"');
      // New connections are refused once it has stopped.
      const refused = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => false, () => true);
      expect(refused).to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops when a supervisor signals the `npm start` process itself (no orphaned app)', async function () {
    this.timeout(60_000);
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MONGODB_URI: mongoUriFor(uniqueDbName('npm_start')), SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d) => (output += d));
    npm.stderr.on('data', (d) => (output += d));
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 30_000, 'npm start to serve /healthz');
      npm.kill('SIGTERM');
      await exitOf(npm);
      expect(output).to.contain('"msg":"stopped"'); // the app itself shut down gracefully
      const refused = await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then(() => false, () => true), 10_000, 'the port to close');
      expect(refused).to.equal(true);
    } finally {
      npm.kill('SIGKILL');
    }
  });
});
