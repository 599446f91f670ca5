/**
 * Load test of the WeChat callback, loopback only and bounded:
 *   npm run bench:wechat [-- --messages 5000 --concurrency 100 --rounds 2]
 * Starts the service in-process (embedded engine, temporary data directory, WECHAT_TOKEN set), adds one keyword rule,
 * then sends signed plain-mode text messages (each a new MsgId) over `concurrency` keep-alive connections and checks
 * every answer is the rule's passive reply addressed to the sender. The same load against GET /healthz is the baseline.
 * Prints p50/p99/max latency, throughput and RSS before/after each round (a second round shows whether memory keeps growing).
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/server';
import { WechatKeywordRule } from '../../src/wechat/models/keyword-rule';
import { wechatSignature } from '../../src/wechat/signature';
import { parseWechatXml } from '../../src/wechat/xml';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
  },
});
const MESSAGES = Math.min(Number(values.messages), 50_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 500);
const ROUNDS = Math.min(Number(values.rounds), 5);
const TOKEN = 'benchToken';
const ACCOUNT = 'gh_bench000001';
const REPLY = '您好！欢迎关注「连心」，回复「新闻」看最新动态。';

interface Outcome {
  ok: boolean;
  ms: number;
}

function request(agent: http.Agent, port: number, method: string, urlPath: string, body?: string): Promise<{ status: number; text: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers: body ? { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function load(total: number, concurrency: number, one: (i: number) => Promise<Outcome>): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const outcomes: Outcome[] = new Array(total);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        outcomes[i] = await one(i).catch(() => ({ ok: false, ms: 0 }));
      }
    }),
  );
  return { outcomes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(label: string, r: { outcomes: Outcome[]; seconds: number }): void {
  const ms = r.outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const failed = r.outcomes.filter((o) => !o.ok).length;
  console.log(
    `${label.padEnd(28)} ${String(r.outcomes.length).padStart(6)} req  ${(r.outcomes.length / r.seconds).toFixed(0).padStart(6)} req/s  ` +
      `p50 ${pct(ms, 50).toFixed(1).padStart(6)} ms  p99 ${pct(ms, 99).toFixed(1).padStart(6)} ms  max ${ms[ms.length - 1].toFixed(1).padStart(7)} ms  failed ${failed}`,
  );
}

// A full GC before each memory reading, so that growth means retained memory rather than garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const rssMb = () => {
  gc();
  const m = process.memoryUsage();
  return `${(m.rss / 1024 / 1024).toFixed(0)} MB (heap used ${(m.heapUsed / 1024 / 1024).toFixed(0)} MB)`;
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-wechat-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    PUBLIC_BASE_URL: 'http://lianxin.bench',
    WECHAT_TOKEN: TOKEN,
  });
  const service = await startService(config);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let failures = 0;
  try {
    const now = new Date();
    await WechatKeywordRule.create({ name: '问候', match: 'exact', pattern: '你好', priority: 10, enabled: true, reply: { type: 'text', text: REPLY }, createdBy: 'bench', updatedBy: 'bench', createdAt: now, updatedAt: now });

    let msgSeq = 10_000_000_000_000_000n;
    const wechatOne = async (i: number): Promise<Outcome> => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(100000 + (i % 900000));
      const query = new URLSearchParams({ signature: wechatSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: `oBench${i % 1000}` });
      const from = `oBench${String(i % 1000).padStart(6, '0')}`;
      const xml =
        `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
        `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content>` +
        `<MsgId>${++msgSeq}</MsgId></xml>`;
      const res = await request(agent, service.port, 'POST', `/wechat?${query}`, xml);
      if (res.status !== 200) return { ok: false, ms: res.ms };
      const reply = parseWechatXml(res.text);
      return { ok: reply.ToUserName === from && reply.FromUserName === ACCOUNT && reply.MsgType === 'text' && reply.Content === REPLY, ms: res.ms };
    };
    const healthOne = async (): Promise<Outcome> => {
      const res = await request(agent, service.port, 'GET', '/healthz');
      return { ok: res.status === 200 && res.text.includes('ok'), ms: res.ms };
    };

    console.log(`WeChat inbound load: ${MESSAGES} messages × ${ROUNDS} rounds, ${CONCURRENCY} connections, loopback, embedded engine`);
    console.log(`RSS at start: ${rssMb()}`);
    await load(500, CONCURRENCY, healthOne);
    await load(500, CONCURRENCY, wechatOne); // warm-up (JIT, connection pool, indexes)
    const baseline = await load(MESSAGES, CONCURRENCY, healthOne);
    report('baseline GET /healthz', baseline);
    console.log(`RSS after baseline: ${rssMb()}`);
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await load(MESSAGES, CONCURRENCY, wechatOne);
      report(`POST /wechat round ${round}`, r);
      failures += r.outcomes.filter((o) => !o.ok).length;
      console.log(`RSS after round ${round}: ${rssMb()}`);
    }
    console.log(failures === 0 ? 'every answer was the expected passive reply' : `${failures} answers were wrong or missing`);
  } finally {
    agent.destroy();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
