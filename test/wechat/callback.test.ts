/** The /wechat callback over HTTP: verification, plain and safe mode, every refusal, events, retries. */
import http from 'node:http';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/app';
import { startFakeWechat, type FakeWechat } from '../fakes';
import type { DomainEvents } from '../../src/events';
import { WechatFollower } from '../../src/wechat/models/follower';
import { WechatCallbackSignature } from '../../src/wechat/models/callback-signature';
import { WechatInboundMessage } from '../../src/wechat/models/inbound-message';
import { WechatInboundReply } from '../../src/wechat/models/inbound-reply';
import { WechatInteraction } from '../../src/wechat/models/interaction';
import { parseWechatXml } from '../../src/wechat/xml';
import { HINT } from '../../src/wechat/inbound/content-replies';
import { wechatSignature } from '../../src/wechat/signature';
import { WechatCrypto } from '../../src/wechat/crypto';
import { ACCOUNT, AES_KEY, APP_ID, OLD_AES_KEY, TOKEN, eventXml, nowSeconds, plainQuery, publishedArticle, safeRequest, textXml, waitFor, wechatEnv } from './support';

describe('wechat callback', () => {
  let app: TestApp;
  let fake: FakeWechat;
  const post = (query: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'text/xml' }) =>
    app.request('POST', `/wechat?${query}`, { rawBody: body, headers });

  before(async () => {
    fake = await startFakeWechat({ appId: APP_ID });
    // Both modes are exercised here, so plain callbacks are allowed explicitly (safe-mode.test.ts covers the strict default).
    app = await startTestApp({ name: 'wechat_callback', env: wechatEnv(fake.url, { WECHAT_PLAIN_CALLBACKS: 'true' }) });
  });
  after(async () => {
    await app.close();
    await fake.close();
  });

  describe('URL verification (GET)', () => {
    it('echoes echostr when the signature matches', async () => {
      const res = await app.request('GET', `/wechat?${plainQuery()}&echostr=8093817418349571331`);
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('8093817418349571331');
    });

    it('refuses a wrong signature, a stale timestamp and missing parameters', async () => {
      expect((await app.request('GET', `/wechat?${plainQuery({ token: 'wrong' })}&echostr=1`)).status).to.equal(403);
      const stale = await app.request('GET', `/wechat?${plainQuery({ timestamp: nowSeconds() - 301 })}&echostr=1`);
      expect(stale.status).to.equal(403);
      expect(stale.body.error.code).to.equal('stale_timestamp');
      expect((await app.request('GET', '/wechat?echostr=1')).status).to.equal(403);
    });
  });

  describe('plain mode', () => {
    it('answers a text message with a passive reply addressed back to the sender', async () => {
      const res = await post(plainQuery(), textXml('随便说点什么呢', { from: 'oPlain01' }));
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/xml/);
      const reply = parseWechatXml(res.text);
      expect(reply.ToUserName).to.equal('oPlain01');
      expect(reply.FromUserName).to.equal(ACCOUNT);
      expect(reply.MsgType).to.equal('text');
      expect(reply.Content).to.contain('回复「新闻」');
    });

    it('refuses a wrong signature (403) without processing', async () => {
      const res = await post(plainQuery({ token: 'not-the-token' }), textXml('hi', { msgId: '9000000000000000001' }));
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('invalid_signature');
      expect(await WechatInboundMessage.countDocuments({ _id: 'msg:9000000000000000001' })).to.equal(0);
    });

    it('a captured signed query signs one body only: a retry is answered the same, another body is refused', async () => {
      const query = plainQuery();
      const xml = textXml('帮助', { from: 'oPlainRetry01' });
      const first = await post(query, xml);
      expect(first.status).to.equal(200);
      expect((await post(query, xml)).text).to.equal(first.text);
      const forged = await post(query, eventXml('CLICK', { from: 'oForger02', key: 'LATEST_NEWS' }));
      expect(forged.status).to.equal(403);
      expect(forged.body.error.code).to.equal('replayed_signature');
      expect(await WechatInteraction.countDocuments({ openid: 'oForger02' })).to.equal(0);
    });

    it('a message forged under a used signature is not claimed: its genuine delivery is still handled', async () => {
      const query = plainQuery();
      expect((await post(query, textXml('帮助', { from: 'oPlainSig01' }))).status).to.equal(200);
      const msgId = '9000000000000000077';
      const forged = await post(query, textXml('帮助', { from: 'oPlainSig02', msgId }));
      expect(forged.status).to.equal(403);
      expect(forged.body.error.code).to.equal('replayed_signature');
      expect(await WechatInboundMessage.countDocuments({ _id: `msg:${msgId}` })).to.equal(0);
      // WeChat's own delivery of that message (its own signature) is the first one: handled, not a retry.
      const genuine = await post(plainQuery(), textXml('帮助', { from: 'oPlainSig02', msgId }));
      expect(genuine.status).to.equal(200);
      expect(parseWechatXml(genuine.text).ToUserName).to.equal('oPlainSig02');
      expect(await WechatInboundMessage.countDocuments({ _id: `msg:${msgId}` })).to.equal(1);
    });

    it('records each plain-mode signature once, with the hash of the body it signed', async () => {
      const query = plainQuery();
      const params = new URLSearchParams(query);
      const signature = `${params.get('timestamp')}:${params.get('nonce')}:${params.get('signature')}`;
      const xml = textXml('帮助', { from: 'oPlainSig03' });
      expect((await post(query, xml)).status).to.equal(200);
      expect((await post(query, xml)).status).to.equal(200);
      const records = await WechatCallbackSignature.find({ _id: signature }).lean();
      expect(records).to.have.length(1);
      expect(records[0].bodyHash).to.match(/^[0-9a-f]{64}$/);
    });

    it('refuses a timestamp outside ±5 minutes (replay)', async () => {
      for (const ts of [nowSeconds() - 400, nowSeconds() + 400]) {
        const res = await post(plainQuery({ timestamp: ts }), textXml('hi'));
        expect(res.status).to.equal(403);
        expect(res.body.error.code).to.equal('stale_timestamp');
      }
    });

    it('refuses a body over 64 KB (413)', async () => {
      const res = await post(plainQuery(), textXml('长'.repeat(30_000)));
      expect(res.status).to.equal(413);
    });

    it('refuses malformed XML (400)', async () => {
      for (const body of ['<xml><Content>unclosed</xml>', 'not xml at all', '']) {
        const res = await post(plainQuery(), body);
        expect(res.status, body).to.equal(400);
      }
    });

    it('refuses DOCTYPE and ENTITY declarations (400)', async () => {
      const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>';
      const res = await post(plainQuery(), xxe);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('xml_doctype_refused');
    });

    it('accepts a citizen typing "<!DOCTYPE" or "<!ENTITY" inside the message text (CDATA)', async () => {
      const res = await post(plainQuery(), textXml('请问 <!DOCTYPE html> 和 <!ENTITY x "y"> 是什么', { from: 'oDoctype01' }));
      expect(res.status).to.equal(200);
      expect(parseWechatXml(res.text).ToUserName).to.equal('oDoctype01');
      const outside = await post(plainQuery(), `<!DOCTYPE xml><xml><Content><![CDATA[hi]]></Content></xml>`);
      expect(outside.status).to.equal(400);
      expect(outside.body.error.code).to.equal('xml_doctype_refused');
    });

    it('reads a UTF-8 body that arrives split inside a character, with a byte-order mark', async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(textXml('帮助', { from: 'oSplit01' }))]);
      const cut = bytes.indexOf(Buffer.from('帮')) + 1; // the first chunk ends one byte into 帮
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(`${app.url}/wechat?${plainQuery()}`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml', 'content-length': String(bytes.length) },
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, text: body }));
        });
        req.on('error', reject);
        req.flushHeaders();
        req.write(bytes.subarray(0, cut));
        setTimeout(() => req.end(bytes.subarray(cut)), 30);
      });
      expect(status).to.equal(200);
      const reply = parseWechatXml(text);
      expect(reply.ToUserName).to.equal('oSplit01');
      // 帮助 read intact is the built-in help word (a mangled one would get the default reply).
      expect(reply.Content).to.equal(HINT);
    });

    it('refuses a message missing its required fields (400)', async () => {
      const res = await post(plainQuery(), '<xml><MsgType>text</MsgType></xml>');
      expect(res.status).to.equal(400);
    });

    it('counts refusals in /metrics', async () => {
      const res = await app.request('GET', '/metrics');
      expect(res.text).to.match(/lianxin_wechat_callback_refused_total\{reason="invalid_signature"\} [1-9]/);
      expect(res.text).to.match(/lianxin_wechat_callback_refused_total\{reason="doctype"\} [1-9]/);
    });

    it('answers alike before Koa (text/xml, the front lane) and through it (another body type): headers, error shape, route label', async () => {
      const count = async (status: number) => {
        const text = (await app.request('GET', '/metrics')).text;
        const line = text.split('\n').find((l) => l.startsWith('lianxin_http_request_duration_seconds_count{') && l.includes('method="POST"') && l.includes('route="/wechat"') && l.includes(`status="${status}"`));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const [refusedBefore, answeredBefore] = [await count(403), await count(200)];
      const refuse = (type: string, id: string) => post(plainQuery({ token: 'not-the-token' }), textXml('hi'), { 'content-type': type, 'x-request-id': id });
      const refusals = [await refuse('text/xml', 'lane-xml-1'), await refuse('text/plain', 'lane-koa-1')];
      const answers = [
        await post(plainQuery(), textXml('随便说点什么呢', { from: 'oLane01' }), { 'content-type': 'text/xml; charset=utf-8' }),
        await post(plainQuery(), textXml('随便说点什么呢', { from: 'oLane01' }), { 'content-type': 'text/plain' }),
      ];
      expect(refusals.map((r) => r.headers.get('x-request-id'))).to.deep.equal(['lane-xml-1', 'lane-koa-1']);
      for (const res of refusals) {
        expect(res.status).to.equal(403);
        expect(res.body).to.deep.equal({ error: { code: 'invalid_signature', message: '签名无效', details: null } });
      }
      for (const res of answers) expect(res.status).to.equal(200);
      expect(parseWechatXml(answers[0].text).Content).to.equal(parseWechatXml(answers[1].text).Content);
      // Every header but the per-response ones, name and value, is the same either way.
      const fixed = (res: { headers: Headers }) =>
        [...res.headers].filter(([name]) => !['date', 'x-request-id', 'content-length', 'connection', 'keep-alive'].includes(name)).sort();
      expect(fixed(refusals[0])).to.deep.equal(fixed(refusals[1]));
      expect(fixed(answers[0])).to.deep.equal(fixed(answers[1]));
      expect(fixed(refusals[0]).map(([name]) => name)).to.include.members(['content-security-policy', 'x-content-type-options', 'content-type']);
      expect(refusals[0].headers.get('content-type')).to.equal('application/json; charset=utf-8');
      expect(answers[0].headers.get('content-type')).to.equal('text/xml; charset=utf-8');
      // Both recorded under the route's label.
      expect(await count(403)).to.equal(refusedBefore + 2);
      expect(await count(200)).to.equal(answeredBefore + 2);
    });
  });

  describe('safe mode (AES)', () => {
    it('decrypts, verifies msg_signature and answers with an encrypted, signed envelope', async () => {
      const { query, body } = safeRequest(textXml('帮助', { from: 'oSafe01' }));
      const res = await post(query, body);
      expect(res.status).to.equal(200);
      const envelope = parseWechatXml(res.text);
      const { Encrypt, MsgSignature, TimeStamp, Nonce } = envelope as Record<string, string>;
      expect(MsgSignature).to.equal(wechatSignature(TOKEN, TimeStamp, Nonce, Encrypt));
      const inner = parseWechatXml(new WechatCrypto(APP_ID, AES_KEY).open(Encrypt).message);
      expect(inner.ToUserName).to.equal('oSafe01');
      expect(inner.Content).to.contain('回复「新闻」');
    });

    it('accepts the previous EncodingAESKey and replies with it', async () => {
      const { query, body } = safeRequest(textXml('帮助', { from: 'oSafe02' }), { key: OLD_AES_KEY });
      const res = await post(query, body);
      expect(res.status).to.equal(200);
      const { Encrypt } = parseWechatXml(res.text) as Record<string, string>;
      expect(new WechatCrypto(APP_ID, OLD_AES_KEY).open(Encrypt).key).to.equal(OLD_AES_KEY);
    });

    it('refuses a wrong msg_signature before decrypting (403)', async () => {
      const { query, body } = safeRequest(textXml('hi'), { tamper: true });
      const res = await post(query, body);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('invalid_signature');
    });

    it('refuses a message sealed for another appid (403)', async () => {
      const { query, body } = safeRequest(textXml('hi'), { appId: 'wx-someone-else' });
      const res = await post(query, body);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('wrong_appid');
    });

    it('refuses DOCTYPE inside the encrypted message too', async () => {
      const { query, body } = safeRequest('<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>');
      const res = await post(query, body);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('xml_doctype_refused');
    });
  });

  describe('events', () => {
    it('subscribe records the follower (with the QR scene) and welcomes with the latest headline', async () => {
      await publishedArticle('代表走进社区听民声');
      const res = await post(plainQuery(), eventXml('subscribe', { from: 'oFollow01', key: 'qrscene_expo2024' }));
      expect(res.status).to.equal(200);
      const reply = parseWechatXml(res.text);
      expect(reply.Content).to.contain('代表走进社区听民声');
      expect(reply.Content).to.match(/<a href="http:\/\/lianxin\.test\/news\/wx-article-/);
      expect(reply.Content).to.contain('「代表」');
      const follower = await WechatFollower.findById('oFollow01').lean();
      expect(follower).to.include({ subscribed: true, qrScene: 'expo2024' });
    });

    it('unsubscribe marks the follower and announces it once, even when WeChat retries', async () => {
      const seen: DomainEvents['wechat.unfollowed'][] = [];
      const off = app.service.services.events.on('wechat.unfollowed', (e) => void seen.push(e));
      const xml = eventXml('unsubscribe', { from: 'oFollow01', createTime: nowSeconds() });
      const first = await post(plainQuery(), xml);
      const retry = await post(plainQuery(), xml);
      expect(first.text).to.equal('success');
      expect(retry.text).to.equal('success');
      await waitFor(() => seen.length > 0 || undefined);
      await new Promise((r) => setTimeout(r, 50));
      off();
      expect(seen).to.deep.equal([{ openid: 'oFollow01' }]);
      expect(await WechatFollower.findById('oFollow01').lean()).to.include({ subscribed: false });
    });

    it('a re-follow reactivates the follower', async () => {
      await post(plainQuery(), eventXml('subscribe', { from: 'oFollow01', createTime: nowSeconds() + 1 }));
      const f = await WechatFollower.findById('oFollow01').lean();
      expect(f?.subscribed).to.equal(true);
      expect(f?.unsubscribedAt).to.equal(undefined);
    });

    it('CLICK LATEST_NEWS answers with the latest published article as a card', async () => {
      await publishedArticle('草稿不应出现', { status: 'draft', publishedAt: new Date(Date.now() + 60_000) });
      const id = await publishedArticle('人大代表助力乡村振兴');
      // Written straight to the database: announced as the content workflow announces a publication.
      app.service.services.events.emit('item.changed', { kind: 'article', id, reason: 'published' });
      const res = await post(plainQuery(), eventXml('CLICK', { from: 'oClick01', key: 'LATEST_NEWS' }));
      const reply = parseWechatXml(res.text);
      expect(reply.MsgType).to.equal('news');
      expect(reply.ArticleCount).to.equal('1');
      const item = (reply.Articles as Record<string, Record<string, string>>).item;
      expect(item.Title).to.equal('人大代表助力乡村振兴');
      expect(item.Url).to.match(/^http:\/\/lianxin\.test\/news\//);
      expect(id).to.be.a('string');
      expect(await WechatInteraction.countDocuments({ openid: 'oClick01', event: 'CLICK', key: 'LATEST_NEWS' })).to.equal(1);
    });

    it('CLICK TYPICAL_DEPUTIES, MODEL_CASES and UPCOMING_MEETINGS answer with lists or links', async () => {
      for (const key of ['TYPICAL_DEPUTIES', 'MODEL_CASES', 'UPCOMING_MEETINGS']) {
        const res = await post(plainQuery(), eventXml('CLICK', { from: 'oClick02', key, createTime: nowSeconds() + key.length }));
        expect(res.status, key).to.equal(200);
        const reply = parseWechatXml(res.text);
        expect(reply.MsgType, key).to.equal('text');
        expect(reply.Content, key).to.match(/lianxin\.test|回复/);
      }
    });

    it('VIEW is recorded without a reply', async () => {
      const res = await post(plainQuery(), eventXml('VIEW', { from: 'oView01', key: 'http://lianxin.test/cases' }));
      expect(res.text).to.equal('success');
      expect(await WechatInteraction.countDocuments({ openid: 'oView01', event: 'VIEW', key: 'http://lianxin.test/cases' })).to.equal(1);
    });

    it('PUBLISHJOBFINISH and MASSSENDJOBFINISH are announced as wechat.jobFinished', async () => {
      const seen: DomainEvents['wechat.jobFinished'][] = [];
      const off = app.service.services.events.on('wechat.jobFinished', (e) => void seen.push(e));
      // Shapes from the official documentation of the publish and mass-send result pushes.
      const publish = eventXml('PUBLISHJOBFINISH', {
        from: 'oSystem',
        extra:
          '<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status><article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy WP4Hq4]]></article_id>' +
          '<article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/fake]]></article_url></item></article_detail></PublishEventInfo>',
      });
      const mass = eventXml('MASSSENDJOBFINISH', {
        from: 'oSystem',
        createTime: nowSeconds() + 2,
        extra: '<MsgID>1000001625</MsgID><Status><![CDATA[send success]]></Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>',
      });
      expect((await post(plainQuery(), publish)).text).to.equal('success');
      expect((await post(plainQuery(), mass)).text).to.equal('success');
      await waitFor(() => seen.length >= 2 || undefined);
      off();
      const [p, m] = seen;
      expect(p).to.include({ event: 'PUBLISHJOBFINISH', publishId: '2247503051', status: '0', articleUrl: 'https://mp.weixin.qq.com/s/fake' });
      expect(m).to.include({ event: 'MASSSENDJOBFINISH', msgId: '1000001625', status: 'send success' });
      expect((m.raw as Record<string, string>).SentCount).to.equal('75');
    });
  });

  describe('retries', () => {
    it('a retried message is processed once and answered with the same reply', async () => {
      const xml = textXml('帮助', { from: 'oRetry01', msgId: '6054768590064713728' });
      const [a, b] = await Promise.all([post(plainQuery(), xml), post(plainQuery(), xml)]);
      const c = await post(plainQuery(), xml);
      expect(a.status).to.equal(200);
      expect(b.text).to.equal(a.text);
      expect(c.text).to.equal(a.text);
      expect(await WechatInboundMessage.countDocuments({ _id: 'msg:6054768590064713728' })).to.equal(1);
    });

    it('a burst of deliveries of one MsgId, under fresh signatures and among other messages, is handled once and answered alike', async () => {
      const xml = textXml('帮助', { from: 'oBurst01', msgId: '6054768590064719999' });
      const others = Array.from({ length: 20 }, (_, i) => textXml('帮助', { from: `oBurst${String(i + 10).padStart(2, '0')}` }));
      const answers = await Promise.all([...Array.from({ length: 5 }, () => post(plainQuery(), xml)), ...others.map((o) => post(plainQuery(), o))]);
      const mine = answers.slice(0, 5);
      expect(mine.every((a) => a.status === 200 && a.text === mine[0].text)).to.equal(true);
      expect(parseWechatXml(mine[0].text).ToUserName).to.equal('oBurst01');
      expect(answers.slice(5).map((a) => parseWechatXml(a.text).ToUserName)).to.deep.equal(others.map((_, i) => `oBurst${String(i + 10).padStart(2, '0')}`));
      expect(await WechatInboundMessage.countDocuments({ _id: 'msg:6054768590064719999' })).to.equal(1);
    });

    it('a retry reaching this instance while another one works on the message waits for its stored reply and answers with it', async () => {
      const msgId = '6054768590064755501';
      const xml = textXml('帮助', { from: 'oOther01', msgId });
      // What the other instance wrote: its claim first, its reply (stored in its next batch) a moment later.
      const stored = `<xml><ToUserName><![CDATA[oOther01]]></ToUserName><FromUserName><![CDATA[${ACCOUNT}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[另一台实例的回复]]></Content></xml>`;
      await WechatInboundMessage.collection.insertOne({ _id: `msg:${msgId}`, openid: 'oOther01', receivedAt: new Date() } as never);
      const retry = post(plainQuery(), xml);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await WechatInboundReply.collection.insertOne({ _id: `msg:${msgId}`, reply: stored, deferred: false, doneAt: new Date() } as never);
      const res = await retry;
      expect(res.status).to.equal(200);
      expect(res.text).to.equal(stored);
      // Answered again from the stored reply, never handled here.
      expect((await post(plainQuery(), xml)).text).to.equal(stored);
      expect(await WechatInboundMessage.countDocuments({ _id: `msg:${msgId}` })).to.equal(1);
      expect(await WechatInboundReply.countDocuments({ _id: `msg:${msgId}` })).to.equal(1);
    });

    it('a retry of a message an instance of the earlier version works on waits for the reply it stores with its claim', async () => {
      const msgId = '6054768590064755502';
      const xml = textXml('帮助', { from: 'oOther02', msgId });
      const stored = `<xml><ToUserName><![CDATA[oOther02]]></ToUserName><FromUserName><![CDATA[${ACCOUNT}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[旧版本实例的回复]]></Content></xml>`;
      await WechatInboundMessage.collection.insertOne({ _id: `msg:${msgId}`, status: 'processing', openid: 'oOther02', receivedAt: new Date() } as never);
      const retry = post(plainQuery(), xml);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await WechatInboundMessage.collection.updateOne({ _id: `msg:${msgId}` } as never, { $set: { status: 'done', reply: stored, doneAt: new Date() } });
      const res = await retry;
      expect(res.status).to.equal(200);
      expect(res.text).to.equal(stored);
      expect(await WechatInboundReply.countDocuments({ _id: `msg:${msgId}` })).to.equal(0);
    });

    it('stores each answered reply once, under the message key, for the retries', async () => {
      const msgId = '6054768590064755503';
      const res = await post(plainQuery(), textXml('帮助', { from: 'oStored01', msgId }));
      expect(res.status).to.equal(200);
      const doc = await waitFor(async () => (await WechatInboundReply.findById(`msg:${msgId}`).lean()) ?? undefined);
      expect(doc.reply).to.equal(res.text);
      expect(doc.deferred).to.equal(false);
    });

    it('another body sent together with the genuine one under the same signature is refused, the genuine one answered', async () => {
      const query = plainQuery();
      const genuine = textXml('帮助', { from: 'oPair01' });
      const [a, b] = await Promise.all([post(query, genuine), post(query, eventXml('CLICK', { from: 'oForger03', key: 'LATEST_NEWS' }))]);
      // Whichever arrives first is the one the signature signs; the other is refused.
      expect([a.status, b.status].sort()).to.deep.equal([200, 403]);
      expect([a, b].find((r) => r.status === 403)!.body.error.code).to.equal('replayed_signature');
    });

    it('job-result events from one sender in one second are told apart by MsgID / publish_id', async () => {
      const seen: DomainEvents['wechat.jobFinished'][] = [];
      const off = app.service.services.events.on('wechat.jobFinished', (e) => void seen.push(e));
      const t = nowSeconds() + 20;
      const mass = (id: string) =>
        eventXml('MASSSENDJOBFINISH', { from: 'oSystemJobs', createTime: t, extra: `<MsgID>${id}</MsgID><Status><![CDATA[send success]]></Status>` });
      const publish = (id: string) =>
        eventXml('PUBLISHJOBFINISH', { from: 'oSystemJobs', createTime: t, extra: `<PublishEventInfo><publish_id>${id}</publish_id><publish_status>0</publish_status></PublishEventInfo>` });
      for (const xml of [mass('3000000001'), mass('3000000002'), mass('3000000002'), publish('4000000001'), publish('4000000002')]) {
        expect((await post(plainQuery(), xml)).text).to.equal('success');
      }
      await waitFor(() => seen.length >= 4 || undefined);
      await new Promise((r) => setTimeout(r, 100));
      off();
      expect(seen.map((e) => e.msgId ?? e.publishId).sort()).to.deep.equal(['3000000001', '3000000002', '4000000001', '4000000002']);
    });

    it('distinguishes events by sender and CreateTime', async () => {
      const t = nowSeconds() + 10;
      await post(plainQuery(), eventXml('CLICK', { from: 'oRetry02', key: 'LATEST_NEWS', createTime: t }));
      await post(plainQuery(), eventXml('CLICK', { from: 'oRetry02', key: 'LATEST_NEWS', createTime: t }));
      await post(plainQuery(), eventXml('CLICK', { from: 'oRetry02', key: 'LATEST_NEWS', createTime: t + 1 }));
      expect(await WechatInteraction.countDocuments({ openid: 'oRetry02' })).to.equal(2);
    });
  });

  it('is documented in /api/openapi.json as text/xml', async () => {
    const res = await app.request('GET', '/api/openapi.json');
    const op = res.body.paths['/wechat'].post;
    expect(Object.keys(op.requestBody.content)).to.deep.equal(['text/xml']);
  });
});
