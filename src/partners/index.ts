/**
 * The partners module's API for other modules:
 *   mediaCoverage(month)  media coverage of a month (column issues that ran our items), for summaries
 *   upcomingColumns(now, days, partnerId?)  the columns' next issues with the items each could take
 */
export { mediaCoverage, upcomingColumns, type MediaCoverage, type UpcomingColumn } from './columns';
export { PARTNER_KINDS, PARTNER_KIND_LABELS, type PartnerKind } from './models';
