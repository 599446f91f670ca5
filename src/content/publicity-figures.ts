/**
 * The content module's figures for other modules (evaluation): how many items were published in a period per deputy
 * group and per township — news articles (by the groups they are related to, and by their region) and typical-deputy
 * profiles (典型代表: by the deputy's group and region). An item counts in the period its publishedAt falls in, if it
 * is still published and not deleted.
 */
import { Article } from './models/article';
import { Deputy } from './models/deputy';

export interface PublicityCounts {
  /** Group id → items published about the group (articles naming it, profiles of its members). */
  byGroup: Map<string, number>;
  /** `county/township` → items published with that township as their region. */
  byTownship: Map<string, number>;
  /** County → items published with that county in their region (the county's own and its townships'). */
  byCounty: Map<string, number>;
}

export const townshipKey = (county: string, township: string) => `${county}/${township}`;

export async function publishedItemsBy(period: { start: Date; end: Date }): Promise<PublicityCounts> {
  const match = { status: 'published' as const, deletedAt: null, publishedAt: { $gte: period.start, $lt: period.end } };
  const [articles, deputies] = await Promise.all([
    Article.find(match).select('relatedGroupIds region').lean(),
    Deputy.find(match).select('groupId region').lean(),
  ]);
  const out: PublicityCounts = { byGroup: new Map(), byTownship: new Map(), byCounty: new Map() };
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const place = (region: { county?: string; township?: string } | undefined) => {
    if (region?.county) add(out.byCounty, region.county);
    if (region?.county && region.township) add(out.byTownship, townshipKey(region.county, region.township));
  };
  for (const a of articles) {
    for (const g of new Set((a.relatedGroupIds ?? []).map(String))) add(out.byGroup, g);
    place(a.region);
  }
  for (const d of deputies) {
    if (d.groupId) add(out.byGroup, String(d.groupId));
    place(d.region);
  }
  return out;
}
