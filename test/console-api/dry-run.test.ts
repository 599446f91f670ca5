import { expect } from 'chai';
import { TestClock } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { HOUR, clockStart } from './support';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { Deputy } from '../../src/content/models/deputy';
import { approvedArticle, deputies, phoneOf } from '../publishing/support/fixtures';

const START = clockStart();

describe('POST /api/admin/{kind}/:id/publish/dry-run', () => {
  let app: TestApp;
  let fake: FakeWechat;
  const clock = new TestClock(START);
  let reviewer: string;
  let admin: string;
  let editor: string;

  before(async () => {
    fake = await startFakeWechat();
    app = await startTestApp({
      name: 'console-dry-run',
      clock,
      env: { WECHAT_APP_ID: fake.state.appId, WECHAT_APP_SECRET: fake.state.appSecret, WECHAT_API_BASE: fake.url, WECHAT_MASS_QUOTA: '2' },
    });
    [reviewer, admin, editor] = (await Promise.all([app.loginAs('reviewer'), app.loginAs('admin'), app.loginAs('editor')])).map((u) => u.token);
    await deputies(4, { level: 'county' });
    await deputies(2, { level: 'city', from: 10 });
    const optOut = await app.request('POST', '/api/admin/sms/opt-outs', { token: admin, body: { phone: phoneOf(3) } });
    expect(optOut.status, optOut.text).to.equal(201);
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  const dryRun = (id: string, body: unknown, token = reviewer) => app.request('POST', `/api/admin/articles/${id}/publish/dry-run`, { token, body });

  it('counts whom each channel reaches, shows the exact SMS and the quota left, and sends nothing', async () => {
    const id = await approvedArticle('代表进社区');
    const res = await dryRun(id, {
      channels: ['microsite', 'wechat', 'sms'],
      wechat: { mode: 'broadcast' },
      audience: { deputies: { levels: ['county'] }, followers: { all: true } },
    });
    expect(res.status, res.text).to.equal(200);
    const { channels, problems, item } = res.body;
    expect(problems).to.deep.equal([]);
    expect(item.url).to.match(/^http:\/\/lianxin\.test\/news\//);
    expect(channels.microsite).to.deep.equal({ url: item.url, reach: 'public' });
    expect(channels.wechat).to.include({ mode: 'broadcast', recipients: 0, quotaLeft: 2, usesQuota: true });
    expect(channels.wechat.quota).to.include({ limit: 2, used: 0, spent: false });
    const sms = channels.sms;
    expect(sms.audience).to.include({ recipients: 3, excludedOptedOut: 1, invalid: 0, duplicates: 0 });
    // The page goes out as its short link for SMS (PUBLIC_BASE_URL/l/CODE).
    const link = sms.params.find((p: { name: string }) => p.name === 'link').value;
    expect(link).to.match(/^http:\/\/lianxin\.test\/l\/[0-9A-Za-z]{6}$/);
    expect(sms.text).to.equal(`【连心】“代表进社区”已发布，详情请见 ${link} 回TD退订`);
    expect(sms.length).to.equal([...sms.text].length);
    expect(sms.parts).to.equal(sms.length <= 70 ? 1 : Math.ceil(sms.length / 67));
    expect(sms.messages).to.equal(3 * sms.parts);
    expect(sms.params.map((p: any) => [p.name, p.source, p.ok, p.max])).to.deep.equal([
      ['title', 'item', true, 20],
      ['link', 'item', true, 64],
    ]);

    const publications = await app.request('GET', '/api/admin/publications', { token: reviewer });
    expect(publications.body.total).to.equal(0);
    expect(fake.state.massSends).to.have.length(0);
  });

  it('counts an audience read over several cursor batches exactly: duplicates, invalid numbers and opt-outs across them', async () => {
    // 2,300 township deputies: the audience is read 1,000 at a time; the odd ones below sit in different batches.
    await deputies(2_300, { level: 'township', region: { city: '海州市', county: '北山县' }, from: 500_000 });
    const last = await Deputy.findOne({ level: 'township' }).sort({ _id: -1 });
    await Deputy.updateOne({ _id: last!._id }, { $set: { phones: [`+86 ${phoneOf(500_000).slice(0, 3)} ${phoneOf(500_000).slice(3)}`] } }); // the first one's number, spelt otherwise
    const middle = await Deputy.findOne({ level: 'township' }).sort({ _id: 1 }).skip(1_500);
    await Deputy.updateOne({ _id: middle!._id }, { $set: { phones: ['12345', phoneOf(900_001)] } }); // a bad number before a usable one
    const bad = await Deputy.findOne({ level: 'township' }).sort({ _id: 1 }).skip(1_200);
    await Deputy.updateOne({ _id: bad!._id }, { $set: { phones: ['12345'] } }); // no usable number: not a recipient
    const optOut = await app.request('POST', '/api/admin/sms/opt-outs', { token: admin, body: { phone: phoneOf(502_100) } });
    expect(optOut.status, optOut.text).to.equal(201);
    const res = await dryRun(await approvedArticle('乡镇代表'), { channels: ['sms'], audience: { deputies: { levels: ['township'] } } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.channels.sms.audience).to.include({ recipients: 2_300 - 3, excludedOptedOut: 1, duplicates: 1 });
    await Deputy.deleteMany({ level: 'township' });
  });

  it('shows a title the template will shorten, and values that are too long', async () => {
    const id = await approvedArticle('关于进一步加强人大代表联系群众工作的若干措施的通知');
    const res = await dryRun(id, { channels: ['sms'], audience: { deputies: { levels: ['city'] } }, sms: { notification: 'news', params: { link: `http://lianxin.test/${'x'.repeat(70)}` } } });
    expect(res.status, res.text).to.equal(200);
    const [title, link] = res.body.channels.sms.params;
    expect(title).to.include({ source: 'item', ok: true, length: 20 });
    expect(title.note).to.include('截断为 20 个字');
    expect(link).to.include({ source: 'request', ok: false, max: 64 });
    expect(res.body.problems).to.deep.equal([{ field: 'body.sms.params.link', message: '"链接"有 90 个字，超过模板限制的 64 个字' }]);
  });

  it('names what would stop the publication: an item not approved, nobody to text, a spent quota', async () => {
    const draft = await app.request('POST', '/api/admin/articles', { token: editor, body: { title: '草稿', body: '正文' } });
    const notApproved = await dryRun(draft.body.id, { channels: ['sms'], audience: { deputies: { regions: ['无此地区'] } } });
    expect(notApproved.status, notApproved.text).to.equal(200);
    expect(notApproved.body.problems.map((p: any) => p.field)).to.deep.equal(['item', 'body.audience']);
    expect(notApproved.body.channels.sms.recipients).to.equal(0);

    const id = await approvedArticle('群发额度');
    for (let i = 0; i < 2; i++) {
      const sent = await app.request('POST', `/api/admin/articles/${await approvedArticle(`群发${i}`)}/publish`, { token: reviewer, body: { channels: ['wechat'], wechat: { mode: 'broadcast' } } });
      expect(sent.status, sent.text).to.equal(201);
    }
    let report: any;
    for (let i = 0; i < 100; i++) {
      report = (await dryRun(id, { channels: ['wechat'], wechat: { mode: 'broadcast' } })).body;
      if (report.channels.wechat.quotaLeft === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(report.channels.wechat.quotaLeft).to.equal(0);
    expect(report.problems[0].field).to.equal('body.wechat.mode');
    expect(report.problems[0].message).to.include('群发次数已用完');
  });

  it('validates like publish and answers only to those who may publish', async () => {
    const id = await approvedArticle('校验');
    const past = await dryRun(id, { channels: ['microsite'], at: new Date(START.getTime() - 2 * HOUR).toISOString() });
    expect(past.status).to.equal(400);
    expect(past.body.error.details[0].field).to.equal('body.at');
    expect((await dryRun(id, { channels: [] })).status).to.equal(400);
    expect((await dryRun(id, { channels: ['microsite'] }, editor)).status).to.equal(403);
    expect((await dryRun('0123456789abcdef01234567', { channels: ['microsite'] })).status).to.equal(404);
  });
});
