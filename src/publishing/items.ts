/**
 * The pipeline's view of publishable items, through the content module's publication hooks
 * (src/content/publication-hooks.ts): which items may be published, their channel-ready content, going live.
 */
import type { ChannelName, ItemKind, PublishableContent } from '../channels/types';
import { ConflictError, NotFoundError } from '../errors';
import * as hooks from '../content/publication-hooks';
import type { Clock } from '../clock';
import { shortUrlFor } from '../short-links/service';

/** Approved items go out for the first time; published ones may be re-sent; scheduled ones are waiting for us. */
const PUBLISHABLE_STATUSES = ['approved', 'scheduled', 'published'];

/** Throws NotFound when the item does not exist, Conflict when it is not approved (or already published). */
export async function requirePublishable(kind: ItemKind, id: string): Promise<{ title: string; status: string }> {
  const item = await hooks.getPublishable(kind, id);
  if (!item || item.deleted) throw new NotFoundError('要发布的内容不存在');
  if (!PUBLISHABLE_STATUSES.includes(item.status)) {
    throw new ConflictError('只有审核通过（或已发布）的内容才能发布', 'item_not_approved', { status: item.status });
  }
  return { title: item.title ?? '', status: item.status };
}

/**
 * The item's channel-ready content; `shortUrl` gives the page's short link per channel (for texts with a length
 * limit), asked once per channel for this content (a link is stable per page and channel; the worker keeps the content
 * for a few seconds, so the 50 batches of a fan-out share one lookup instead of one each).
 */
export async function contentFor(kind: ItemKind, id: string, publicBaseUrl: string, clock: Clock): Promise<PublishableContent> {
  const content = await hooks.toPublishableContent(kind, id, publicBaseUrl);
  const links = new Map<ChannelName, Promise<string>>();
  const shortUrl = (channel: ChannelName): Promise<string> => {
    let link = links.get(channel);
    if (!link) {
      link = shortUrlFor(publicBaseUrl, { url: content.url, itemKind: kind, itemId: id }, channel, clock);
      link.catch(() => links.delete(channel)); // a failed lookup is asked again by the next batch
      links.set(channel, link);
    }
    return link;
  };
  return { ...content, shortUrl };
}

export async function markLive(kind: ItemKind, id: string, at: Date): Promise<void> {
  await hooks.markPublished(kind, id, at);
}

/** A scheduled publication that will put an approved item live: the item shows as scheduled (and is locked) until then. */
export async function markItemScheduled(kind: ItemKind, id: string, at: Date): Promise<void> {
  const item = await hooks.getPublishable(kind, id);
  if (item?.status === 'approved') await hooks.markScheduled(kind, id, at);
}

/** The scheduled publication was cancelled: the item is approved (and editable) again. */
export async function markItemUnscheduled(kind: ItemKind, id: string): Promise<void> {
  const item = await hooks.getPublishable(kind, id);
  if (item?.status === 'scheduled') await hooks.markUnscheduled(kind, id);
}
