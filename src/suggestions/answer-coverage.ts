/**
 * "Every suggestion answered" (件件有答复) for the five full coverages: of the suggestions registered in a place and
 * period (merged duplicates excluded, as in the rates), how many have a written answer, and which have none.
 * Registered with the coverage module by ./module.ts; counted by the database, the unanswered read for the list.
 */
import { Types } from 'mongoose';
import { Department, Suggestion, STATUS_LABELS, type SuggestionDoc } from './models';

export interface AnswerPlace {
  level: 'city' | 'county' | 'township';
  name: string;
  /** The counties of a city: suggestions that name a county but no city count towards it. */
  counties?: string[];
}

export interface AnswerFigures {
  total: number;
  answered: number;
  unanswered: Array<{ id: string; title: string; raisedAt: Date; department?: string; status: string; activityId?: string }>;
}

const TITLE_LENGTH = 30;

function placeFilter(place: AnswerPlace): Record<string, unknown> {
  if (place.level !== 'city') return { [`region.${place.level}`]: place.name };
  const inCity: Record<string, unknown>[] = [{ 'region.city': place.name }];
  if (place.counties?.length) inCity.push({ 'region.city': null, 'region.county': { $in: place.counties } });
  return { $or: inCity };
}

export async function suggestionAnswerFigures(place: AnswerPlace, period: { start: Date; end: Date }): Promise<AnswerFigures> {
  const base: Record<string, unknown> = { registeredAt: { $gte: period.start, $lt: period.end }, status: { $ne: 'merged' }, ...placeFilter(place) };
  const [total, open] = await Promise.all([
    Suggestion.countDocuments(base),
    Suggestion.find({ ...base, 'answers.0': { $exists: false } })
      .select('text registeredAt leadDepartmentId status activityId')
      .sort({ registeredAt: 1, _id: 1 })
      .lean<Pick<SuggestionDoc, '_id' | 'text' | 'registeredAt' | 'leadDepartmentId' | 'status' | 'activityId'>[]>(),
  ]);
  const leads = [...new Set(open.map((s) => s.leadDepartmentId).filter((id): id is Types.ObjectId => !!id).map(String))];
  const names = new Map((await Department.find({ _id: { $in: leads.map((id) => new Types.ObjectId(id)) } }).select('name').lean()).map((d) => [String(d._id), d.name]));
  return {
    total,
    answered: total - open.length,
    unanswered: open.map((s) => ({
      id: String(s._id),
      title: s.text.length > TITLE_LENGTH ? `${s.text.slice(0, TITLE_LENGTH)}…` : s.text,
      raisedAt: s.registeredAt,
      ...(s.leadDepartmentId ? { department: names.get(String(s.leadDepartmentId)) ?? '' } : {}),
      status: STATUS_LABELS[s.status],
      ...(s.activityId ? { activityId: String(s.activityId) } : {}),
    })),
  };
}
