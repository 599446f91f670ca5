import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { ChannelError, type DeliveryRequest } from '../../src/channels/types';
import { FREEPUBLISH_UNAUTHORIZED_MESSAGE, WechatChannel, WechatMassQuotaModel } from '../../src/channels/wechat';
import { CredentialStore, WechatClient } from '../../src/wechat-api';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { quietLogger, testConfig, useTestDatabase, writeImage } from './support';

let seq = 0;
function request(overrides: Partial<DeliveryRequest> = {}, images: Record<string, string> = {}): DeliveryRequest {
  seq += 1;
  return {
    deliveryId: `d${Date.now()}${seq}`,
    idempotencyKey: `pub${seq}:wechat:0`,
    attempt: 1,
    content: {
      kind: 'article',
      id: `a${seq}`,
      title: '人大代表走进社区：倾听群众心声，推动问题解决的十个故事与经验总结（完整版·下篇）',
      digest: '代表们深入一线。',
      markdown: '## 小标题\n\n正文第一段。\n\n![现场](/media/p1.png)\n\n![外链](https://example.com/x.png)\n',
      url: 'http://lianxin.test/articles/a1',
      author: '连心编辑部',
      resolveImagePath: (src) => images[src],
    },
    wechat: { mode: 'publish' },
    ...overrides,
  };
}

async function rejection(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a ChannelError').to.be.instanceOf(ChannelError);
  return err as ChannelError;
}

describe('WeChat channel', () => {
  useTestDatabase('wechat_channel');
  let fake: FakeWechat;
  let channel: WechatChannel;
  let clock: TestClock;
  let png: string;

  before(async () => {
    png = await writeImage('png');
  });
  beforeEach(async () => {
    fake = await startFakeWechat();
    clock = new TestClock(testDate('09-01T02:00:00Z'));
    await WechatMassQuotaModel.deleteMany({});
    const config = testConfig({ WECHAT_APP_ID: fake.state.appId, WECHAT_APP_SECRET: fake.state.appSecret, WECHAT_API_BASE: fake.url });
    const client = new WechatClient(fake.state.appId, fake.state.appSecret, fake.url, { store: new CredentialStore(), timeoutMs: 1000 });
    channel = new WechatChannel({ client, config: config.wechat, clock, logger: quietLogger });
  });
  afterEach(() => fake.close());

  it('publishes: uploads body image and cover, rewrites the image URL, limits the title, links the original', async () => {
    const outcome = await channel.deliver(request({}, { '/media/p1.png': png }));
    expect(outcome.status).to.equal('pending');
    expect(outcome.providerIds?.publish_id).to.be.a('string');
    const upload = fake.state.uploads.find((u) => u.endpoint === 'uploadimg')!;
    expect(upload.filename).to.match(/\.png$/);
    const cover = fake.state.uploads.find((u) => u.endpoint === 'add_material')!;
    expect(cover.type).to.equal('thumb'); // the default cover fits the 64 KB thumb limit
    const [article] = [...fake.state.drafts.values()][0].articles;
    expect([...String(article.title)]).to.have.length(32);
    expect(String(article.title).endsWith('…')).to.equal(true);
    expect(article.content_source_url).to.equal('http://lianxin.test/articles/a1');
    expect(article.thumb_media_id).to.equal(cover.mediaId);
    expect(String(article.content)).to.include(`src="${upload.url}"`);
    expect(String(article.content)).not.to.include('/media/p1.png');
    expect(String(article.content)).not.to.include('example.com'); // external images are left out
    expect(String(article.content)).to.include('style="');
  });

  it('converts a body image WeChat would refuse (webp) to JPEG before uploading', async () => {
    const webp = await writeImage('webp');
    await channel.deliver(request({}, { '/media/p1.png': webp }));
    expect(fake.state.uploads.find((u) => u.endpoint === 'uploadimg')?.filename).to.match(/\.jpg$/);
  });

  it('sanitises the article: no scripts, event handlers or javascript: links', async () => {
    const r = request();
    r.content.markdown = '<script>alert(1)</script>\n\n[点我](javascript:alert(1))\n\n<img src=x onerror="alert(1)">\n\n<a href="#" onclick="x()">a</a>';
    await channel.deliver(r);
    const html = String([...fake.state.drafts.values()][0].articles[0].content);
    expect(html).not.to.match(/<script/i);
    expect(html).not.to.match(/<[^>]+\son\w+\s*=/i);
    expect(html).not.to.match(/(href|src)\s*=\s*"javascript:/i);
  });

  it('retries are resumable: a transient failure on submit raises a transient error, the retry reuses the draft', async () => {
    fake.controls.failNext({ code: -1, match: 'freepublish/submit' });
    const r = request({}, { '/media/p1.png': png });
    const err = await rejection(channel.deliver(r));
    expect(err.transient).to.equal(true);
    expect(err.providerCode).to.equal('-1');
    const outcome = await channel.deliver({ ...r, attempt: 2 });
    expect(outcome.status).to.equal('pending');
    expect(fake.state.drafts.size).to.equal(1);
    expect(fake.state.uploads.filter((u) => u.endpoint === 'uploadimg')).to.have.length(1);
  });

  it('explains 48001 (free publish not allowed for this account) in Chinese, permanently', async () => {
    fake.controls.setFreePublishUnauthorized(true);
    const err = await rejection(channel.deliver(request()));
    expect(err.transient).to.equal(false);
    expect(err.code).to.equal('wechat_freepublish_unauthorized');
    expect(err.message).to.include(FREEPUBLISH_UNAUTHORIZED_MESSAGE);
    expect(err.message).to.include('群发');
  });

  it('explains 48001 for the call it came from: from the publish-status check it is not "unverified account"', async () => {
    const r = request();
    const outcome = await channel.deliver(r);
    fake.controls.failNext({ code: 48001, match: 'freepublish/get' });
    const err = await rejection(channel.reconcile(r, outcome.providerIds!));
    expect(err.providerCode).to.equal('48001');
    expect(err.code).to.equal('wechat_48001');
    expect(err.message).to.include('查询发布状态').and.include('并不说明文章没有发出');
    expect(err.message).not.to.include(FREEPUBLISH_UNAUTHORIZED_MESSAGE);
    expect(err.message).not.to.include('认证');

    const broadcast = request({ wechat: { mode: 'broadcast' } });
    const sent = await channel.deliver(broadcast);
    fake.controls.failNext({ code: 48001, match: 'mass/get' });
    const massErr = await rejection(channel.reconcile(broadcast, sent.providerIds!));
    expect(massErr.message).to.include('查询群发状态').and.not.include('发布"接口权限');
  });

  it('surfaces permanent failures with the provider code', async () => {
    fake.controls.failNext({ code: 45009, match: 'draft/add' });
    const quota = await rejection(channel.deliver(request()));
    expect(quota.providerCode).to.equal('45009');
    expect(quota.transient).to.equal(false); // the daily API quota is spent: retrying today cannot help
    expect(quota.message).to.include('明天');
    fake.controls.failNext({ code: 40164, match: 'draft/add' });
    const permanent = await rejection(channel.deliver(request()));
    expect(permanent.transient).to.equal(false);
    expect(permanent.providerCode).to.equal('40164');
    expect(permanent.message).to.include('白名单');
  });

  it('broadcasts with clientmsgid = idempotency key, to all or to a tag', async () => {
    const r = request({ wechat: { mode: 'broadcast' } });
    const outcome = await channel.deliver(r);
    expect(outcome.status).to.equal('pending');
    expect(fake.state.massSends[0].clientmsgid).to.equal(r.idempotencyKey);
    expect(fake.state.massSends[0].filter).to.deep.equal({ is_to_all: true });
    clock.advance(86_400_000);
    await channel.deliver(request({ wechat: { mode: 'broadcast', tagId: 2 } }));
    expect(fake.state.massSends[1].filter).to.deep.equal({ tag_id: 2 });
  });

  it('treats "clientmsgid exist" (45065) as already sent, with the earlier msg_id', async () => {
    const r = request({ wechat: { mode: 'broadcast' } });
    // The send reaches WeChat but the answer is lost (the worker then dies before recording anything).
    fake.controls.failNext({ hang: true, processBeforeHang: true, match: 'mass/sendall' });
    const err = await rejection(channel.deliver(r));
    expect(err.transient).to.equal(true);
    expect(err.mayHaveBeenAccepted).to.equal(true);
    const outcome = await channel.reconcile(r, {});
    expect(outcome).to.not.equal('unknown');
    expect((outcome as { providerIds: Record<string, string> }).providerIds.msg_id).to.equal(String(fake.state.massSends[0].msgId));
    expect(fake.state.massSends).to.have.length(1);
    expect((await channel.quota.status()).used).to.equal(1);
  });

  it('refuses clearly before calling WeChat when the mass-send quota is spent', async () => {
    await channel.deliver(request({ wechat: { mode: 'broadcast' } }));
    const before = fake.state.requests.length;
    const err = await rejection(channel.deliver(request({ wechat: { mode: 'broadcast' } })));
    expect(err.code).to.equal('wechat_mass_quota_spent');
    expect(err.transient).to.equal(false);
    expect(err.message).to.include('今天');
    expect(fake.state.requests.length).to.equal(before);
  });

  it('marks the quota spent when WeChat answers 45028', async () => {
    fake.controls.setMassQuota(0);
    const err = await rejection(channel.deliver(request({ wechat: { mode: 'broadcast' } })));
    expect(err.code).to.equal('wechat_mass_quota_spent');
    expect((await channel.quota.status()).spent).to.equal(true);
  });

  it('gives the quota slot back when WeChat refuses the send', async () => {
    fake.controls.failNext({ code: 40007, match: 'mass/sendall' });
    await rejection(channel.deliver(request({ wechat: { mode: 'broadcast' } })));
    expect((await channel.quota.status()).used).to.equal(0);
  });

  it('reconciles publish jobs: 0 sent, 1 pending, 2–6 failed with the reason', async () => {
    const r = request();
    const outcome = await channel.deliver(r);
    const ids = outcome.providerIds!;
    expect(await channel.reconcile(r, ids)).to.include({ status: 'sent' });
    fake.controls.setPublishStatus(1, ids.publish_id);
    expect(await channel.reconcile(r, ids)).to.include({ status: 'pending' });
    fake.controls.setPublishStatus(4, ids.publish_id);
    const failed = (await channel.reconcile(r, ids)) as { status: string; error: { message: string } };
    expect(failed.status).to.equal('failed');
    expect(failed.error.message).to.include('审核');
  });

  it('reports a publish submit that got no answer as unknown', async () => {
    const r = request();
    fake.controls.failNext({ hang: true, processBeforeHang: true, match: 'freepublish/submit' });
    await rejection(channel.deliver(r));
    expect(await channel.reconcile(r, {})).to.equal('unknown');
    const again = await rejection(channel.deliver(r));
    expect(again.code).to.equal('wechat_publish_in_doubt');
  });

  it('a publish submit answered with HTTP 5xx may have been accepted: in doubt, not submitted again', async () => {
    const r = request();
    fake.controls.failNext({ httpStatus: 502, match: 'freepublish/submit' });
    const err = await rejection(channel.deliver(r));
    expect(err.mayHaveBeenAccepted).to.equal(true);
    const submits = fake.state.requests.filter((q) => q.path.includes('freepublish/submit')).length;
    const again = await rejection(channel.deliver({ ...r, attempt: 2 }));
    expect(again.code).to.equal('wechat_publish_in_doubt');
    expect(fake.state.requests.filter((q) => q.path.includes('freepublish/submit')).length).to.equal(submits);
  });

  it('reconciles mass sends through message/mass/get', async () => {
    const r = request({ wechat: { mode: 'broadcast' } });
    const { providerIds } = await channel.deliver(r);
    expect(await channel.reconcile(r, providerIds!)).to.include({ status: 'sent' });
    fake.controls.setMassStatus('SEND_FAIL', providerIds!.msg_id);
    expect(await channel.reconcile(r, providerIds!)).to.include({ status: 'failed' });
  });

  it('keeps going when the token expires mid-delivery', async () => {
    await channel.deliver(request());
    fake.controls.expireToken();
    const outcome = await channel.deliver(request({}, { '/media/p1.png': png }));
    expect(outcome.status).to.equal('pending');
    expect(fake.state.tokenFetches).to.equal(2);
  });
});
