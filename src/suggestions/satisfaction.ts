/**
 * The deputy's own satisfaction (满意度测评) through the personal SMS link: read the suggestion and the answer, then
 * rate it 满意 / 基本满意 / 不满意 with a comment. The link works for its round only, once, until it expires; the
 * rating goes through the same transition as every step, so two deputies (or two taps) cannot both rate a round.
 */
import { AppError, ConflictError } from '../errors';
import { hashToken, TOKEN_PATTERN } from '../link-tokens';
import { formatBeijing } from '../calendar/beijing';
import { SatisfactionLink, Suggestion, type Rating, type SatisfactionLinkDoc, type SuggestionDoc } from './models';
import { rateSuggestion } from './handling';
import { InvalidTransitionError } from './transition';
import { departmentName } from './notices';
import type { SuggestionsContext } from './context';

export class SatisfactionLinkError extends AppError {}

const ANSWER_CLASS_LABELS = { A: '已解决或基本解决', B: '正在解决或列入计划解决', C: '因条件限制暂不能解决，已作说明' } as const;

export interface SatisfactionState {
  deputyName: string;
  suggestion: { receiptNo?: string; text: string; category: string; place: string; registeredAt: string };
  answer?: { department: string; text: string; answerClass: string; at: string; meeting: { at: string; participants: string; place?: string } };
  /** Whether a rating can be given through this link now. */
  open: boolean;
  closedReason?: string;
  /** The rating of this round, once given (by this deputy or on the suggestion's behalf). */
  rating?: { rating: Rating; comment: string; at: string; byThisLink: boolean; onBehalf: boolean };
}

async function load(sc: SuggestionsContext, token: string): Promise<{ link: SatisfactionLinkDoc; s: SuggestionDoc }> {
  const invalid = () => new SatisfactionLinkError(404, 'satisfaction_link_invalid', '链接无效：请核对短信中的链接是否完整');
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) throw invalid();
  const link = await SatisfactionLink.findOne({ tokenHash: hashToken(token, sc.config.suggestions.tokenSecret) }).lean();
  if (!link) throw invalid();
  const s = await Suggestion.findById(link.suggestionId).lean();
  if (!s) throw invalid();
  if (link.expiresAt.getTime() <= sc.clock.now().getTime() && !link.usedAt) {
    throw new SatisfactionLinkError(410, 'satisfaction_link_expired', `此测评链接已于 ${formatBeijing(link.expiresAt)} 过期。如需评价，请联系人大常委会联络员。`);
  }
  return { link, s };
}

function placeOf(s: SuggestionDoc): string {
  return [s.region.county, s.region.township, s.region.village].filter(Boolean).join(' ');
}

async function stateOf(link: SatisfactionLinkDoc, s: SuggestionDoc): Promise<SatisfactionState> {
  const answer = [...s.answers].reverse().find((a) => a.round === link.round);
  const rated = [...s.ratings].reverse().find((r) => r.round === link.round);
  let closedReason: string | undefined;
  if (link.usedAt) closedReason = '您已评价，感谢您的反馈。';
  else if (rated) closedReason = '本轮答复已有评价，无需再次评价。';
  else if (s.round !== link.round) closedReason = '该建议已重新交办，新的答复送达后将另行发送测评链接。';
  else if (s.status !== 'answered') closedReason = '该建议当前不在待评价状态。';
  return {
    deputyName: link.deputyName,
    suggestion: { receiptNo: s.receiptNo, text: s.text, category: s.category, place: placeOf(s), registeredAt: formatBeijing(s.registeredAt, false) },
    ...(answer
      ? {
          answer: {
            department: await departmentName(answer.departmentId),
            text: answer.text,
            answerClass: `${answer.answerClass}类：${ANSWER_CLASS_LABELS[answer.answerClass]}`,
            at: formatBeijing(answer.at),
            meeting: { at: formatBeijing(answer.meeting.at), participants: answer.meeting.participants, ...(answer.meeting.place ? { place: answer.meeting.place } : {}) },
          },
        }
      : {}),
    open: !closedReason,
    ...(closedReason ? { closedReason } : {}),
    ...(rated
      ? {
          rating: {
            rating: rated.rating,
            comment: rated.comment,
            at: formatBeijing(rated.at),
            byThisLink: rated.source === 'deputy' && String(rated.deputyId) === String(link.deputyId),
            onBehalf: (rated.source ?? 'liaison') === 'liaison',
          },
        }
      : {}),
  };
}

export async function viewSatisfaction(sc: SuggestionsContext, token: string): Promise<SatisfactionState> {
  const { link, s } = await load(sc, token);
  return stateOf(link, s);
}

export async function rateThroughLink(sc: SuggestionsContext, token: string, input: { rating: Rating; comment: string }): Promise<SatisfactionState> {
  const { link, s } = await load(sc, token);
  const state = await stateOf(link, s);
  if (!state.open) throw new ConflictError(state.closedReason!, link.usedAt ? 'satisfaction_link_used' : 'satisfaction_closed');
  let rated: SuggestionDoc;
  try {
    rated = await rateSuggestion(sc, {
      id: String(s._id),
      actor: { id: String(link.deputyId), displayName: `${link.deputyName}（代表本人）`, role: 'liaison' },
      rating: input.rating,
      comment: input.comment,
      source: 'deputy',
      deputyId: String(link.deputyId),
    });
  } catch (err) {
    // Someone rated the round between our read and our write (another deputy, or the other tab).
    if (err instanceof InvalidTransitionError || (err instanceof ConflictError && err.code === 'version_conflict')) {
      throw new ConflictError('本轮答复已有评价，无需再次评价。', 'satisfaction_closed');
    }
    throw err;
  }
  await SatisfactionLink.updateOne({ _id: link._id, usedAt: null }, { $set: { usedAt: sc.clock.now() } });
  sc.logger.info({ suggestionId: String(s._id), round: link.round, rating: input.rating }, 'satisfaction given by the deputy');
  return stateOf({ ...link, usedAt: sc.clock.now() }, rated);
}
