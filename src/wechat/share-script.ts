/**
 * The microsite's share-card script, served at /wechat/share.js. Pages include, at the end of <body>:
 *   <script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script>
 *   <script src="/wechat/share.js" defer></script>
 * It runs only inside WeChat, asks /api/public/wechat/jssdk for a signed config of this page, and sets the share card
 * from the page's og:title / og:description / og:image (falling back to <title> and the meta description).
 */
export const SHARE_SCRIPT = `(function () {
  'use strict';
  if (!/MicroMessenger/i.test(navigator.userAgent) || typeof wx === 'undefined') return;
  function meta(selector) {
    var el = document.querySelector(selector);
    return el ? el.getAttribute('content') || '' : '';
  }
  var pageUrl = location.href.split('#')[0];
  var card = {
    title: meta('meta[property="og:title"]') || document.title,
    desc: meta('meta[property="og:description"]') || meta('meta[name="description"]'),
    link: meta('meta[property="og:url"]') || pageUrl,
    imgUrl: meta('meta[property="og:image"]')
  };
  if (card.imgUrl && !/^https?:/i.test(card.imgUrl)) card.imgUrl = new URL(card.imgUrl, location.href).href;
  fetch('/api/public/wechat/jssdk?url=' + encodeURIComponent(pageUrl), { credentials: 'omit' })
    .then(function (res) { return res.ok ? res.json() : null; })
    .then(function (config) {
      if (!config) return;
      wx.config({
        debug: false,
        appId: config.appId,
        timestamp: config.timestamp,
        nonceStr: config.nonceStr,
        signature: config.signature,
        jsApiList: config.jsApiList
      });
      wx.ready(function () {
        wx.updateAppMessageShareData({ title: card.title, desc: card.desc, link: card.link, imgUrl: card.imgUrl });
        wx.updateTimelineShareData({ title: card.title, link: card.link, imgUrl: card.imgUrl });
      });
    })
    .catch(function () { /* sharing falls back to WeChat's default card */ });
})();
`;
