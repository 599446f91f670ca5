/**
 * Load test of the WeChat callback against /healthz, loopback only and bounded (about two minutes):
 *   npm run bench:wechat [-- --messages 5000 --rounds 2 --concurrency 100 --mode safe|plain --settle 20
 *                             --cpu-prof DIR --glibc-tunables glibc.malloc.arena_max=2:…]
 *   --cpu-prof DIR   the service's CPU profile of each measured phase alone (service-healthz-roundN, service-wechat-roundN),
 *                    plus both processes' whole-life profiles (node --cpu-prof; the engine's is the smaller file)
 *   --glibc-tunables GLIBC_TUNABLES for the service and its engine, to measure what the allocator keeps
 *   --heap-snapshots DIR  heap snapshots of the service at start, after the warm-up and once settled (DevTools' Memory tab)
 *   BENCH_PERF=1     starts the service with --perf-basic-prof, for `perf record -e cpu-clock -g -p PID`
 *   MONGODB_URI=…    runs against a real MongoDB (a database of the bench's own, dropped at the end): the database's
 *                    CPU then leaves this machine, which tells the engine's share of a message from the service's
 *
 * The service runs as `npm start` runs it: compiled to dist/ (scripts/build-server.mjs), NODE_ENV=production, the
 * embedded engine in its own supervised process, a temporary DATA_DIR. Two bench-only preloads: a counter of the driver's
 * commands (scripts/bench/command-counter.cjs; DB_COMMAND_METRICS would turn on the driver's command monitoring, which
 * deserialises every reply twice) and a probe (scripts/bench/wechat-probe.cjs) that reports the service's CPU time
 * and, after a full GC, its memory over IPC. The bench seeds 300 published articles and 20
 * keyword rules (3 of which the messages hit: exact, contains, RE2 regex), then sends signed callbacks:
 *   40 % text keyword hits · 30 % text misses (half find an article by search, half get the default reply)
 *   10 % subscribe (a third through a QR scene) · 5 % unsubscribe · 15 % menu clicks (latest news, suggestion form)
 * plus 2 % WeChat retries (an answered MsgId delivered again under a fresh signature: must get the same answer).
 * 2,000 followers; safe mode (AES, msg_signature) by default, as the account is configured; --mode plain for plain.
 * Every answer is checked (addressed to the sender, the right reply for its kind). The same number of GET /healthz
 * at the same concurrency, measured just before each round, is that round's baseline; a second one, measured between
 * the two, is the protocol alone: the same prepared callbacks answered by a bare node:http responder that does only
 * what WeChat's protocol requires (wechat-bare.ts: signature, AES both ways, XML, a sealed text reply; no database),
 * which tells the protocol's own cost from the app's. Each phase gets a warm-up that is not measured.
 * Printed per phase: req/s, p50/p99, failures, CPU µs per request of the service, the engine and this client (which
 * shares the machine: on 2 cores the three together bound the rate), database commands per request; memory: the
 * service's RSS, V8 heap in use and committed at start, after the warm-up, peak during the load, after each round
 * (full GC) and `--settle` seconds after the load (V8 gives back unused pages in the background, not at once).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { createLogger } from '../../src/logger';
import { Article } from '../../src/content/models/article';
import { systemClock } from '../../src/clock';
import { publishedContent } from '../../src/wechat/content-lookup';
import { KeywordService, type RuleInput } from '../../src/wechat/keywords/service';
import { WechatCrypto } from '../../src/wechat/crypto';
import { wechatSignature } from '../../src/wechat/signature';
import { parseWechatXml, text, type XmlRecord } from '../../src/wechat/xml';
import { makeArticle, rng } from './articles';
import { bundleAgainstDist } from './compiled';
import { ServiceProcess, buildServer, cpuMsOf, rssMbOf, type ServiceMemory } from './service-process';

/**
 * The probe's figures after a full GC, with the RSS as the kernel counts it a second later (/proc/PID/status):
 * V8 returns the pages a GC freed from helper threads just after it, so an RSS read right at the GC (the probe's
 * `rss`, kept as `rssAtGc`) still counts pages on their way back. Split into anonymous memory and mapped files.
 */
interface Memory extends ServiceMemory {
  rssAtGc: number;
  anonymous: number;
  fileBacked: number;
}

async function memoryOf(service: ServiceProcess): Promise<Memory> {
  const m = await service.memoryAfterGc();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const status = readFileSync(`/proc/${service.pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { ...m, rssAtGc: m.rss, rss: mb('VmRSS'), anonymous: mb('RssAnon'), fileBacked: mb('RssFile') + mb('RssShmem') };
}

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'safe' },
    'cpu-prof': { type: 'string' },
    'glibc-tunables': { type: 'string' },
    'heap-snapshots': { type: 'string' },
    settle: { type: 'string', default: '20' },
  },
});
const MESSAGES = Math.min(Number(values.messages), 50_000);
const CONCURRENCY = Math.min(Number(values.concurrency), 500);
const ROUNDS = Math.min(Number(values.rounds), 5);
const SAFE = values.mode !== 'plain';
const WARMUP = 1000;
const FOLLOWERS = 2000;
const TOKEN = 'benchToken';
const APP_ID = 'wxbench0000000001';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ACCOUNT = 'gh_bench000001';

const RULES = [
  { name: '问候', match: 'exact', pattern: '你好', reply: '您好！欢迎关注「连心」，回复「新闻」看最新动态。' },
  { name: '人代会', match: 'contains', pattern: '代表大会', reply: '人民代表大会的最新消息请看「新闻」。' },
  { name: '查询编号', match: 'regex', pattern: '^查询\\d{4}$', reply: '请在建议页面输入受理编号查询办理进度。' },
] as const;
const HITS = [
  { content: '你好', reply: RULES[0].reply },
  { content: '我想了解代表大会的安排', reply: RULES[1].reply },
  { content: '查询2031', reply: RULES[2].reply },
];
const SEARCH_WORDS = ['青山区调研', '石门县走访', '盘江县座谈', '云溪区督办'];
const MISSES = ['今天天气怎么样', '谢谢你们', '请问怎么联系工作人员', '好的收到'];

type Kind = 'hit' | 'miss' | 'subscribe' | 'unsubscribe' | 'click' | 'retry';
interface Outcome {
  ok: boolean;
  ms: number;
}

function request(agent: http.Agent, port: number, method: string, urlPath: string, body?: string): Promise<{ status: number; text: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Figure {
  label: string;
  n: number;
  rate: number;
  p50: number;
  p99: number;
  failed: number;
  cpuUs: number;
  engineUs: number;
  /** The bench's own CPU (signing, sealing, opening and checking every answer), µs per request. */
  clientUs: number;
  commands: number;
  /** Commands per request by name, e.g. "insert 2.00, update 0.02". */
  byCommand: string;
  peakRss: number;
}

/** What a phase measures: the service, or the bare protocol responder beside it (no probe, no engine, no database). */
type Target = Pick<ServiceProcess, 'pid' | 'cpuMs' | 'dbCommands' | 'enginePid' | 'profileStart' | 'profileStop'>;

async function measure(label: string, target: Target, total: number, one: (i: number) => Promise<Outcome>, profileTo?: string): Promise<Figure> {
  const enginePid = target.enginePid();
  if (profileTo) await target.profileStart();
  process.stderr.write(`${label}…\n`);
  const [cpu0, cmd0] = [1000 * (await target.cpuMs()), await target.dbCommands()];
  const engine0 = 1000 * cpuMsOf(enginePid);
  const client0 = process.cpuUsage();
  let peakRss = rssMbOf(target.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMbOf(target.pid))), 100);
  const outcomes: Outcome[] = new Array(total);
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) outcomes[i] = await one(i).catch(() => ({ ok: false, ms: 0 }));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(client0);
  clearInterval(sampler);
  const engine1 = 1000 * cpuMsOf(enginePid);
  const [cpu1, cmd1] = [1000 * (await target.cpuMs()), await target.dbCommands()];
  if (profileTo) await target.profileStop(profileTo);
  const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const pct = (p: number) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))];
  return {
    label,
    n: total,
    rate: total / seconds,
    p50: pct(50),
    p99: pct(99),
    failed: outcomes.filter((o) => !o.ok).length,
    cpuUs: (cpu1 - cpu0) / total,
    engineUs: (engine1 - engine0) / total,
    clientUs: (client.user + client.system) / total,
    commands: [...cmd1].reduce((sum, [name, n]) => sum + n - (cmd0.get(name) ?? 0), 0) / total,
    byCommand: [...cmd1]
      .map(([name, n]) => [name, (n - (cmd0.get(name) ?? 0)) / total] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${n.toFixed(2)}`)
      .join(', '),
    peakRss,
  };
}

async function load(total: number, one: (i: number) => Promise<Outcome>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < total; i = next++) await one(i).catch(() => undefined);
  }));
}

/** Seeds what a live account has, through the running service's engine (scripts attach to it). */
async function seed(dataDir: string): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}) });
  const db = await openDatabase(config, createLogger('error'), 'script');
  try {
    const r = rng(7);
    const articles = Array.from({ length: 300 }, (_, i) => ({ ...makeArticle(i, r), status: 'published', deletedAt: null, publishedAt: new Date(Date.now() - i * 3_600_000) }));
    await Article.collection.insertMany(articles);
    // Saved as an editor saves them (the admin API's service: checked, regexes stamped by the guard).
    const keywords = new KeywordService(systemClock, publishedContent);
    const rules: RuleInput[] = [
      ...RULES.map((rule) => ({ priority: 10, enabled: true, name: rule.name, match: rule.match, pattern: rule.pattern, reply: { type: 'text' as const, text: rule.reply } })),
      // Rules the messages never hit, tried (and missed) before a text falls through: a live account has a few dozen.
      ...Array.from({ length: 17 }, (_, i) => ({ priority: 5, enabled: true, name: `规则${i}`, match: i % 3 === 0 ? ('regex' as const) : ('contains' as const), pattern: i % 3 === 0 ? `^第${i}[期号]$` : `关键词${i}`, reply: { type: 'text' as const, text: `回复${i}` } })),
    ];
    for (const rule of rules) await keywords.create(rule, 'bench');
  } finally {
    await db.close();
  }
}

/** A real MongoDB keeps what the bench wrote unless it is dropped (the embedded engine's data directory is removed). */
async function dropBenchDatabase(dataDir: string): Promise<void> {
  const db = await openDatabase(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'error', MONGODB_URI: mongodbUri }), createLogger('error'), 'script');
  try {
    await mongoose.connection.db?.dropDatabase();
  } finally {
    await db.close();
  }
}

function mixKind(i: number): Exclude<Kind, 'retry'> {
  const slot = (i * 7919) % 100; // a fixed, interleaved mix
  if (slot < 40) return 'hit';
  if (slot < 70) return 'miss';
  if (slot < 80) return 'subscribe';
  if (slot < 85) return 'unsubscribe';
  return 'click';
}

/** MONGODB_URI (a real MongoDB: the engine's share of the work leaves this machine), with a database of the bench's own. */
const mongodbUri = process.env.MONGODB_URI?.replace(/\/[^/?]*(\?|$)/, `/bench_wechat_${Date.now()}$1`);

/** The bare protocol responder (wechat-bare.ts) in its own process, compiled as the service is; measured like it. */
async function startBare(): Promise<Target & { port: number; stop(): void }> {
  const script = await bundleAgainstDist(path.join(__dirname, 'wechat-bare.ts'));
  const proc = fork(script, [], { env: { ...process.env, BARE_TOKEN: TOKEN, ...(SAFE ? { BARE_APP_ID: APP_ID, BARE_AES_KEY: AES_KEY } : {}) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m) => resolve((m as { port: number }).port));
    proc.once('exit', (code) => reject(new Error(`the bare protocol responder exited (${code})`)));
  });
  const pid = proc.pid!;
  const refuse = () => Promise.reject(new Error('the bare protocol responder is not profiled'));
  return {
    port,
    pid,
    cpuMs: async () => cpuMsOf(pid),
    dbCommands: async () => new Map(),
    enginePid: () => undefined,
    profileStart: refuse,
    profileStop: refuse,
    stop: () => proc.disconnect(),
  };
}

async function main(): Promise<void> {
  buildServer();
  const bare = await startBare();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-wechat-'));
  const crypto = new WechatCrypto(APP_ID, AES_KEY);
  const profileDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const service = await ServiceProcess.start(
    dataDir,
    {
      NODE_ENV: 'production',
      // Production's default: every callback writes its access line (to /dev/null here); /healthz writes none.
      LOG_LEVEL: 'info',
      SCHEDULER_ENABLED: 'false',
      PUBLIC_BASE_URL: 'https://lianxin.example.cn',
      ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}),
      WECHAT_TOKEN: TOKEN,
      ...(SAFE ? { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: 'benchSecretNotUsed000000', WECHAT_ENCODING_AES_KEY: AES_KEY } : {}),
      // The allocator as `npm start` sets it (package.json), unless the environment says otherwise.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
      // glibc's malloc settings (e.g. glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=131072), to measure
      // what the allocator keeps; printed with the figures when given.
      ...(values['glibc-tunables'] ? { GLIBC_TUNABLES: values['glibc-tunables'] } : {}),
    },
    profileDir,
    process.env.BENCH_PERF ? ['--perf-basic-prof'] : [],
  );
  /** The service's profile of one measured phase (only that phase: no start-up, seeding or warm-up). */
  const phaseProfile = (name: string) => (profileDir ? path.join(profileDir, `service-${name}.cpuprofile`) : undefined);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let failures = 0;
  try {
    await seed(dataDir);
    // The start is read as the end is: after `--settle` seconds without load (V8 shrinks its young generation only
    // after a while idle, so an earlier reading would swing by ~30 MB with when that happened).
    const settleSeconds = Math.min(Number(values.settle), 120);
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const start = await memoryOf(service);
    const snapshotDir = values['heap-snapshots'] ? path.resolve(values['heap-snapshots']) : undefined;
    if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
    const snapshot = async (name: string) => snapshotDir && (await service.heapSnapshot(path.join(snapshotDir, `${name}.heapsnapshot`)));
    await snapshot('start');

    let msgSeq = 24_000_000_000_000_000n;
    /** Answered text messages a retry may deliver again: their XML and the plain answer they got. */
    const answered: { xml: string; answer: string }[] = [];

    /**
     * One callback as WeChat would send it, signed (and sealed in safe mode) before the phase starts: the timed phase
     * costs this client only the HTTP exchange, as a real WeChat server's work is not on our machine. Timestamps stay
     * well inside the ±5 minutes the service accepts.
     */
    interface Prepared {
      path: string;
      body: string;
      xml: string;
      user: string;
      kind: Kind;
      /** What the plain answer must say (after the addressing), checked once the phase is over. */
      check: (r: XmlRecord) => boolean;
      /** A retry: the exact plain answer the first delivery got. */
      expected?: string;
    }
    interface Answer {
      status: number;
      text: string;
      ms: number;
    }

    const seal = (xml: string): { path: string; body: string } => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(6).toString('hex');
      let body = xml;
      const query = new URLSearchParams({ signature: wechatSignature(TOKEN, timestamp, nonce), timestamp, nonce });
      if (SAFE) {
        const encrypted = crypto.seal(xml);
        body = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
        query.set('encrypt_type', 'aes');
        query.set('msg_signature', wechatSignature(TOKEN, timestamp, nonce, encrypted));
      }
      return { path: `/wechat?${query}`, body };
    };

    const prepare = (i: number, createTime: number): Prepared => {
      const user = `oBench${String(i % FOLLOWERS).padStart(22, '0')}`;
      const head = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${user}]]></FromUserName><CreateTime>${createTime}</CreateTime>`;
      if (i % 50 === 49 && answered.length) {
        const earlier = answered[(i * 31) % answered.length];
        const firstUser = text(parseWechatXml(earlier.xml), 'FromUserName');
        return { ...seal(earlier.xml), xml: earlier.xml, user: firstUser, kind: 'retry', check: () => true, expected: earlier.answer };
      }
      const kind = mixKind(i);
      let xml: string;
      let check: (r: XmlRecord) => boolean;
      if (kind === 'hit' || kind === 'miss') {
        const hit = HITS[i % HITS.length];
        const content = kind === 'hit' ? hit.content : i % 2 ? SEARCH_WORDS[i % SEARCH_WORDS.length] : MISSES[i % MISSES.length];
        xml = `${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${++msgSeq}</MsgId></xml>`;
        check = kind === 'hit' ? (r) => text(r, 'Content') === hit.reply : (r) => text(r, 'MsgType') === 'news' || text(r, 'MsgType') === 'text';
      } else if (kind === 'click') {
        const key = i % 2 ? 'LATEST_NEWS' : 'SUGGEST';
        xml = `${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey></xml>`;
        check = (r) => text(r, 'MsgType') === 'news';
      } else {
        const event = kind === 'subscribe' ? 'subscribe' : 'unsubscribe';
        const scene = kind === 'subscribe' && i % 3 === 0 ? `<EventKey><![CDATA[qrscene_meeting${i % 7}]]></EventKey>` : '';
        xml = `${head}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${scene}</xml>`;
        check = (r) => kind === 'subscribe' && text(r, 'Content').includes('感谢关注');
      }
      return { ...seal(xml), xml, user, kind, check };
    };

    /** Every message of one phase, prepared before it. */
    let phase = 0;
    const prepareAll = (total: number): Prepared[] => {
      // Events carry no MsgId (their identity is sender + CreateTime + event): each phase's pass over the followers
      // gets its own CreateTime, so only the deliberate retries are retries.
      const base = Math.floor(Date.now() / 1000) - 200 + 10 * phase++;
      return Array.from({ length: total }, (_, i) => prepare(i, base + Math.floor(i / FOLLOWERS)));
    };

    /** Checks each answer once the phase is over (the client's opening and parsing stay out of the timed phase). */
    const verify = (sent: Prepared, got: Answer): boolean => {
      if (got.status !== 200) return false;
      if (got.text === 'success') return sent.kind === 'unsubscribe' || sent.expected === 'success';
      const reply = SAFE ? crypto.open(text(parseWechatXml(got.text), 'Encrypt')).message : got.text;
      if (sent.expected !== undefined) return reply === sent.expected;
      const r = parseWechatXml(reply);
      const ok = text(r, 'ToUserName') === sent.user && text(r, 'FromUserName') === ACCOUNT && sent.check(r);
      if (ok && sent.kind !== 'subscribe' && sent.kind !== 'unsubscribe' && answered.length < 5000) answered.push({ xml: sent.xml, answer: reply });
      return ok;
    };

    /** A phase of callbacks: prepared, sent (`run` times them), then checked. Returns the number of wrong answers. */
    const wechatPhase = async (total: number, run: (one: (i: number) => Promise<Outcome>) => Promise<void>): Promise<number> => {
      const prepared = prepareAll(total);
      const answers: Answer[] = new Array(total);
      await run(async (i) => {
        const res = await request(agent, service.port, 'POST', prepared[i].path, prepared[i].body);
        answers[i] = res;
        return { ok: res.status === 200, ms: res.ms };
      });
      let wrong = 0;
      const why = new Map<string, number>();
      for (let i = 0; i < total; i++) {
        let ok = false;
        try {
          ok = answers[i] !== undefined && verify(prepared[i], answers[i]);
        } catch {
          ok = false;
        }
        if (ok) continue;
        wrong++;
        // `success` past the service's 4 s deadline is what an overloaded machine gives; anything else is a fault.
        const a = answers[i];
        const reason = !a ? 'no answer' : a.status !== 200 ? `HTTP ${a.status}` : a.text === 'success' ? `success after ${a.ms >= 4000 ? '≥' : '<'} 4 s` : 'wrong reply';
        const key = `${prepared[i].kind}: ${reason}`;
        why.set(key, (why.get(key) ?? 0) + 1);
      }
      if (wrong) process.stderr.write(`wrong answers: ${[...why].map(([k, n]) => `${k} × ${n}`).join(', ')}\n`);
      return wrong;
    };
    /** One callback of `prepared` sent to the bare protocol responder (its answers are not checked: it has no rules). */
    const bareOne = (prepared: Prepared[]) => async (i: number): Promise<Outcome> => {
      const res = await request(agent, bare.port, 'POST', prepared[i].path, prepared[i].body);
      return { ok: res.status === 200, ms: res.ms };
    };
    const healthOne = async (): Promise<Outcome> => {
      const res = await request(agent, service.port, 'GET', '/healthz');
      return { ok: res.status === 200 && res.text.includes('ok'), ms: res.ms };
    };

    await load(WARMUP, healthOne);
    await load(WARMUP, bareOne(prepareAll(WARMUP)));
    await wechatPhase(WARMUP, (one) => load(WARMUP, one));
    const warm = await memoryOf(service);
    await snapshot('after-warm-up');
    // Each round is a /healthz phase, the protocol alone and then a callback phase, compared with its own baselines:
    // the machine's speed drifts over a run (other tenants, frequency), and a baseline minutes away would carry that drift.
    const baselines: Figure[] = [];
    const protocol: Figure[] = [];
    const rounds: Figure[] = [];
    const after: Memory[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      baselines.push(await measure(`GET /healthz round ${round}`, service, MESSAGES, healthOne, phaseProfile(`healthz-round${round}`)));
      protocol.push(await measure(`protocol alone round ${round}`, bare, MESSAGES, bareOne(prepareAll(MESSAGES))));
      let f: Figure | undefined;
      const wrong = await wechatPhase(MESSAGES, async (one) => {
        f = await measure(`POST /wechat round ${round}`, service, MESSAGES, one, phaseProfile(`wechat-round${round}`));
      });
      f!.failed = wrong;
      rounds.push(f!);
      failures += wrong;
      after.push(await memoryOf(service));
    }

    // RSS once the load is over: V8 gives back the pages it no longer needs in the background after a while
    // (its memory reducer), not at the full GC right after the last message.
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const settled = await memoryOf(service);
    await snapshot('settled');

    const uptime = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\nbench:wechat — ${new Date().toISOString()}, load average ${uptime}`);
    console.log(`${SAFE ? 'safe mode (AES)' : 'plain mode'}, ${CONCURRENCY} keep-alive connections, ${MESSAGES} requests per phase after ${WARMUP} of warm-up each; ` +
      `npm start's build (NODE_ENV=production, ${mongodbUri ? 'the database at MONGODB_URI' : 'engine in its own process'}${values['glibc-tunables'] ? `, GLIBC_TUNABLES=${values['glibc-tunables']}` : ''}); mix 40 % keyword hits, 30 % misses, 10 % subscribe, 5 % unsubscribe, 15 % menu clicks, 2 % retries\n`);
    const cols = ['phase', 'req/s', 'of /healthz', 'p50 ms', 'p99 ms', 'failed', 'CPU µs/req', 'engine µs/req', 'client µs/req', 'db cmds/req'];
    console.log(cols.map((c, i) => (i ? c.padStart(14) : c.padEnd(26))).join(''));
    rounds.forEach((round, i) => {
      for (const f of [baselines[i], protocol[i], round]) {
        const cells = [f.label, f.rate.toFixed(0), `${((100 * f.rate) / baselines[i].rate).toFixed(1)} %`, f.p50.toFixed(1), f.p99.toFixed(1), String(f.failed), f.cpuUs.toFixed(0), mongodbUri ? '—' : f.engineUs.toFixed(0), f.clientUs.toFixed(0), f.commands.toFixed(2)];
        console.log(cells.map((c, i) => (i ? c.padStart(14) : c.padEnd(26))).join(''));
      }
    });
    for (const f of rounds) console.log(`${f.label}: database commands per message: ${f.byCommand || 'none'}`);
    const ratios = rounds.map((f, i) => f.rate / baselines[i].rate);
    const worst = Math.min(...ratios);
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const cpuRatio = mean(rounds.map((f, i) => f.cpuUs / baselines[i].cpuUs));
    const all = (f: Figure) => f.cpuUs + f.engineUs + f.clientUs;
    console.log(`\nthroughput: ${ratios.map((r) => `${(100 * r).toFixed(1)} %`).join(', ')} of the round's /healthz (goal ≥ 50 %: ${worst >= 0.5 ? 'met' : 'not met'} in the worst round); ` +
      `service CPU per message ${cpuRatio.toFixed(1)}× /healthz's (/healthz's share by CPU: ${(100 / cpuRatio).toFixed(0)} %); ` +
      `${mongodbUri ? 'the service and this client (the database, at MONGODB_URI, is not on these cores\' books)' : 'all three processes (service + engine + this client)'} ` +
      `${mean(rounds.map(all)).toFixed(0)} µs per message against ${mean(baselines.map(all)).toFixed(0)} for /healthz on ${cpus().length} cores`);
    const ofProtocol = rounds.map((f, i) => f.rate / protocol[i].rate);
    console.log(`the protocol alone (bare node:http: ${SAFE ? 'signature, AES both ways, XML, a sealed text reply' : 'signature, XML, a text reply'}; no database): ` +
      `${protocol.map((f, i) => `${((100 * f.rate) / baselines[i].rate).toFixed(1)} %`).join(', ')} of the round's /healthz, ` +
      `${mean(protocol.map((f) => f.cpuUs)).toFixed(0)} µs of CPU per message; the service's callbacks ${ofProtocol.map((r) => `${(100 * r).toFixed(1)} %`).join(', ')} of it ` +
      `(service CPU ${mean(rounds.map((f, i) => f.cpuUs / protocol[i].cpuUs)).toFixed(1)}× the protocol's: the app's share is the rest)`);
    const mem = (m: Memory) =>
      `${m.rss.toFixed(0)} MB (${m.rssAtGc.toFixed(0)} right at the GC; anonymous ${m.anonymous.toFixed(0)}, files ${m.fileBacked.toFixed(0)}; heap ${m.heap.toFixed(0)} in use of ${m.heapCommitted.toFixed(0)} committed: new space ${m.newSpace.toFixed(0)}, code ${m.codeSpace.toFixed(0)}; external ${m.external.toFixed(0)})`;
    console.log(`service RSS after a full GC: at start (${settleSeconds} s idle after seeding) ${mem(start)}, after warm-up ${mem(warm)}, ` +
      after.map((m, i) => `after round ${i + 1} ${mem(m)}`).join(', ') + `; peak during the rounds ${Math.max(...rounds.map((f) => f.peakRss)).toFixed(0)} MB`);
    console.log(`after ${settleSeconds} s without load: ${mem(settled)}`);
    const last = settled;
    const grew = last.rss - warm.rss;
    const sign = (mb: number) => `${mb >= 0 ? '+' : ''}${mb.toFixed(0)} MB`;
    console.log(`RSS ${settleSeconds} s after ${MESSAGES * ROUNDS} messages vs after warm-up: ${sign(grew)}, vs at start ${sign(last.rss - start.rss)} (goal: back to its start, within 10 %: ${last.rss - start.rss <= start.rss * 0.1 ? 'met' : 'not met'}); ` +
      `V8 heap in use ${sign(last.heap - warm.heap)} (retained by the app's objects)` +
      (after.length > 1 ? `; RSS in the last round alone ${sign(after[after.length - 1].rss - after[after.length - 2].rss)}` : '') +
      (mongodbUri ? '; database at MONGODB_URI' : `; engine process ${rssMbOf(service.enginePid()).toFixed(0)} MB`));
    console.log(failures === 0 ? 'every answer was checked and right' : `${failures} answers were wrong or missing`);
  } finally {
    agent.destroy();
    bare.stop();
    await service.stop();
    if (mongodbUri) await dropBenchDatabase(dataDir).catch((err: unknown) => console.error('could not drop the bench database', err));
    await mongoose.disconnect().catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
