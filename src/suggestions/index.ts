/**
 * The suggestions module's API for other modules (reports, evaluation).
 * computeRates({ period, by?, county? }, now) → counts and the four rates (交办率、办结率、满意率、按时答复率).
 * raisedByDeputy(period) → suggestions raised per deputy in the period (merged duplicates not counted).
 * parsePeriod(key) → the rates' [from, to) of a period key.
 */
export { computeRates, type RateRow, type Rates, type Counts as RateCounts } from './rates';
export { parsePeriod as ratePeriod } from './periods';
export { raisedByDeputy } from './queries';
