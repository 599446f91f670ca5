/**
 * The suggestions module's API for other modules.
 * suggestionAnswerFigures(place, period) → { total, answered, unanswered }: 件件有答复 of a place and period
 *   (registered with the coverage module by ./module.ts).
 */
export { suggestionAnswerFigures, type AnswerFigures, type AnswerPlace } from './answer-coverage';
