import { expect } from 'chai';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { CredentialStore, WechatApiError, WechatClient, WechatCredentialModel } from '../../src/wechat-api';
import { useTestDatabase } from './support';

describe('wechat-api client', () => {
  useTestDatabase('wechat_client');
  let fake: FakeWechat;

  beforeEach(async () => {
    fake = await startFakeWechat();
    await WechatCredentialModel.deleteMany({});
  });
  afterEach(() => fake.close());

  const client = (store = new CredentialStore()) => new WechatClient(fake.state.appId, fake.state.appSecret, fake.url, { store, timeoutMs: 2000 });

  it('fetches one token and shares it through MongoDB with other instances', async () => {
    const a = client();
    const b = client();
    await a.getTags();
    await b.getTags();
    await a.getFollowers();
    expect(fake.state.tokenFetches).to.equal(1);
    const doc = await WechatCredentialModel.findById(`access_token:${fake.state.appId}`).lean();
    expect(doc?.value).to.match(/^FAKE_TOKEN_/);
  });

  it('concurrent instances needing a token fetch it once', async () => {
    const clients = Array.from({ length: 6 }, () => client());
    await Promise.all(clients.map((c) => c.getTags()));
    expect(fake.state.tokenFetches).to.equal(1);
  });

  it('refreshes once when WeChat expires the token mid-run, then continues', async () => {
    const a = client();
    const b = client();
    await a.getTags();
    fake.controls.expireToken();
    await Promise.all([a.getTags(), b.getTags(), a.getFollowers()]);
    expect(fake.state.tokenFetches).to.equal(2);
    const codes = fake.state.requests.filter((r) => r.path === '/cgi-bin/tags/get').length;
    expect(codes).to.be.greaterThan(2);
  });

  it('treats 40001 (token replaced elsewhere) and 40014 like expiry', async () => {
    const a = client();
    await a.getTags();
    fake.controls.revokeTokens();
    await a.getTags();
    fake.controls.failNext({ code: 40014, match: '/tags/get' });
    await a.getTags();
    expect(fake.state.tokenFetches).to.equal(3);
  });

  it('keeps the AppSecret and the access token out of network error messages', async () => {
    const unreachable = new WechatClient('wx-unreachable', 'SEKRIT-app-secret', 'http://127.0.0.1:9', { store: new CredentialStore(), timeoutMs: 2000 });
    const err = await unreachable.getTags().then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(WechatApiError);
    const e = err as WechatApiError;
    expect(`${e.message} ${e.errmsg}`).to.contain('/cgi-bin/').and.not.contain('SEKRIT');
  });

  it('can use stable_token', async () => {
    const c = new WechatClient(fake.state.appId, fake.state.appSecret, fake.url, { store: new CredentialStore(), useStableToken: true });
    await c.getTags();
    expect(fake.state.requests.map((r) => r.path)).to.include('/cgi-bin/stable_token');
  });

  it('raises typed errors: transient for -1, 45011, HTTP 5xx, timeouts; permanent otherwise', async () => {
    const c = client();
    await c.getTags();
    const cases: Array<[Parameters<typeof fake.controls.failNext>[0], boolean, number]> = [
      [{ code: -1 }, true, -1],
      [{ code: 45011 }, true, 45011],
      [{ httpStatus: 502 }, true, 0],
      [{ code: 40007 }, false, 40007],
    ];
    for (const [spec, transient, errcode] of cases) {
      fake.controls.failNext({ ...spec, match: '/tags/get' });
      const err = await c.getTags().then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(WechatApiError);
      expect((err as WechatApiError).transient, JSON.stringify(spec)).to.equal(transient);
      expect((err as WechatApiError).errcode).to.equal(errcode);
      expect((err as WechatApiError).message).not.to.include('FAKE_TOKEN');
    }
    fake.controls.failNext({ hang: true, match: '/tags/get' });
    const slow = new WechatClient(fake.state.appId, fake.state.appSecret, fake.url, { store: c.store, timeoutMs: 300 });
    const err = (await slow.getTags().then(() => undefined, (e: unknown) => e)) as WechatApiError;
    expect(err.transient).to.equal(true);
    expect(err.mayHaveBeenAccepted).to.equal(true);
  });

  it('caches the JS-SDK ticket like the token and signs a config', async () => {
    const a = client();
    const b = client();
    const cfg = await a.getJsConfig({ url: 'http://lianxin.test/a', jsApiList: ['updateAppMessageShareData'] });
    await b.getJsConfig({ url: 'http://lianxin.test/b', jsApiList: [] });
    expect(cfg.signature).to.match(/^[0-9a-f]{40}$/);
    expect(fake.state.ticketFetches).to.equal(1);
  });

  it('pages followers and reads the draft/freepublish extensions', async () => {
    fake.controls.setFollowers(5);
    fake.controls.setFollowerPageSize(2);
    const c = client();
    const seen: string[] = [];
    let next: string | undefined;
    for (;;) {
      const page = await c.getFollowers(next);
      if (!page.count) break;
      seen.push(...(page.data?.openid ?? []));
      next = page.next_openid;
    }
    expect(seen).to.have.length(5);
    const { media_id } = await c.addMaterial(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), 'c.jpg', 'thumb');
    const draft = await c.addDraft([{ title: '标题', content: '<p>x</p>', thumb_media_id: media_id }]);
    const { publish_id } = await c.submitFreePublish(draft.media_id);
    expect((await c.getFreePublish(publish_id)).publish_status).to.equal(0);
  });
});
