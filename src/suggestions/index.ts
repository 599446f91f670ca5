/**
 * The suggestions module's API for other modules (coverage, reports, evaluation).
 * computeRates({ period, by?, county? }, now) → counts and the four rates (交办率、办结率、满意率、按时答复率).
 * raisedByDeputy(period) → suggestions raised per deputy in the period (merged duplicates not counted).
 * parsePeriod(key) → the rates' [from, to) of a period key.
 * suggestionAnswerFigures(place, period) → { total, answered, unanswered }: 件件有答复 of a place and period
 *   (registered with the coverage module by ./module.ts).
 */
export { computeRates, type RateRow, type Rates, type Counts as RateCounts } from './rates';
export { parsePeriod as ratePeriod } from './periods';
export { raisedByDeputy } from './queries';
export { suggestionAnswerFigures, type AnswerFigures, type AnswerPlace } from './answer-coverage';
