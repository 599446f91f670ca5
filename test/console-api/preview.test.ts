import { expect } from 'chai';
import { TestClock } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { clockStart } from './support';
import { waitFor } from '../publishing/support/fixtures';

const START = clockStart();

describe('POST /api/admin/{kind}/preview', () => {
  let app: TestApp;
  const clock = new TestClock(START);
  let editor: string;
  let reviewer: string;
  let organizer: string;

  before(async () => {
    app = await startTestApp({ name: 'console-preview', clock });
    [editor, reviewer, organizer] = (await Promise.all([app.loginAs('editor'), app.loginAs('reviewer'), app.loginAs('organizer')])).map((u) => u.token);
  });
  after(() => app.close());

  const preview = (family: string, body: unknown, token = editor) => app.request('POST', `/api/admin/${family}/preview`, { token, body });

  it('renders unsaved Markdown as the microsite page and as the WeChat article, saving nothing', async () => {
    const markdown = '## 走访情况\n\n代表们走访了**三个村**。\n\n![现场](/media/0123456789abcdef0123-cover.jpg)\n\n![外链](https://example.com/x.png)';
    const res = await preview('articles', { fields: { title: '代表进村入户听民声', body: markdown, byline: '县人大办' } });
    expect(res.status, res.text).to.equal(200);
    const { microsite, wechat } = res.body;
    expect(microsite.html).to.match(/^<!doctype html>/i);
    expect(microsite.html).to.include('代表进村入户听民声').and.to.include('<h2>走访情况</h2>').and.to.include('<strong>三个村</strong>');
    expect(microsite.html).to.match(/<link[^>]+\/assets\/site\.[0-9a-f]+\.css/);
    expect(wechat.title).to.equal('代表进村入户听民声');
    expect(wechat.author).to.equal('县人大办');
    expect(wechat.html).to.include('id="js_content"').and.to.include('style="').and.not.to.include('<script');
    expect(wechat.html).to.include('src="/media/0123456789abcdef0123-cover.jpg"');
    expect(wechat.droppedImages).to.deep.equal(['https://example.com/x.png']);
    expect(wechat.warnings.join()).to.include('1 张图片');
    expect(wechat.digest).to.include('代表们走访了三个村');
    expect((await app.request('GET', '/api/admin/articles', { token: editor })).body.total).to.equal(0);
  });

  it('gives exactly the page readers get for a published item', async () => {
    const created = await app.request('POST', '/api/admin/articles', { token: editor, body: { title: '预览与页面一致', body: '第一段。\n\n- 要点一\n- 要点二', topics: ['民生实事'] } });
    const id = created.body.id;
    await app.request('POST', `/api/admin/articles/${id}/submit`, { token: editor });
    await app.request('POST', `/api/admin/articles/${id}/approve`, { token: reviewer });
    const pub = await app.request('POST', `/api/admin/articles/${id}/publish`, { token: reviewer, body: { channels: ['microsite'] } });
    expect(pub.status, pub.text).to.equal(201);
    const item = await waitFor('the article to go live', async () => {
      const a = (await app.request('GET', `/api/admin/articles/${id}`, { token: editor })).body;
      return a.status === 'published' && a;
    });
    const page = await app.request('GET', `/news/${item.slug}`);
    expect(page.status).to.equal(200);
    const res = await preview('articles', { id, fields: {} }, reviewer);
    expect(res.body.microsite.path).to.equal(`/news/${item.slug}`);
    expect(res.body.microsite.html).to.equal(page.text);

    const changed = await preview('articles', { id, fields: { title: '改过的标题', topics: null } }, reviewer);
    expect(changed.body.microsite.html).to.include('改过的标题').and.not.to.include('民生实事');
    expect((await app.request('GET', `/api/admin/articles/${id}`, { token: editor })).body.title).to.equal('预览与页面一致');
  });

  it('previews the other kinds with their own templates', async () => {
    const deputy = await preview('deputies', { fields: { name: '张代表', level: 'county', story: '扎根基层二十年。' } });
    expect(deputy.status, deputy.text).to.equal(200);
    expect(deputy.body.microsite.html).to.include('张代表').and.to.include('扎根基层二十年');
    const kase = await preview('cases', { fields: { title: '议事会模式', caseKind: 'group_activity', body: '做法' } });
    expect(kase.body.microsite.html).to.include('议事会模式');
  });

  it('warns when the title is too long for WeChat', async () => {
    const res = await preview('articles', { fields: { title: '很'.repeat(40), body: '正文' } });
    expect([...res.body.wechat.title]).to.have.length(32);
    expect(res.body.wechat.warnings.join()).to.include('标题超过 32 个字');
  });

  it('validates fields as a save would, and checks roles', async () => {
    const bad = await preview('articles', { fields: { title: 5, colour: 'red' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.map((d: any) => d.field)).to.include.members(['body.fields.title', 'body.fields.colour']);
    const missing = await preview('articles', { id: '0123456789abcdef01234567', fields: {} });
    expect(missing.status).to.equal(404);
    expect((await preview('articles', { fields: {} }, organizer)).status).to.equal(403);
    expect((await app.request('POST', '/api/admin/articles/preview', { body: { fields: {} } })).status).to.equal(401);
  });
});
