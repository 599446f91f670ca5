/** schema.org JSON-LD for content pages (what search engines and link previews read). */
import type { PublicArticle, PublicCase, PublicDeputy, PublicGroup } from '../content/public-queries';
import { absoluteUrl } from '../urls';
import type { PublicMeeting } from './meetings-source';
import { siteName } from './runtime';

const publisher = (base: string) => ({ '@type': 'Organization', name: siteName(), url: base });
const abs = (base: string, p?: string) => (p ? absoluteUrl(base, p) : undefined);

export function articleLd(base: string, a: PublicArticle): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: a.title,
    description: a.digest || undefined,
    datePublished: a.publishedAt,
    dateModified: a.updatedAt,
    image: a.cover ? [abs(base, a.cover.cover)] : undefined,
    author: a.byline ? { '@type': 'Person', name: a.byline } : publisher(base),
    publisher: publisher(base),
    mainEntityOfPage: absoluteUrl(base, a.path),
    keywords: a.topics.length ? a.topics.join(',') : undefined,
  };
}

export function deputyLd(base: string, d: PublicDeputy): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'Person',
    name: d.name,
    description: d.digest || undefined,
    jobTitle: d.levelLabel,
    image: d.photo ? abs(base, d.photo.cover) : undefined,
    worksFor: d.organisation ? { '@type': 'Organization', name: d.organisation } : undefined,
    url: absoluteUrl(base, d.path),
  };
}

export function groupLd(base: string, g: PublicGroup): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'Organization',
    name: g.name,
    description: g.digest || undefined,
    url: absoluteUrl(base, g.path),
    address: g.roomAddress || undefined,
    member: g.members.map((m) => ({ '@type': 'Person', name: m.name, url: abs(base, m.deputyPath) })),
  };
}

export function caseLd(base: string, c: PublicCase): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: c.title,
    description: c.summary || c.digest || undefined,
    about: c.caseKindLabel,
    datePublished: c.publishedAt,
    dateModified: c.updatedAt,
    image: c.cover ? [abs(base, c.cover.cover)] : undefined,
    publisher: publisher(base),
    mainEntityOfPage: absoluteUrl(base, c.path),
  };
}

const eventStatus: Record<string, string> = {
  announced: 'https://schema.org/EventScheduled',
  changed: 'https://schema.org/EventRescheduled',
  cancelled: 'https://schema.org/EventCancelled',
  held: 'https://schema.org/EventScheduled',
};

export function meetingLd(base: string, m: PublicMeeting): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'Event',
    name: m.title,
    description: m.theme || undefined,
    startDate: m.startsAt,
    endDate: m.endsAt,
    eventStatus: eventStatus[m.status],
    eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
    location: { '@type': 'Place', name: m.venue, address: m.address || m.venue },
    organizer: publisher(base),
    url: absoluteUrl(base, m.path),
  };
}

export function websiteLd(base: string): object {
  return {
    '@context': 'https://schema.org',
    '@type': 'WebSite',
    name: siteName(),
    url: base,
    potentialAction: { '@type': 'SearchAction', target: `${base}/search?q={query}`, 'query-input': 'required name=query' },
  };
}
