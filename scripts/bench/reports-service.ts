/**
 * The in-service side of bench:reports: the compiled service as `npm start` runs it (scripts/bench/service-process.ts:
 * dist/main.js on a free port, npm start's malloc settings, NODE_ENV=production, the scheduler off so only the
 * measured work runs), pointed at the seeded city's database on the engine the bench runs in its own process. A
 * staff user of the 督导考评 role signs in and does what the console's 重新生成 and its two download buttons do:
 * POST …/reports/half/PERIOD/regenerate (gathers every figure and stores the draft, as the scheduled job does), then
 * GET …/document.docx and …/document.pdf. Printed: the service's RSS before (idle, after a full GC), its peak during
 * each request (VmHWM reset before it, with a 10 ms sampler beside it), and after (full GC), run by run.
 *
 * The seeded city's years are fixed (scripts/seed/city.ts) and the service takes "now" from the system clock, which
 * refuses to regenerate a period that has not begun: where the period is still ahead, the service runs under
 * libfaketime (LD_PRELOAD, as CI runs the suite two years ahead) moved forward by whole days, clock still running.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { createUser } from '../../src/auth/service';
import { UserModel } from '../../src/auth/models';
import { ServiceProcess, peakRss, residentOf, type ServiceMemory } from './service-process';
import { startEnv } from './compiled';

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const DAY = 86_400_000;

export interface ServiceRun {
  regenerate: Step;
  docx: Step;
  pdf: Step;
  /** RSS after the three, after a full GC. */
  afterMb: number;
}
interface Step {
  ms: number;
  peakMb: number;
  bytes: number;
}

/** The service's memory after a full GC, with its resident memory split by kind. */
type Snapshot = ServiceMemory & { anon: number; file: number };

export interface ServiceFigures {
  /** Idle, signed in, after a full GC, before the first bulletin. */
  before: Snapshot;
  runs: ServiceRun[];
  /** After the last run, after a full GC. */
  after: Snapshot;
  clockNote: string;
}

async function snapshot(service: ServiceProcess): Promise<Snapshot> {
  const m = await service.memoryAfterGc();
  return { ...m, ...residentOf(service.pid) };
}

const breakdown = (m: Snapshot) =>
  `RSS ${m.rss.toFixed(0)} MB = anonymous ${m.anon.toFixed(0)} (V8 heap ${m.heapCommitted.toFixed(0)} committed of which new space ${m.newSpace.toFixed(0)}, ${m.heap.toFixed(0)} in use; ` +
  `buffers ${m.arrayBuffers.toFixed(0)}; the rest native: malloc, libvips) + file-backed ${m.file.toFixed(0)} (code, fonts mapped)`;

/** The environment that moves the service's clock to `at` when that is still ahead (libfaketime), and what it did. */
function clockAt(at: Date): { env: Record<string, string>; note: string } {
  const days = Math.ceil((at.getTime() - Date.now()) / DAY);
  if (days <= 0) return { env: {}, note: 'the service on the system clock' };
  if (!existsSync(FAKETIME_LIB)) throw new Error(`the period begins in ${days} days: the service must run ahead of the system clock, which needs libfaketime (apt-get install faketime)`);
  return { env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: `+${days}d` }, note: `the service's clock moved ${days} days ahead by libfaketime (FAKETIME=+${days}d), so the period has begun` };
}

async function timed(service: ServiceProcess, token: string, method: 'GET' | 'POST', url: string): Promise<Step> {
  const peak = peakRss(service.pid);
  const t0 = performance.now();
  const res = await fetch(`${service.url}${url}`, { method, headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  const peakMb = peak.stop();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${body.toString('utf8', 0, 500)}`);
  return { ms, peakMb, bytes: body.length };
}

/**
 * Runs the bulletin of `period` (e.g. 2028-H1) `runs` times in the compiled service against `mongodbUri` (the seeded
 * database on the bench's engine). dist/ must be built. `periodBegins`: the first moment the period may be regenerated.
 */
export async function bulletinInService(mongodbUri: string, period: string, periodBegins: Date, runs: number): Promise<ServiceFigures> {
  // The staff user, written straight into the seeded database (as `npm run user -- create` would).
  await mongoose.connect(mongodbUri, { autoIndex: false });
  const username = 'bench-supervisor';
  const password = `bench-${new Types.ObjectId().toHexString()}`;
  try {
    await UserModel.deleteOne({ username });
    await createUser({ username, password, role: 'supervisor', displayName: '督导室' }, new Date());
  } finally {
    await mongoose.disconnect();
  }
  const clock = clockAt(new Date(periodBegins.getTime() + DAY));
  // Its own DATA_DIR (media, exports) apart from the seeded database, which it reaches through MONGODB_URI.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-reports-service-'));
  const service = await ServiceProcess.start(dataDir, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SCHEDULER_ENABLED: 'false',
    PUBLIC_BASE_URL: 'http://lianxin.bench',
    MONGODB_URI: mongodbUri,
    ...startEnv(),
    ...clock.env,
  });
  try {
    const login = await fetch(`${service.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!login.ok) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const before = await snapshot(service);
    const base = `/api/admin/supervision/reports/half/${period}`;
    const done: ServiceRun[] = [];
    for (let k = 0; k < runs; k++) {
      const regenerate = await timed(service, token, 'POST', `${base}/regenerate`);
      const docx = await timed(service, token, 'GET', `${base}/document.docx`);
      const pdf = await timed(service, token, 'GET', `${base}/document.pdf`);
      done.push({ regenerate, docx, pdf, afterMb: (await service.memoryAfterGc()).rss });
    }
    return { before, runs: done, after: await snapshot(service), clockNote: clock.note };
  } finally {
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The figures as lines to print. */
export function describe(f: ServiceFigures): string[] {
  const lines = [`in the service (compiled dist/main.js as npm start runs it, NODE_ENV=production; ${f.clockNote}):`];
  const header = ['run', 'regenerate ms', 'peak MB', '.docx ms', 'peak MB', 'PDF ms', 'peak MB', 'after (GC) MB'];
  const cells = f.runs.map((r, i) => [
    String(i + 1),
    r.regenerate.ms.toFixed(0),
    r.regenerate.peakMb.toFixed(0),
    r.docx.ms.toFixed(0),
    r.docx.peakMb.toFixed(0),
    r.pdf.ms.toFixed(0),
    r.pdf.peakMb.toFixed(0),
    r.afterMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padStart(widths[i])).join(' | ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line));
  const peak = Math.max(...f.runs.flatMap((r) => [r.regenerate.peakMb, r.docx.peakMb, r.pdf.peakMb]));
  const first = f.runs[0];
  const total = (r: ServiceRun) => r.regenerate.ms + r.docx.ms + r.pdf.ms;
  const totals = f.runs.map(total).sort((a, b) => a - b);
  lines.push(
    `service RSS before ${f.before.rss.toFixed(0)} MB (idle, signed in, after a full GC), ` +
      `peak during the bulletin ${peak.toFixed(0)} MB (first run ${Math.max(first.regenerate.peakMb, first.docx.peakMb, first.pdf.peakMb).toFixed(0)} MB), ` +
      `after ${f.after.rss.toFixed(0)} MB (full GC)`,
    `  before: ${breakdown(f.before)}`,
    `  after:  ${breakdown(f.after)}`,
    `the bulletin in the service (regenerate + .docx + PDF): p50 ${totals[Math.floor(totals.length / 2)].toFixed(0)} ms, max ${totals[totals.length - 1].toFixed(0)} ms (first run ${total(first).toFixed(0)} ms, loading the renderers); .docx ${(first.docx.bytes / 1024).toFixed(0)} KB, PDF ${(first.pdf.bytes / 1024).toFixed(0)} KB`,
    'targets: the bulletin < 10,000 ms, the service < 300 MB',
  );
  return lines;
}
