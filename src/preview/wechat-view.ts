/**
 * The WeChat article as a follower will see it: the body rendered by the WeChat channel's own renderer (inline
 * styles, images WeChat would strip left out), with the title, author and account line WeChat puts above it,
 * clipped to WeChat's limits. Our own uploads stand in for the copies WeChat would host.
 */
import type { PublishableContent } from '../channels/types';
import { clip, imageSources, renderWechatArticle, WECHAT_LIMITS } from '../channels/wechat';

export interface WechatPreview {
  html: string;
  title: string;
  author?: string;
  digest: string;
  /** Image sources WeChat would not show (external, or not our upload). */
  droppedImages: string[];
  /** What the channel would refuse or shorten, in Chinese. */
  warnings: string[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function wechatPreview(content: PublishableContent, accountName: string, date: string, ownMedia: (src: string) => string | undefined): WechatPreview {
  const images = new Map<string, string>();
  for (const src of imageSources(content.markdown)) {
    const own = ownMedia(src);
    if (own) images.set(src, own);
  }
  const { html: body, droppedImages } = renderWechatArticle(content.markdown, { images, footerText: '点击左下角「阅读原文」查看完整内容' });
  const title = clip(content.title, WECHAT_LIMITS.title);
  const author = content.author ? clip(content.author, WECHAT_LIMITS.author) : undefined;
  const digest = clip(content.digest, WECHAT_LIMITS.digest);
  const warnings: string[] = [];
  if ([...content.title.trim()].length > WECHAT_LIMITS.title) warnings.push(`标题超过 ${WECHAT_LIMITS.title} 个字，公众号中会被截断`);
  if (content.author && [...content.author.trim()].length > WECHAT_LIMITS.author) warnings.push(`作者超过 ${WECHAT_LIMITS.author} 个字，会被截断`);
  if (body.length >= WECHAT_LIMITS.contentChars) warnings.push(`正文排版后有 ${body.length} 个字符，超过微信图文 2 万字符的上限，发布会失败`);
  if (droppedImages.length) warnings.push(`${droppedImages.length} 张图片不是本站上传的图片，公众号文章中不会显示`);
  const html = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;background:#fff;font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',sans-serif">
<div style="max-width:677px;margin:0 auto;padding:20px 16px">
<h1 style="font-size:22px;line-height:1.4;margin:0 0 14px;font-weight:400;color:rgba(0,0,0,.9)">${escapeHtml(title)}</h1>
<div style="font-size:15px;color:rgba(0,0,0,.3);margin-bottom:22px">${author ? `<span style="margin-right:8px">${escapeHtml(author)}</span>` : ''}<span style="color:#576b95;margin-right:8px">${escapeHtml(accountName)}</span><span>${escapeHtml(date)}</span></div>
<div id="js_content">${body}</div>
<div style="margin-top:24px;font-size:15px;color:#576b95">阅读原文</div>
</div>
</body>
</html>
`;
  return { html, title, author, digest, droppedImages, warnings };
}
