/**
 * An idle service leaves the database alone: the delivery worker's empty polls back off to PUBLISHING_IDLE_POLL_MS,
 * counted by the driver's commands in /metrics (DB_COMMAND_METRICS), and a publication made while it waits is still
 * taken up at once (creating it wakes the worker), not at the next poll.
 */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { approvedArticle, waitFor } from './support/fixtures';

const IDLE_POLL_MS = 20_000;

describe('publishing: an idle worker', function () {
  this.timeout(60_000);
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ name: 'pub_idle', env: { PUBLISHING_IDLE_POLL_MS: String(IDLE_POLL_MS), PUBLISHING_LEASE_MS: '600000', DB_COMMAND_METRICS: 'true' } });
  });
  after(async () => app?.close());

  /** findAndModify commands sent so far: every worker poll is a few of them (claims), nothing else idle sends one. */
  async function claimsSent(): Promise<number> {
    const text = (await app.request('GET', '/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith('lianxin_db_commands_total{command="findAndModify"}'));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  it('polls less and less while it finds nothing, and still takes a new publication at once', async () => {
    // The poll at start finds nothing; the next ones come 1, 2, 4, 8 and 16 s apart (at about 1, 3, 7, 15 and 31 s).
    await new Promise((r) => setTimeout(r, 8_000));
    const before = await claimsSent();
    await new Promise((r) => setTimeout(r, 6_000));
    const idle = (await claimsSent()) - before;
    // At the old fixed 500 ms, 6 s were 12 polls of 4 claims (48); backing off, at most one poll falls in them.
    expect(idle, 'claims sent in 6 idle seconds').to.be.at.most(4);
    // Past the poll at about 15 s, the next is about 16 s away.
    await new Promise((r) => setTimeout(r, 2_500));

    const reviewer = (await app.loginAs('reviewer')).token;
    const admin = (await app.loginAs('admin')).token;
    const id = await approvedArticle('空闲之后的发布');
    const asked = Date.now();
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'] } });
    expect(res.status, res.text).to.equal(201);
    const done = await waitFor('publication settled', async () => {
      const v = (await app.request('GET', `/api/admin/publications/${res.body.id}`, { token: admin })).body;
      return v.status === 'sent' && v;
    });
    expect(done.deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status])).to.deep.equal([['microsite', 'sent']]);
    // Woken by the publication itself: well inside the seconds the next poll was away.
    expect(Date.now() - asked, 'ms from publish to sent').to.be.below(IDLE_POLL_MS / 4);
  });
});
