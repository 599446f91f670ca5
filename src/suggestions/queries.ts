/** Figures other modules read (evaluation): counted by the database. */
import { Types } from 'mongoose';
import { Suggestion } from './models';

/** Suggestions raised (registered) in [from, to) per deputy among their raisers. */
export async function raisedByDeputy(period: { from: Date; to: Date }): Promise<Map<string, number>> {
  const rows = await Suggestion.aggregate<{ _id: Types.ObjectId; n: number }>([
    { $match: { registeredAt: { $gte: period.from, $lt: period.to }, status: { $ne: 'merged' }, 'deputyIds.0': { $exists: true } } },
    { $unwind: '$deputyIds' },
    { $group: { _id: '$deputyIds', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.n]));
}
