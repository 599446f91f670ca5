/**
 * Inspection rounds and their problems at volume for bench:reports: two rounds per county each quarter of `year`,
 * each visiting three of the county's townships (those with activities) and finding four problems in the seed's
 * categories, in every state of the rectification. Written with bulk inserts straight into the collections.
 */
import { Types } from 'mongoose';
import { Activity } from '../../src/activities/models';
import { InspectionRound, Problem } from '../../src/supervision/models';
import { rng } from '../bench/articles';

const DAY = 86_400_000;
const CATEGORIES = ['thinking', 'venue', 'grouping', 'formality', 'supervision', 'data'];

export async function seedInspections(year: number, counties: readonly string[]): Promise<{ rounds: number; problems: number }> {
  const r = rng(11);
  const actor = new Types.ObjectId();
  const committeeId = new Types.ObjectId();
  const rounds = [];
  const problems = [];
  for (const county of counties) {
    const own: string[] = await Activity.distinct('region.township', { 'region.county': county });
    for (let q = 0; q < 4; q++) {
      for (let k = 0; k < 2; k++) {
        const date = new Date(Date.UTC(year, q * 3 + k, 10, 2));
        const _id = new Types.ObjectId();
        rounds.push({ _id, kind: 'inspection', period: `${year}-Q${q + 1}`, committeeId, committeeName: '代表工作委员会', county, date, townships: own.slice(0, 3), note: '', createdBy: actor, createdAt: date, updatedAt: date, version: 1 });
        for (let p = 0; p < 4; p++) {
          const deadline = new Date(date.getTime() + 30 * DAY);
          const roll = r();
          const state = roll < 0.6 ? 'rectified' : roll < 0.8 ? 'rectifying' : 'immediate';
          const rectifiedAt = state === 'rectified' ? new Date(date.getTime() + Math.floor(r() * 50) * DAY) : null;
          problems.push({ roundId: _id, categoryId: CATEGORIES[Math.floor(r() * CATEGORIES.length)], county, township: own[p % Math.max(1, own.length)] ?? null, groupId: null, groupName: null, description: '问题', deadline, state, foundAt: date, rectifiedAt, evidence: [], revisits: [], history: [], createdAt: date, updatedAt: date, version: 1 });
        }
      }
    }
  }
  await InspectionRound.collection.insertMany(rounds as never[]);
  await Problem.collection.insertMany(problems as never[]);
  await Promise.all([InspectionRound.createIndexes(), Problem.createIndexes()]);
  return { rounds: rounds.length, problems: problems.length };
}
