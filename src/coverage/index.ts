/**
 * The coverage module's API for other modules.
 * registerSuggestionAnswerProvider(async (scope, period) => ({ total, answered, unanswered }) | null)
 *   The suggestions module plugs in "every suggestion answered"; until then the figure is "not measured".
 * registerTownshipsReachedProvider(async (period, counties) => Set<'county|township'>)
 *   The supervision module adds the townships its inspection rounds reached to the supervision figure.
 * coverage(config, scope, period) → the five figures with their drill-downs (reports read this).
 * chartByRegion(config, scope, period) → the five rates per county of a city (or township of a county), from one load.
 */
export { registerSuggestionAnswerProvider, type SuggestionAnswerFigures, type SuggestionAnswerProvider } from './suggestions-provider';
export { coverage, chartByRegion, type CoverageReport, type Chart } from './service';
export { registerTownshipsReachedProvider, type TownshipsReachedProvider } from './supervision';
export { FIGURES, FIGURE_LABELS, type Figure, type FigureKey } from './figures';
