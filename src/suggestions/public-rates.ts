/** The public rates page's figures: the city's and each county's rates for a period, from the one rates function. */
import { computeRates } from './rates';
import { parsePeriod, type Period } from './periods';
import { beijingDay } from '../calendar/beijing';
import type { SuggestionsContext } from './context';

export async function publicRates(sc: SuggestionsContext, query: { period?: Period; county?: string }) {
  const now = sc.clock.now();
  const period = query.period ?? parsePeriod(beijingDay(now).slice(0, 4));
  const rates = await computeRates({ period, by: query.county ? 'township' : 'county', ...(query.county ? { county: query.county } : {}) }, now);
  return { ...rates, county: query.county };
}
