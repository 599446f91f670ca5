/**
 * Problem categories of the inspection lists. The defaults are the kinds the seed's mid-year bulletin named
 * (思想误区、阵地建设不规范、分组不科学、活动重形式轻内容、督导不严不实、数据信息不精准: six of its eight are named there)
 * plus the two the five coverages point at (活动保障不到位、意见建议办理不到位). Staff rename, add and retire
 * categories; a retired one stays on the problems that used it.
 */
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors';
import { ProblemCategory, type ProblemCategoryDoc } from './models';

export const DEFAULT_CATEGORIES: Array<Pick<ProblemCategoryDoc, '_id' | 'label' | 'description'>> = [
  { _id: 'mindset', label: '思想误区', description: '对代表小组活动认识不到位，认为可有可无、走过场' },
  { _id: 'venue', label: '阵地建设不规范', description: '活动室标识、制度上墙、台账不符合要求' },
  { _id: 'grouping', label: '分组不科学', description: '小组人数、层级构成或地域划分不合理' },
  { _id: 'formality', label: '活动重形式轻内容', description: '活动流于形式，调研走访、意见收集不深入' },
  { _id: 'supervision', label: '督导不严不实', description: '县乡人大督导不经常、不具体，问题未跟踪' },
  { _id: 'data', label: '数据信息不精准', description: '活动记录、考勤、建议等数据不完整或不真实' },
  { _id: 'guarantees', label: '活动保障不到位', description: '时间、经费、场所保障不落实' },
  { _id: 'suggestions', label: '意见建议办理不到位', description: '交办、答复、反馈不及时，群众不满意' },
];

/** Inserts the defaults that are missing; never overwrites an edited one. */
export async function ensureDefaultCategories(): Promise<void> {
  await ProblemCategory.bulkWrite(
    DEFAULT_CATEGORIES.map((c, order) => ({ updateOne: { filter: { _id: c._id }, update: { $setOnInsert: { ...c, order, active: true } }, upsert: true } })),
    { ordered: false },
  );
}

export const categoryBody = z
  .object({
    id: z.string().trim().regex(/^[a-z][a-z0-9_-]{1,39}$/, '小写字母开头的英文编号'),
    label: z.string().trim().min(1, '必填').max(40),
    description: z.string().trim().max(500).default(''),
  })
  .strict();
export const categoryPatch = z
  .object({ label: z.string().trim().min(1, '必填').max(40).optional(), description: z.string().trim().max(500).optional(), active: z.boolean().optional(), order: z.number().int().min(0).max(1000).optional() })
  .strict();

export interface CategoryView {
  id: string;
  label: string;
  description: string;
  order: number;
  active: boolean;
}

const view = (c: ProblemCategoryDoc): CategoryView => ({ id: c._id, label: c.label, description: c.description, order: c.order, active: c.active });

export async function listCategories(): Promise<CategoryView[]> {
  return (await ProblemCategory.find({}).sort({ order: 1, _id: 1 }).lean<ProblemCategoryDoc[]>()).map(view);
}

export async function categoryLabels(): Promise<Map<string, string>> {
  return new Map((await listCategories()).map((c) => [c.id, c.label]));
}

export async function createCategory(input: z.infer<typeof categoryBody>): Promise<CategoryView> {
  if (await ProblemCategory.exists({ $or: [{ _id: input.id }, { label: input.label }] })) throw new ConflictError('已有相同编号或名称的问题类别', 'duplicate_category');
  const order = (await ProblemCategory.countDocuments()) + 1;
  const doc = { _id: input.id, label: input.label, description: input.description, order, active: true };
  await ProblemCategory.create(doc);
  return view(doc);
}

export async function updateCategory(id: string, input: z.infer<typeof categoryPatch>): Promise<CategoryView> {
  if (input.label && (await ProblemCategory.exists({ label: input.label, _id: { $ne: id } }))) throw new ConflictError('已有同名问题类别', 'duplicate_category');
  const doc = await ProblemCategory.findOneAndUpdate({ _id: id }, { $set: input }, { returnDocument: 'after' }).lean<ProblemCategoryDoc>();
  if (!doc) throw new NotFoundError('问题类别不存在');
  return view(doc);
}
