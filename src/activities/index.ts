/**
 * The activities module's API for other modules (coverage, funds, suggestions, the microsite, reports).
 *
 * getActivityRef(id) → { id, groupId, groupName, subject, startsAt, status, region } | null
 *   Suggestions raised at an activity store its `activityId`; this checks and describes it.
 * recentPublicActivities(groupId, limit?) → public fields of the group's latest held activities.
 * attendanceByDeputy(scope, period) / plannedByGroup(scope, period) / presentByDeputy(ids, year)
 * rostersOf(scope) → the groups of a place with their members (name, level, leader), from the maintained copy.
 * regionsOf(scope, 'county'|'township') → the counties or townships of a place that have groups.
 * heldActivitiesBy(scope, period, 'county'|'township'|'group') → held activities per part of the place.
 * heldActivitiesByMonth(scope, period, by) → the same for each month of the period, in one pass (reports' trend).
 *   Counted by the database (rollups / aggregation).
 * ratesInForce(defaults, year): the activity-fund rates of a year (read only).
 */
export { getActivityRef, attendanceByDeputy, heldActivitiesBy, heldActivitiesByMonth, plannedByGroup, presentByDeputy, type ActivityRef, type Scope, type RegionLevel, type DeputyAttendance } from './queries';
export { rostersOf, regionsOf, groupRosterCopy } from './rosters';
export { recentPublicActivities, type PublicActivity } from './views';
export { ACTIVITY_KINDS, ACTIVITY_KIND_LABELS } from './enums';
export { ratesInForce } from './funds/service';
