import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import * as publishing from '../../src/publishing';
import { planPublication } from '../../src/publishing/planner';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle } from './support/fixtures';

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
