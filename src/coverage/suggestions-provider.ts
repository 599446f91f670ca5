/**
 * "Every suggestion answered" (件件有答复) is measured by the suggestions module, built separately. It plugs its
 * figures in here by registering a provider; until one is registered (or when it answers null) the coverage
 * reports the figure as not yet measured rather than inventing one.
 */
import type { Scope } from '../activities';
import type { Period } from '../calendar/periods';

export interface SuggestionAnswerFigures {
  /** Suggestions due an answer in the period within the place. */
  total: number;
  answered: number;
  /** Those without an answer, for the drill-down (empty when asked for the counts only). */
  unanswered: Array<{ id: string; title: string; raisedAt?: Date; department?: string; status?: string; activityId?: string }>;
}

/** The place asked about; for a city, also its counties (those with deputy groups), for records that name no city. */
export type SuggestionAnswerPlace = Scope & { counties: string[] };

/** `list: false`: the counts only (a chart), which the provider may take from maintained tallies. */
export interface SuggestionAnswerOptions {
  list?: boolean;
}

export type SuggestionAnswerProvider = (place: SuggestionAnswerPlace, period: Period, options?: SuggestionAnswerOptions) => Promise<SuggestionAnswerFigures | null>;

let provider: SuggestionAnswerProvider | null = null;

/** Called by the suggestions module at start; a second registration replaces the first. */
export function registerSuggestionAnswerProvider(next: SuggestionAnswerProvider | null): void {
  provider = next;
}

export async function suggestionAnswers(place: SuggestionAnswerPlace, period: Period, options?: SuggestionAnswerOptions): Promise<SuggestionAnswerFigures | null> {
  return provider ? provider(place, period, options) : null;
}
