import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/embedded-mongo';
import { embeddedEngine } from '../support/database';
import { exitOf, spawnTs, waitFor } from '../support/process';

const PASSWORD = 'correct horse battery staple';

/** Runs a snippet of plain JavaScript as another user (uid/gid 65534, "nobody"); resolves with what it printed. */
function runAsNobody(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { uid: 65534, gid: 65534, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', () => resolve(out.trim()));
  });
}

describe('embedded-mongo: who may connect (engine only)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'lianxin-auth-'));
    dirs.push(d);
    return d;
  };
  beforeEach(function () {
    if (!embeddedEngine()) this.skip();
  });
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('TCP with SCRAM-SHA-256', () => {
    let engine: EmbeddedMongo;
    before(async function () {
      if (!embeddedEngine()) this.skip();
      engine = await startEmbeddedMongo({ dbPath: newDir(), port: 0, tcpAuth: { username: 'ops', password: PASSWORD } });
    });
    after(() => engine?.stop());
    const tcp = (userinfo = '') => `mongodb://${userinfo}127.0.0.1:${engine.port}/app?serverSelectionTimeoutMS=3000`;

    it('serves a client that signs in with the right password', async () => {
      const client = await MongoClient.connect(tcp(`ops:${encodeURIComponent(PASSWORD)}@`), { authMechanism: 'SCRAM-SHA-256' });
      try {
        await client.db().collection('c').insertOne({ x: 1 });
        expect(await client.db().collection('c').countDocuments({ x: 1 })).to.equal(1);
        // the default mechanism negotiation (saslSupportedMechs) lands on SCRAM-SHA-256 too
        const negotiated = await MongoClient.connect(tcp(`ops:${encodeURIComponent(PASSWORD)}@`));
        expect(await negotiated.db().collection('c').countDocuments()).to.equal(1);
        await negotiated.close();
      } finally {
        await client.close();
      }
    });

    it('refuses a wrong password and an unknown user', async () => {
      for (const userinfo of ['ops:wrong-password@', `intruder:${encodeURIComponent(PASSWORD)}@`]) {
        const err = await MongoClient.connect(tcp(userinfo), { authMechanism: 'SCRAM-SHA-256' }).catch((e) => e);
        expect(err, userinfo).to.be.instanceOf(Error);
        expect(err.message).to.match(/Authentication failed/);
      }
    });

    it('lets a client without credentials do nothing but the handshake', async () => {
      const client = await MongoClient.connect(tcp());
      try {
        expect((await client.db().command({ ping: 1 })).ok).to.equal(1);
        const err = await client.db().collection('c').findOne({}).catch((e) => e);
        expect(err.code).to.equal(13);
        expect(err.message).to.equal('Command find requires authentication');
        expect((await client.db().admin().listDatabases().catch((e) => e)).code).to.equal(13);
      } finally {
        await client.close();
      }
    });

    it('keeps the Unix socket free of credentials for the app', async () => {
      const client = await MongoClient.connect(engine.uri);
      try {
        expect(await client.db('app').collection('c').countDocuments()).to.equal(1);
      } finally {
        await client.close();
      }
    });
  });

  it('refuses TCP without credentials unless asked for explicitly, and then on loopback only', async () => {
    const dbPath = newDir();
    expect((await startEmbeddedMongo({ dbPath, port: 0 }).catch((e) => e)).message).to.match(/TCP listener needs credentials/);
    expect((await startEmbeddedMongo({ dbPath, port: 0, host: '0.0.0.0', tcpAuth: 'none' }).catch((e) => e)).message).to.match(/loopback only/);
    const open = await startEmbeddedMongo({ dbPath, port: 0, tcpAuth: 'none' });
    const client = await MongoClient.connect(open.tcpUri!);
    try {
      expect(await client.db('x').collection('c').countDocuments()).to.equal(0);
    } finally {
      await client.close();
      await open.stop();
    }
  });

  it('keeps the data directory, its files and its socket away from other users', async function () {
    if (process.getuid?.() !== 0) this.skip(); // switching to another uid needs root
    const dbPath = newDir();
    const engine = await startEmbeddedMongo({ dbPath });
    try {
      const client = await MongoClient.connect(engine.uri);
      await client.db('app').collection('users').insertOne({ username: 'admin', passwordHash: 'secret-hash' });
      await client.close();
      expect(statSync(dbPath).mode & 0o777).to.equal(0o700);
      for (const file of ['engine.sqlite', 'engine.lock', 'engine.addr.json', 'engine.sock']) {
        expect(statSync(path.join(dbPath, file)).mode & 0o777, file).to.equal(0o600);
      }
      const out = await runAsNobody(`
        const fs = require('fs'), net = require('net');
        const tries = [];
        try { fs.readFileSync(${JSON.stringify(path.join(dbPath, 'engine.sqlite'))}); tries.push('read:ok'); } catch (e) { tries.push('read:' + e.code); }
        try { fs.readdirSync(${JSON.stringify(dbPath)}); tries.push('list:ok'); } catch (e) { tries.push('list:' + e.code); }
        const s = net.connect(${JSON.stringify(engine.socketPath)});
        s.on('connect', () => { console.log(tries.join(' ') + ' connect:ok'); process.exit(0); });
        s.on('error', (e) => { console.log(tries.join(' ') + ' connect:' + e.code); process.exit(0); });
      `);
      expect(out).to.equal('read:EACCES list:EACCES connect:EACCES');
    } finally {
      await engine.stop();
    }
  });

  it('npm run db: TCP needs the generated password; --no-auth is refused off loopback', async () => {
    const dbPath = path.join(newDir(), 'db');
    const refused = spawnTs('scripts/db.ts', {}, ['--dbpath', dbPath, '--no-auth', '--host', '0.0.0.0', '--port', '0']);
    expect(await exitOf(refused)).to.equal(2);
    expect(refused.output()).to.contain('--no-auth is allowed on a loopback address only');

    const db = spawnTs('scripts/db.ts', {}, ['--dbpath', dbPath, '--port', '0', '--quiet']);
    try {
      const line = await waitFor(async () => /TCP: (mongodb:\/\/admin@127\.0\.0\.1:\d+\/) \(SCRAM-SHA-256\)/.exec(db.output()) ?? undefined, 30_000, 'npm run db');
      const passwordFile = path.join(dbPath, 'tcp-password');
      expect(statSync(passwordFile).mode & 0o777).to.equal(0o600);
      const password = readFileSync(passwordFile, 'utf8').trim();
      const uri = line[1].replace('admin@', `admin:${encodeURIComponent(password)}@`);
      const client = await MongoClient.connect(uri);
      expect((await client.db('x').command({ dbStats: 1 })).ok).to.equal(1);
      await client.close();
      const anonymous = await MongoClient.connect(line[1].replace('admin@', ''));
      expect((await anonymous.db('x').command({ dbStats: 1 }).catch((e) => e)).code).to.equal(13);
      await anonymous.close();
    } finally {
      db.kill('SIGTERM');
      await exitOf(db);
    }
  });
});
