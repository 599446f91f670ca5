import { expect } from 'chai';
import mongoose from 'mongoose';
import { ManualClock } from '../../src/clock';
import { startService, type RunningService } from '../../src/server';
import { DUE_JOB, MONTHLY_JOB } from '../../src/publishing/jobs';
import { Delivery } from '../../src/publishing/models/delivery';
import { createUser } from '../../src/auth/service';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle, waitFor } from './support/fixtures';

describe('publishing: schedules', () => {
  let app: TestApp;
  let restarted: RunningService | undefined;
  let clock: ManualClock;
  let reviewer: string;

  before(async () => {
    // Near real time: sessions expire by the database's TTL monitor, which reads the real clock.
    clock = new ManualClock(Date.now());
    app = await startTestApp({ name: 'pub_schedule', clock });
    reviewer = (await app.loginAs('reviewer')).token;
  });
  after(async () => {
    if (restarted) {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await restarted.stop();
    } else await app.close();
  });

  it('starts a scheduled publication once, after a restart that spanned its time', async () => {
    const id = await approvedArticle('停机期间到点的排期发布');
    const at = new Date(clock.now().getTime() + 3_600_000);
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'], at: at.toISOString() } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('scheduled');

    // Not yet due: the tick leaves it alone.
    await app.service.services.scheduler.runNow(DUE_JOB);
    const before = await app.request('GET', `/api/admin/publications/${res.body.id}`, { token: reviewer });
    expect(before.body.status, before.text).to.equal('scheduled');

    // The instance goes down; its time passes; a new instance starts (same database) with the scheduler on.
    await app.service.stop();
    clock.advance(2 * 3_600_000);
    restarted = await startService({ ...app.config, schedulerEnabled: true }, { clock });
    const base = restarted.url;
    const get = async () => (await fetch(`${base}/api/admin/publications/${res.body.id}`, { headers: { authorization: `Bearer ${reviewer}` } })).json() as Promise<any>;
    const done = await waitFor('sent after restart', async () => {
      const v = await get();
      return v.status === 'sent' && v;
    });
    expect(new Date(done.startedAt).getTime()).to.be.at.least(at.getTime());

    // More ticks, from this instance and concurrently, change nothing.
    await Promise.all([restarted.services.scheduler.runNow(DUE_JOB), restarted.services.scheduler.runNow(DUE_JOB)]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await Delivery.countDocuments({ publicationId: res.body.id })).to.equal(1);
    expect((await get()).deliveries[0].attempts).to.equal(1);
  });

  it('writes the monthly summary on the 1st, once, and serves it', async () => {
    expect(restarted, 'runs after the restart test').to.not.equal(undefined);
    const service = restarted!;
    const base = service.url;
    // The restart above ran the job at start-up for the month before this one. Now it is the 1st of next month, 00:10 in Shanghai.
    const local = new Date(clock.now().getTime() + 8 * 3_600_000);
    const month = local.toISOString().slice(0, 7);
    clock.set(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 10) - 8 * 3_600_000);
    const password = 'pw-monthly-report-1';
    await createUser({ username: 'monthly-reader', password, role: 'editor' });
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'monthly-reader', password }),
    });
    const { token } = (await login.json()) as { token: string };
    const get = async (p: string) => {
      const r = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: r.status, body: (await r.json()) as any };
    };
    await Promise.all([service.services.scheduler.runNow(MONTHLY_JOB), service.services.scheduler.runNow(MONTHLY_JOB)]);
    await service.services.scheduler.runNow(MONTHLY_JOB);
    const list = await get('/api/admin/reports/monthly');
    expect(list.body.items.map((r: { month: string }) => r.month).filter((m: string) => m === month)).to.have.length(1);
    const march = await get(`/api/admin/reports/monthly/${month}`);
    expect(march.status).to.equal(200);
    expect(march.body.itemsPublished.article).to.equal(1);
    expect(march.body.deliveries.microsite.sent).to.equal(1);
    expect(march.body.publications.total).to.equal(1);
    expect(march.body.pageViews).to.have.keys(['itemsPublishedThisMonth', 'allPublishedItems']);
    expect((await get('/api/admin/reports/monthly/2025-01')).status).to.equal(404);
    expect((await get('/api/admin/reports/monthly/2025-13')).status).to.equal(400);
  });
});
