/**
 * The coverage module's API for other modules.
 * registerSuggestionAnswerProvider(async ({ level, name, counties }, period) => ({ total, answered, unanswered }) | null)
 *   The suggestions module plugs in "every suggestion answered"; until then the figure is "not measured".
 * coverage(config, scope, period) → the five figures with their drill-downs (reports read this).
 */
export { registerSuggestionAnswerProvider, type SuggestionAnswerFigures, type SuggestionAnswerPlace, type SuggestionAnswerProvider } from './suggestions-provider';
export { coverage, type CoverageReport } from './service';
export { FIGURES, FIGURE_LABELS, type Figure, type FigureKey } from './figures';
