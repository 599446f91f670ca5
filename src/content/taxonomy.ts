/**
 * What editors pick from instead of typing: the regions and topics already in use across the four content kinds,
 * with how many items use each (deleted items left out). Regions come as a city → county → township tree.
 */
import { CONTENT_KINDS } from './enums';
import { contentKinds } from './kinds';

export interface RegionNode {
  name: string;
  count: number;
  children: RegionNode[];
}

export interface TopicCount {
  name: string;
  count: number;
}

type Counts = Map<string, number>;

async function groupCounts(field: string): Promise<Counts> {
  const counts: Counts = new Map();
  for (const kind of CONTENT_KINDS) {
    const rows = (await contentKinds[kind].model.aggregate([
      { $match: { deletedAt: null } },
      ...(field === 'topics' ? [{ $unwind: '$topics' }] : []),
      { $group: { _id: field === 'topics' ? '$topics' : { city: '$region.city', county: '$region.county', township: '$region.township' }, n: { $sum: 1 } } },
    ])) as { _id: unknown; n: number }[];
    for (const row of rows) {
      const key = JSON.stringify(row._id ?? null);
      counts.set(key, (counts.get(key) ?? 0) + row.n);
    }
  }
  return counts;
}

export async function topicsInUse(q?: string): Promise<TopicCount[]> {
  const out: TopicCount[] = [];
  for (const [key, count] of await groupCounts('topics')) {
    const name = JSON.parse(key) as string | null;
    if (typeof name === 'string' && name.trim() && (!q || name.includes(q))) out.push({ name, count });
  }
  return out.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh-CN'));
}

export async function regionsInUse(): Promise<RegionNode[]> {
  const roots: RegionNode[] = [];
  const child = (list: RegionNode[], name: string): RegionNode => {
    let node = list.find((n) => n.name === name);
    if (!node) list.push((node = { name, count: 0, children: [] }));
    return node;
  };
  for (const [key, count] of await groupCounts('region')) {
    const r = (JSON.parse(key) ?? {}) as { city?: string | null; county?: string | null; township?: string | null };
    let level = roots;
    for (const name of [r.city, r.county, r.township]) {
      if (!name || !name.trim()) continue;
      const node = child(level, name.trim());
      node.count += count;
      level = node.children;
    }
  }
  const sort = (list: RegionNode[]) => {
    list.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}
