import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { Delivery } from '../../src/publishing/models/delivery';
import { waitFor } from '../publishing/support/fixtures';
import { spawnWorker, type WorkerChild } from '../publishing/support/children';
import { article, createPartner, expectStatus, WebhookReceiver } from './support';

const EAST = { city: '海州市', county: '东湖区' };
/** Upper bound of a wait (it ends as soon as the condition holds): generous for a loaded 2-core machine. */
const SETTLE_MS = 120_000;

async function publish(app: TestApp, reviewer: string, id: string, channels: string[] = ['microsite']): Promise<string> {
  const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels } });
  expectStatus(res, 201);
  return res.body.id as string;
}

const webhookDeliveries = (publicationId: string) => Delivery.find({ publicationId, channel: 'webhook' }).sort({ batchIndex: 1 }).lean();

describe('partners: signed webhook pushes through the delivery ledger', function () {
  this.timeout(300_000);
  let app: TestApp;
  let clock: TestClock;
  let reviewer: string;
  let east: WebhookReceiver;
  let west: WebhookReceiver;
  let slow: WebhookReceiver;
  let eastPartner: any;
  let slowPartner: any;

  before(async () => {
    clock = new TestClock(testDate('07-08T02:00:00Z'));
    const now = () => clock.now().getTime();
    [east, west, slow] = await Promise.all([new WebhookReceiver(now).start(), new WebhookReceiver(now).start(), new WebhookReceiver(now).start()]);
    // An endpoint timeout short enough for the test, long enough for a loaded machine.
    app = await startTestApp({ name: 'partners_webhook', clock, env: { PARTNER_WEBHOOK_TIMEOUT_MS: '5000' } });
    reviewer = (await app.loginAs('reviewer')).token;
    eastPartner = await createPartner(app, reviewer, { name: '东湖日报', takes: { kinds: ['article'], regions: ['东湖区'] }, push: { enabled: true, url: east.url } });
    const westPartner = await createPartner(app, reviewer, { name: '西山电视台', kind: 'tv', takes: { kinds: ['article'], regions: ['西山区'] }, push: { enabled: true, url: west.url } });
    slowPartner = await createPartner(app, reviewer, { name: '慢速融媒体中心', kind: 'media_centre', takes: { kinds: ['article'] }, push: { enabled: true, url: slow.url } });
    // A partner that takes the item but pulls its feed only: no push.
    await createPartner(app, reviewer, { name: '只拉取的报社', takes: { kinds: ['article'] } });
    east.secret = eastPartner.pushSecret;
    west.secret = westPartner.pushSecret;
    slow.secret = slowPartner.pushSecret;
  });
  afterEach(() => [east, west, slow].forEach((r) => r.reset()));
  after(async () => {
    await app.close();
    await Promise.all([east.close(), west.close(), slow.close()]);
  });

  it('publishing pushes once, signed, to each partner that takes the item; a slow partner holds up nobody; others see nothing', async () => {
    slow.behaviour = () => ({ hang: true });
    const id = await article({ title: '东湖区代表进社区', region: EAST, status: 'approved' });
    const pubId = await publish(app, reviewer, id);
    const settled = await waitFor('east pushed while the slow one waits', async () => {
      const ds = await webhookDeliveries(pubId);
      const byPartner = new Map(ds.map((d) => [d.recipients[0].recipient, d]));
      return byPartner.get(eastPartner.id)?.status === 'sent' && byPartner;
    }, SETTLE_MS);
    // The slow endpoint was called, is not answering, and did not stop the others.
    expect(slow.requests).to.have.length.at.least(1);
    expect(settled.get(slowPartner.id)!.status).to.be.oneOf(['sending', 'queued']);
    expect(settled.size).to.equal(2); // east and slow; west does not take 东湖区, the pull-only one wants no push

    expect(east.requests).to.have.length(1);
    const push = east.requests[0];
    expect(push.signatureOk).to.equal(true);
    expect(push.body).to.include({ event: 'item.published', partnerId: eastPartner.id });
    expect(push.body.item).to.include({ id: `urn:lianxin:article:${id}`, title: '东湖区代表进社区' });
    expect(push.body.item.content_html).to.include('代表们走进社区');
    const d = settled.get(eastPartner.id)!;
    expect(d.providerIds).to.include({ event_id: push.eventId, http_status: '200' });
    expect(west.requests).to.have.length(0);

    const timedOut = await waitFor('the slow push timed out and waits to retry', async () => {
      const s = (await webhookDeliveries(pubId)).find((x) => x.recipients[0].recipient === slowPartner.id)!;
      return s.status === 'queued' && s.error?.code === 'webhook_timeout' && s;
    }, SETTLE_MS);
    expect(timedOut.nextAttemptAt.getTime()).to.be.greaterThan(clock.now().getTime());

    // Shown per partner in the console's API.
    const list = await app.request('GET', `/api/admin/partners/${eastPartner.id}/deliveries`, { token: reviewer });
    expect(list.body.items[0]).to.include({ publicationId: pubId, status: 'sent', title: '东湖区代表进社区', eventId: push.eventId, httpStatus: 200 });
  });

  it('retries with backoff after a 5xx, with the same event, and the partner keeps it once', async () => {
    east.behaviour = (n) => ({ status: n === 1 ? 503 : 200 });
    const id = await article({ title: '东湖区代表述职', region: EAST, status: 'approved' });
    const pubId = await publish(app, reviewer, id);
    const queued = await waitFor('first attempt refused', async () => {
      const d = (await webhookDeliveries(pubId)).find((x) => x.recipients[0].recipient === eastPartner.id);
      return d?.status === 'queued' && d.attempts === 1 && d;
    }, SETTLE_MS);
    expect(queued.error).to.include({ code: 'webhook_http_error', providerCode: '503' });
    const wait = queued.nextAttemptAt.getTime() - clock.now().getTime();
    expect(wait).to.be.within(8_000, 12_000); // 10 s ±20 %
    clock.advance(wait + 1);
    const sent = await waitFor('retried', async () => {
      const d = (await webhookDeliveries(pubId)).find((x) => x.recipients[0].recipient === eastPartner.id);
      return d?.status === 'sent' && d;
    }, SETTLE_MS);
    expect(sent.attempts).to.equal(2);
    expect(east.requests.map((r) => [r.eventId, r.attempt])).to.deep.equal([
      [east.requests[0].eventId, 1],
      [east.requests[0].eventId, 2],
    ]);
    expect(east.requests[0].raw).to.equal(east.requests[1].raw); // the same event, byte for byte
    expect(east.stored.size).to.equal(1);
  });

  it('a partner refusing the signature (secret out of step) is a permanent failure naming the cause', async () => {
    east.secret = 'whsec_the-partner-has-an-old-secret';
    try {
      const id = await article({ title: '东湖区代表接待日', region: EAST, status: 'approved' });
      const pubId = await publish(app, reviewer, id);
      const failed = await waitFor('refused', async () => {
        const d = (await webhookDeliveries(pubId)).find((x) => x.recipients[0].recipient === eastPartner.id);
        return d?.status === 'failed' && d;
      }, SETTLE_MS);
      expect(failed.error).to.include({ code: 'webhook_signature_refused', providerCode: '401' });
      expect(failed.attempts).to.equal(1);
    } finally {
      east.secret = eastPartner.pushSecret;
    }
  });
});

describe('partners: webhook across a worker crash', function () {
  this.timeout(600_000);
  let app: TestApp;
  let receiver: WebhookReceiver;
  let reviewer: string;
  let partner: any;
  const children: WorkerChild[] = [];

  before(async () => {
    receiver = await new WebhookReceiver(() => Date.now()).start();
    app = await startTestApp({ name: 'partners_webhook_crash', env: { PUBLISHING_WORKER_ENABLED: 'false' } });
    reviewer = (await app.loginAs('reviewer')).token;
    partner = await createPartner(app, reviewer, { name: '东湖日报', takes: { kinds: ['article'] }, push: { enabled: true, url: receiver.url } });
    receiver.secret = partner.pushSecret;
  });
  afterEach(() => Promise.all(children.splice(0).map((c) => c.kill('SIGTERM'))));
  after(async () => {
    await app.close();
    await receiver.close();
  });

  it('the push reached the partner but the worker died before the answer: the next worker sends the same event; the partner keeps it once', async () => {
    receiver.behaviour = (n) => (n === 1 ? { hang: true } : { status: 200 });
    const id = await article({ title: '代表履职故事', region: EAST, status: 'approved' });
    const pubId = await publish(app, reviewer, id);
    const env = { MONGODB_URI: app.config.mongodbUri!, PUBLISHING_LEASE_MS: '1500', PUBLISHING_CONCURRENCY: '2', PARTNER_WEBHOOK_TIMEOUT_MS: '60000' };
    const first = await spawnWorker(env);
    children.push(first);
    await waitFor('the push handed over', async () => receiver.requests.length > 0, SETTLE_MS);
    await first.kill('SIGKILL');
    children.push(await spawnWorker(env));
    const d = await waitFor(
      'delivery settled after the crash',
      async () => {
        const x = await Delivery.findOne({ publicationId: pubId, channel: 'webhook' }).lean();
        return x && ['sent', 'unknown', 'failed'].includes(x.status) ? x : undefined;
      },
      SETTLE_MS,
      100,
    );
    expect(d.status).to.equal('sent');
    // At least the crashed attempt and the one after it (a lease lost under load may add another): always the same event.
    expect(receiver.requests.length).to.be.at.least(2);
    expect(receiver.requests.every((r) => r.signatureOk)).to.equal(true);
    expect(new Set(receiver.requests.map((r) => r.eventId)).size).to.equal(1);
    expect(new Set(receiver.requests.map((r) => r.raw)).size).to.equal(1);
    expect(receiver.stored.size).to.equal(1);
    expect(d.providerIds.event_id).to.equal(receiver.requests[0].eventId);
  });
});
