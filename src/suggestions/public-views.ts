/**
 * What the public sees of suggestions: progress by tracking number (public ones with their text and answers,
 * private ones only their state), the answered public suggestions (件件有答复), and the rates. Never a name, a
 * phone number, or who handled it inside the office.
 */
import type { Types } from 'mongoose';
import { NotFoundError } from '../errors';
import { formatBeijing } from '../calendar/beijing';
import { Department, STATUS_LABELS, Suggestion, type Status, type SuggestionDoc } from './models';
import { normaliseReceiptNo, RECEIPT_PATTERN } from './receipts';
import type { Page } from '../http/schemas';

const STAGES: Array<{ key: string; label: string; actions: string[] }> = [
  { key: 'registered', label: '受理登记', actions: ['register'] },
  { key: 'sorted', label: '梳理分类', actions: ['sort'] },
  { key: 'assigned', label: '交办承办单位', actions: ['assign'] },
  { key: 'answered', label: '承办单位答复', actions: ['answer'] },
  { key: 'rated', label: '代表满意度测评', actions: ['rate'] },
  { key: 'closed', label: '办结', actions: ['close'] },
];

export interface PublicProgress {
  receiptNo: string;
  status: Status;
  statusLabel: string;
  public: boolean;
  category: string;
  place: string;
  registeredAt: string;
  stages: Array<{ key: string; label: string; done: boolean; at?: string }>;
  mergedInto?: string;
  text?: string;
  answers?: Array<{ department: string; text: string; at: string }>;
  satisfaction?: string;
}

async function departmentNames(ids: Types.ObjectId[]): Promise<Map<string, string>> {
  const found = await Department.find({ _id: { $in: ids } }).select('name').lean();
  return new Map(found.map((d) => [String(d._id), d.name]));
}

function place(s: SuggestionDoc): string {
  return [s.region.county, s.region.township].filter(Boolean).join(' ');
}

async function answersOf(s: SuggestionDoc, names: Map<string, string>) {
  return s.answers.map((a) => ({ department: names.get(String(a.departmentId)) ?? '承办单位', text: a.text, at: formatBeijing(a.at, false) }));
}

export async function publicProgress(input: string): Promise<PublicProgress> {
  const receiptNo = normaliseReceiptNo(input);
  const missing = () => new NotFoundError('未找到该受理编号，请核对后再查询', 'receipt_not_found');
  if (!RECEIPT_PATTERN.test(receiptNo)) throw missing();
  const s = await Suggestion.findOne({ receiptNo }).lean();
  if (!s) throw missing();
  const stages = STAGES.map((stage) => {
    const entry = s.history.find((h) => stage.actions.includes(h.action));
    return { key: stage.key, label: stage.label, done: !!entry, ...(entry ? { at: formatBeijing(entry.at, false) } : {}) };
  });
  const mergedInto = s.status === 'merged' && s.duplicateOf ? (await Suggestion.findById(s.duplicateOf).select('receiptNo').lean())?.receiptNo : undefined;
  const view: PublicProgress = {
    receiptNo,
    status: s.status,
    statusLabel: STATUS_LABELS[s.status],
    public: s.public,
    category: s.category,
    place: place(s),
    registeredAt: formatBeijing(s.registeredAt, false),
    stages,
    ...(mergedInto ? { mergedInto } : {}),
  };
  if (!s.public) return view;
  const names = await departmentNames(s.answers.map((a) => a.departmentId));
  return { ...view, text: s.text, answers: await answersOf(s, names), ...(s.lastRating ? { satisfaction: s.lastRating } : {}) };
}

export interface AnsweredItem {
  receiptNo?: string;
  category: string;
  place: string;
  text: string;
  statusLabel: string;
  answers: Array<{ department: string; text: string; at: string }>;
}

const ANSWERED: Status[] = ['answered', 'rated', 'closed'];

/** 件件有答复: public suggestions with an answer, latest answered first. */
export async function answeredPublic(filter: { county?: string; page: number; pageSize: number }): Promise<Page<AnsweredItem>> {
  const query: Record<string, unknown> = { status: { $in: ANSWERED }, public: true };
  if (filter.county) query['region.county'] = filter.county;
  const [docs, total] = await Promise.all([
    Suggestion.find(query)
      .sort({ updatedAt: -1, _id: -1 })
      .skip((filter.page - 1) * filter.pageSize)
      .limit(filter.pageSize)
      .lean(),
    Suggestion.countDocuments(query),
  ]);
  const names = await departmentNames(docs.flatMap((d) => d.answers.map((a) => a.departmentId)));
  const items = await Promise.all(
    docs.map(async (s) => ({ receiptNo: s.receiptNo, category: s.category, place: place(s), text: s.text, statusLabel: STATUS_LABELS[s.status], answers: await answersOf(s, names) })),
  );
  return { items, page: filter.page, pageSize: filter.pageSize, total };
}
