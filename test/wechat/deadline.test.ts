/**
 * The 5-second path: a handler that takes longer than the deadline still gets an answer in time (`success`), and its
 * reply follows as a customer-service message. The deadline is shortened through the module's constructor option.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/logger';
import { DomainEventBus } from '../../src/events';
import { createMetrics } from '../../src/http/metrics';
import { Scheduler } from '../../src/jobs/scheduler';
import { createApp } from '../../src/app';
import type { Services } from '../../src/module';
import { wechatModule } from '../../src/wechat/module';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { mongoUriFor, uniqueDbName } from '../support/database';
import { APP_ID, plainQuery, textXml, waitFor, wechatEnv } from './support';

describe('wechat deadline', () => {
  const DEADLINE_MS = 150;
  const SLOW_MS = 700;
  let fake: FakeWechat;
  let server: http.Server;
  let base: string;
  let dataDir: string;
  let slowRuns = 0;
  let slowFinished = false;

  before(async () => {
    fake = await startFakeWechat({ appId: APP_ID });
    dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-wechat-deadline-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      MONGODB_URI: mongoUriFor(uniqueDbName('wechat_deadline')),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      SCHEDULER_ENABLED: 'false',
      PUBLIC_BASE_URL: 'http://lianxin.test',
      ...wechatEnv(fake.url, { WECHAT_PLAIN_CALLBACKS: 'true' }),
    });
    const logger = createLogger('silent');
    const services: Services = {
      config,
      clock: systemClock,
      logger,
      events: new DomainEventBus(),
      metrics: createMetrics(),
      scheduler: new Scheduler(logger, false),
    };
    const module = wechatModule(services, {
      deadlineMs: DEADLINE_MS,
      extraTextHandlers: [
        async (msg) => {
          if (msg.content !== '慢') return undefined;
          slowRuns += 1;
          await new Promise((r) => setTimeout(r, SLOW_MS));
          slowFinished = true;
          return { type: 'text', content: '久等了，这是您要的信息。' };
        },
      ],
    });
    await mongoose.connect(config.mongodbUri!);
    await module.start?.();
    const { app } = createApp(services, [module]);
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await mongoose.connection.db?.dropDatabase().catch(() => {});
    await mongoose.disconnect();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (xml: string) => {
    const res = await fetch(`${base}/wechat?${plainQuery()}`, { method: 'POST', body: xml, headers: { 'content-type': 'text/xml' } });
    return { status: res.status, text: await res.text() };
  };

  it('answers `success` at the deadline, then sends the late reply as a customer-service message', async () => {
    const xml = textXml('慢', { from: 'oSlow01', msgId: '7000000000000000001' });
    const first = await post(xml);
    expect(first.status).to.equal(200);
    expect(first.text).to.equal('success');
    expect(slowFinished, 'answered at the deadline, before the handler finished').to.equal(false);

    // WeChat's retry while the handler is still running: the same answer, and no second run.
    const retry = await post(xml);
    expect(retry.text).to.equal('success');

    const sent = await waitFor(() => (fake.state.customMessages as Array<Record<string, unknown>>).find((m) => m.touser === 'oSlow01'));
    expect(sent).to.deep.equal({ touser: 'oSlow01', msgtype: 'text', text: { content: '久等了，这是您要的信息。' } });
    expect(slowRuns).to.equal(1);
  });

  it('bounds the whole request from its arrival: a body still arriving at the deadline gets `success`, the reply follows', async () => {
    const xml = textXml('帮助', { from: 'oSlowBody01' });
    const bytes = Buffer.from(xml);
    const url = new URL(`${base}/wechat?${plainQuery()}`);
    const started = Date.now();
    const answered = await new Promise<{ ms: number; text: string }>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/xml', 'content-length': String(bytes.length) } }, (res) => {
        const ms = Date.now() - started;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ms, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      // A slow network: half the body now, the rest well after the deadline.
      req.write(bytes.subarray(0, 40));
      setTimeout(() => req.end(bytes.subarray(40)), SLOW_MS);
    });
    expect(answered.text).to.equal('success');
    expect(answered.ms, 'answered at the deadline counted from arrival').to.be.below(SLOW_MS);
    // The work went on after the answer: the reply arrives as a customer-service message.
    const sent = await waitFor(() => (fake.state.customMessages as Array<Record<string, unknown>>).find((m) => m.touser === 'oSlowBody01'));
    expect(sent.msgtype).to.equal('text');
  });

  it('answers fast handlers directly, within the deadline', async () => {
    const res = await post(textXml('帮助', { from: 'oFast01' }));
    expect(res.text).to.contain('<MsgType><![CDATA[text]]></MsgType>');
  });
});
