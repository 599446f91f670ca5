/** Signature, AES envelope, XML and JS-SDK vectors: published examples where they exist, the specification otherwise. */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { decrypt } from '@wecom/crypto';
import { EnvelopeError, WechatCrypto } from '../../src/wechat/crypto';
import { signaturesEqual, verifyMsgSignature, verifyPlainSignature, wechatSignature } from '../../src/wechat/signature';
import { jsapiSignature, signableUrl } from '../../src/wechat/jssdk/sign';
import { parseWechatXml, parseWechatXmlFully, XmlRefused, cdata } from '../../src/wechat/xml';
import { renderReplyXml } from '../../src/wechat/inbound/reply';

describe('wechat signatures', () => {
  it('signs sorted [token, timestamp, nonce] with sha1, as the specification computes it', () => {
    // Spec: sort the three strings lexicographically, concatenate, sha1 → lowercase hex.
    const expected = createHash('sha1').update(['1409304348', 'pamtest', 'xxxxxx'].sort().join('')).digest('hex');
    expect(['pamtest', '1409304348', 'xxxxxx'].sort()).to.deep.equal(['1409304348', 'pamtest', 'xxxxxx']);
    expect(wechatSignature('pamtest', '1409304348', 'xxxxxx')).to.equal(expected);
    expect(verifyPlainSignature('pamtest', '1409304348', 'xxxxxx', expected)).to.equal(true);
    expect(verifyPlainSignature('pamtest', '1409304348', 'xxxxxx', expected.toUpperCase())).to.equal(true);
    expect(verifyPlainSignature('pamtest', '1409304349', 'xxxxxx', expected)).to.equal(false);
  });

  it('refuses malformed signatures without throwing', () => {
    const good = wechatSignature('t', '1', 'n');
    expect(signaturesEqual(good, undefined)).to.equal(false);
    expect(signaturesEqual(good, ['x'])).to.equal(false);
    expect(signaturesEqual(good, good.slice(1))).to.equal(false);
    expect(signaturesEqual(good, 'z'.repeat(40))).to.equal(false);
  });

  it('msg_signature covers the ciphertext as a fourth sorted part', () => {
    const enc = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
    const expected = createHash('sha1').update(['pamtest', '1409304348', 'xxxxxx', enc].sort().join('')).digest('hex');
    expect(verifyMsgSignature('pamtest', '1409304348', 'xxxxxx', enc, expected)).to.equal(true);
    expect(verifyMsgSignature('pamtest', '1409304348', 'xxxxxx', `${enc}x`, expected)).to.equal(false);
  });
});

describe('wechat AES envelope', () => {
  // Published vector: WeChat's official message-encryption sample (WXBizMsgCryptTest.java in the 加解密示例代码 download).
  const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
  const APP = 'wxb11529c136998cb6';
  const CIPHER = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';

  it('matches the official sample vector (random "aaaabbbbccccdddd", message "我是中文abcd123")', () => {
    const crypto = new WechatCrypto(APP, KEY);
    expect(crypto.seal('我是中文abcd123', KEY, Buffer.from('aaaabbbbccccdddd'))).to.equal(CIPHER);
    expect(crypto.open(CIPHER)).to.deep.equal({ message: '我是中文abcd123', key: KEY });
  });

  it('round-trips long XML with Chinese text and checks the appid', () => {
    const crypto = new WechatCrypto(APP, KEY);
    const xml = `<xml><Content><![CDATA[${'人大代表在行动'.repeat(200)}]]></Content></xml>`;
    const sealed = crypto.seal(xml);
    expect(crypto.open(sealed).message).to.equal(xml);
    expect(decrypt(KEY, sealed).id).to.equal(APP);
    expect(() => new WechatCrypto('wx-other-app', KEY).open(sealed)).to.throw(EnvelopeError).with.property('reason', 'wrong_appid');
  });

  it('opens messages sealed with the previous EncodingAESKey during a rotation', () => {
    const old = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const sealedWithOld = new WechatCrypto(APP, old).seal('<xml/>');
    const rotated = new WechatCrypto(APP, KEY, old);
    expect(rotated.open(sealedWithOld)).to.deep.equal({ message: '<xml/>', key: old });
    expect(() => new WechatCrypto(APP, KEY).open(sealedWithOld)).to.throw(EnvelopeError);
  });

  it('names a wrong EncodingAESKey a decryption failure, never a foreign appid', () => {
    const other = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    const reasons = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const sealed = new WechatCrypto(APP, other).seal(`<xml><Content><![CDATA[第 ${i} 条]]></Content></xml>`);
      try {
        new WechatCrypto(APP, KEY).open(sealed);
        reasons.add('opened');
      } catch (err) {
        reasons.add((err as EnvelopeError).reason);
      }
    }
    expect([...reasons]).to.deep.equal(['undecryptable']);
  });

  it('refuses garbage ciphertext', () => {
    expect(() => new WechatCrypto(APP, KEY).open('bm90IGEgY2lwaGVy')).to.throw(EnvelopeError);
  });
});

describe('wechat XML', () => {
  it('reads a real text message, keeping the 64-bit MsgId exact', () => {
    const msg = parseWechatXml(
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1348831860</CreateTime>' +
        '<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456789</MsgId></xml>',
    );
    expect(msg).to.deep.equal({
      ToUserName: 'gh_1',
      FromUserName: 'oUser',
      CreateTime: '1348831860',
      MsgType: 'text',
      Content: 'this is a test',
      MsgId: '1234567890123456789',
    });
  });

  it('decodes only the predefined entities in plain text and never expands others', () => {
    expect(parseWechatXml('<xml><A>a &lt; b &amp; c</A><B><![CDATA[&lt;kept&gt;]]></B><C>&#20154;</C></xml>')).to.deep.equal({ A: 'a < b & c', B: '&lt;kept&gt;', C: '人' });
  });

  it('refuses DOCTYPE and ENTITY declarations, and anything not well-formed', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><A>&lol2;</A></xml>';
    expect(() => parseWechatXml(bomb)).to.throw(XmlRefused).with.property('reason', 'doctype');
    expect(() => parseWechatXml('<!doctype xml><xml/>')).to.throw(XmlRefused).with.property('reason', 'doctype');
    for (const bad of ['', 'hello', '<xml><A>1</B></xml>', '<xml><A>1</A>', '<other><A>1</A></other>', '<xml/><xml/>']) {
      expect(() => parseWechatXml(bad), bad).to.throw(XmlRefused).with.property('reason', 'malformed');
    }
  });

  it('refuses __proto__ elements (no prototype pollution)', () => {
    expect(() => parseWechatXml('<xml><__proto__><polluted>1</polluted></__proto__><A>x</A></xml>')).to.throw(XmlRefused);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('reads flat messages by its quick scan exactly as the full parser does, and leaves every other shape to it', () => {
    const docs = [
      '<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey></xml>',
      '\uFEFF  <xml>\n  <ToUserName><![CDATA[ gh_1 ]]></ToUserName>\n  <Content><![CDATA[<!DOCTYPE 不是声明 &amp; 原样]]></Content>\n  <Empty></Empty><E2><![CDATA[]]></E2>\n</xml>\n',
      '<xml><A>a &lt; b</A><B>plain > text</B></xml>',
      '<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A></xml>',
      '<xml><A>1</A><A>2</A></xml>',
      '<xml><A> <![CDATA[x]]> </A></xml>',
      '<xml><Info><Inner>1</Inner></Info><B>2</B></xml>',
      '<?xml version="1.0"?><xml><A>1</A></xml>',
      '<xml><A x="1">1</A></xml>',
    ];
    for (const doc of docs) expect(parseWechatXml(doc), doc).to.deep.equal(parseWechatXmlFully(doc));
    for (const bad of ['<xml><A>1</A>', '<xml><A>1</A></xml><xml></xml>', '<xml><A><![CDATA[1]]></B></xml>', '<xml><A>1</A></xml>trailing', '<xml><constructor>1</constructor><A>2</A></xml>']) {
      expect(() => parseWechatXml(bad), bad).to.throw(XmlRefused);
    }
  });

  it('renders replies whose content cannot break out of CDATA', () => {
    expect(cdata('a]]>b')).to.equal('<![CDATA[a]]]]><![CDATA[>b]]>');
    const xml = renderReplyXml({ type: 'text', content: 'x]]><evil/>' }, { toUser: 'oU', fromUser: 'gh', createTime: 1 });
    expect(parseWechatXml(xml).Content).to.equal('x]]><evil/>');
  });
});

describe('JS-SDK signature', () => {
  it('matches the official example from the JS-SDK documentation', () => {
    expect(
      jsapiSignature({
        ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
        nonceStr: 'Wm3WZYTPz0wzccnW',
        timestamp: 1414587457,
        url: 'http://mp.weixin.qq.com?params=value',
      }),
    ).to.equal('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('signs only microsite URLs, without the fragment and exactly as sent', () => {
    const base = 'https://lianxin.example.cn';
    expect(signableUrl('https://lianxin.example.cn/news/a?x=1#top', base)).to.equal('https://lianxin.example.cn/news/a?x=1');
    expect(signableUrl('https://lianxin.example.cn/', base)).to.equal('https://lianxin.example.cn/');
    expect(signableUrl('https://evil.example.cn/news/a', base)).to.equal(undefined);
    expect(signableUrl('https://lianxin.example.cn.evil.cn/', base)).to.equal(undefined);
    expect(signableUrl('http://lianxin.example.cn/', base)).to.equal(undefined);
    expect(signableUrl('https://user:pw@lianxin.example.cn/', base)).to.equal(undefined);
    expect(signableUrl('javascript:alert(1)', base)).to.equal(undefined);
    expect(signableUrl('https://x.cn/site/page', 'https://x.cn/site')).to.equal('https://x.cn/site/page');
    expect(signableUrl('https://x.cn/sitemap', 'https://x.cn/site')).to.equal(undefined);
  });
});
