/**
 * Suggestions at volume for the benchmarks: departments per county and `count` suggestions registered uniformly
 * between `from` and `to`, in every state of the handling (mostly closed), written with bulk inserts straight into
 * the collections. Used by bench:suggestions and bench:reports.
 */
import { Types } from 'mongoose';
import { CATEGORIES, Department, RATINGS, Suggestion, type Status } from '../../src/suggestions/models';
import { rng } from '../bench/articles';

const DAY = 86_400_000;

export interface SuggestionSeed {
  count: number;
  counties: readonly string[];
  departmentsPerCounty: number;
  from: Date;
  to: Date;
  /** Townships per county the suggestions name (`乡镇1` … by default); the county's own names where given. */
  townships?: (county: string) => readonly string[];
}

export async function seedSuggestions(o: SuggestionSeed): Promise<{ departments: number }> {
  const r = rng(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(r() * items.length)];
  const departments = o.counties.flatMap((county) =>
    Array.from({ length: o.departmentsPerCounty }, (_, j) => ({
      _id: new Types.ObjectId(),
      county,
      name: `${county}单位${j + 1}`,
      contactName: '联系人',
      contactPhone: '13800000000',
      deletedAt: null,
      createdAt: o.to,
      updatedAt: o.to,
    })),
  );
  await Department.collection.insertMany(departments);
  const byCounty = new Map(o.counties.map((c) => [c, departments.filter((d) => d.county === c)]));
  const defaultTownships = Array.from({ length: 12 }, (_, i) => `乡镇${i + 1}`);
  const span = o.to.getTime() - o.from.getTime();
  const actor = new Types.ObjectId();
  for (let b = 0; b < o.count; b += 1000) {
    const docs = Array.from({ length: Math.min(1000, o.count - b) }, () => {
      const county = pick(o.counties);
      const registeredAt = new Date(o.from.getTime() + Math.floor(r() * span));
      const roll = r();
      const status: Status = roll < 0.05 ? 'registered' : roll < 0.1 ? 'sorted' : roll < 0.25 ? 'assigned' : roll < 0.3 ? 'answered' : roll < 0.35 ? 'rated' : 'closed';
      const assigned = !['registered', 'sorted'].includes(status);
      const answered = ['answered', 'rated', 'closed'].includes(status);
      const lead = assigned ? pick(byCounty.get(county)!) : undefined;
      const deadline = new Date(registeredAt.getTime() + 90 * DAY);
      const rating = ['rated', 'closed'].includes(status) ? (status === 'closed' ? pick(RATINGS.slice(0, 2)) : pick(RATINGS)) : undefined;
      return {
        text: '建议内容',
        category: pick(CATEGORIES),
        region: { county, township: pick(o.townships?.(county) ?? defaultTownships) },
        deputyIds: [new Types.ObjectId()],
        attachmentIds: [],
        public: r() < 0.5,
        status,
        version: 3,
        round: 1,
        coDepartmentIds: [],
        departmentIds: lead ? [lead._id] : [],
        ...(lead ? { leadDepartmentId: lead._id, assignedAt: registeredAt, deadline } : {}),
        hard: false,
        transfers: [],
        answers: answered ? [{ round: 1, text: '答复', answerClass: 'A', at: deadline, by: actor, departmentId: lead!._id, onTime: r() < 0.9 }] : [],
        ratings: [],
        ...(rating ? { lastRating: rating } : {}),
        dissatisfiedCount: 0,
        escalations: [],
        history: [],
        registeredAt,
        createdBy: actor,
        updatedAt: registeredAt,
      };
    });
    await Suggestion.collection.insertMany(docs, { ordered: false });
  }
  return { departments: departments.length };
}
