/**
 * "Every suggestion answered" (件件有答复) for the five full coverages: of the suggestions registered in a place and
 * period (merged duplicates excluded, as in the rates), how many have a written answer, and which have none.
 * Registered with the coverage module by ./module.ts; counted by the database, the unanswered read for the list.
 */
import { Types } from 'mongoose';
import { Department, Suggestion, STATUS_LABELS, type SuggestionDoc } from './models';
import { suggestionTallies, tallyCells } from './tallies';

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

/** A period of whole Beijing months (every calendar period is one), as the tallies count them. */
interface AnswerPeriod {
  start: Date;
  end: Date;
  months?: string[];
}

/**
 * The counts of a county from the maintained tallies (one small document per month, county and category), when the
 * caller needs no list: a tally's `registered` leaves out merged duplicates and `answered` is "has an answer", the
 * definitions below. Null when the tallies cannot answer (another level, not built yet).
 */
async function countsFromTallies(place: AnswerPlace, period: AnswerPeriod): Promise<AnswerFigures | null> {
  if (place.level !== 'county' || !period.months?.length || !(await suggestionTallies.fresh())) return null;
  let total = 0;
  let answered = 0;
  for (const cell of await tallyCells(period.months, { county: place.name })) {
    for (const row of cell.rows) {
      total += row.registered;
      answered += row.answered;
    }
  }
  return { total, answered, unanswered: [] };
}

/** `list: false`: the counts only, `unanswered` left empty (a chart of the counties). */
export async function suggestionAnswerFigures(place: AnswerPlace, period: AnswerPeriod, options: { list?: boolean } = {}): Promise<AnswerFigures> {
  const counted = options.list === false ? await countsFromTallies(place, period) : null;
  if (counted) return counted;
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
