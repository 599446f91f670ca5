import { expect } from 'chai';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import { deliveryRecords } from '../../src/channels/sms';
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
    workerEnv = { ...smsEnv, MONGODB_URI: app.config.mongodbUri!, PUBLISHING_LEASE_MS: '1500', PUBLISHING_CONCURRENCY: '2', SMS_LOOKUP_SETTLE_SECONDS: '2' };
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

  /** Texts each number of `phones` received at the fake. */
  function receivedBy(phones: string[]): Map<string, number> {
    const wanted = new Set(phones);
    const counts = new Map<string, number>();
    for (const n of sms.state.numbers) if (wanted.has(n)) counts.set(n, (counts.get(n) ?? 0) + 1);
    return counts;
  }

  /**
   * 600 deputies, three batches of 200; the worker is killed at `point`, a fresh one recovers. Per number: texted
   * exactly once, or marked unknown with the evidence — and nothing the provider's records can tell is left unknown.
   */
  async function crashAt(point: 'accepted, unanswered' | 'never processed' | 'anywhere', k: number) {
    const from = 10_000_000 + k * 1000;
    const phones = Array.from({ length: 600 }, (_, i) => `+86${phoneOf(from + i)}`);
    const [first] = await Promise.all([spawnWorker(workerEnv), deputies(600, { region: { city: '海州市', county: `崩溃区${k}` }, from })]);
    children.push(first);
    if (point === 'accepted, unanswered') sms.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms', count: 1 });
    if (point === 'never processed') sms.controls.failNext({ hang: true, match: 'SendSms', count: 1 });
    const requestsBefore = sms.state.requests.filter((q) => q.headers['x-tc-action'] === 'SendSms').length;
    const pubId = await publishTo(`崩溃区${k}`, `六百人短信中途崩溃 ${k}`, true); // above SMS_CONFIRM_ABOVE: an admin confirms
    if (point === 'anywhere') await waitFor('fan-out under way', async () => receivedBy(phones).size >= 200, 30_000, 5);
    else await waitFor('the first request at the provider', async () => sms.state.requests.filter((q) => q.headers['x-tc-action'] === 'SendSms').length > requestsBefore, 30_000, 5);
    await first.kill('SIGKILL');
    expect(receivedBy(phones).size, 'killed mid fan-out').to.be.below(600);

    children.push(await spawnWorker(workerEnv));
    const pub = await finished(pubId);

    const counts = receivedBy(phones);
    const deliveriesOf = await Delivery.find({ publicationId: pubId }).lean();
    expect(deliveriesOf).to.have.length(3);
    const ledger = new Map<string, { status: string; errorMessage?: string }>();
    for (const d of deliveriesOf) for (const r of d.recipients) ledger.set(r.recipient, r);
    const wrong: string[] = [];
    for (const phone of phones) {
      const received = counts.get(phone) ?? 0;
      const entry = ledger.get(phone);
      if (received > 1) wrong.push(`${phone}: texted ${received} times`);
      else if (received === 1 && !['sent', 'delivered'].includes(entry?.status ?? '')) wrong.push(`${phone}: texted once, ledger ${entry?.status}`);
      // The fake's records answer every lookup: nothing may be left for a person, and nobody left untexted.
      else if (received === 0) wrong.push(`${phone}: never texted, ledger ${entry?.status} ${entry?.errorMessage ?? ''}`);
    }
    expect(wrong, `${point}: numbers not texted exactly once`).to.deep.equal([]);
    expect(pub.status).to.equal('sent');
    return { pubId, deliveriesOf };
  }

  it('after SIGKILL while the provider holds an accepted but unanswered request, its records settle every number: texted exactly once', async () => {
    const { deliveriesOf } = await crashAt('accepted, unanswered', 0);
    const lookedUp = sms.state.requests.filter((q) => q.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber');
    expect(lookedUp.length, 'the batch in doubt was looked up number by number').to.be.at.least(200);
    // The evidence stays with the records: the hand-off moment and what the provider's records said.
    const batch = deliveriesOf.find((d) => d.attempts === 0 || d.reconcileAttempts > 0)!;
    const rows = (await deliveryRecords(String(batch._id))).filter((r) => r.evidence);
    expect(rows.length).to.be.at.least(1);
    expect(rows[0].evidence).to.contain('PullSmsSendStatusByPhoneNumber');
  });

  it('after SIGKILL while a request never reached the provider, the provider records prove it: sent without waiting for a person', async () => {
    await crashAt('never processed', 1);
  });

  it('after SIGKILL anywhere in the fan-out, every number is texted exactly once', async () => {
    await crashAt('anywhere', 2);
  });

  it('numbers the provider records cannot settle stay unknown with the evidence, and a person can mark them sent', async () => {
    const from = 10_010_000;
    const [first] = await Promise.all([spawnWorker(workerEnv), deputies(3, { region: { city: '海州市', county: '无记录区' }, from })]);
    children.push(first);
    sms.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms', count: 1 });
    // The status pull is down for as long as the recovering worker asks.
    sms.controls.failNext({ httpStatus: 503, match: 'PullSmsSendStatusByPhoneNumber', count: 1000 });
    const pubId = await publishTo('无记录区', '查询不可用');
    await waitFor('the request at the provider', async () => sms.state.sends.some((x) => x.phone === `+86${phoneOf(from)}`), 30_000, 5);
    await first.kill('SIGKILL');
    children.push(await spawnWorker(workerEnv));
    const settled = await finished(pubId);
    sms.controls.clearFailures();
    expect(settled.status).to.equal('partial');
    const view = await app.request('GET', `/api/admin/publications/${pubId}`, { token: reviewer });
    const delivery = view.body.deliveries[0];
    expect(delivery.status).to.equal('unknown');
    expect(delivery.unknownRecipients).to.have.length(3);
    expect(delivery.unknownRecipients[0].errorMessage).to.contain('交给腾讯云').and.contain('PullSmsSendStatusByPhoneNumber');
    expect(sms.state.sends.filter((x) => x.phone.startsWith(`+86${phoneOf(from).slice(0, 9)}`))).to.have.length(3);
    const res = await app.request('POST', `/api/admin/deliveries/${delivery.id}/retry`, { token: reviewer, body: { action: 'mark_sent', note: '已在服务商控制台核实' } });
    expect(res.status, res.text).to.equal(200);
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
