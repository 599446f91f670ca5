import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { ChannelError, type DeliveryRequest } from '../../src/channels/types';
import { WeiboChannel, WeiboClient, WeiboConnectionModel, WeiboProgressModel, readConnection, saveConnection, weiboLength } from '../../src/channels/weibo';
import { startFakeWeibo, type FakeWeibo } from '../fakes';
import { quietLogger, useTestDatabase, writeImage } from './support';

let seq = 0;
function request(content: Partial<DeliveryRequest['content']> = {}): DeliveryRequest {
  seq += 1;
  return {
    deliveryId: `wb${Date.now()}${seq}`,
    idempotencyKey: `pub${seq}:weibo:0`,
    attempt: 1,
    content: {
      kind: 'article',
      id: `a${seq}`,
      title: `代表走进社区倾听民声（第${seq}期）`,
      digest: '县人大代表深入十个社区，收集群众意见建议一百二十条，其中八十条已交办有关部门，群众满意度明显提升。'.repeat(3),
      markdown: '正文',
      url: `http://lianxin.test/articles/a${seq}`,
      ...content,
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a ChannelError').to.be.instanceOf(ChannelError);
  return err as ChannelError;
}

describe('Weibo channel', () => {
  useTestDatabase('weibo_channel');
  let fake: FakeWeibo;
  let channel: WeiboChannel;
  let client: WeiboClient;
  const clock = new TestClock(testDate('09-01T02:00:00Z'));

  beforeEach(async () => {
    fake = await startFakeWeibo();
    client = new WeiboClient(fake.url, 1000);
    await Promise.all([WeiboConnectionModel.deleteMany({}), WeiboProgressModel.deleteMany({})]);
    const token = await client.exchangeCode({ appKey: fake.state.appKey, appSecret: fake.state.appSecret, redirectUri: 'http://lianxin.test/cb', code: fake.controls.issueCode() });
    await saveConnection({ accessToken: token.accessToken, uid: token.uid, expiresAt: new Date(Date.now() + token.expiresInSeconds * 1000), connectedAt: clock.now(), connectedBy: 'admin' });
    channel = new WeiboChannel({ client, safeHost: 'lianxin.test', clock, logger: quietLogger });
  });
  afterEach(() => fake.close());

  it('posts 【title】digest and the link with the cover as multipart pic, within 140', async () => {
    const cover = await writeImage('png');
    const req = request({ coverImagePath: cover });
    const outcome = await channel.deliver(req);
    expect(outcome.status).to.equal('sent');
    expect(fake.state.posts).to.have.length(1);
    const [post] = fake.state.posts;
    expect(outcome.providerIds?.status_id).to.equal(post.id);
    expect(post.text.startsWith(`【${req.content.title}】县人大代表`)).to.equal(true);
    expect(post.text.endsWith(` ${req.content.url}`)).to.equal(true);
    expect(post.text).to.include('…'); // the digest was shortened to fit
    expect(weiboLength(post.text)).to.be.at.most(140);
    expect(post.pic?.contentType).to.equal('image/png');
    expect(post.pic?.bytes).to.be.greaterThan(0);
    // Delivering again (a retry after the answer was recorded) returns the same post, never a second one.
    expect((await channel.deliver(req)).providerIds?.status_id).to.equal(post.id);
    expect(fake.state.posts).to.have.length(1);
  });

  it('re-encodes a WebP cover as JPEG (Weibo takes JPEG/PNG/GIF only)', async () => {
    await channel.deliver(request({ coverImagePath: await writeImage('webp') }));
    expect(fake.state.posts[0].pic?.contentType).to.equal('image/jpeg');
  });

  it('refuses a title that with the link exceeds 140, naming the limit, before any request', async () => {
    const req = request({ title: '人大代表'.repeat(35) });
    expect(channel.check(req.content)?.code).to.equal('weibo_text_too_long');
    const err = await rejection(channel.deliver(req));
    expect(err.code).to.equal('weibo_text_too_long');
    expect(err.transient).to.equal(false);
    expect(err.message).to.include('140');
    expect(fake.state.requests.filter((r) => r.path.includes('share'))).to.have.length(0);
  });

  it('refuses a link outside the safe domain before any request', async () => {
    const err = await rejection(channel.deliver(request({ url: 'http://elsewhere.example/a' })));
    expect(err.code).to.equal('weibo_link_not_allowed');
    expect(err.message).to.include('lianxin.test');
    expect(fake.state.requests.filter((r) => r.path.includes('share'))).to.have.length(0);
  });

  it('classifies repeat content as permanent and leaves nothing in doubt', async () => {
    fake.controls.failNext({ match: 'share', code: 20019 });
    const req = request();
    const err = await rejection(channel.deliver(req));
    expect([err.code, err.transient, err.providerCode]).to.deep.equal(['weibo_duplicate', false, '20019']);
    expect(await WeiboProgressModel.findById(req.deliveryId).lean()).to.equal(null);
  });

  it('classifies rate limits (10022/10023/10024) as retryable and posts on the retry', async () => {
    for (const code of [10022, 10023, 10024]) {
      fake.controls.failNext({ match: 'share', code });
      const req = request();
      const err = await rejection(channel.deliver(req));
      expect([err.code, err.transient]).to.deep.equal(['weibo_rate_limited', true]);
      expect((await channel.deliver(req)).status).to.equal('sent');
    }
    expect(fake.state.posts).to.have.length(3);
  });

  it('an expired token needs a person: permanent reconnect error, connection flagged, no further calls', async () => {
    fake.controls.expireTokens();
    const err = await rejection(channel.deliver(request()));
    expect([err.code, err.transient, err.providerCode]).to.deep.equal(['weibo_reconnect_needed', false, '21327']);
    expect((await readConnection())?.rejectedAt).to.be.instanceOf(Date);
    fake.controls.resetLog();
    const again = await rejection(channel.deliver(request()));
    expect(again.code).to.equal('weibo_reconnect_needed');
    expect(again.message).to.include('重新连接');
    expect(fake.state.requests).to.have.length(0);
  });

  it('a post whose answer was lost is found in the timeline on retry, not posted twice', async () => {
    fake.controls.failNext({ match: 'share', hang: true, processBeforeHang: true });
    const req = request();
    const err = await rejection(channel.deliver(req));
    expect(err.transient).to.equal(true);
    expect(err.mayHaveBeenAccepted).to.equal(true);
    const outcome = await channel.deliver(req);
    expect(outcome.status).to.equal('sent');
    expect(outcome.providerIds?.status_id).to.equal(fake.state.posts[0].id);
    expect(fake.state.posts).to.have.length(1);
  });

  it('a lost request that never reached Weibo becomes unknown on retry (never re-posted blindly)', async () => {
    fake.controls.failNext({ match: 'share', hang: true });
    const req = request();
    await rejection(channel.deliver(req));
    const err = await rejection(channel.deliver(req));
    expect([err.code, err.inDoubt]).to.deep.equal(['weibo_post_in_doubt', true]);
    expect(fake.state.posts).to.have.length(0);
  });

  describe('reconcile after a crash', () => {
    it('finds the post handed over before the crash (also behind a t.cn short link) → sent', async () => {
      const req = request();
      const text = `【${req.content.title}】摘要 ${req.content.url}`;
      await WeiboProgressModel.create({ _id: req.deliveryId, stage: 'posting', text, updatedAt: clock.now() });
      const id = fake.controls.addPost(`【${req.content.title}】摘要 http://t.cn/A6abcdEF`);
      expect(await channel.reconcile(req, {})).to.deep.equal({ status: 'sent', providerIds: { status_id: id, mid: id } });
      expect(fake.state.posts).to.have.length(1);
    });

    it('post not in the timeline → unknown, nothing posted', async () => {
      const req = request();
      fake.controls.addPost('别的微博 http://lianxin.test/articles/other');
      await WeiboProgressModel.create({ _id: req.deliveryId, stage: 'posting', text: `【${req.content.title}】摘要 ${req.content.url}`, updatedAt: clock.now() });
      expect(await channel.reconcile(req, {})).to.equal('unknown');
      expect(fake.state.posts).to.have.length(1);
    });

    it('nothing handed over yet → posts once', async () => {
      const outcome = await channel.reconcile(request(), {});
      expect(outcome).to.include({ status: 'sent' });
      expect(fake.state.posts).to.have.length(1);
    });
  });
});
