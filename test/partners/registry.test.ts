import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { PartnerKey } from '../../src/partners/models';
import { article, contact, createPartner, expectStatus, issueKey } from './support';

const HOUR = 3_600_000;

describe('partners: registry and feed keys', () => {
  let app: TestApp;
  let clock: TestClock;
  let admin: string;
  let reviewer: string;
  let editor: string;

  before(async () => {
    clock = new TestClock(testDate('05-12T02:00:00Z'));
    app = await startTestApp({ name: 'partners_registry', clock });
    [admin, reviewer, editor] = (await Promise.all([app.loginAs('admin'), app.loginAs('reviewer'), app.loginAs('editor')])).map((u) => u.token);
    await article({ title: '代表联络站开放日', region: { city: '海州市', county: '东湖区' }, publishedAt: clock.now() });
  });
  after(() => app.close());

  it('adds a partner with contact and what it takes; lists and reads it; the push secret is shown once', async () => {
    const created = await createPartner(app, reviewer, {
      name: '海州日报',
      takes: { kinds: ['article', 'case', 'article'], regions: ['东湖区'], topics: ['基层治理'] },
      push: { enabled: true, url: 'http://127.0.0.1:9/hooks' },
    });
    expect(created).to.include({ name: '海州日报', kind: 'newspaper', kindLabel: '报纸', active: true, activeKeys: 0 });
    expect(created.takes).to.deep.equal({ kinds: ['article', 'case'], regions: ['东湖区'], topics: ['基层治理'] });
    expect(created.pushSecret).to.match(/^whsec_[A-Za-z0-9_-]{40,}$/);
    expect(created.push).to.deep.include({ enabled: true, secretSet: true });

    const read = await app.request('GET', `/api/admin/partners/${created.id}`, { token: editor });
    expectStatus(read, 200);
    expect(read.body).to.not.have.property('pushSecret');
    expect(JSON.stringify(read.body)).to.not.include(created.pushSecret);
    const list = await app.request('GET', '/api/admin/partners?kind=newspaper', { token: editor });
    expect(list.body.items.map((p: any) => p.name)).to.include('海州日报');
  });

  it('refuses bad input with the field named, and saves nothing', async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await app.request('POST', '/api/admin/partners', { token: reviewer, body });
      expectStatus(res, 400);
      expect(res.body.error.code).to.equal('validation_failed');
      expect(res.body.error.details.map((d: any) => d.field)).to.include(field);
    };
    const ok = { name: '东湖电视台', kind: 'tv', contact, takes: { kinds: ['article'] } };
    await bad({ ...ok, kind: 'radio' }, 'body.kind');
    await bad({ ...ok, contact: { name: '王' } }, 'body.contact.phone');
    await bad({ ...ok, contact: { ...contact, email: 'not-an-email' } }, 'body.contact.email');
    await bad({ ...ok, takes: { kinds: [] } }, 'body.takes.kinds');
    await bad({ ...ok, takes: { kinds: ['meeting'] } }, 'body.takes.kinds.0');
    await bad({ ...ok, push: { enabled: true } }, 'body.push.url');
    await bad({ ...ok, push: { enabled: true, url: 'ftp://x.test/h' } }, 'body.push.url');
    await bad({ ...ok, secret: 'x' }, 'body.secret');
    const dup = await app.request('POST', '/api/admin/partners', { token: reviewer, body: { ...ok, name: '海州日报' } });
    expectStatus(dup, 409);
    expect(dup.body.error.code).to.equal('partner_name_taken');
    const list = await app.request('GET', '/api/admin/partners', { token: editor });
    expect(list.body.items.map((p: any) => p.name)).to.deep.equal(['海州日报']);
  });

  it('only reviewers and admins keep the registry; only admins handle keys and secrets', async () => {
    const partner = (await app.request('GET', '/api/admin/partners', { token: editor })).body.items[0];
    expectStatus(await app.request('POST', '/api/admin/partners', { token: editor, body: { name: 'x', kind: 'tv', contact, takes: { kinds: ['article'] } } }), 403);
    expectStatus(await app.request('POST', `/api/admin/partners/${partner.id}/keys`, { token: reviewer, body: {} }), 403);
    expectStatus(await app.request('POST', `/api/admin/partners/${partner.id}/push-secret`, { token: reviewer }), 403);
    expectStatus(await app.request('GET', '/api/admin/partners'), 401);
    expectStatus(await app.request('GET', '/api/admin/partners/not-an-id', { token: editor }), 400);
    expectStatus(await app.request('GET', '/api/admin/partners/0123456789abcdef01234567', { token: editor }), 404);
  });

  it('a key is shown once, stored hashed, works in the URL or a header; revoked → 403, unknown or missing → 401', async () => {
    const partner = await createPartner(app, reviewer, { name: '东湖区融媒体中心', kind: 'media_centre', takes: { kinds: ['article'] } });
    const key = await issueKey(app, admin, partner.id);
    expect(key).to.match(/^lxp_[A-Za-z0-9_-]{43}$/);
    const stored = await PartnerKey.findOne({ partnerId: partner.id }).lean();
    expect(JSON.stringify(stored)).to.not.include(key);
    const keys = await app.request('GET', `/api/admin/partners/${partner.id}/keys`, { token: admin });
    expect(keys.body.items).to.have.length(1);
    expect(keys.body.items[0]).to.include({ state: 'active', label: '采编系统', prefix: key.slice(0, 10) });
    expect(JSON.stringify(keys.body)).to.not.include(key);

    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`), 200);
    expectStatus(await app.request('GET', '/api/partner/feed.rss', { headers: { 'x-partner-key': key } }), 200);
    const missing = await app.request('GET', '/api/partner/feed.json');
    expect([missing.status, missing.body.error.code]).to.deep.equal([401, 'partner_key_required']);
    const wrong = await app.request('GET', `/api/partner/feed.json?key=${key.slice(0, -2)}xx`);
    expect([wrong.status, wrong.body.error.code]).to.deep.equal([401, 'partner_key_invalid']);

    expectStatus(await app.request('POST', `/api/admin/partners/${partner.id}/keys/${keys.body.items[0].id}/revoke`, { token: admin }), 200);
    const revoked = await app.request('GET', `/api/partner/feed.json?key=${key}`);
    expect([revoked.status, revoked.body.error.code]).to.deep.equal([403, 'partner_key_revoked']);
  });

  it('rotation: the new key works at once, the old one until its grace period ends', async () => {
    const partner = await createPartner(app, reviewer, { name: '海州电视台', kind: 'tv', takes: { kinds: ['article'] } });
    const oldKey = await issueKey(app, admin, partner.id);
    const oldId = (await app.request('GET', `/api/admin/partners/${partner.id}/keys`, { token: admin })).body.items[0].id;
    const rotated = await app.request('POST', `/api/admin/partners/${partner.id}/keys/${oldId}/rotate`, { token: admin, body: { graceHours: 24 } });
    expectStatus(rotated, 201);
    expect(rotated.body.previous.state).to.equal('expiring');
    const newKey = rotated.body.key as string;
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${newKey}`), 200);
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${oldKey}`), 200);
    clock.advance(24 * HOUR + 1000);
    const expired = await app.request('GET', `/api/partner/feed.json?key=${oldKey}`);
    expect([expired.status, expired.body.error.code]).to.deep.equal([403, 'partner_key_expired']);
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${newKey}`), 200);
    const again = await app.request('POST', `/api/admin/partners/${partner.id}/keys/${oldId}/rotate`, { token: (await app.loginAs('admin')).token, body: {} });
    expectStatus(again, 404);
  });

  it('switching a partner off or removing it ends its access', async () => {
    const token = (await app.loginAs('reviewer')).token;
    const partner = await createPartner(app, token, { name: '县委宣传部', kind: 'publicity_dept', takes: { kinds: ['article', 'deputy'] } });
    const key = await issueKey(app, (await app.loginAs('admin')).token, partner.id);
    expectStatus(await app.request('PATCH', `/api/admin/partners/${partner.id}`, { token, body: { active: false } }), 200);
    const off = await app.request('GET', `/api/partner/feed.json?key=${key}`);
    expect([off.status, off.body.error.code]).to.deep.equal([403, 'partner_inactive']);
    expectStatus(await app.request('PATCH', `/api/admin/partners/${partner.id}`, { token, body: { active: true } }), 200);
    expectStatus(await app.request('GET', `/api/partner/feed.json?key=${key}`), 200);
    expectStatus(await app.request('PATCH', `/api/admin/partners/${partner.id}`, { token, body: {} }), 400);
    expectStatus(await app.request('DELETE', `/api/admin/partners/${partner.id}`, { token }), 204);
    expect((await app.request('GET', `/api/partner/feed.json?key=${key}`)).status).to.equal(403);
    expectStatus(await app.request('GET', `/api/admin/partners/${partner.id}`, { token }), 404);
  });
});
