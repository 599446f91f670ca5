import { expect } from 'chai';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeTencentSms, type FakeTencentSms } from '../fakes';
import { approvedArticle, deputies, phoneOf, waitFor } from './support/fixtures';
import { spawnWorker, type WorkerChild } from './support/children';

/**
 * Separate worker processes (each its own startService) against the same database: one is killed with SIGKILL in
 * the middle of a fan-out, two race on the same publications. The test process itself runs no worker.
 */
describe('publishing: worker processes (crash, race)', function () {
  this.timeout(120_000);
  let app: TestApp;
  let sms: FakeTencentSms;
  let reviewer: string;
  let admin: string;
  const children: WorkerChild[] = [];
  let workerEnv: Record<string, string>;

  before(async () => {
    sms = await startFakeTencentSms();
    const smsEnv = {
      SMS_PROVIDER: 'tencent',
      SMS_ENDPOINT: sms.url,
      TENCENT_SECRET_ID: 'AKIDfake',
      TENCENT_SECRET_KEY: 'fake-key',
      TENCENT_SMS_APP_ID: '1400000000',
    };
    app = await startTestApp({ name: 'pub_workers', env: { ...smsEnv, PUBLISHING_WORKER_ENABLED: 'false' } });
    reviewer = (await app.loginAs('reviewer')).token;
    admin = (await app.loginAs('admin')).token;
    workerEnv = { ...smsEnv, MONGODB_URI: app.config.mongodbUri!, PUBLISHING_LEASE_MS: '1500', PUBLISHING_CONCURRENCY: '2' };
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.kill('SIGTERM')));
  });
  after(async () => {
    await app.close();
    await sms.close();
  });

  /** `large`: more recipients than SMS_CONFIRM_ABOVE, so an admin confirms the send. */
  async function publishTo(region: string, title: string, large = false): Promise<string> {
    const id = await approvedArticle(title);
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, {
      token: large ? admin : reviewer,
      body: { channels: ['sms'], audience: { deputies: { regions: [region] } }, sms: { notification: 'news', ...(large ? { confirmLargeSend: true } : {}) } },
    });
    expect(res.status, res.text).to.equal(201);
    return res.body.id;
  }

  const finished = (id: string) =>
    waitFor(
      'publication finished',
      async () => {
        const p = await Publication.findById(id).lean();
        return p && ['sent', 'partial', 'failed'].includes(p.status) ? p : undefined;
      },
      60_000,
      100,
    );

  function receivedCounts(prefix: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const n of sms.state.numbers) if (n.startsWith(prefix)) counts.set(n, (counts.get(n) ?? 0) + 1);
    return counts;
  }

  it('after SIGKILL mid fan-out, every recipient got exactly one text or is marked unknown — none got two', async () => {
    // 1,000 deputies: 139 1000 0000 … 139 1000 0999.
    const [first] = await Promise.all([
      spawnWorker(workerEnv),
      deputies(1000, { region: { city: '海州市', county: '崩溃区' }, from: 10_000_000 }),
    ]);
    children.push(first);
    // The first request is accepted by the provider but never answered: the worker dies waiting for it.
    sms.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms', count: 1 });
    const pubId = await publishTo('崩溃区', '千人短信中途崩溃', true);

    await waitFor('fan-out under way', async () => receivedCounts('+8613910').size >= 600, 30_000, 5);
    await first.kill('SIGKILL');
    const receivedAtKill = receivedCounts('+8613910').size;
    expect(receivedAtKill, 'killed mid fan-out').to.be.below(1000);

    const t0 = Date.now();
    children.push(await spawnWorker(workerEnv));
    const pub = await finished(pubId);
    if (process.env.TEST_TIMINGS) console.log(`recovery took ${Date.now() - t0} ms`);

    const counts = receivedCounts('+8613910');
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice, 'numbers that received two texts').to.deep.equal([]);

    const deliveriesOf = await Delivery.find({ publicationId: pubId }).lean();
    expect(deliveriesOf).to.have.length(5);
    const ledger = new Map<string, string>();
    for (const d of deliveriesOf) for (const r of d.recipients) ledger.set(r.recipient, r.status);
    expect(ledger.size).to.equal(1000);
    const lost: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const phone = `+86${phoneOf(10_000_000 + i)}`;
      const received = counts.get(phone) ?? 0;
      if (!(received === 1 || ledger.get(phone) === 'unknown')) lost.push(`${phone}: received ${received}, ledger ${ledger.get(phone)}`);
      if (received === 1) expect(['sent', 'unknown'], phone).to.include(ledger.get(phone));
    }
    expect(lost, 'recipients neither reached nor marked unknown').to.deep.equal([]);

    // The batch in flight at the kill is not re-sent: it waits for a person.
    const unknown = deliveriesOf.filter((d) => d.status === 'unknown');
    expect(unknown.length).to.be.at.least(1);
    expect(pub.status).to.equal('partial');
    const view = await app.request('GET', `/api/admin/publications/${pubId}`, { token: reviewer });
    const shown = view.body.deliveries.find((d: { status: string }) => d.status === 'unknown');
    expect(shown.error.code).to.equal('outcome_unknown');
    expect(shown.statusLabel).to.contain('人工确认');

    // A person checked with the provider and marks them sent.
    for (const d of unknown) {
      const res = await app.request('POST', `/api/admin/deliveries/${d._id}/retry`, { token: reviewer, body: { action: 'mark_sent', note: '已在服务商控制台核实' } });
      expect(res.status, res.text).to.equal(200);
    }
    expect((await Publication.findById(pubId).lean())!.status).to.equal('sent');
  });

  it('two worker processes racing on the same publications send each batch once', async () => {
    // Three publications of 400 recipients each (two batches apiece), to three regions.
    const workers = Promise.all([spawnWorker(workerEnv), spawnWorker(workerEnv)]);
    for (let k = 0; k < 3; k++) await deputies(400, { region: { city: '海州市', county: `竞争区${k}` }, from: 20_000_000 + k * 1000 });
    const requestsBefore = sms.state.sendRequests;
    children.push(...(await workers));
    const ids = await Promise.all([0, 1, 2].map((k) => publishTo(`竞争区${k}`, `并发发送 ${k}`)));
    for (const id of ids) expect((await finished(id)).status).to.equal('sent');

    expect(sms.state.sendRequests - requestsBefore).to.equal(6);
    const counts = receivedCounts('+8613920');
    expect(counts.size).to.equal(1200);
    expect([...counts.values()].every((n) => n === 1)).to.equal(true);
    const deliveriesOf = await Delivery.find({ publicationId: { $in: ids } }).lean();
    expect(deliveriesOf).to.have.length(6);
    expect(deliveriesOf.every((d) => d.attempts === 1 && d.status === 'sent')).to.equal(true);
  });
});
