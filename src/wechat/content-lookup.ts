/**
 * The only door from WeChat replies to content: published items, public fields, through the content module's public
 * queries (and the meetings model when that module is present). Everything a reply links to comes through here.
 */
import type { ItemKind } from '../channels/types';
import type { ContentKind } from '../content/enums';
import type { PublicSummary } from '../content/public-types';
import { getPublishedById, latestPublished, searchPublished } from '../content/public-queries';
import { upcomingPublishedMeetings } from './meetings-lookup';

/** What a reply needs of an item. `path` is site-relative; replies make it absolute on PUBLIC_BASE_URL. */
export interface CardItem {
  kind: ItemKind;
  id: string;
  title: string;
  digest: string;
  path: string;
  /** Site-relative image path, if the item has one. */
  imagePath?: string;
  /** Meetings: when it starts. */
  startsAt?: Date;
}

export interface ContentLookup {
  latest(kind: ContentKind, limit: number): Promise<CardItem[]>;
  /** The item if it is published now; undefined otherwise (withdrawn, deleted, never published, unknown id). */
  publishedById(kind: ItemKind, id: string): Promise<CardItem | undefined>;
  search(text: string, limit: number): Promise<CardItem[]>;
  /** Upcoming published meetings, or undefined when the meetings module is not installed. */
  upcomingMeetings(now: Date, limit: number): Promise<CardItem[] | undefined>;
}

function toCard(item: PublicSummary): CardItem {
  const image = item.kind === 'deputy' ? item.photo : item.cover;
  return { kind: item.kind, id: item.id, title: item.title, digest: item.digest, path: item.path, imagePath: image?.cover };
}

export const publishedContent: ContentLookup = {
  async latest(kind, limit) {
    return (await latestPublished(kind, limit)).map(toCard);
  },
  async publishedById(kind, id) {
    if (kind === 'meeting') {
      const meetings = await upcomingPublishedMeetings(new Date(0), 1, id);
      return meetings?.[0];
    }
    // Activity notices and sign-up codes are SMS-only: the account never shows them.
    if (kind === 'activity' || kind === 'subscription') return undefined;
    const item = await getPublishedById(kind, id);
    return item ? toCard(item) : undefined;
  },
  async search(text, limit) {
    return (await searchPublished(text, { pageSize: limit })).items.map(toCard);
  },
  upcomingMeetings: (now, limit) => upcomingPublishedMeetings(now, limit),
};
