/**
 * The one way a suggestion changes: a single findOneAndUpdate conditioned on the state and version read,
 * carrying the change, the new state and the audit entry together. Either all of it lands or none of it.
 * The rates' tally cell of the suggestion is marked dirty before and recomputed after (tallies.ts).
 */
import { Types } from 'mongoose';
import { ConflictError, NotFoundError } from '../errors';
import { STATUS_LABELS, Suggestion, type HistoryEntry, type Status, type SuggestionDoc } from './models';
import type { Actor } from './context';
import { suggestionTallies, tallyKeyOf } from './tallies';

export interface Change {
  to: Status;
  set?: Record<string, unknown>;
  push?: Record<string, unknown>;
  inc?: Record<string, number>;
  addToSet?: Record<string, unknown>;
  note?: string;
}

export interface TransitionRequest {
  id: string;
  /** Audit word for what happened: sort, assign, transfer, answer, rate, close, rehandle, merge, escalate… */
  action: string;
  /** States this action may start from. */
  from: readonly Status[];
  /** The state the action leads to, for the refusal message when the record is elsewhere. */
  to: Status;
  actor: Actor;
  now: Date;
  /** The version the client loaded; when given, a record changed since is refused. */
  version?: number;
  /** Builds the change from the record as it is now; may throw to refuse on other grounds. */
  plan(current: SuggestionDoc): Change;
}

export class InvalidTransitionError extends ConflictError {
  constructor(from: Status, to: Status, action: string) {
    super(`不能从「${STATUS_LABELS[from]}」变为「${STATUS_LABELS[to]}」`, 'invalid_transition', { from, to, action });
  }
}

export async function loadSuggestion(id: string): Promise<SuggestionDoc> {
  const doc = await Suggestion.findById(id).lean();
  if (!doc) throw new NotFoundError('意见建议不存在');
  return doc;
}

export async function transition(req: TransitionRequest): Promise<SuggestionDoc> {
  const current = await loadSuggestion(req.id);
  if (!req.from.includes(current.status)) throw new InvalidTransitionError(current.status, req.to, req.action);
  if (req.version !== undefined && req.version !== current.version) {
    throw new ConflictError('该意见建议已被他人修改，请刷新后重试', 'version_conflict', { expected: req.version, actual: current.version });
  }
  const change = req.plan(current);
  const entry: HistoryEntry = {
    action: req.action,
    from: current.status,
    to: change.to,
    at: req.now,
    by: new Types.ObjectId(req.actor.id),
    byName: req.actor.displayName,
    ...(change.note ? { note: change.note } : {}),
  };
  const update: Record<string, unknown> = {
    $set: { ...change.set, status: change.to, updatedAt: req.now },
    $inc: { ...change.inc, version: 1 },
    $push: { ...change.push, history: entry },
  };
  if (change.addToSet) update.$addToSet = change.addToSet;
  const updated = await suggestionTallies.around([tallyKeyOf(current)], () =>
    Suggestion.findOneAndUpdate({ _id: current._id, status: current.status, version: current.version }, update, { returnDocument: 'after' }).lean(),
  );
  if (updated) return updated;
  // Someone changed it between our read and write: answer from what it is now.
  const now = await loadSuggestion(req.id);
  if (!req.from.includes(now.status)) throw new InvalidTransitionError(now.status, req.to, req.action);
  throw new ConflictError('该意见建议已被他人修改，请刷新后重试', 'version_conflict', { expected: current.version, actual: now.version });
}
