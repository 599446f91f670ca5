/**
 * The post's text: 【title】digest link. Weibo's limit is 140 "characters" where a CJK character counts 1 and two
 * ASCII characters count 1 (README.md). The digest is shortened to fit; a title and link that alone exceed the
 * limit are refused with a message naming it. The link must lie in the app's safe domain (PUBLIC_BASE_URL's host).
 */
export const WEIBO_TEXT_LIMIT = 140;

/** Weibo's weighted length: characters outside ASCII count 1, ASCII characters ½ (rounded up overall). */
export function weiboLength(text: string): number {
  let halves = 0;
  for (const ch of text) halves += ch.codePointAt(0)! < 128 ? 1 : 2;
  return Math.ceil(halves / 2);
}

export type TextCheck = { ok: true; text: string } | { ok: false; code: 'weibo_text_too_long' | 'weibo_link_not_allowed'; message: string };

export function composeWeiboText(input: { title: string; digest: string; url: string }, safeHost: string): TextCheck {
  let host: string;
  try {
    host = new URL(input.url).host.toLowerCase();
  } catch {
    host = '';
  }
  if (host !== safeHost.toLowerCase()) {
    return {
      ok: false,
      code: 'weibo_link_not_allowed',
      message: `微博分享的链接必须在应用的安全域名（${safeHost}）内，而本条的链接是 ${input.url || '（空）'}。`,
    };
  }
  const head = `【${input.title.trim()}】`;
  const tail = ` ${input.url}`;
  const fixed = weiboLength(head) + weiboLength(tail);
  if (fixed > WEIBO_TEXT_LIMIT) {
    return {
      ok: false,
      code: 'weibo_text_too_long',
      message: `微博正文不能超过 ${WEIBO_TEXT_LIMIT} 字（汉字计 1，英文字母和数字计半个），标题加链接已有 ${fixed} 字，请缩短标题后再发布到微博。`,
    };
  }
  const digest = clipToWeight(input.digest.replace(/\s+/g, ' ').trim(), WEIBO_TEXT_LIMIT - fixed);
  return { ok: true, text: `${head}${digest}${tail}` };
}

function clipToWeight(text: string, limit: number): string {
  if (weiboLength(text) <= limit) return text;
  const chars = [...text];
  while (chars.length && weiboLength(`${chars.join('')}…`) > limit) chars.pop();
  return chars.length ? `${chars.join('')}…` : '';
}
