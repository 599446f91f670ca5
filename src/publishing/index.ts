/**
 * The publishing pipeline's API for other modules.
 *
 * createPublication({kind, itemId, channels, audience, at?, sms?, wechat?, createdBy, dedupeKey?})
 *   Puts one approved (or already published) item on some channels for some audience, now or at `at`.
 *   - audience: { deputies?: {levels?, regions?, groupIds?}, subscribers?: true, followers?: {all}|{tagId},
 *                 recipients?: [{phone, name?, params?}], resolvers?: { meetingInvitees: {...} } }
 *   - sms: { notification: 'news'|'invitation'|'reminder'|'change'|'cancellation', params?, recipients? }
 *     `recipients` (with per-recipient `params`, e.g. a personal RSVP link) are added to the audience.
 *   - dedupeKey: one publication per key, even when two instances race (e.g. `meeting:<id>:reminder:<offsetMs>`);
 *     a repeated call returns the existing one with `created: false`.
 *   Returns { publication, created }. Sending happens in the background (delivery ledger + worker);
 *   follow it with getPublicationView(id) or GET /api/admin/publications/:id.
 *
 * monthlyPublicity(clock, 'YYYY-MM') → the month's publicity summary (items published, deliveries, SMS and WeChat
 *   reach, page views, followers): stored for an ended month, computed so far for the running one.
 *
 * withdrawPublications({kind, itemId, notifications}, by, reason)
 *   Cancels the item's publications of those SMS notification kinds that have not gone out yet (not started,
 *   or batches still planned/queued, e.g. waiting for a retry). Meetings call it on cancel and reschedule.
 *
 * registerAudienceResolver(name, async (args) => [{phone, name?, params?}])
 *   Makes `audience.resolvers[name] = args` usable (meetings registers 'meetingInvitees' / 'meetingAttendees').
 *   Resolvers run when the publication starts (not when it is created), so late RSVPs are included.
 *   Numbers are normalised, de-duplicated and opted-out numbers removed by the pipeline.
 */
export { createPublication, type CreatePublicationInput, type CreatedPublication } from './create-publication';
export { registerAudienceResolver, type AudienceRecipient, type AudienceResolver } from '../audiences/registry';
export type { AudienceSpec } from '../audiences/types';
export {
  cancelPublication,
  getPublicationView,
  publicationOutcomes,
  smsRecipientDeliveries,
  type PublicationOutcome,
  type PublicationView,
  type RecipientDelivery,
} from './queries';
export type { PublicationStatus } from './models/publication';
export { withdrawPublications, type WithdrawFilter } from './withdraw';
export { monthlyPublicitySummary as monthlyPublicity } from './jobs';
export type { MonthlyReportDoc as MonthlyPublicity } from './models/monthly-report';
