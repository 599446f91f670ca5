/**
 * npm run bench:fanout — one SMS announcement to 10,000 deputies through the real pipeline
 * (publication → plan → delivery ledger → worker → SMS channel → Tencent provider SDK) against the local fake
 * Tencent SMS server (200 numbers per request), next to a bare loop of the same 50 SendSms requests through the
 * same SDK. The ratio is the pipeline's overhead. Peak RSS is sampled every 20 ms (this process also runs the
 * embedded database engine unless MONGODB_URI is set, so RSS includes it).
 *
 * Options: RECIPIENTS=10000, MONGODB_URI=… (a real server instead of the embedded engine), CPU_PROFILE=file.cpuprofile
 * (this process over the pipeline run, for Chrome DevTools), TRACE_COMMAND=name (a stack for each such database command).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { sms as tencent } from 'tencentcloud-sdk-nodejs-sms';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/server';
import { createPublication } from '../../src/publishing';
import { Publication } from '../../src/publishing/models/publication';
import { Delivery } from '../../src/publishing/models/delivery';
import { Article } from '../../src/content/models/article';
import { Deputy } from '../../src/content/models/deputy';
import { startFakeTencentSms } from '../../test/fakes';
import { countCommands } from './command-count';

/** A CPU profile of this process over the pipeline run only (CPU_PROFILE=file.cpuprofile), for Chrome DevTools. */
async function startProfile() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const RECIPIENTS = Number(process.env.RECIPIENTS ?? 10_000);
const PER_REQUEST = 200;

/** RSS of another process (the engine's), from /proc; 0 where there is no /proc. */
function rssOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system) another process has used so far, from /proc; 0 where there is no /proc. */
function cpuMsOfPid(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** Peak RSS of this process and of the engine process, sampled every 20 ms (process.memoryUsage.rss() is cheap). */
function rssSampler(enginePid?: number) {
  let peak = process.memoryUsage.rss();
  let enginePeak = rssOfPid(enginePid);
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    enginePeak = Math.max(enginePeak, rssOfPid(enginePid));
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return { app: Math.max(peak, process.memoryUsage.rss()), engine: Math.max(enginePeak, rssOfPid(enginePid)) };
    },
  };
}

// A full GC before the "before" reading, so that it is what the service holds rather than the seed's garbage.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const fake = await startFakeTencentSms({ maxNumbersPerRequest: PER_REQUEST });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-fanout-'));
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    SCHEDULER_ENABLED: 'false',
    PUBLIC_BASE_URL: 'http://lianxin.bench',
    SMS_PROVIDER: 'tencent',
    SMS_ENDPOINT: fake.url,
    TENCENT_SECRET_ID: 'AKIDbench',
    TENCENT_SECRET_KEY: 'bench-key',
    TENCENT_SMS_APP_ID: '1400000000',
    SMS_RECEIPT_TOKEN: 'bench-receipt-token-0123456789',
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI.replace(/\/[^/?]*(\?|$)/, `/bench_fanout_${Date.now()}$1`) } : {}),
  };
  const config = loadConfig(env);
  const service = await startService(config);
  try {
    // Seed (not timed): deputies with distinct numbers, one approved article.
    const owner = new Types.ObjectId();
    const now = new Date();
    let docs: Array<Record<string, unknown>> | undefined = Array.from({ length: RECIPIENTS }, (_, i) => ({
      name: `代表${i}`,
      level: 'county',
      slug: `bench-deputy-${i}`,
      phones: [`137${String(i).padStart(8, '0')}`],
      region: { city: '海州市', county: '基准区' },
      regionKeys: ['海州市', '基准区'],
      status: 'published',
      version: 1,
      createdBy: owner,
      updatedBy: owner,
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < docs.length; i += 2000) await Deputy.insertMany(docs.slice(i, i + 2000), { lean: true });
    const phones = docs.map((d) => `+86${(d.phones as string[])[0]}`);
    docs = undefined; // the seed is not what the service holds
    const article = await Article.create({
      title: '关于开展代表履职宣传周活动的通知',
      slug: 'bench-announcement',
      body: '各位代表：本周开展履职宣传活动，详情请见链接。',
      status: 'approved',
      version: 1,
      createdBy: owner,
      updatedBy: owner,
      createdAt: now,
      updatedAt: now,
    });

    // 1. The pipeline.
    const enginePid = service.database.enginePid?.();
    gc();
    const baseRss = process.memoryUsage.rss();
    const baseEngineRss = rssOfPid(enginePid);
    const sampler = rssSampler(enginePid);
    const commands = countCommands();
    const profiler = process.env.CPU_PROFILE ? await startProfile() : undefined;
    const cpu0 = process.cpuUsage();
    const engineCpu0 = cpuMsOfPid(enginePid);
    const t0 = performance.now();
    const { publication } = await createPublication({
      kind: 'article',
      itemId: String(article._id),
      channels: ['sms'],
      audience: { deputies: { regions: ['基准区'] } },
      sms: { notification: 'news' },
      createdBy: 'bench',
    });
    let status = '';
    while (!['sent', 'partial', 'failed'].includes(status)) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await Publication.findById(publication._id).select('status').lean())?.status ?? '';
    }
    const pipelineMs = performance.now() - t0;
    const pipelinePeak = sampler.stop();
    const byCommand = commands.stop();
    const cpu = process.cpuUsage(cpu0);
    const engineCpuMs = cpuMsOfPid(enginePid) - engineCpu0;
    if (profiler) await profiler.stop(process.env.CPU_PROFILE!);
    const deliveries = await Delivery.find({ publicationId: publication._id }).select('status attempts').lean();
    const pubDoc = (await Publication.findById(publication._id).lean())!;
    const pipelineRequests = fake.state.sendRequests;
    const calls = (await service.services.metrics.registry.getSingleMetric('lianxin_channel_call_seconds')?.get())?.values ?? [];
    const channelSeconds = calls.find((v) => (v as { metricName?: string }).metricName === 'lianxin_channel_call_seconds_sum' && v.labels.channel === 'sms')?.value ?? 0;
    const pipelineNumbers = fake.state.numbers.length;
    const distinct = new Set(fake.state.numbers).size;

    // 2. The baseline: the same SendSms requests (200 numbers each) in a bare loop through the same SDK.
    const client = new tencent.v20210111.Client({
      credential: { secretId: 'AKIDbench', secretKey: 'bench-key' },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: new URL(fake.url).host, protocol: 'http://', reqTimeout: 15 } },
    });
    const requests = Math.ceil(RECIPIENTS / PER_REQUEST);
    const send = (k: number) =>
      client.SendSms({
        PhoneNumberSet: phones.slice(k * PER_REQUEST, (k + 1) * PER_REQUEST),
        SmsSdkAppId: '1400000000',
        TemplateId: '2001',
        SignName: config.sms.signName,
        TemplateParamSet: ['关于开展代表履职宣传周活动的通知', 'http://lianxin.bench/articles/bench-announcement'],
        SessionContext: new Types.ObjectId().toHexString(),
      });
    const baseSampler = rssSampler();
    const t1 = performance.now();
    for (let k = 0; k < requests; k++) await send(k);
    const loopMs = performance.now() - t1;
    const t2 = performance.now();
    const lanes = config.publishing.concurrency;
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        for (let k = lane; k < requests; k += lanes) await send(k);
      }),
    );
    const parallelMs = performance.now() - t2;
    const baselinePeak = baseSampler.stop();
    // After the load: what the service keeps once the fan-out is over (a full GC first).
    gc();
    await new Promise((r) => setTimeout(r, 200));
    const afterRss = process.memoryUsage.rss();
    const afterEngineRss = rssOfPid(enginePid);

    const rows: Array<[string, string]> = [
      ['recipients', String(RECIPIENTS)],
      ['numbers per provider request', String(PER_REQUEST)],
      ['ledger deliveries', `${deliveries.length} (${deliveries.filter((d) => d.status === 'sent').length} sent, max attempts ${Math.max(...deliveries.map((d) => d.attempts))})`],
      ['provider requests (pipeline)', String(pipelineRequests)],
      ['numbers received / distinct', `${pipelineNumbers} / ${distinct}`],
      ['publication status', status],
      ['pipeline: publish → all recorded', `${pipelineMs.toFixed(0)} ms`],
      ['  planning (audience → 50 ledger records; sending starts after its first batch)', `${(pubDoc.startedAt!.getTime() - pubDoc.createdAt.getTime()).toFixed(0)} ms`],
      // The service's index check at start (one listIndexes per collection) may still be running: not the fan-out's.
      ['  database commands during the run (by command and collection)', Object.entries(byCommand).filter(([k]) => !k.startsWith('listIndexes')).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')],
      ['  database commands per 200-number batch (the bench polls publications every 10 ms besides)', (Object.entries(byCommand).filter(([k]) => !k.startsWith('listIndexes') && k !== 'find publications').reduce((a, [, v]) => a + v, 0) / Math.max(1, deliveries.length)).toFixed(1)],
      ['  CPU used: app process / engine process', `${((cpu.user + cpu.system) / 1000).toFixed(0)} ms / ${enginePid ? `${engineCpuMs.toFixed(0)} ms` : 'n/a'}`],
      ['  time inside the SMS channel, summed over batches', `${(channelSeconds * 1000).toFixed(0)} ms (${(channelSeconds * 1000 / deliveries.length).toFixed(0)} ms per batch)`],
      [`bare loop: ${requests} SendSms, sequential`, `${loopMs.toFixed(0)} ms`],
      [`bare loop: ${requests} SendSms, ${lanes} at a time (worker concurrency)`, `${parallelMs.toFixed(0)} ms`],
      ['overhead ratio (pipeline / sequential loop)', `${(pipelineMs / loopMs).toFixed(2)}×`],
      [`overhead ratio (pipeline / ${lanes}-lane loop)`, `${(pipelineMs / parallelMs).toFixed(2)}×`],
      ['overhead goal', '≤ 1.1× the sequential loop'],
      ['app process RSS before the run (after a full GC)', mb(baseRss)],
      ['app process peak RSS during the pipeline run', `${mb(pipelinePeak.app)} (goal < 200 MB)`],
      ['app process peak RSS during the bare loops', mb(baselinePeak.app)],
      ['app process RSS after the load (after a full GC)', `${mb(afterRss)} (goal: back to the before figure)`],
      ['engine process RSS after the load', enginePid ? mb(afterEngineRss) : 'n/a'],
      ['engine process RSS before / peak during the pipeline', enginePid ? `${mb(baseEngineRss)} / ${mb(pipelinePeak.engine)}` : 'n/a (not this service’s engine)'],
      ['database', service.database.description + (enginePid ? ` (embedded engine, process ${enginePid})` : '')],
      ['load average (1, 5, 15 min)', loadavg().map((l) => l.toFixed(2)).join(' ')],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nbench:fanout — one SMS announcement through the publishing pipeline\n`);
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log('');
  } finally {
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
