/** Synthetic articles for the benchmarks (bench:content, bench:scale): deterministic from a seed. */
import { Types } from 'mongoose';

const counties = ['青山区', '石门县', '盘江县', '云溪区', '白水县', '龙潭县', '凤岭县', '清河区', '东川县', '西林县'];
const topics = ['脱贫攻坚', '产业扶贫', '代表建议', '代表小组', '乡镇人大', '教育扶贫', '健康扶贫', '电商扶贫', '基础设施', '就业帮扶'];
const words = ['代表', '调研', '视察', '座谈', '走访', '建议', '督办', '产业', '民生', '乡村'];
const statuses = ['published', 'published', 'published', 'draft', 'in_review', 'approved', 'withdrawn', 'archived', 'published', 'draft'] as const;

export function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

export function makeArticle(i: number, r: () => number) {
  const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 2 * 365 * 86_400_000));
  const county = counties[Math.floor(r() * counties.length)];
  const status = statuses[i % statuses.length];
  const title = `${county}${words[Math.floor(r() * 10)]}${words[Math.floor(r() * 10)]}${i % 5 === 0 ? '助力脱贫攻坚' : '工作'}第${i}期`;
  const creator = new Types.ObjectId();
  return {
    title,
    slug: `article-${i}`,
    digest: `${title}。各级人大代表积极履职。`,
    digestAuto: true,
    body: `# ${title}\n\n${'代表们深入基层，倾听群众呼声。'.repeat(8)}`,
    region: { city: '云岭市', county },
    regionKeys: ['云岭市', county],
    topics: [topics[i % 10], topics[(i * 7 + 3) % 10]],
    featured: i % 50 === 0,
    relatedDeputyIds: [],
    relatedGroupIds: [],
    relatedCaseIds: [],
    status,
    version: 1 + (i % 4),
    publishedAt: status === 'published' || status === 'withdrawn' ? at : undefined,
    deletedAt: i % 97 === 0 ? at : null,
    createdBy: creator,
    updatedBy: creator,
    viewCount: Math.floor(r() * 5000),
    createdAt: at,
    updatedAt: new Date(at.getTime() + Math.floor(r() * 86_400_000)),
  };
}

