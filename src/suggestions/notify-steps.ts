/**
 * The SMS that follow a handling step. The step itself is already recorded when these run: a failure to queue the
 * SMS is logged and left to the daily job (which sends what is missing) or to a liaison's resend, never undoing it.
 */
import { ConflictError } from '../errors';
import { Suggestion, type SuggestionDoc } from './models';
import { notifyAssigned, sendSatisfactionLinks } from './notices';
import { loadSuggestion } from './transition';
import type { Actor, SuggestionsContext } from './context';

async function quietly(sc: SuggestionsContext, doc: SuggestionDoc, what: string, run: () => Promise<unknown>): Promise<SuggestionDoc> {
  try {
    await run();
    return loadSuggestion(String(doc._id));
  } catch (err) {
    sc.logger.error({ err, suggestionId: String(doc._id) }, `${what} SMS not queued; the daily job will retry`);
    return doc;
  }
}

export function afterAssign(sc: SuggestionsContext, doc: SuggestionDoc, actor: Actor): Promise<SuggestionDoc> {
  return quietly(sc, doc, 'assignment', () => notifyAssigned(sc, doc, actor));
}

export function afterAnswer(sc: SuggestionsContext, doc: SuggestionDoc, actor: Actor): Promise<SuggestionDoc> {
  return quietly(sc, doc, 'satisfaction link', () => sendSatisfactionLinks(sc, doc, actor));
}

export async function resendSatisfactionLinks(sc: SuggestionsContext, id: string, actor: Actor) {
  const doc = await loadSuggestion(id);
  if (doc.status !== 'answered') throw new ConflictError('只有已答复、待评价的建议可以重新发送测评链接', 'not_answered', { status: doc.status });
  return sendSatisfactionLinks(sc, doc, actor);
}

/** Answered suggestions whose deputies were never sent the round's links (a crash or an SMS set-up fault): send them. */
export async function sendMissingSatisfactionLinks(sc: SuggestionsContext, actor: Actor): Promise<number> {
  const waiting = await Suggestion.find({ status: 'answered' }).select('_id round notices').lean();
  let sent = 0;
  for (const w of waiting) {
    if ((w.notices ?? []).some((n) => n.kind === 'answered' && n.round === w.round)) continue;
    await sendSatisfactionLinks(sc, await loadSuggestion(String(w._id)), actor);
    sent += 1;
  }
  return sent;
}
