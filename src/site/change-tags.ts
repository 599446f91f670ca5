/**
 * Which cached pages an item change touches. Every page carries the tags of the items it shows, so the item's
 * own tag reaches its page and every page that showed it (as related, member, previous/next…). What the tag
 * cannot reach are pages that will show the item only now: lists, home, feed, sitemap, search, and the items
 * it links to (their "related" boxes) and its new neighbours in the news sequence — those are added here.
 */
import type { DomainEvents } from '../events';
import { CONTENT_KINDS, type ContentKind } from '../content/enums';
import { adjacentArticles, getPublishedById, relatedIdsFor } from '../content/public-queries';

export const itemTag = (kind: string, id: string) => `${kind}:${id}`;
export const listTag = (kind: string) => `list:${kind}`;

/** Tags to drop at once, before any lookup. */
export function immediateTags(event: DomainEvents['item.changed']): string[] {
  return [itemTag(event.kind, event.id), listTag(event.kind), 'home', 'feed', 'sitemap', 'search'];
}

/** Tags of pages that start showing the item now that it is public (empty when it is not public). */
export async function followUpTags(event: DomainEvents['item.changed']): Promise<string[]> {
  if (!(CONTENT_KINDS as readonly string[]).includes(event.kind)) return [];
  const kind = event.kind as ContentKind;
  const item = await getPublishedById(kind, event.id);
  if (!item) return [];
  const tags = new Set<string>();
  const add = (k: string, ids: (string | undefined)[] | undefined) => {
    for (const id of ids ?? []) if (id) tags.add(itemTag(k, id));
  };
  // Its related boxes name it, and it names them (articles of the same topic included): both directions, every
  // related id (not only the few a box shows), so no page that names it stays stale.
  const related = await relatedIdsFor(kind, item.id);
  for (const k of CONTENT_KINDS) add(k, related[k]);
  if (item.kind === 'article') {
    const { previous, next } = await adjacentArticles(item.id);
    add('article', [previous?.id, next?.id]);
  }
  return [...tags];
}
