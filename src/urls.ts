/** Public addresses of items on the microsite: one place, used by pages, feeds, WeChat replies and SMS links. */
import type { ItemKind } from './channels/types';

const sections: Record<ItemKind, string> = {
  article: 'news',
  deputy: 'deputies',
  group: 'groups',
  case: 'cases',
  meeting: 'meetings',
  // Activity notices go out by SMS only and carry no link; the group page lists held activities.
  activity: 'groups',
  // Sign-up codes carry no link; the section is where the sign-up form lives.
  subscription: 'news',
};

/** Site-relative path of an item, e.g. `/news/tuo-pin-gong-jian`. */
export function itemPath(kind: ItemKind, slug: string): string {
  return `/${sections[kind]}/${encodeURIComponent(slug)}`;
}

/** Absolute URL on PUBLIC_BASE_URL (which has no trailing slash). */
export function absoluteUrl(publicBaseUrl: string, path: string): string {
  return `${publicBaseUrl}${path.startsWith('/') ? path : `/${path}`}`;
}

export function sectionPath(kind: ItemKind): string {
  return `/${sections[kind]}`;
}
