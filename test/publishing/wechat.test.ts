import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { approvedArticle, waitFor } from './support/fixtures';
import { Delivery } from '../../src/publishing/models/delivery';
import { TOKEN, eventXml, plainQuery } from '../wechat/support';

describe('publishing: WeChat official account through the pipeline', () => {
  let app: TestApp;
  let fake: FakeWechat;
  let clock: TestClock;
  let reviewer: string;

  before(async () => {
    fake = await startFakeWechat();
    clock = new TestClock(testDate('03-10T02:00:00Z'));
    app = await startTestApp({
      name: 'pub_wechat',
      clock,
      env: {
        WECHAT_APP_ID: fake.state.appId,
        WECHAT_APP_SECRET: fake.state.appSecret,
        WECHAT_API_BASE: fake.url,
        WECHAT_ACCOUNT_TYPE: 'subscription',
        WECHAT_MASS_QUOTA: '1',
        WECHAT_TOKEN: TOKEN,
      },
    });
    reviewer = (await app.loginAs('reviewer')).token;
  });
  after(async () => {
    await app.close();
    await fake.close();
  });
  afterEach(() => {
    fake.state.defaultPublishStatus = 0; // publish jobs succeed unless a test says otherwise
  });

  async function publish(body: Record<string, unknown>, title?: string) {
    const id = await approvedArticle(title);
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as string;
  }
  const view = async (id: string) => (await app.request('GET', `/api/admin/publications/${id}`, { token: reviewer })).body;
  const wechatDelivery = async (id: string) => (await view(id)).deliveries.find((d: { channel: string }) => d.channel === 'wechat');
  const settledWechat = (id: string, statuses: string[]) =>
    waitFor(`wechat delivery in ${statuses.join('/')}`, async () => {
      const d = await wechatDelivery(id);
      return d && statuses.includes(d.status) && d;
    });

  it('polls a pending publish soon (seconds, not a minute), then backs off', async () => {
    fake.state.defaultPublishStatus = 1; // publishing
    const id = await publish({ channels: ['wechat'], wechat: { mode: 'publish' } }, '尽快查询发布结果');
    const pending = await settledWechat(id, ['pending']);
    const row = await Delivery.findById(pending.id).lean();
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).to.equal(3_000);
    clock.advance(3_000); // first poll: still publishing → next in 6 s
    await waitFor('second poll scheduled', async () => (await Delivery.findById(pending.id).lean())!.polls === 1);
    await waitFor('backed off', async () => (await Delivery.findById(pending.id).lean())!.nextAttemptAt.getTime() - clock.now().getTime() === 6_000);
    fake.state.publishes.get(pending.providerIds.publish_id)!.status = 0;
    clock.advance(6_000);
    const done = await settledWechat(id, ['sent']);
    expect(done.status).to.equal('sent');
  });

  it('takes the job-result event from the /wechat callback (PUBLISHJOBFINISH)', async () => {
    fake.state.defaultPublishStatus = 1;
    const id = await publish({ channels: ['wechat'], wechat: { mode: 'publish' } }, '回调带来发布结果');
    const pending = await settledWechat(id, ['pending']);
    const info =
      `<PublishEventInfo><publish_id>${pending.providerIds.publish_id}</publish_id><publish_status>0</publish_status>` +
      '<article_id><![CDATA[ART1]]></article_id><article_detail><count>1</count><item><idx>1</idx>' +
      '<article_url><![CDATA[https://mp.weixin.qq.com/s/cb]]></article_url></item></article_detail></PublishEventInfo>';
    const timestamp = Math.floor(clock.now().getTime() / 1000); // the callback is fresh by the service clock
    const res = await app.request('POST', `/wechat?${plainQuery({ timestamp })}`, {
      rawBody: eventXml('PUBLISHJOBFINISH', { from: 'oSystem', extra: info, createTime: timestamp }),
      headers: { 'content-type': 'text/xml' },
    });
    expect(res.status).to.equal(200);
    const done = await settledWechat(id, ['sent']);
    expect(done.providerIds.article_url).to.equal('https://mp.weixin.qq.com/s/cb');
  });

  it('goes live on the microsite first, then free-publishes; the job-finished event completes it', async () => {
    const id = await publish({ channels: ['microsite', 'wechat'], wechat: { mode: 'publish' } }, '先上线微站再发公众号');
    const pending = await settledWechat(id, ['pending']);
    expect(pending.providerIds.publish_id).to.be.a('string');
    const micro = (await view(id)).deliveries.find((d: { channel: string }) => d.channel === 'microsite');
    expect(micro.status).to.equal('sent');
    expect(new Date(micro.settledAt).getTime()).to.be.at.most(new Date(pending.lastAttemptAt).getTime());
    // The draft links to the live microsite page ("read the original").
    const draft = [...fake.state.drafts.values()].at(-1)!;
    expect(String(draft.articles[0].content_source_url)).to.match(/^http:\/\/lianxin\.test\//);

    app.service.services.events.emit('wechat.jobFinished', {
      event: 'PUBLISHJOBFINISH',
      publishId: pending.providerIds.publish_id,
      status: '0',
      articleUrl: 'https://mp.weixin.qq.com/s/abc',
      raw: {},
    });
    const done = await waitFor('publication sent', async () => {
      const v = await view(id);
      return v.status === 'sent' && v;
    });
    expect(done.deliveries.find((d: { channel: string }) => d.channel === 'wechat').providerIds.article_url).to.equal('https://mp.weixin.qq.com/s/abc');
  });

  it('polls a pending publish job when no event comes', async () => {
    const id = await publish({ channels: ['wechat'], wechat: { mode: 'publish' } }, '没有回调事件时轮询');
    await settledWechat(id, ['pending']);
    clock.advance(61_000);
    const sent = await settledWechat(id, ['sent']);
    expect(sent.providerIds.publish_id).to.be.a('string');
  });

  it('survives the access token expiring between two publications (one refresh, no failure)', async () => {
    const first = await publish({ channels: ['wechat'] }, '令牌过期前');
    await settledWechat(first, ['pending']);
    const fetchesBefore = fake.state.tokenFetches;
    fake.controls.expireToken();
    const second = await publish({ channels: ['wechat'] }, '令牌过期后');
    const d = await settledWechat(second, ['pending', 'sent']);
    expect(d.attempts).to.equal(1);
    expect(fake.state.tokenFetches).to.equal(fetchesBefore + 1);
  });

  it('retries "system busy" with backoff and then succeeds', async () => {
    fake.controls.failNext({ code: -1, match: 'freepublish/submit' });
    const id = await publish({ channels: ['wechat'] }, '系统繁忙后重试');
    const queued = await waitFor('queued again', async () => {
      const d = await wechatDelivery(id);
      return d && d.status === 'queued' && d.attempts === 1 && d;
    });
    expect(queued.error.providerCode).to.equal('-1');
    clock.advance(20_000);
    const d = await settledWechat(id, ['pending', 'sent']);
    expect(d.attempts).to.equal(2);
  });

  it('a free publish whose submit may have been accepted becomes unknown, not failed, and is never submitted again by itself', async () => {
    const submits = () => fake.state.requests.filter((q) => q.path.includes('freepublish/submit')).length;
    const before = submits();
    fake.controls.failNext({ httpStatus: 502, match: 'freepublish/submit' });
    const id = await publish({ channels: ['wechat'], wechat: { mode: 'publish' } }, '发布结果存疑');
    await waitFor('submit tried once', async () => {
      const d = await wechatDelivery(id);
      return d && d.status === 'queued' && d.attempts === 1;
    });
    clock.advance(60_000);
    const d = await settledWechat(id, ['unknown', 'failed']);
    expect(d.status).to.equal('unknown');
    expect(d.error.message).to.contain('发表记录');
    expect(submits()).to.equal(before + 1);
    const plain = await app.request('POST', `/api/admin/deliveries/${d.id}/retry`, { token: reviewer, body: { action: 'retry' } });
    expect(plain.status).to.equal(400);
  });

  it('stops on a permanent error and shows the provider code and an explanation', async () => {
    fake.controls.setFreePublishUnauthorized(true);
    try {
      const id = await publish({ channels: ['wechat'] }, '未认证账号');
      const d = await settledWechat(id, ['failed']);
      expect(d.attempts).to.equal(1);
      expect(d.error.providerCode).to.equal('48001');
      expect(d.error.message).to.contain('群发');
      expect((await view(id)).status).to.equal('failed');
    } finally {
      fake.controls.setFreePublishUnauthorized(false);
    }
  });

  it('refuses a broadcast once the mass-send quota is spent, before calling WeChat', async () => {
    const first = await publish({ channels: ['wechat'], wechat: { mode: 'broadcast' }, audience: { followers: { all: true } } }, '今日群发');
    await settledWechat(first, ['pending', 'sent']);
    expect(fake.state.massSends).to.have.length(1);
    expect(fake.state.massSends[0].clientmsgid).to.be.a('string');

    const second = await publish({ channels: ['wechat'], wechat: { mode: 'broadcast' } }, '再次群发');
    const d = await settledWechat(second, ['failed']);
    expect(d.error.code).to.equal('wechat_mass_quota_spent');
    expect(d.error.message).to.contain('群发次数已用完');
    expect(fake.state.massSends).to.have.length(1);
  });
});
