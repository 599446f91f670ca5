import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeWeibo, type FakeWeibo } from '../fakes';
import { Delivery } from '../../src/publishing/models/delivery';
import { Publication } from '../../src/publishing/models/publication';
import { WEIBO_EXPIRY_JOB } from '../../src/channels/weibo';
import { approvedArticle, waitFor } from './support/fixtures';
import { spawnWorker, type WorkerChild } from './support/children';

const DAY = 86_400_000;

function weiboEnv(fake: FakeWeibo): Record<string, string> {
  return {
    WEIBO_APP_KEY: fake.state.appKey,
    WEIBO_APP_SECRET: fake.state.appSecret,
    WEIBO_REDIRECT_URI: 'http://lianxin.test/api/weibo/oauth/callback',
    WEIBO_API_BASE: fake.url,
  };
}

/** The admin's "connect" click, Weibo's consent page (the fake issues the code) and the redirect back. */
async function connect(app: TestApp, fake: FakeWeibo, admin: string): Promise<{ state: string; callback: (q: string) => Promise<{ status: number; body: any; text: string }> }> {
  const res = await app.request('GET', '/api/admin/channels/weibo/authorize-url', { token: admin });
  expect(res.status, res.text).to.equal(200);
  const url = new URL(res.body.url);
  expect(url.origin + url.pathname).to.equal(`${fake.url}/oauth2/authorize`);
  expect(url.searchParams.get('client_id')).to.equal(fake.state.appKey);
  expect(url.searchParams.get('redirect_uri')).to.equal('http://lianxin.test/api/weibo/oauth/callback');
  const state = url.searchParams.get('state')!;
  const callback = (q: string) => app.request('GET', `/api/weibo/oauth/callback?${q}`);
  const done = await callback(`code=${fake.controls.issueCode()}&state=${encodeURIComponent(state)}`);
  expect(done.status, done.text).to.equal(200);
  return { state, callback };
}

describe('publishing: Weibo through the pipeline', () => {
  let app: TestApp;
  let fake: FakeWeibo;
  let clock: TestClock;
  let admin: string;
  let reviewer: string;

  before(async () => {
    fake = await startFakeWeibo({ tokenTtlSeconds: 30 * 86_400 });
    clock = new TestClock(testDate('04-01T02:00:00Z'));
    app = await startTestApp({ name: 'pub_weibo', clock, env: weiboEnv(fake) });
    admin = (await app.loginAs('admin')).token;
    reviewer = (await app.loginAs('reviewer')).token;
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  // A fresh session each time: the test moves the clock by weeks, past any session's lifetime.
  const status = async () => (await app.request('GET', '/api/admin/channels/weibo', { token: (await app.loginAs('reviewer')).token })).body;

  it('connects by OAuth2: admin-only authorize URL, single-use state, token stored with its expiry', async () => {
    expect(await status()).to.include({ configured: true, connected: false, reconnectNeeded: true });
    expect((await app.request('GET', '/api/admin/channels/weibo/authorize-url', { token: reviewer })).status).to.equal(403);
    const { state, callback } = await connect(app, fake, admin);
    const s = await status();
    expect(s).to.include({ connected: true, expiresSoon: false, uid: fake.state.uid });
    expect(new Date(s.expiresAt).getTime()).to.equal(clock.now().getTime() + 30 * DAY);

    const reused = await callback(`code=${fake.controls.issueCode()}&state=${encodeURIComponent(state)}`);
    expect([reused.status, reused.body.error.code]).to.deep.equal([400, 'weibo_oauth_state_invalid']);
    const forged = await callback(`code=${fake.controls.issueCode()}&state=forged-state`);
    expect([forged.status, forged.body.error.code]).to.deep.equal([400, 'weibo_oauth_state_invalid']);
    const missing = await callback('code=x');
    expect([missing.status, missing.body.error.code]).to.deep.equal([400, 'validation_failed']);
  });

  it('an expired state is refused', async () => {
    const res = await app.request('GET', '/api/admin/channels/weibo/authorize-url', { token: admin });
    clock.advance(11 * 60_000);
    const late = await app.request('GET', `/api/weibo/oauth/callback?code=${fake.controls.issueCode()}&state=${encodeURIComponent(res.body.state)}`);
    expect([late.status, late.body.error.code]).to.deep.equal([400, 'weibo_oauth_state_invalid']);
  });

  it('a publication to weibo posts once after the microsite page is live and is recorded in the ledger', async () => {
    const id = await approvedArticle('县人大代表联络站开放日');
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite', 'weibo'] } });
    expect(res.status, res.text).to.equal(201);
    const pubId = res.body.id as string;
    const done = await waitFor('publication sent', async () => {
      const v = (await app.request('GET', `/api/admin/publications/${pubId}`, { token: reviewer })).body;
      return v.status === 'sent' && v;
    });
    const weibo = done.deliveries.find((d: { channel: string }) => d.channel === 'weibo');
    const post = fake.state.posts.find((p) => p.text.includes('县人大代表联络站开放日'))!;
    expect(weibo.providerIds.status_id).to.equal(post.id);
    expect(post.text).to.match(/^【县人大代表联络站开放日】代表们走进社区/);
    expect(post.text).to.match(/ http:\/\/lianxin\.test\/\S+$/);
    expect(fake.state.posts.filter((p) => p.text.includes('县人大代表联络站开放日'))).to.have.length(1);
  });

  it('refuses up front a title too long for a Weibo post, naming the limit; nothing recorded', async () => {
    const id = await approvedArticle(`${'关于进一步加强基层人大代表联络站建设'.repeat(8)}的通知`);
    const before = await Publication.countDocuments();
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite', 'weibo'] } });
    expect(res.status, res.text).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.message).to.include('140');
    expect(res.body.error.details[0].message).to.equal('weibo: weibo_text_too_long');
    expect(await Publication.countDocuments()).to.equal(before);
  });

  it('the expiry job warns once when the token runs out within a week; status shows it', async () => {
    await app.service.services.scheduler.runNow(WEIBO_EXPIRY_JOB);
    expect((await status()).expiryWarnedAt).to.equal(undefined);
    clock.advance(24 * DAY);
    await app.service.services.scheduler.runNow(WEIBO_EXPIRY_JOB);
    const s = await status();
    expect(s).to.include({ connected: true, expiresSoon: true });
    expect(new Date(s.expiryWarnedAt).getTime()).to.equal(clock.now().getTime());
    clock.advance(DAY);
    await app.service.services.scheduler.runNow(WEIBO_EXPIRY_JOB);
    expect(new Date((await status()).expiryWarnedAt).getTime()).to.equal(clock.now().getTime() - DAY); // not repeated
    clock.advance(6 * DAY);
    expect(await status()).to.include({ connected: false, expired: true, reconnectNeeded: true });
    // Reconnecting clears the warning.
    await connect(app, fake, (await app.loginAs('admin')).token);
    expect((await status()).expiryWarnedAt).to.equal(undefined);
  });
});

describe('publishing: Weibo across a worker crash', function () {
  this.timeout(120_000);
  let app: TestApp;
  let fake: FakeWeibo;
  let reviewer: string;
  let workerEnv: Record<string, string>;
  const children: WorkerChild[] = [];

  before(async () => {
    fake = await startFakeWeibo();
    app = await startTestApp({ name: 'pub_weibo_crash', env: { ...weiboEnv(fake), PUBLISHING_WORKER_ENABLED: 'false' } });
    reviewer = (await app.loginAs('reviewer')).token;
    await connect(app, fake, (await app.loginAs('admin')).token);
    workerEnv = { ...weiboEnv(fake), MONGODB_URI: app.config.mongodbUri!, PUBLISHING_LEASE_MS: '1500', PUBLISHING_CONCURRENCY: '2' };
  });
  afterEach(async () => {
    fake.controls.clearFailures();
    await Promise.all(children.splice(0).map((c) => c.kill('SIGTERM')));
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  const sharesOf = (title: string) =>
    fake.state.requests.filter((r) => r.path.endsWith('/share.json') && (new URLSearchParams(r.body.toString('utf8')).get('status') ?? '').includes(title));

  /** Publishes to weibo, lets a worker hand the post over, kills it with SIGKILL before the answer, starts another. */
  async function crashMidSend(title: string, processBeforeHang: boolean) {
    fake.controls.failNext({ match: 'share', hang: true, processBeforeHang });
    const id = await approvedArticle(title);
    const res = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['weibo'] } });
    expect(res.status, res.text).to.equal(201);
    const first = await spawnWorker(workerEnv);
    children.push(first);
    await waitFor('the post handed over', async () => sharesOf(title).length > 0, 30_000);
    await first.kill('SIGKILL');
    children.push(await spawnWorker(workerEnv));
    return waitFor(
      'delivery settled after the crash',
      async () => {
        const d = await Delivery.findOne({ publicationId: res.body.id, channel: 'weibo' }).lean();
        return d && ['sent', 'unknown', 'failed'].includes(d.status) ? d : undefined;
      },
      60_000,
      100,
    );
  }

  it('post made before the crash: found in the own timeline → sent, never posted twice', async () => {
    const d = await crashMidSend('代表履职故事之一', true);
    const posts = fake.state.posts.filter((p) => p.text.includes('代表履职故事之一'));
    expect(posts).to.have.length(1);
    expect(d.status).to.equal('sent');
    expect(d.providerIds.status_id).to.equal(posts[0].id);
    expect(fake.state.requests.some((r) => r.path.endsWith('/user_timeline.json'))).to.equal(true);
  });

  it('post not found after the crash → unknown for a person, nothing posted', async () => {
    const d = await crashMidSend('代表履职故事之二', false);
    expect(d.status).to.equal('unknown');
    expect(fake.state.posts.filter((p) => p.text.includes('代表履职故事之二'))).to.have.length(0);
    expect(sharesOf('代表履职故事之二')).to.have.length(1);
  });
});
