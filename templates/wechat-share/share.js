/*
 * Share cards for microsite pages opened inside WeChat. The layout includes this file on every page; elsewhere it
 * does nothing (and loads nothing). Inside WeChat it loads the JS-SDK, asks /api/public/wechat/jssdk for a signed
 * config of this page, and sets the card from og:title / og:description / og:image (falling back to <title> and the
 * meta description). Any failure leaves WeChat's default card.
 */
(function () {
  'use strict';
  if (!/MicroMessenger/i.test(navigator.userAgent)) return;
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

  function configure(config) {
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
  }

  var sdk = document.createElement('script');
  sdk.src = 'https://res.wx.qq.com/open/js/jweixin-1.6.0.js';
  sdk.onload = function () {
    fetch('/api/public/wechat/jssdk?url=' + encodeURIComponent(pageUrl), { credentials: 'omit' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (config) { if (config && typeof wx !== 'undefined') configure(config); })
      .catch(function () { /* default card */ });
  };
  document.head.appendChild(sdk);
})();
