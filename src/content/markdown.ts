/**
 * Markdown → HTML for the microsite (the WeChat channel renders the same source its own way).
 * Raw HTML is never passed through (`html: false` escapes it), and every link and image URL goes through
 * an allow-list: http(s), mailto, tel, site-relative paths, and data: only for raster images.
 * Images on other sites are not embedded: a reader's browser would fetch them from a third party, which could
 * track who reads what. They become a plain link ("图片：…") the reader may choose to open.
 */
import MarkdownIt from 'markdown-it';
import { LRUCache } from 'lru-cache';

/** Canonical form used to judge a URL: entities are already decoded by markdown-it; drop controls and spaces, lower-case. */
function canonical(url: string): string {
  return url.replace(/[\u0000-\u0020\u007f-\u009f\u00a0\u200b-\u200f\u2028\u2029\ufeff]+/g, '').toLowerCase();
}

const SAFE_SCHEME = /^(https?:|mailto:|tel:)/;
const SAFE_DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);/;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/;

/** Whether a URL may appear in rendered output. Exported for the WeChat renderer and tests. */
export function isSafeUrl(url: string, context: 'link' | 'image' = 'link'): boolean {
  const s = canonical(url);
  if (SAFE_SCHEME.test(s)) return true;
  if (SAFE_DATA_IMAGE.test(s)) return context === 'image';
  if (ANY_SCHEME.test(s)) return false;
  // A colon before the first "/", "?" or "#" would be read as a scheme by some browsers.
  if (/^[^/?#]*:/.test(s)) return false;
  // Protocol-relative and backslash forms leave the site.
  if (s.startsWith('//') || s.startsWith('\\') || s.startsWith('/\\')) return false;
  return true;
}

function createRenderer(): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
  // Links and images both pass here during parsing; data: images are re-checked per token below.
  md.validateLink = (url: string) => isSafeUrl(url, 'image');

  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const href = String(token.attrGet('href') ?? '');
    if (!isSafeUrl(href, 'link')) token.attrSet('href', '#');
    token.attrSet('rel', 'noopener');
    if (/^https?:/i.test(href)) token.attrSet('target', '_blank');
    return defaultLinkOpen(tokens, idx, options, env, self);
  };

  const defaultImage = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const src = String(token.attrGet('src') ?? '');
    if (/^(https?:)?\/\//i.test(canonical(src))) {
      const alt = md.utils.escapeHtml(token.content || src);
      return isSafeUrl(src, 'link') ? `<a href="${md.utils.escapeHtml(src)}" rel="noopener nofollow noreferrer" target="_blank">图片：${alt}</a>` : `图片：${alt}`;
    }
    if (!isSafeUrl(src, 'image')) token.attrSet('src', '');
    token.attrSet('loading', 'lazy');
    const img = defaultImage(tokens, idx, options, env, self);
    if (!token.meta?.figure || !(token.content || token.attrGet('title'))) return img;
    const title = String(token.attrGet('title') ?? '');
    const credit = title ? `<span class="credit">${md.utils.escapeHtml(title)}</span>` : '';
    return `${img}<figcaption>${md.utils.escapeHtml(token.content)}${credit}</figcaption>`;
  };

  // A photo alone in its paragraph is shown as covers are: a <figure> with the alt text as its caption and the title
  // (![说明](图 "摄影：某某")) as the credit under it. Images inside a sentence stay inline.
  md.core.ruler.push('image_figures', (state) => {
    const tokens = state.tokens;
    for (let i = 1; i < tokens.length - 1; i += 1) {
      if (tokens[i].type !== 'inline' || tokens[i - 1].type !== 'paragraph_open' || tokens[i + 1].type !== 'paragraph_close') continue;
      const parts = (tokens[i].children ?? []).filter((c) => !(c.type === 'text' && !c.content.trim()) && c.type !== 'softbreak');
      const image = parts.length === 1 && parts[0].type === 'image' ? parts[0] : undefined;
      if (!image || /^(https?:)?\/\//i.test(canonical(String(image.attrGet('src') ?? '')))) continue;
      for (const t of [tokens[i - 1], image, tokens[i + 1]]) t.meta = { ...t.meta, figure: true };
    }
  });
  const paragraph = (tag: 'open' | 'close') => {
    const fallback = md.renderer.rules[`paragraph_${tag}`] ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules[`paragraph_${tag}`] = (tokens, idx, options, env, self) =>
      tokens[idx].meta?.figure ? (tag === 'open' ? '<figure>' : '</figure>\n') : fallback(tokens, idx, options, env, self);
  };
  paragraph('open');
  paragraph('close');
  return md;
}

const renderer = createRenderer();

/**
 * HTML of recent sources, keyed by the source itself (so an edit is a new entry and nothing needs invalidating):
 * a public page is rendered again whenever anything it shows changes (a neighbour published, a related item edited),
 * mostly with the same body. Bounded by characters held (source + HTML).
 */
const rendered = new LRUCache<string, string>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (html, src) => html.length + src.length + 64 });
/** Short sources render faster than they are looked up and would crowd the memo. */
const MEMO_MIN_CHARS = 256;

/** Renders editor Markdown to HTML that is safe to put in a page as-is. */
export function renderMarkdown(src: string): string {
  const text = src ?? '';
  if (text.length < MEMO_MIN_CHARS) return renderer.render(text);
  let html = rendered.get(text);
  if (html === undefined) rendered.set(text, (html = renderer.render(text)));
  return html;
}

/** Plain text of a Markdown source (for digests, search snippets, SMS excerpts). */
export function markdownToText(src: string): string {
  const parts: string[] = [];
  for (const block of renderer.parse(src ?? '', {})) {
    if (block.type !== 'inline' || !block.children) continue;
    const line: string[] = [];
    for (const child of block.children) {
      if (child.type === 'text' || child.type === 'code_inline') line.push(child.content);
      else if (child.type === 'softbreak' || child.type === 'hardbreak') line.push(' ');
      else if (child.type === 'image') line.push(child.content);
    }
    parts.push(line.join(''));
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

/** A digest of at most `max` characters (code points), cut with an ellipsis when the text is longer. */
export function digestFrom(src: string, max = 120): string {
  const chars = Array.from(markdownToText(src));
  if (chars.length <= max) return chars.join('');
  return `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The digest the channels get: the editor's, else one derived from the body; never over the WeChat limit. */
export function channelDigest(digest: string | undefined, markdown: string, max: number): string {
  return Array.from(digest || digestFrom(markdown, max)).slice(0, max).join('');
}

export interface MarkdownImage {
  src: string;
  /** The alt text: the caption an editor writes. */
  alt: string;
  /** The title ("![…](src "摄影：…")"): where editors put the photographer's credit. */
  title: string;
}

/** Images of a Markdown source in order (press kits and partner feeds list them with captions and credits). */
export function markdownImages(src: string): MarkdownImage[] {
  const out: MarkdownImage[] = [];
  const walk = (tokens: ReturnType<typeof renderer.parse>) => {
    for (const t of tokens) {
      if (t.type === 'image') out.push({ src: String(t.attrGet('src') ?? ''), alt: t.content ?? '', title: String(t.attrGet('title') ?? '') });
      if (t.children) walk(t.children);
    }
  };
  walk(renderer.parse(src ?? '', {}));
  return out;
}
