import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { WechatCredentialModel } from '../../src/wechat-api';

describe('GET /api/admin/channels/status', () => {
  let app: TestApp;
  let fake: FakeWechat;
  let admin: string;
  before(async () => {
    fake = await startFakeWechat();
    app = await startTestApp({
      name: 'console-channel-status',
      env: { WECHAT_APP_ID: fake.state.appId, WECHAT_APP_SECRET: fake.state.appSecret, WECHAT_API_BASE: fake.url, WECHAT_TOKEN: 'callback-token', WECHAT_MASS_QUOTA: '3' },
    });
    admin = (await app.loginAs('admin')).token;
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  it('reports what is configured, never the secrets, and checks the WeChat token on request', async () => {
    const before = await app.request('GET', '/api/admin/channels/status', { token: admin });
    expect(before.status, before.text).to.equal(200);
    expect(before.text).not.to.include(fake.state.appSecret).and.not.to.include('callback-token');
    expect(before.body.wechat).to.include({ configured: true, appId: fake.state.appId, callbackToken: true, safeMode: false });
    expect(before.body.wechat.token).to.deep.equal({ cached: false, expiresAt: null, check: null });
    expect(before.body.wechat.massQuota).to.include({ limit: 3, used: 0, spent: false });
    expect(before.body.sms).to.include({ provider: 'outbox', signName: '连心', credentials: true, templates: 'bundled', optOuts: 0 });
    expect(before.body.warnings.join('\n')).to.include('outbox 模式');

    const checked = await app.request('GET', '/api/admin/channels/status?check=true', { token: admin });
    expect(checked.body.wechat.token.check).to.deep.equal({ ok: true });
    expect(checked.body.wechat.token.cached).to.equal(true);
    expect(checked.text).not.to.include(fake.state.appSecret);
  });

  it('reports a token WeChat refuses', async () => {
    const original = fake.state.appSecret;
    fake.state.appSecret = 'rotated-on-the-platform';
    try {
      // The cached token is dropped, so the check has to fetch one.
      await WechatCredentialModel.deleteMany({});
      const res = await app.request('GET', '/api/admin/channels/status?check=true', { token: admin });
      expect(res.body.wechat.token.check.ok, JSON.stringify(res.body.wechat) + JSON.stringify(fake.state.appSecret)).to.equal(false);
      expect(res.body.warnings.join('\n')).to.include('access_token');
      expect(res.text).not.to.include(original);
    } finally {
      fake.state.appSecret = original;
    }
  });

  it('is for admins only', async () => {
    const editor = (await app.loginAs('editor')).token;
    expect((await app.request('GET', '/api/admin/channels/status', { token: editor })).status).to.equal(403);
    expect((await app.request('GET', '/api/admin/channels/status?check=maybe', { token: admin })).status).to.equal(400);
  });
});
