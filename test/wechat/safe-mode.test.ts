/**
 * With an EncodingAESKey configured (safe mode), a captured callback URL must not let anyone forge messages: plain
 * requests are refused, a signature is remembered with the body it signed, and the refusal log keeps no signature.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService, type RunningService } from '../../src/server';
import { WechatCallbackSignature } from '../../src/wechat/models/callback-signature';
import { WechatInteraction } from '../../src/wechat/models/interaction';
import { mongoUriFor, uniqueDbName } from '../support/database';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { APP_ID, eventXml, safeRequest, textXml, wechatEnv } from './support';

describe('wechat safe mode (strict)', () => {
  let fake: FakeWechat;
  let service: RunningService;
  let dataDir: string;
  const lines: Record<string, unknown>[] = [];
  const post = async (query: string, body: string) => {
    const res = await fetch(`${service.url}/wechat?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    const text = await res.text();
    return { status: res.status, text, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  };

  before(async () => {
    fake = await startFakeWechat({ appId: APP_ID });
    dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-wechat-safe-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_URI: mongoUriFor(uniqueDbName('wechat_safe')),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      PUBLIC_BASE_URL: 'http://lianxin.test',
      ...wechatEnv(fake.url),
    });
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    service = await startService(config, { logger: createLogger('warn', sink) });
  });
  after(async () => {
    await mongoose.connection.db?.dropDatabase().catch(() => {});
    await service.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a captured safe-mode URL downgraded to plain mode (no encrypt_type, no msg_signature)', async () => {
    const { query } = safeRequest(textXml('hi'));
    const downgraded = new URLSearchParams(query);
    downgraded.delete('encrypt_type');
    downgraded.delete('msg_signature');
    const res = await post(downgraded.toString(), eventXml('CLICK', { from: 'oForger01', key: 'LATEST_NEWS' }));
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('safe_mode_required');
    expect(await WechatInteraction.countDocuments({ openid: 'oForger01' })).to.equal(0);
  });

  it('answers a retry (same signature, same body) the same, and refuses another body under that signature', async () => {
    const { query, body } = safeRequest(textXml('帮助', { from: 'oSafeRetry01' }));
    const first = await post(query, body);
    expect(first.status).to.equal(200);
    const retry = await post(query, body);
    expect(retry.status).to.equal(200);
    // Same Encrypt (so msg_signature still matches), different envelope around it.
    const altered = body.replace('<xml>', '<xml><Extra>1</Extra>');
    const forged = await post(query, altered);
    expect(forged.status).to.equal(403);
    expect(forged.body.error.code).to.equal('replayed_signature');
  });

  it('writes no signature record in safe mode: msg_signature signs the ciphertext, so no other message can carry it', async () => {
    const { query, body } = safeRequest(textXml('帮助', { from: 'oSafeSig01' }));
    expect((await post(query, body)).status).to.equal(200);
    expect(await WechatCallbackSignature.countDocuments()).to.equal(0);
  });

  it('keeps signatures out of the refusal log', async () => {
    const { query, body } = safeRequest(textXml('hi'));
    const downgraded = new URLSearchParams(query);
    downgraded.delete('encrypt_type');
    await post(downgraded.toString(), body);
    const refusals = lines.filter((l) => l.msg === 'wechat callback refused');
    expect(refusals.length).to.be.greaterThan(0);
    for (const l of refusals) {
      expect(String(l.query)).not.to.match(/signature=/);
      expect(String(l.query)).to.match(/timestamp=/);
    }
  });
});
