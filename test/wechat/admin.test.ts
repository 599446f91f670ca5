/** Admin API of the account: keyword rules and default reply (matched through the callback), followers, menu, JS-SDK. */
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../fakes';
import { WechatFollower } from '../../src/wechat/models/follower';
import { followerCountsBetween } from '../../src/wechat/followers/counts';
import { parseWechatXml } from '../../src/wechat/xml';
import { jsapiSignature } from '../../src/wechat/jssdk/sign';
import { WechatCredentialModel } from '../../src/wechat-api';
import { WechatKeywordRule } from '../../src/wechat/models/keyword-rule';
import { WechatSetting } from '../../src/wechat/models/settings';
import { REGEX_GUARD_VERSION } from '../../src/wechat/keywords/regex-guard';
import { APP_ID, eventXml, plainQuery, publishedArticle, textXml, waitFor, wechatEnv } from './support';

describe('wechat admin', () => {
  let app: TestApp;
  let fake: FakeWechat;
  let editor: string;
  let admin: string;

  const say = async (text: string) => {
    const res = await app.request('POST', `/wechat?${plainQuery()}`, { rawBody: textXml(text), headers: { 'content-type': 'text/xml' } });
    return res.text === 'success' ? undefined : parseWechatXml(res.text);
  };
  const rule = (body: Record<string, unknown>) => app.request('POST', '/api/admin/wechat/keywords', { token: editor, body });

  before(async () => {
    fake = await startFakeWechat({ appId: APP_ID });
    app = await startTestApp({ name: 'wechat_admin', env: wechatEnv(fake.url, { WECHAT_PLAIN_CALLBACKS: 'true' }) });
    editor = (await app.loginAs('editor')).token;
    admin = (await app.loginAs('admin')).token;
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  describe('keyword rules', () => {
    it('only editors and admins manage rules', async () => {
      const reviewer = (await app.loginAs('reviewer')).token;
      expect((await app.request('GET', '/api/admin/wechat/keywords', { token: reviewer })).status).to.equal(403);
      expect((await app.request('GET', '/api/admin/wechat/keywords', { token: editor })).status).to.equal(200);
    });

    it('replies by priority, then the most recently changed rule', async () => {
      const low = await rule({ name: '会议-包含', match: 'contains', pattern: '联络站', priority: 1, reply: { type: 'text', text: '低优先级' } });
      expect(low.status).to.equal(201);
      await rule({ name: '会议-精确', match: 'exact', pattern: '代表联络站', priority: 5, reply: { type: 'text', text: '高优先级' } });
      expect((await say('代表联络站'))?.Content).to.equal('高优先级');
      expect((await say('附近的联络站在哪'))?.Content).to.equal('低优先级');
      // Same priority: the most recently changed wins.
      await rule({ name: '同级-新', match: 'contains', pattern: '联络站', priority: 1, reply: { type: 'text', text: '同级较新' } });
      expect((await say('附近的联络站在哪'))?.Content).to.equal('同级较新');
      await app.request('PUT', `/api/admin/wechat/keywords/${low.body.id}`, {
        token: editor,
        body: { name: '会议-包含', match: 'contains', pattern: '联络站', priority: 1, reply: { type: 'text', text: '低优先级（已改）' } },
      });
      expect((await say('附近的联络站在哪'))?.Content).to.equal('低优先级（已改）');
    });

    it('matches regular expressions and refuses catastrophic ones at save time', async () => {
      const ok = await rule({ name: '建议', match: 'regex', pattern: '^(建议|意见)', priority: 3, reply: { type: 'text', text: '感谢您的建议' } });
      expect(ok.status).to.equal(201);
      expect((await say('建议在村口增设路灯'))?.Content).to.equal('感谢您的建议');
      const bad = await rule({ name: '坏', match: 'regex', pattern: '(a+)+$', reply: { type: 'text', text: 'x' } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.match(/灾难性回溯/);
      expect(bad.body.error.details).to.deep.include({ field: 'body.pattern', message: bad.body.error.message });
      // Catastrophic without nested quantifiers: overlapping alternatives and adjacent overlapping repeats.
      for (const pattern of ['(a|a)*$', '(\\w|\\d)+$', '\\s*\\s*\\s*\\s*x$']) {
        const refused = await rule({ name: '坏', match: 'regex', pattern, reply: { type: 'text', text: 'x' } });
        expect(refused.status, pattern).to.equal(400);
        expect(refused.body.error.message, pattern).to.match(/灾难性回溯|成倍增长/);
        expect(refused.body.error.details[0].field).to.equal('body.pattern');
        const changed = await app.request('PUT', `/api/admin/wechat/keywords/${ok.body.id}`, {
          token: editor,
          body: { name: '建议', match: 'regex', pattern, reply: { type: 'text', text: 'x' } },
        });
        expect(changed.status, pattern).to.equal(400);
      }
      // Polynomial under backtracking is refused too ((.*a){14} was called "quadratic" and stalled for seconds);
      // the same rule with a bounded gap is linear and accepted.
      for (const pattern of ['(.*a){14}', '代表.*会议']) {
        const refused = await rule({ name: '坏', match: 'regex', pattern, reply: { type: 'text', text: 'x' } });
        expect(refused.status, pattern).to.equal(400);
        expect(refused.body.error.message, pattern).to.match(/成倍增长/);
      }
      expect((await rule({ name: '代表会议', match: 'regex', pattern: '代表.{0,20}会议', reply: { type: 'text', text: '会议安排' } })).status).to.equal(201);
      expect((await say('请问代表什么时候开会议'))?.Content).to.equal('会议安排');
      const invalid = await rule({ name: '坏', match: 'regex', pattern: '([', reply: { type: 'text', text: 'x' } });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.message).to.match(/语法错误/);
    });

    it('an edited, disabled or deleted rule takes effect on the very next message', async () => {
      const created = await rule({ name: '开会', match: 'exact', pattern: '开会时间', reply: { type: 'text', text: '下周一开会' } });
      expect((await say('开会时间'))?.Content).to.equal('下周一开会');
      const put = (body: Record<string, unknown>) => app.request('PUT', `/api/admin/wechat/keywords/${created.body.id}`, { token: editor, body });
      expect((await put({ name: '开会', match: 'exact', pattern: '开会时间', reply: { type: 'text', text: '改到周二' } })).status).to.equal(200);
      expect((await say('开会时间'))?.Content).to.equal('改到周二');
      expect((await put({ name: '开会', match: 'exact', pattern: '开会时间', enabled: false, reply: { type: 'text', text: '改到周二' } })).status).to.equal(200);
      expect((await say('开会时间'))?.Content).to.not.equal('改到周二');
      expect((await put({ name: '开会', match: 'exact', pattern: '开会时间', enabled: true, reply: { type: 'text', text: '改到周三' } })).status).to.equal(200);
      expect((await say('开会时间'))?.Content).to.equal('改到周三');
      expect((await app.request('DELETE', `/api/admin/wechat/keywords/${created.body.id}`, { token: editor })).status).to.equal(204);
      expect((await say('开会时间'))?.Content).to.not.equal('改到周三');
    });

    it('a rule edited on another instance (its write and its announcement) answers here within about a second', async () => {
      const created = await rule({ name: '地址', match: 'exact', pattern: '办公地址', reply: { type: 'text', text: '人大常委会一楼' } });
      expect((await say('办公地址'))?.Content).to.equal('人大常委会一楼');
      // This instance's own announcement of the creation has been polled by now; the rules are cached again.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await say('办公地址'))?.Content).to.equal('人大常委会一楼');
      // What the other instance writes: the rule, then the stamp every instance polls.
      await WechatKeywordRule.updateOne({ _id: created.body.id }, { $set: { reply: { type: 'text', text: '已搬到二楼' } } });
      await WechatSetting.updateOne({ _id: 'replyCacheVersion' }, { $inc: { value: 1 }, $set: { updatedAt: new Date() } }, { upsert: true });
      await waitFor(async () => ((await say('办公地址'))?.Content === '已搬到二楼' ? true : undefined), 4000);
    });

    it('stores which guard accepted a regex: rules stamped by the current guard are used as stored, older ones are checked again', async () => {
      const saved = await rule({ name: '期号', match: 'regex', pattern: '^第\\d{1,3}期$', reply: { type: 'text', text: '往期回顾' } });
      expect(saved.status).to.equal(201);
      expect((await WechatKeywordRule.findById(saved.body.id).lean())?.regexGuard).to.equal(REGEX_GUARD_VERSION);
      expect((await say('第12期'))?.Content).to.equal('往期回顾');

      // Rules written by other versions: without a stamp (an older guard), or with the current one.
      const at = new Date();
      const base = { enabled: true, priority: 50, createdBy: 'old', updatedBy: 'old', createdAt: at, updatedAt: at };
      await WechatKeywordRule.collection.insertMany([
        { ...base, name: '旧-回溯', match: 'regex', pattern: '^(a+)+$', reply: { type: 'text', text: '旧规则被拒' } },
        { ...base, name: '旧-正常', match: 'regex', pattern: '^旧规则\\d+$', reply: { type: 'text', text: '旧规则仍然有效' } },
        { ...base, name: '已检查', match: 'regex', pattern: '^(b+)+$', regexGuard: REGEX_GUARD_VERSION, reply: { type: 'text', text: '按存储使用' } },
      ]);
      await WechatSetting.updateOne({ _id: 'replyCacheVersion' }, { $inc: { value: 1 }, $set: { updatedAt: new Date() } }, { upsert: true });
      await waitFor(async () => ((await say('旧规则7'))?.Content === '旧规则仍然有效' ? true : undefined), 4000);
      // The unstamped pattern the guard refuses today is never matched; the stamped one is taken as the guard left it.
      expect((await say('aaaa'))?.Content).to.not.equal('旧规则被拒');
      expect((await say('bbbb'))?.Content).to.equal('按存储使用');

      // Switched to a plain match, the rule no longer carries the stamp.
      const put = await app.request('PUT', `/api/admin/wechat/keywords/${saved.body.id}`, { token: editor, body: { name: '期号', match: 'contains', pattern: '往期', reply: { type: 'text', text: '往期回顾' } } });
      expect(put.status).to.equal(200);
      expect((await WechatKeywordRule.findById(saved.body.id).lean())?.regexGuard).to.equal(undefined);
    });

    it('article replies point only at published content, and are skipped once it is withdrawn', async () => {
      const id = await publishedArticle('代表履职故事');
      const draftId = await publishedArticle('未发布稿件', { status: 'draft' });
      const refused = await rule({ name: '草稿', match: 'exact', pattern: '故事', reply: { type: 'article', kind: 'article', itemId: draftId } });
      expect(refused.status).to.equal(400);
      expect(refused.body.error.details[0].field).to.equal('body.reply.itemId');

      await rule({ name: '故事-文本', match: 'exact', pattern: '履职故事', priority: 0, reply: { type: 'text', text: '请看网站' } });
      const created = await rule({ name: '故事', match: 'exact', pattern: '履职故事', priority: 9, reply: { type: 'article', kind: 'article', itemId: id } });
      expect(created.status).to.equal(201);
      const card = await say('履职故事');
      expect(card?.MsgType).to.equal('news');
      expect((card?.Articles as Record<string, Record<string, string>>).item.Title).to.equal('代表履职故事');

      // Withdrawn through the workflow: replies, which cache published content briefly, forget it at once.
      const reviewer = (await app.loginAs('reviewer')).token;
      expect((await app.request('POST', `/api/admin/articles/${id}/withdraw`, { token: reviewer })).status).to.equal(200);
      expect((await say('履职故事'))?.Content).to.equal('请看网站');
    });

    it('refuses unknown fields and lists, reads and deletes rules', async () => {
      expect((await rule({ name: 'x', match: 'exact', pattern: 'x', reply: { type: 'text', text: 'x' }, extra: 1 })).status).to.equal(400);
      const list = await app.request('GET', '/api/admin/wechat/keywords', { token: editor });
      expect(list.body.items.length).to.be.greaterThan(3);
      const priorities = list.body.items.map((r: { priority: number }) => r.priority);
      expect(priorities).to.deep.equal([...priorities].sort((a, b) => b - a));
      const id = list.body.items[0].id;
      expect((await app.request('GET', `/api/admin/wechat/keywords/${id}`, { token: editor })).status).to.equal(200);
      expect((await app.request('DELETE', `/api/admin/wechat/keywords/${id}`, { token: editor })).status).to.equal(204);
      expect((await app.request('GET', `/api/admin/wechat/keywords/${id}`, { token: editor })).status).to.equal(404);
    });

    it('the built-in words answer with published content', async () => {
      await publishedArticle('最新的一条新闻');
      const reply = await say('新闻');
      expect((reply?.Articles as Record<string, Record<string, string>>).item.Title).to.equal('最新的一条新闻');
    });

    it('the default reply is configurable, and can be turned off', async () => {
      const put = await app.request('PUT', '/api/admin/wechat/default-reply', { token: editor, body: { enabled: true, text: '已收到，我们会尽快回复。' } });
      expect(put.status).to.equal(200);
      expect((await say('zzqqxx'))?.Content).to.equal('已收到，我们会尽快回复。');
      await app.request('PUT', '/api/admin/wechat/default-reply', { token: editor, body: { enabled: false, text: '' } });
      expect(await say('zzqqxx')).to.equal(undefined);
      expect((await app.request('GET', '/api/admin/wechat/default-reply', { token: editor })).body).to.deep.equal({ enabled: false, text: '' });
    });
  });

  describe('followers', () => {
    it('syncs the follower list page by page (next_openid), profiles 100 at a time, tags, and daily counts', async () => {
      // Someone we knew, who left while we were not told.
      await app.request('POST', `/wechat?${plainQuery()}`, { rawBody: eventXml('subscribe', { from: 'oGone' }), headers: { 'content-type': 'text/xml' } });
      fake.controls.setFollowers(250, [2]);
      fake.controls.setFollowerPageSize(100);
      fake.controls.setTags([{ id: 2, name: '人大代表' }]);
      fake.controls.resetLog();

      const res = await app.request('POST', '/api/admin/wechat/followers/sync', { token: admin });
      expect(res.status).to.equal(200);
      expect(res.body.ran).to.equal(true);
      expect(res.body.subscribed).to.equal(250);

      const pages = fake.state.requests.filter((r) => r.path === '/cgi-bin/user/get').map((r) => r.query.next_openid ?? '');
      expect(pages).to.deep.equal(['', 'oFake00000099', 'oFake00000199', 'oFake00000249']);
      const batches = fake.state.requests.filter((r) => r.path === '/cgi-bin/user/info/batchget').map((r) => JSON.parse(r.body.toString()).user_list.length);
      expect(batches).to.deep.equal([100, 100, 50]);

      expect(await WechatFollower.findById('oGone').lean()).to.include({ subscribed: false });
      const f = await WechatFollower.findById('oFake00000007').lean();
      expect(f).to.include({ subscribed: true, subscribeScene: 'ADD_SCENE_QR_CODE' });
      expect(f?.tagIds).to.deep.equal([2]);

      const byTag = await app.request('GET', '/api/admin/wechat/followers?tagId=2&pageSize=10', { token: editor });
      expect(byTag.body.total).to.equal(250);
      expect(byTag.body.items).to.have.length(10);
      const counts = await app.request('GET', '/api/admin/wechat/followers/counts', { token: editor });
      // oGone and the sender of the earlier keyword messages were known to us but are not on WeChat's list.
      expect(counts.body).to.include({ subscribed: 250, unsubscribed: 2 });
      expect(counts.body.tags).to.deep.equal([{ id: 2, name: '人大代表', count: 250 }]);
      const daily = await followerCountsBetween(new Date(Date.now() - 3 * 86_400_000), new Date());
      expect(daily).to.have.length(1);
      expect(daily[0].total).to.equal(250);
    });
  });

  describe('menu', () => {
    it('shows the default menu until one is saved, and names the offending button on a bad one', async () => {
      const initial = await app.request('GET', '/api/admin/wechat/menu', { token: editor });
      expect(initial.body.stored).to.equal(false);
      const bad = await app.request('PUT', '/api/admin/wechat/menu', {
        token: editor,
        body: { button: [{ name: '更多', sub_button: [{ type: 'view', name: '一个非常非常非常非常非常非常非常长的菜单名字啊', url: 'https://x.cn' }] }] },
      });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.message).to.contain('button[0].sub_button[0].name');
      expect(bad.body.error.details[0].field).to.equal('body.button[0].sub_button[0].name');
      const phishing = await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: { button: [{ type: 'view', name: '领奖', url: 'https://evil.example/' }] } });
      expect(phishing.status).to.equal(400);
      expect(phishing.body.error.details[0].field).to.equal('body.button[0].url');
    });

    it('saves a valid menu and pushes it with menu/create', async () => {
      const menu = { button: [{ type: 'click', name: '最新动态', key: 'LATEST_NEWS' }, { type: 'view', name: '网站', url: 'http://lianxin.test/' }] };
      const saved = await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: menu });
      expect(saved.status).to.equal(200);
      expect(saved.body).to.deep.include({ stored: true, menu });
      expect((await app.request('POST', '/api/admin/wechat/menu/push', { token: editor })).status).to.equal(403);
      const pushed = await app.request('POST', '/api/admin/wechat/menu/push', { token: admin });
      expect(pushed.status).to.equal(200);
      expect(pushed.body.pushedAt).to.be.a('string');
      expect(fake.state.menu).to.deep.equal(menu);
    });
  });

  describe('menu click replies', () => {
    const click = async (key: string, from: string) => {
      const res = await app.request('POST', `/wechat?${plainQuery()}`, { rawBody: eventXml('CLICK', { from, key }), headers: { 'content-type': 'text/xml' } });
      return res.text === 'success' ? undefined : parseWechatXml(res.text);
    };

    it('routes a custom click key to the reply configured on its button, and never sends our replies to WeChat', async () => {
      const articleId = await publishedArticle('代表联络站开放时间');
      const menu = {
        button: [
          { type: 'click', name: '联系我们', key: 'CONTACT_US', reply: { type: 'text', text: '联系电话：0571-12345678' } },
          { name: '更多', sub_button: [{ type: 'click', name: '联络站', key: 'LIAISON_STATION', reply: { type: 'article', kind: 'article', itemId: articleId } }] },
        ],
      };
      const saved = await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: menu });
      expect(saved.status, saved.text).to.equal(200);
      expect((await click('CONTACT_US', 'oMenu01'))?.Content).to.equal('联系电话：0571-12345678');
      const card = await click('LIAISON_STATION', 'oMenu02');
      expect(card?.MsgType).to.equal('news');
      expect(JSON.stringify(card)).to.contain('代表联络站开放时间');

      const pushed = await app.request('POST', '/api/admin/wechat/menu/push', { token: admin });
      expect(pushed.status, pushed.text).to.equal(200);
      expect(JSON.stringify(fake.state.menu)).not.to.contain('reply').and.not.to.contain('0571');
      expect((fake.state.menu as { button: Array<{ key?: string }> }).button[0].key).to.equal('CONTACT_US');
    });

    it('a menu saved again answers the next click with the new reply, here at once and from another instance within about a second', async () => {
      const menuWith = (text: string) => ({ button: [{ type: 'click', name: '办公时间', key: 'OFFICE_HOURS', reply: { type: 'text', text } }] });
      expect((await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: menuWith('周一至周五 9:00-17:00') })).status).to.equal(200);
      expect((await click('OFFICE_HOURS', 'oMenuEdit01'))?.Content).to.equal('周一至周五 9:00-17:00');
      expect((await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: menuWith('周一至周六 8:30-17:30') })).status).to.equal(200);
      expect((await click('OFFICE_HOURS', 'oMenuEdit02'))?.Content).to.equal('周一至周六 8:30-17:30');
      // This instance's own announcement has been polled by now, and the menu is cached again by the click below.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await click('OFFICE_HOURS', 'oMenuEdit03'))?.Content).to.equal('周一至周六 8:30-17:30');
      // What another instance's save writes: the menu, then the stamp every instance polls.
      await WechatSetting.updateOne({ _id: 'menu' }, { $set: { value: menuWith('节假日休息'), updatedAt: new Date() } });
      await WechatSetting.updateOne({ _id: 'replyCacheVersion' }, { $inc: { value: 1 }, $set: { updatedAt: new Date() } }, { upsert: true });
      let n = 0;
      // Well inside the 30 s the cache would otherwise keep the old menu.
      await waitFor(async () => ((await click('OFFICE_HOURS', `oMenuEdit1${n++}`))?.Content === '节假日休息' ? true : undefined), 3000);
    });

    it('refuses a click key that nothing would answer, naming the button', async () => {
      const bad = await app.request('PUT', '/api/admin/wechat/menu', { token: editor, body: { button: [{ type: 'click', name: '活动', key: 'EVENTS' }] } });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.details[0].field).to.equal('body.button[0].reply');
      expect(bad.body.error.message).to.contain('EVENTS');
    });
  });

  describe('JS-SDK config', () => {
    it('signs microsite URLs with the shared jsapi_ticket, without the fragment', async () => {
      const url = 'http://lianxin.test/news/a?from=timeline';
      const res = await app.request('GET', `/api/public/wechat/jssdk?url=${encodeURIComponent(`${url}#section`)}`);
      expect(res.status).to.equal(200);
      expect(res.body.appId).to.equal(APP_ID);
      expect(res.body.jsApiList).to.include('updateAppMessageShareData');
      const tickets = fake.state.requests.filter((r) => r.path === '/cgi-bin/ticket/getticket');
      expect(tickets).to.have.length(1);
      const again = await app.request('GET', `/api/public/wechat/jssdk?url=${encodeURIComponent(url)}`);
      expect(fake.state.requests.filter((r) => r.path === '/cgi-bin/ticket/getticket'), 'ticket cached').to.have.length(1);
      // The ticket as the shared client cached it in MongoDB: the signature covers the URL without its fragment.
      const cached = await WechatCredentialModel.findById(`ticket:jsapi:${APP_ID}`).lean();
      for (const body of [res.body, again.body]) {
        expect(body.signature).to.equal(jsapiSignature({ ticket: String(cached?.value), nonceStr: body.nonceStr, timestamp: body.timestamp, url }));
      }
    });

    it('refuses URLs outside PUBLIC_BASE_URL', async () => {
      const res = await app.request('GET', `/api/public/wechat/jssdk?url=${encodeURIComponent('https://evil.example.com/')}`);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('url_not_allowed');
    });

    it('microsite pages include the share script, which asks this endpoint for its config', async () => {
      const home = await app.request('GET', '/');
      const src = /<script src="(\/assets\/share\.[0-9a-f]+\.js)"/.exec(home.text)?.[1];
      expect(src, 'share script tag on the home page').to.be.a('string');
      const res = await app.request('GET', src!);
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/javascript/);
      expect(res.text).to.contain('/api/public/wechat/jssdk').and.contain('updateAppMessageShareData');
    });
  });
});
