/** Fixtures for the publishing suites: approved items and deputies written through the content models, polling helpers. */
import { Types } from 'mongoose';
import { Article } from '../../../src/content/models/article';
import { Deputy } from '../../../src/content/models/deputy';
import { regionKeysOf } from '../../../src/content/models/publishable';

const SYSTEM_USER = new Types.ObjectId();

export async function approvedArticle(title = '代表进社区 倾听民声', at = new Date()): Promise<string> {
  const doc = await Article.create({
    title,
    slug: `article-${new Types.ObjectId().toHexString()}`,
    body: `## ${title}\n\n代表们走进社区，面对面听取群众意见。`,
    digest: '代表们走进社区，面对面听取群众意见。',
    status: 'approved',
    version: 1,
    createdBy: SYSTEM_USER,
    updatedBy: SYSTEM_USER,
    createdAt: at,
    updatedAt: at,
  });
  return String(doc._id);
}

/** Mobile numbers 139 0000 0000 + i, as the fake providers expect them. */
export function phoneOf(i: number): string {
  return `139${String(i).padStart(8, '0')}`;
}

export async function deputies(count: number, options: { level?: 'city' | 'county' | 'township'; region?: { city?: string; county?: string }; from?: number } = {}) {
  const at = new Date();
  const region = options.region ?? { city: '海州市', county: '东湖区' };
  const docs = Array.from({ length: count }, (_, i) => ({
    name: `代表${(options.from ?? 0) + i}`,
    level: options.level ?? 'county',
    slug: `deputy-${new Types.ObjectId().toHexString()}`,
    phones: [phoneOf((options.from ?? 0) + i)],
    region,
    regionKeys: regionKeysOf(region),
    status: 'published',
    version: 1,
    deletedAt: null,
    viewCount: 0,
    createdBy: SYSTEM_USER,
    updatedBy: SYSTEM_USER,
    createdAt: at,
    updatedAt: at,
  }));
  // lean: complete documents, written without hydrating thousands of mongoose documents.
  await Deputy.insertMany(docs, { lean: true });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
