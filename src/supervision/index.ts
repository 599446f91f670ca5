/**
 * The supervision module's API for other modules (evaluation).
 * problemFigures(period, asOf, counties?) → problems found, rectified (on time), open, overdue per county,
 *   township and category, rounds and revisits of the period.
 */
export { problemFigures, type ProblemFigures, type ProblemCounts } from './figures';
