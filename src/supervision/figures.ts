/**
 * Figures of the problem lists for reports and evaluation, per county: found in a period, rectified (by `asOf`),
 * rectified on time, still open, overdue; and per category. Counted from the problems' own dates.
 */
import type { Period } from '../calendar/periods';
import { categoryLabels } from './categories';
import { InspectionRound, Problem, type ProblemDoc } from './models';
import { rectifiedOnTime } from './problems';

export interface ProblemCounts {
  found: number;
  rectified: number;
  rectifiedOnTime: number;
  open: number;
  overdue: number;
}

export interface ProblemFigures {
  totals: ProblemCounts;
  byCounty: Array<{ county: string } & ProblemCounts>;
  byTownship: Array<{ county: string; township: string } & ProblemCounts>;
  byCategory: Array<{ categoryId: string; label: string; found: number; open: number }>;
  rounds: number;
  revisits: number;
  townshipsVisited: number;
  /** Open problems found before the period, still open at its end (carried over). */
  carriedOver: number;
}

const zero = (): ProblemCounts => ({ found: 0, rectified: 0, rectifiedOnTime: 0, open: 0, overdue: 0 });

function add(c: ProblemCounts, p: ProblemDoc, asOf: Date): void {
  c.found += 1;
  const done = p.state === 'rectified' && !!p.rectifiedAt && p.rectifiedAt.getTime() <= asOf.getTime();
  if (done) {
    c.rectified += 1;
    if (rectifiedOnTime(p)) c.rectifiedOnTime += 1;
  } else {
    c.open += 1;
    if (p.deadline.getTime() < asOf.getTime()) c.overdue += 1;
  }
}

/** The problems found in a period (optionally in some counties), judged as of `asOf` (the period's end or now). */
export async function problemFigures(period: Period, asOf: Date, counties?: string[]): Promise<ProblemFigures> {
  const place = counties ? { county: { $in: counties } } : {};
  const [docs, labels, rounds, carriedOver] = await Promise.all([
    Problem.find({ ...place, foundAt: { $gte: period.start, $lt: period.end } }).lean<ProblemDoc[]>(),
    categoryLabels(),
    InspectionRound.find({ ...place, date: { $gte: period.start, $lt: period.end } }).select('kind county townships').lean(),
    Problem.countDocuments({ ...place, foundAt: { $lt: period.start }, $or: [{ state: { $ne: 'rectified' } }, { rectifiedAt: { $gte: period.end } }] }),
  ]);
  const totals = zero();
  const byCounty = new Map<string, ProblemCounts>();
  const byTownship = new Map<string, ProblemCounts>();
  const byCategory = new Map<string, { found: number; open: number }>();
  for (const p of docs) {
    add(totals, p, asOf);
    add(byCounty.get(p.county) ?? byCounty.set(p.county, zero()).get(p.county)!, p, asOf);
    if (p.township) {
      const k = `${p.county}|${p.township}`;
      add(byTownship.get(k) ?? byTownship.set(k, zero()).get(k)!, p, asOf);
    }
    const cat = byCategory.get(p.categoryId) ?? byCategory.set(p.categoryId, { found: 0, open: 0 }).get(p.categoryId)!;
    cat.found += 1;
    if (!(p.state === 'rectified' && p.rectifiedAt && p.rectifiedAt.getTime() <= asOf.getTime())) cat.open += 1;
  }
  const visited = new Set(rounds.flatMap((r) => r.townships.map((t) => `${r.county}|${t}`)));
  return {
    totals,
    byCounty: [...byCounty].map(([county, c]) => ({ county, ...c })).sort((a, b) => b.found - a.found || (a.county < b.county ? -1 : 1)),
    byTownship: [...byTownship].map(([k, c]) => ({ county: k.split('|')[0], township: k.split('|')[1], ...c })),
    byCategory: [...labels].map(([categoryId, label]) => ({ categoryId, label, ...(byCategory.get(categoryId) ?? { found: 0, open: 0 }) })).filter((c) => c.found > 0 || labels.has(c.categoryId)),
    rounds: rounds.filter((r) => r.kind === 'inspection').length,
    revisits: rounds.filter((r) => r.kind === 'revisit').length,
    townshipsVisited: visited.size,
    carriedOver,
  };
}
