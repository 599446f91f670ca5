/** Readable slugs: Chinese becomes pinyin ("脱贫攻坚" → "tuo-pin-gong-jian"), everything else lower-case ASCII words. */
import type { pinyin as Pinyin } from 'pinyin-pro';

let pinyinOf: typeof Pinyin | undefined;

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_WORDS = 12;
const MAX_LENGTH = 80;

export function slugify(title: string): string {
  // pinyin-pro (its dictionary is some 15 MB in memory) loads with the first slug, not at start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start
  pinyinOf ??= (require('pinyin-pro') as typeof import('pinyin-pro')).pinyin;
  const syllables = pinyinOf(title.normalize('NFKC'), { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  const words = syllables
    .flatMap((part) => part.toLowerCase().split(/[^a-z0-9]+/))
    .filter(Boolean)
    .slice(0, MAX_WORDS);
  let slug = words.join('-');
  if (slug.length > MAX_LENGTH) slug = slug.slice(0, MAX_LENGTH).replace(/-[^-]*$/, '');
  return slug || 'item';
}

/** `base` if free, else `base-2`, `base-3`… given the slugs already taken that start with `base`. */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
