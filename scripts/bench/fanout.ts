/**
 * npm run bench:fanout [-- --recipients 10000 --runs 1 --warmup 400 --cpu-prof DIR] — one SMS announcement to 10,000 deputies
 * through the real pipeline, as a reviewer sends it: POST /api/admin/articles/:id/publish (an admin confirming the
 * large send) → plan → delivery ledger → worker → SMS channel → Tencent provider SDK, against the local fake Tencent
 * SMS server (200 numbers per request). The service runs as `npm start` runs it (compiled dist/, NODE_ENV=production,
 * the embedded engine in its own process; scripts/bench/service-process.ts), so its memory is the service's own.
 *
 * Baselines in the same run, each after its own warm-up (the pipeline's: a 400-number publication first):
 *   - the bare loop: the same 50 SendSms requests through the same SDK, sequential and 4 at a time;
 *   - the bare recorded loop: the least a pipeline that records every number and never texts anyone twice after a
 *     crash could do — read the audience once with a cursor; per 200-number batch one insert before the request
 *     (the claim), one SendSms, one update after it (the results). Sequential, without opt-outs, limits or ledger.
 * Printed: publish → all recorded, the ratios against both with the goal beside them, the provider's own time, what
 * the pipeline adds per batch beyond it, database commands per batch, CPU of the service and the engine, and the
 * service's RSS before (after a full GC), peak during the fan-out and after (full GC). Database commands are counted
 * by a preload (command-counter.cjs), not DB_COMMAND_METRICS: the driver's command monitoring deserialises every reply
 * a second time for its events, ~40 MB more garbage per fan-out than the service makes under `npm start`.
 *
 * --runs N (≤ 5) repeats the pipeline and both loops N times, each round with its own 10,000 deputies, and prints
 * the medians with their ranges (a shared machine's noise). RECIPIENTS=… is read too (as before). --cpu-prof DIR writes .cpuprofile files of the service and of its engine
 * (the engine process inherits the flag) for Chrome DevTools. MONGODB_URI=… runs against a real MongoDB instead.
 * --phase-prof DIR profiles the service's CPU over each pipeline round only; --heap-prof DIR samples its allocations
 * over each round (collected ones included: where the young and old spaces fill from); --node-args=FLAGS passes V8
 * flags to the service (e.g. --max-semi-space-size=8). The RSS line is followed by what the RSS was made of at the
 * highest sample taken every 20 ms during the fan-outs (V8 committed by space, memory outside V8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { Types } from 'mongoose';
import { sms as tencent } from 'tencentcloud-sdk-nodejs-sms';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db';
import { createLogger } from '../../src/logger';
import { createUser } from '../../src/auth/service';
import { Article } from '../../src/content/models/article';
import { Deputy } from '../../src/content/models/deputy';
import { Publication } from '../../src/publishing/models/publication';
import { Delivery } from '../../src/publishing/models/delivery';
import { startFakeTencentSms } from '../../test/fakes';
import { ServiceProcess, buildServer, cpuMsOf, peakRss, rssMbOf } from './service-process';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: process.env.RECIPIENTS ?? '10000' },
    warmup: { type: 'string', default: '400' },
    runs: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
    'phase-prof': { type: 'string' },
    'heap-prof': { type: 'string' },
    'node-args': { type: 'string', default: '' },
  },
});
const RECIPIENTS = Math.min(Number(values.recipients), 200_000);
const WARMUP = Math.min(Number(values.warmup), 5_000);
const RUNS = Math.max(1, Math.min(Number(values.runs), 5));
const PER_REQUEST = 200;
const REGION = '基准区';
const WARMUP_REGION = '预热区';
const SIGN = '连心';
const APP_ID = '1400000000';

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

async function seedDeputies(count: number, region: string, from: number): Promise<string[]> {
  const owner = new Types.ObjectId();
  const now = new Date();
  const phones: string[] = [];
  for (let i = 0; i < count; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, count - i) }, (_, j) => {
      const n = from + i + j;
      phones.push(`+86137${String(n).padStart(8, '0')}`);
      return {
        name: `代表${n}`,
        level: 'county',
        slug: `bench-deputy-${n}`,
        phones: [`137${String(n).padStart(8, '0')}`],
        region: { city: '海州市', county: region },
        regionKeys: ['海州市', region],
        status: 'published',
        version: 1,
        createdBy: owner,
        updatedBy: owner,
        createdAt: now,
        updatedAt: now,
      };
    });
    await Deputy.insertMany(docs, { lean: true });
  }
  return phones;
}

async function approvedArticle(slug: string): Promise<string> {
  const owner = new Types.ObjectId();
  const now = new Date();
  const article = await Article.create({
    title: '关于开展代表履职宣传周活动的通知',
    slug,
    body: '各位代表：本周开展履职宣传活动，详情请见链接。',
    status: 'approved',
    version: 1,
    createdBy: owner,
    updatedBy: owner,
    createdAt: now,
    updatedAt: now,
  });
  return String(article._id);
}

interface Run {
  /** POST → 201 (the admin's confirmation counts the audience first). */
  answeredMs: number;
  /** POST → the publication's final status (every delivery recorded and rolled up). */
  totalMs: number;
  /** POST → the last delivery settled (before the publication's roll-up). */
  lastSettledMs: number;
  /** POST → planning finished. */
  plannedMs: number;
  publicationId: string;
  status: string;
  /** The service's CPU time (ms since it started) when the POST was answered. */
  cpuAnsweredMs: number;
  /** Reads of the publication's status by this bench (every 10 ms): engine work that is not the service's. */
  polls: number;
}

interface Round extends Run {
  requests: number;
  deliveries: number;
  /** Database commands per batch, and by command name. */
  commands: number;
  byCommand: string;
  cpuMs: number;
  countCpuMs: number;
  engineCpuMs: number;
  loopMs: number;
  parallelMs: number;
  recordedMs: number;
}

/** Publishes the article to a region's deputies through the API and waits until every delivery is recorded. */
async function publish(service: ServiceProcess, token: string, articleId: string, region: string): Promise<Run> {
  const started = Date.now();
  const t0 = performance.now();
  const res = await fetch(`${service.url}/api/admin/articles/${articleId}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channels: ['sms'], audience: { deputies: { regions: [region] } }, sms: { notification: 'news', confirmLargeSend: true } }),
  });
  const answeredMs = performance.now() - t0;
  if (res.status !== 201) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  const cpuAnsweredMs = await service.cpuMs();
  const { id } = (await res.json()) as { id: string };
  let status = '';
  let polls = 0;
  while (!['sent', 'partial', 'failed'].includes(status)) {
    await new Promise((r) => setTimeout(r, 10));
    polls += 1;
    status = (await Publication.findById(id).select('status').lean())?.status ?? '';
  }
  const totalMs = performance.now() - t0;
  const pub = (await Publication.findById(id).select('startedAt').lean())!;
  const last = await Delivery.findOne({ publicationId: id }).sort({ settledAt: -1 }).select('settledAt').lean();
  return {
    answeredMs,
    totalMs,
    lastSettledMs: (last?.settledAt?.getTime() ?? started) - started,
    plannedMs: (pub.startedAt?.getTime() ?? started) - started,
    publicationId: id,
    status,
    cpuAnsweredMs,
    polls,
  };
}

async function main() {
  buildServer();
  const fake = await startFakeTencentSms({ maxNumbersPerRequest: PER_REQUEST });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-fanout-'));
  const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
  const phaseProfDir = values['phase-prof'] ? path.resolve(values['phase-prof']) : undefined;
  const heapProfDir = values['heap-prof'] ? path.resolve(values['heap-prof']) : undefined;
  const mongodbUri = process.env.MONGODB_URI?.replace(/\/[^/?]*(\?|$)/, `/bench_fanout_${Date.now()}$1`);
  const service = await ServiceProcess.start(
    dataDir,
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      PUBLIC_BASE_URL: 'http://lianxin.bench',
      SMS_PROVIDER: 'tencent',
      SMS_ENDPOINT: fake.url,
      TENCENT_SECRET_ID: 'AKIDbench',
      TENCENT_SECRET_KEY: 'bench-key',
      TENCENT_SMS_APP_ID: APP_ID,
      SMS_RECEIPT_TOKEN: 'bench-receipt-token-0123456789',
      ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}),
      // As `npm start` sets it (package.json): glibc's malloc arenas capped at 2. MALLOC_ARENA_MAX=16 (glibc's default on
      // 2 cores, 8 per core) shows the difference: over three fan-outs the service's RSS then peaks some 20 MB higher
      // while its V8 heap is the same.
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    },
    cpuProfDir,
    // Database commands are counted by a preload (ServiceProcess.dbCommands), not DB_COMMAND_METRICS: the driver's
    // command monitoring would deserialise every reply twice and add its garbage to the memory measured here.
    values['node-args'].split(/\s+/).filter(Boolean),
  );
  // This process attaches to the service's engine (as scripts do) to seed, and to follow the publication.
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(mongodbUri ? { MONGODB_URI: mongodbUri } : {}) });
  const db = await openDatabase(config, createLogger('error'), 'script');
  try {
    await seedDeputies(WARMUP, WARMUP_REGION, 50_000_000);
    const warmArticleId = await approvedArticle('bench-warmup');
    const password = `bench-${new Types.ObjectId().toHexString()}`;
    await createUser({ username: 'bench-admin', password, role: 'admin' }, new Date());
    const login = await fetch(`${service.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password }) });
    const { token } = (await login.json()) as { token: string };

    // Warm-up (not measured): a small publication through the same path, other numbers.
    const warm = await publish(service, token, warmArticleId, WARMUP_REGION);
    if (warm.status !== 'sent') throw new Error(`warm-up publication ended ${warm.status}`);

    const client = new tencent.v20210111.Client({
      credential: { secretId: 'AKIDbench', secretKey: 'bench-key' },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: new URL(fake.url).host, protocol: 'http://', reqTimeout: 15 } },
    });
    const send = (numbers: string[]) =>
      client.SendSms({
        PhoneNumberSet: numbers,
        SmsSdkAppId: APP_ID,
        TemplateId: '2001',
        SignName: SIGN,
        TemplateParamSet: ['关于开展代表履职宣传周活动的通知', 'http://lianxin.bench/l/AbCdEf'],
        SessionContext: new Types.ObjectId().toHexString(),
      });
    const requests = Math.ceil(RECIPIENTS / PER_REQUEST);
    const lanes = 4;
    const floor = mongoose.connection.collection<{ _id: Types.ObjectId; at: Date; r: Array<{ p: string; s: string; id?: string }> }>('bench_recorded_loop');
    await floor.createIndex({ 'r.p': 1 });
    /** The least that records every number and survives a crash without texting anyone twice (see the top). */
    const recordedLoop = async (region: string) => {
      let batch: string[] = [];
      const flush = async () => {
        const _id = new Types.ObjectId();
        await floor.insertOne({ _id, at: new Date(), r: batch.map((p) => ({ p, s: 'sending' })) });
        const answer = await send(batch);
        await floor.updateOne({ _id }, { $set: { r: (answer.SendStatusSet ?? []).map((x) => ({ p: x.PhoneNumber!, s: x.Code === 'Ok' ? 'sent' : 'failed', id: x.SerialNo })) } });
        batch = [];
      };
      for await (const d of Deputy.collection.find({ deletedAt: null, regionKeys: { $in: [region] } }, { projection: { phones: 1 }, sort: { _id: 1 }, batchSize: 1000 })) {
        batch.push(`+86${(d.phones as string[])[0]}`);
        if (batch.length === PER_REQUEST) await flush();
      }
      if (batch.length) await flush();
    };
    await recordedLoop(WARMUP_REGION); // warm-up
    for (let k = 0; k < 5; k++) await send([`+8613900000${String(k).padStart(3, '0')}`]);

    const enginePid = service.enginePid();
    const before = await service.memoryAfterGc();
    const engineBefore = rssMbOf(enginePid);
    let peakMb = 0;
    let enginePeakMb = 0;
    let atPeak: Awaited<ReturnType<ServiceProcess['memoryNow']>> | undefined;
    const rounds: Round[] = [];
    for (let k = 0; k < RUNS; k++) {
      // Each round its own deputies (a number texted within 30 s would wait for the frequency limit) and article.
      const region = `${REGION}${k}`;
      const phones = await seedDeputies(RECIPIENTS, region, k * 1_000_000);
      const articleId = await approvedArticle(`bench-announcement-${k}`);
      const numbersBefore = fake.state.numbers.length;
      const requestsBefore = fake.state.sendRequests;

      // 1. The pipeline.
      const [cpu0, engineCpu0, commands0] = [await service.cpuMs(), cpuMsOf(enginePid), await service.dbCommands()];
      const peak = peakRss(service.pid);
      const enginePeak = peakRss(enginePid);
      if (phaseProfDir) await service.profileStart();
      if (heapProfDir) await service.heapSampleStart();
      // What the service's RSS is made of at its highest sample during the fan-out (the probe answers between tasks).
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const m = await service.memoryNow();
          if (!atPeak || m.rss > atPeak.rss) atPeak = m;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const run = await publish(service, token, articleId, region).finally(() => (sampling = false));
      await sampler;
      if (phaseProfDir) await service.profileStop(path.join(phaseProfDir, `fanout-service-round${k + 1}.cpuprofile`));
      if (heapProfDir) await service.heapSampleStop(path.join(heapProfDir, `fanout-service-round${k + 1}.heapprofile`));
      peakMb = Math.max(peakMb, peak.stop());
      enginePeakMb = Math.max(enginePeakMb, enginePeak.stop());
      const [cpu1, engineCpu1, commands1] = [await service.cpuMs(), cpuMsOf(enginePid), await service.dbCommands()];
      const deliveries = await Delivery.find({ publicationId: run.publicationId }).select('status attempts').lean();
      const received = fake.state.numbers.slice(numbersBefore);
      const distinct = new Set(received).size;
      const pipelineRequests = fake.state.sendRequests - requestsBefore;
      if (run.status !== 'sent' || distinct !== RECIPIENTS || received.length !== RECIPIENTS || deliveries.some((d) => d.attempts !== 1)) {
        throw new Error(`round ${k + 1}: the fan-out did not text every number exactly once (${run.status}, ${received.length} received, ${distinct} distinct)`);
      }
      const byCommand = [...commands1]
        .map(([name, n]) => [name, n - (commands0.get(name) ?? 0)] as const)
        .filter(([name, n]) => n > 0 && !['hello', 'isMaster', 'ismaster', 'listIndexes'].includes(name))
        .sort((a, b) => b[1] - a[1]);

      // 2. The bare loop: the same SendSms requests through the same SDK, sequential and 4 at a time.
      const chunk = (i: number) => phones.slice(i * PER_REQUEST, (i + 1) * PER_REQUEST);
      const t1 = performance.now();
      for (let i = 0; i < requests; i++) await send(chunk(i));
      const loopMs = performance.now() - t1;
      const t2 = performance.now();
      await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
        for (let i = lane; i < requests; i += lanes) await send(chunk(i));
      }));
      const parallelMs = performance.now() - t2;

      // 3. The bare recorded loop over the same deputies.
      await floor.deleteMany({});
      const t3 = performance.now();
      await recordedLoop(region);
      const recordedMs = performance.now() - t3;

      rounds.push({
        ...run,
        requests: pipelineRequests,
        deliveries: deliveries.length,
        commands: byCommand.reduce((a, [, n]) => a + n, 0) / Math.max(1, deliveries.length),
        byCommand: byCommand.map(([c, n]) => `${c} ${n}`).join(', '),
        cpuMs: cpu1 - cpu0,
        countCpuMs: run.cpuAnsweredMs - cpu0,
        engineCpuMs: engineCpu1 - engineCpu0,
        loopMs,
        parallelMs,
        recordedMs,
      });
      console.log(`round ${k + 1}/${RUNS}: publish → all recorded ${fmt(run.totalMs)}, bare loop ${fmt(loopMs)}, bare recorded loop ${fmt(recordedMs)}`);
    }
    const after = await service.memoryAfterGc();
    const engineAfter = rssMbOf(enginePid);

    const med = (f: (r: Round) => number) => {
      const xs = rounds.map(f).sort((a, b) => a - b);
      return xs.length % 2 ? xs[(xs.length - 1) / 2] : (xs[xs.length / 2 - 1] + xs[xs.length / 2]) / 2;
    };
    /** The median, and the range over the rounds when there are several. */
    const span = (f: (r: Round) => number, unit = ' ms', digits = 0) => {
      const xs = rounds.map(f);
      const m = med(f).toFixed(digits);
      return xs.length > 1 ? `${m}${unit} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})` : `${m}${unit}`;
    };
    const last = rounds[rounds.length - 1];
    /** The engine's figures: none when the database is a real MongoDB (MONGODB_URI), whose work is not on this machine. */
    const onMachine = (figure: string) => (mongodbUri ? '— (the database is at MONGODB_URI)' : figure);
    const lines: Array<[string, string]> = [
      ['recipients', `${RECIPIENTS} per round, ${RUNS} round(s), each texted exactly once (warm-up publication before: ${WARMUP}, not measured)`],
      ['ledger deliveries / provider requests per round', `${last.deliveries} / ${last.requests}`],
      ['pipeline: POST publish → all recorded (publication settled)', span((r) => r.totalMs)],
      ['  POST answered (the admin confirmation counts the audience)', `${span((r) => r.answeredMs)}; service CPU ${span((r) => r.countCpuMs)}`],
      ['  POST → planning finished (sending starts with its first batch)', span((r) => r.plannedMs)],
      ['  POST → last delivery recorded', span((r) => r.lastSettledMs)],
      ['  database commands per 200-number batch', `${span((r) => r.commands, '', 1)} (last round: ${last.byCommand})`],
      ['  CPU: service process / engine process', `${span((r) => r.cpuMs)} / ${onMachine(`${span((r) => r.engineCpuMs)} (the engine's includes this bench's status reads, ${last.polls} in the last round)`)}`],
      ['  CPU per batch: service / engine', `${span((r) => r.cpuMs / r.deliveries, ' ms', 1)} / ${onMachine(span((r) => r.engineCpuMs / r.deliveries, ' ms', 1))}`],
      [`bare loop: ${requests} SendSms, sequential`, `${span((r) => r.loopMs)}; ${span((r) => r.loopMs / requests, ' ms', 1)} per request`],
      [`bare loop: ${requests} SendSms, ${lanes} at a time`, span((r) => r.parallelMs)],
      ['bare recorded loop: audience by cursor; per batch insert, SendSms, update', span((r) => r.recordedMs)],
      ['ratio: pipeline / bare sequential loop', `${span((r) => r.totalMs / r.loopMs, '×', 2)} (goal ≤ 1.1×)`],
      ['ratio: pipeline / bare recorded loop', `${span((r) => r.totalMs / r.recordedMs, '×', 2)}; the bare recorded loop itself is ${span((r) => r.recordedMs / r.loopMs, '×', 2)} the bare loop`],
      ["pipeline time beyond the provider's own, per batch", `${span((r) => (r.totalMs - r.loopMs) / requests, ' ms', 1)} (bare recorded loop: ${span((r) => (r.recordedMs - r.loopMs) / requests, ' ms', 1)})`],
      ['service RSS before (after a full GC) / peak during the fan-outs / after (full GC)', `${before.rss.toFixed(0)} / ${peakMb.toFixed(0)} / ${after.rss.toFixed(0)} MB (goal: peak < 200 MB); V8 heap ${before.heap.toFixed(0)} → ${after.heap.toFixed(0)} MB`],
      [
        '  at the highest sampled RSS (every 20 ms, no GC)',
        atPeak
          ? `RSS ${atPeak.rss.toFixed(0)} MB = V8 committed ${atPeak.heapCommitted.toFixed(0)} (new space ${atPeak.newSpace.toFixed(0)}, old ${atPeak.oldSpace.toFixed(0)}, large objects ${atPeak.largeObjects.toFixed(0)}; in use ${atPeak.heapUsed.toFixed(0)}) + outside V8 ${(atPeak.rss - atPeak.heapCommitted).toFixed(0)} (external ${atPeak.external.toFixed(0)}, of it ArrayBuffers ${atPeak.arrayBuffers.toFixed(0)}; the rest code, stacks, malloc)`
          : '—',
      ],
      ['engine RSS before / peak / after', onMachine(`${engineBefore.toFixed(0)} / ${enginePeakMb.toFixed(0)} / ${engineAfter.toFixed(0)} MB`)],
      ['service', `compiled dist/main.js (npm start), NODE_ENV=production, ${mongodbUri ? 'MONGODB_URI' : `embedded engine in process ${enginePid}`}`],
      ['load average (1, 5, 15 min)', loadavg().map((l) => l.toFixed(2)).join(' ')],
    ];
    const width = Math.max(...lines.map(([k]) => k.length));
    console.log(`\nbench:fanout — one SMS announcement through the publishing pipeline, ${new Date().toISOString()}${RUNS > 1 ? '; medians, ranges in brackets' : ''}\n`);
    for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
    console.log('');
  } finally {
    // A real MongoDB keeps what the bench wrote unless it is dropped (the embedded engine's data directory goes below).
    if (mongodbUri) await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await db.close().catch(() => undefined);
    await service.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
