/**
 * Markdown → WeChat article HTML. WeChat keeps inline styles only (no <style>, no classes), strips scripts and
 * external images, and makes only mp.weixin.qq.com links clickable. So: markdown-it with raw HTML disabled,
 * then sanitize-html with an allow-list that also writes each tag's inline style from templates/wechat/style.json
 * and swaps image sources for the URLs WeChat gave us (media/uploadimg).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import type SanitizeHtml from 'sanitize-html';

const TEMPLATE_DIR = path.resolve(__dirname, '../../../templates/wechat');

type StyleSheet = Record<string, string>;
let styles: StyleSheet | undefined;
function styleSheet(): StyleSheet {
  styles ??= JSON.parse(readFileSync(path.join(TEMPLATE_DIR, 'style.json'), 'utf8')) as StyleSheet;
  return styles;
}

export const DEFAULT_COVER_PATH = path.join(TEMPLATE_DIR, 'default-cover.jpg');

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

/** Image sources referenced by the Markdown body, in order of appearance, without duplicates. */
export function imageSources(markdown: string): string[] {
  const found = new Set<string>();
  const walk = (tokens: ReturnType<typeof md.parse>) => {
    for (const t of tokens) {
      if (t.type === 'image') {
        const src = t.attrGet('src');
        if (src) found.add(String(src));
      }
      if (t.children) walk(t.children);
    }
  };
  walk(md.parse(markdown, {}));
  return [...found];
}

const ALLOWED_TAGS = [
  'p', 'br', 'h1', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'del', 'blockquote', 'ul', 'ol', 'li',
  'hr', 'img', 'a', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'section', 'figure', 'figcaption', 'sup', 'sub',
];

/** Links WeChat lets readers open from an article body. */
const CLICKABLE = /^https:\/\/mp\.weixin\.qq\.com\//;

export interface RenderOptions {
  /** Source in the Markdown → URL returned by media/uploadimg. Images not in the map are left out. */
  images: Map<string, string>;
  /** Shown under the article: where the full item lives (the "阅读原文" link carries it too). */
  footerText?: string;
}

export interface RenderedArticle {
  html: string;
  /** Sources that were dropped because they could not be uploaded (external or missing files). */
  droppedImages: string[];
}

export function renderWechatArticle(markdown: string, options: RenderOptions): RenderedArticle {
  // sanitize-html (with postcss and htmlparser2) loads with the first article rendered for WeChat, not at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  const sanitizeHtml = require('sanitize-html') as typeof SanitizeHtml;
  const css = styleSheet();
  const dropped: string[] = [];
  const styled = (tag: string, attribs: Record<string, string> = {}) => ({
    tagName: tag,
    attribs: css[tag] ? { ...attribs, style: css[tag] } : attribs,
  });
  const transformTags: Record<string, SanitizeHtml.Transformer> = {};
  for (const tag of ALLOWED_TAGS) transformTags[tag] = (_name, attribs) => styled(tag, pick(attribs, []));
  transformTags.b = (_n, a) => styled('strong', pick(a, []));
  transformTags.i = (_n, a) => styled('em', pick(a, []));
  transformTags.img = (_name, attribs) => {
    const url = options.images.get(attribs.src ?? '');
    if (!url) {
      if (attribs.src) dropped.push(attribs.src);
      // An image WeChat would strip anyway: keep its description as a caption instead.
      const caption: Record<string, string> = css.figcaption ? { style: css.figcaption } : {};
      return { tagName: 'figcaption', attribs: caption, text: attribs.alt ? `（图：${attribs.alt}）` : '' };
    }
    return styled('img', { src: url, ...(attribs.alt ? { alt: attribs.alt } : {}) });
  };
  transformTags.a = (_name, attribs) => {
    const href = attribs.href ?? '';
    return CLICKABLE.test(href) ? styled('a', { href }) : styled('span');
  };

  const body = sanitizeHtml(md.render(markdown), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'style'], img: ['src', 'alt', 'style'], '*': ['style'] },
    allowedSchemes: ['https', 'http'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Styles come only from our style sheet (transformTags); the source cannot carry any (raw HTML is off).
    allowedStyles: undefined,
    transformTags,
    exclusiveFilter: (frame) => frame.tag === 'figcaption' && !frame.text.trim(),
  });
  const footer = options.footerText
    ? `<section style="${css.footer ?? ''}">${sanitizeHtml(options.footerText, { allowedTags: [], allowedAttributes: {} })}</section>`
    : '';
  return { html: `<section style="${css.container ?? ''}">${body}${footer}</section>`, droppedImages: dropped };
}

function pick(attribs: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(attribs).filter(([k]) => keys.includes(k)));
}

/** Cuts text to `max` characters (code points), marking the cut with "…". */
export function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
