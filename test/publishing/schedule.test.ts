import { expect } from 'chai';
import mongoose, { Types } from 'mongoose';
import { startService, type RunningService } from '../../src/server';
import { DUE_JOB, MONTHLY_JOB } from '../../src/publishing/jobs';
import { Delivery } from '../../src/publishing/models/delivery';
import { createUser } from '../../src/auth/service';
import { Article } from '../../src/content/models/article';
import { siteRuntime } from '../../src/site';
import { startTestApp, type TestApp } from '../support/app';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { approvedArticle, waitFor } from './support/fixtures';

describe('publishing: schedules', () => {
  let app: TestApp;
  let restarted: RunningService | undefined;
  let clock: TestClock;
  let reviewer: string;

  let publicationId: string;
  let at: Date;
  let statusBeforeDue: string;

  // The scenario both tests read: a scheduled publication; the instance goes down, its time passes, a new
  // instance (same database, scheduler on) starts. Set up here so that each test stands on its own.
  before(async () => {
    // Mid-month in Beijing: the scenario's hours never straddle a month, whatever the real time of day.
    clock = new TestClock(testDate('03-10T02:00:00Z'));
    app = await startTestApp({ name: 'pub_schedule', clock });
    reviewer = (await app.loginAs('reviewer')).token;
    const id = await approvedArticle('停机期间到点的排期发布');
    at = new Date(clock.now().getTime() + 3_600_000);
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'], at: at.toISOString() } });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('scheduled');
    publicationId = res.body.id;
    // Not yet due: the tick leaves it alone.
    await app.service.services.scheduler.runNow(DUE_JOB);
    statusBeforeDue = (await app.request('GET', `/api/admin/publications/${publicationId}`, { token: reviewer })).body.status;
    await app.service.stop();
    clock.advance(2 * 3_600_000);
    restarted = await startService({ ...app.config, schedulerEnabled: true }, { clock });
  });
  after(async () => {
    if (restarted) {
      await mongoose.connection.db?.dropDatabase().catch(() => {});
      await restarted.stop();
    } else await app.close();
  });

  const publicationView = async () =>
    (await fetch(`${restarted!.url}/api/admin/publications/${publicationId}`, { headers: { authorization: `Bearer ${reviewer}` } })).json() as Promise<any>;
  const sentAfterRestart = () =>
    waitFor('sent after restart', async () => {
      const v = await publicationView();
      return v.status === 'sent' && v;
    });

  it('starts a scheduled publication once, after a restart that spanned its time', async () => {
    expect(statusBeforeDue).to.equal('scheduled');
    const done = await sentAfterRestart();
    expect(new Date(done.startedAt).getTime()).to.be.at.least(at.getTime());

    // More ticks, from this instance and concurrently, change nothing.
    await Promise.all([restarted!.services.scheduler.runNow(DUE_JOB), restarted!.services.scheduler.runNow(DUE_JOB)]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await Delivery.countDocuments({ publicationId })).to.equal(1);
    expect((await publicationView()).deliveries[0].attempts).to.equal(1);
  });

  it('writes the monthly summary on the 1st, once, and serves it', async () => {
    await sentAfterRestart();
    const service = restarted!;
    const base = service.url;
    // Three readers this month; the counter writes them in one batch.
    const article = await Article.findOne({ title: '停机期间到点的排期发布' }).lean();
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/news/${article!.slug}`)).status).to.equal(200);
    await siteRuntime().views.flush();
    // The restart above ran the job at start-up for the month before this one. Now it is the 1st of next month, 00:10 in Shanghai.
    const local = new Date(clock.now().getTime() + 8 * 3_600_000);
    const month = local.toISOString().slice(0, 7);
    clock.set(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1, 0, 10) - 8 * 3_600_000);
    const password = 'pw-monthly-report-1';
    await createUser({ username: 'monthly-reader', password, role: 'editor' }, clock.now());
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
    // An SMS batch retried by a person: round 1 reached A and failed B; round 2 (B only) reached B.
    const smsPub = new Types.ObjectId();
    const round2 = new Types.ObjectId();
    const when = new Date(clock.now().getTime() - 3_600_000);
    const batch = (round: number, fields: Record<string, unknown>) => ({
      publicationId: smsPub, channel: 'sms', batchIndex: 0, round, idempotencyKey: `${String(smsPub)}:sms:0${round > 1 ? `:r${round}` : ''}`,
      attempts: 1, reconcileAttempts: 0, polls: 0, maxAttempts: 5, nextAttemptAt: when, waitFor: null, lease: null, providerIds: {},
      actions: [], createdAt: when, updatedAt: when, ...fields,
    });
    await Delivery.insertMany([
      batch(1, { status: 'failed', supersededBy: round2, error: { code: 'sms_x', message: '失败' }, recipients: [{ recipient: '+8613900000001', status: 'sent' }, { recipient: '+8613900000002', status: 'failed' }], recipientCount: 2 }),
      batch(2, { _id: round2, status: 'sent', supersededBy: null, error: null, recipients: [{ recipient: '+8613900000002', status: 'sent' }], recipientCount: 1 }),
    ], { lean: true });
    await Promise.all([service.services.scheduler.runNow(MONTHLY_JOB), service.services.scheduler.runNow(MONTHLY_JOB)]);
    await service.services.scheduler.runNow(MONTHLY_JOB);
    const list = await get('/api/admin/reports/monthly');
    expect(list.body.items.map((r: { month: string }) => r.month).filter((m: string) => m === month)).to.have.length(1);
    const march = await get(`/api/admin/reports/monthly/${month}`);
    expect(march.status).to.equal(200);
    expect(march.body.itemsPublished.article).to.equal(1);
    expect(march.body.deliveries.microsite.sent).to.equal(1);
    // The superseded round is history: one batch, sent; two numbers reached, none counted twice.
    expect(march.body.deliveries.sms).to.deep.equal({ sent: 1 });
    expect(march.body.reach.sms).to.deep.equal({ sent: 2 });
    expect(march.body.failures).to.deep.equal([]);
    expect(march.body.publications.total).to.equal(1);
    expect(march.body.pageViews).to.deep.include({ thisMonth: 3, thisMonthByKind: { article: 3 }, itemsPublishedThisMonth: 3 });
    expect((await get(`/api/admin/reports/monthly/${TEST_YEAR - 10}-01`)).status).to.equal(404); // long before the clock
    expect((await get(`/api/admin/reports/monthly/${TEST_YEAR}-13`)).status).to.equal(400);
  });
});
