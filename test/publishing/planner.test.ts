import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import * as publishing from '../../src/publishing';
import { planPublication } from '../../src/publishing/planner';
import { blockFollowers, releaseFollowers } from '../../src/publishing/ledger';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle, deputies } from './support/fixtures';

describe('publishing: planner', () => {
  let app: TestApp;
  const clock = new TestClock(testDate('03-10T02:00:00Z'));

  before(async () => {
    app = await startTestApp({ name: 'pub_planner', clock });
  });
  after(() => app.close());

  it('a planner that lost its plan lease to another does not commit the batches it wrote', async () => {
    const itemId = await approvedArticle('规划租约');
    const { publication } = await publishing.createPublication({
      kind: 'article',
      itemId,
      channels: ['microsite'],
      createdBy: 'test',
      at: new Date(clock.now().getTime() + 3_600_000),
    });
    // This planner read the publication while it held the lease; meanwhile its lease expired and another took over.
    const stale = await Publication.findById(publication._id).lean();
    await Publication.updateOne(
      { _id: publication._id },
      { $set: { status: 'planning', planLease: { owner: 'another-instance', expiresAt: new Date(Date.now() + 60_000) } } },
    );
    const { logger } = app.service.services;
    await planPublication(
      { clock, logger, owner: 'slow-instance', leaseMs: 60_000, smsBatchSize: 200, optedOut: async () => new Set(), maxAttempts: () => 5 },
      { ...stale!, status: 'planning' },
    );
    expect(await Delivery.countDocuments({ publicationId: publication._id, status: 'queued' })).to.equal(0);
    const after = await Publication.findById(publication._id).lean();
    expect(after?.planLease?.owner).to.equal('another-instance');
  });
});

describe('publishing: planner resumed after a crash mid-plan', () => {
  let app: TestApp;
  const clock = new TestClock(testDate('03-11T02:00:00Z'));

  before(async () => {
    app = await startTestApp({ name: 'pub_planner_resume', clock, env: { PUBLISHING_WORKER_ENABLED: 'false' } });
  });
  after(() => app.close());

  it('batches committed before the crash are kept, the replacement plans only the rest, and nobody is in two batches', async () => {
    await deputies(500, { region: { city: '海州市', county: '续规划区' }, from: 7_000_000 });
    const itemId = await approvedArticle('规划中途崩溃');
    const { publication } = await publishing.createPublication({
      kind: 'article',
      itemId,
      channels: ['sms'],
      audience: { deputies: { regions: ['续规划区'] } },
      sms: { notification: 'news' },
      createdBy: 'test',
      at: new Date(clock.now().getTime() + 3_600_000),
    });
    const { logger } = app.service.services;
    const deps = (owner: string, onCommitted?: () => void) => ({
      clock,
      logger,
      owner,
      leaseMs: 60_000,
      smsBatchSize: 200,
      optedOut: async () => new Set<string>(),
      maxAttempts: () => 5,
      onCommitted,
    });
    const claim = async (owner: string) => {
      await Publication.updateOne({ _id: publication._id }, { $set: { status: 'planning', planLease: { owner, expiresAt: new Date(Date.now() + 60_000) } } });
      return (await Publication.findById(publication._id).lean())!;
    };

    // The first planner commits its first batch (claimable at once, before the rest is read) and then dies.
    let committedWhileReading = 0;
    const crash = planPublication(
      deps('first-planner', () => {
        committedWhileReading += 1;
        throw new Error('killed');
      }),
      await claim('first-planner'),
    );
    await crash.then(
      () => expect.fail('the first planner should have died'),
      (err: Error) => expect(err.message).to.equal('killed'),
    );
    expect(committedWhileReading).to.equal(1);
    const before = await Delivery.find({ publicationId: publication._id }).lean();
    expect(before.map((d) => [d.batchIndex, d.status, d.recipients.length])).to.deep.equal([[0, 'queued', 200]]);

    // A replacement takes the expired plan over.
    await planPublication(deps('replacement'), await claim('replacement'));
    const all = await Delivery.find({ publicationId: publication._id }).sort({ batchIndex: 1 }).lean();
    expect(all.map((d) => [d.batchIndex, d.status, d.recipients.length])).to.deep.equal([
      [0, 'queued', 200],
      [1, 'queued', 200],
      [2, 'queued', 100],
    ]);
    expect(String(all[0]._id)).to.equal(String(before[0]._id));
    const numbers = all.flatMap((d) => d.recipients.map((r) => r.recipient));
    expect(new Set(numbers).size).to.equal(500);
    const pub = await Publication.findById(publication._id).lean();
    expect(pub?.status).to.equal('sending');
    expect(pub?.audienceSummary?.recipients).to.equal(500);
  });

  it('texts committed after the page went live do not wait for it; after it failed they are not sent', async () => {
    await deputies(450, { region: { city: '海州市', county: '随页区' }, from: 7_100_000 });
    const { logger } = app.service.services;
    for (const page of ['sent', 'failed'] as const) {
      const itemId = await approvedArticle(`页面先于短信批次 ${page}`);
      const { publication } = await publishing.createPublication({
        kind: 'article',
        itemId,
        channels: ['microsite', 'sms'],
        audience: { deputies: { regions: ['随页区'] } },
        sms: { notification: 'news' },
        createdBy: 'test',
        at: new Date(clock.now().getTime() + 3_600_000),
      });
      await Publication.updateOne({ _id: publication._id }, { $set: { status: 'planning', planLease: { owner: 'planner', expiresAt: new Date(Date.now() + 60_000) } } });
      // The worker settles the page right after the first commit (the page and the first batch), as it may.
      let first = true;
      const settlePage = async () => {
        if (!first) return;
        first = false;
        const pageFilter = { publicationId: publication._id, channel: 'microsite' as const };
        if (page === 'sent') {
          await Delivery.updateOne(pageFilter, { $set: { status: 'sent' } });
          await releaseFollowers(publication._id);
        } else {
          await Delivery.updateOne(pageFilter, { $set: { status: 'failed', error: { code: 'x', message: '页面生成失败' } } });
          await blockFollowers(clock, publication._id, '页面生成失败');
        }
      };
      let settling: Promise<void> | undefined;
      await planPublication(
        {
          clock,
          logger,
          owner: 'planner',
          leaseMs: 60_000,
          smsBatchSize: 200,
          optedOut: async () => new Set<string>(),
          maxAttempts: () => 5,
          onCommitted: () => {
            settling ??= settlePage();
          },
        },
        (await Publication.findById(publication._id).lean())!,
      );
      await settling;
      const sms = await Delivery.find({ publicationId: publication._id, channel: 'sms' }).sort({ batchIndex: 1 }).lean();
      expect(sms).to.have.length(3);
      if (page === 'sent') expect(sms.map((d) => [d.status, d.waitFor])).to.deep.equal([['queued', null], ['queued', null], ['queued', null]]);
      else expect(sms.map((d) => [d.status, d.error?.code])).to.deep.equal([['failed', 'blocked_by_microsite'], ['failed', 'blocked_by_microsite'], ['failed', 'blocked_by_microsite']]);
    }
  });
});
