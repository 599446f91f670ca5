/**
 * 督办, daily: every suggestion still with its departments past the deadline gets an escalation for its round,
 * through the same conditional transition as the manual step (so a run racing a person records it once).
 * Written to catch up: it looks at what is overdue now, not at what became overdue since the last run.
 * The same run sends the 督办 SMS to each overdue item's department (once a day per item, see reminders.ts) and the
 * satisfaction links an answer never got sent (a crash between the answer and its SMS).
 */
import { AppError } from '../errors';
import { HANDLING_STATUSES, Suggestion } from './models';
import { escalateOverdue } from './handling';
import type { Actor, SuggestionsContext } from './context';

export const OVERDUE_JOB = 'suggestions-overdue';

/** Who the audit trail names for the job's steps. */
export const SYSTEM_ACTOR: Actor = { id: '000000000000000000000001', displayName: '系统督办', role: 'liaison' };

export async function escalateAllOverdue(sc: SuggestionsContext): Promise<{ escalated: number; failed: number }> {
  const now = sc.clock.now();
  const cursor = Suggestion.find({ status: { $in: HANDLING_STATUSES }, deadline: { $lt: now } })
    .select('_id assignedAt escalations')
    .lean()
    .cursor();
  let escalated = 0;
  let failed = 0;
  for await (const s of cursor) {
    const already = s.escalations.some((e) => e.reason === 'overdue' && s.assignedAt && e.openedAt >= s.assignedAt);
    if (already) continue;
    try {
      await escalateOverdue(sc, { id: String(s._id), actor: SYSTEM_ACTOR });
      escalated++;
    } catch (err) {
      // Answered or escalated by someone meanwhile: nothing left to do for it.
      if (!(err instanceof AppError)) throw err;
      failed++;
    }
  }
  return { escalated, failed };
}
