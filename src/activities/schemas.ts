/** Request schemas of the activities API: strict objects, so unknown fields are refused and named. */
import { z } from 'zod';
import { isoDateTime, objectId, pagination } from '../http/schemas';
import { ACTIVITY_KINDS, ACTIVITY_STATUSES, ATTENDANCE_STATUSES } from './enums';
import { PERIOD_PATTERN } from '../calendar/periods';

const text = (max: number) => z.string().trim().max(max);
const requiredText = (max: number) => z.string().trim().min(1, 'required').max(max);

export const participantInput = z
  .object({
    deputyId: objectId,
    /** Required when the activity is (or becomes) held; absent for a plan. */
    status: z.enum(ATTENDANCE_STATUSES).optional(),
    reason: text(200).optional(),
  })
  .strict();
export type ParticipantInput = z.infer<typeof participantInput>;

const guest = z.object({ name: requiredText(50), title: text(100).optional() }).strict();

/** The record's content: what a plan may carry and what recording it fills in. */
const contentFields = {
  kind: z.enum(ACTIVITY_KINDS),
  subject: requiredText(200),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  place: text(200),
  summary: text(10_000),
  outcomes: text(10_000),
  photoMediaIds: z.array(objectId).max(30),
  householdsReached: z.number().int().min(0).max(1_000_000),
  villagesReached: z.number().int().min(0).max(10_000),
  participants: z.array(participantInput).max(200),
  guests: z.array(guest).max(50),
};

export const createBody = z
  .object({
    groupId: objectId,
    status: z.enum(['planned', 'held']),
    ...contentFields,
    endsAt: contentFields.endsAt.optional(),
    place: contentFields.place.optional(),
    summary: contentFields.summary.optional(),
    outcomes: contentFields.outcomes.optional(),
    photoMediaIds: contentFields.photoMediaIds.optional(),
    householdsReached: contentFields.householdsReached.optional(),
    villagesReached: contentFields.villagesReached.optional(),
    participants: contentFields.participants.optional(),
    guests: contentFields.guests.optional(),
    /** Planned activities: send the members an SMS notice now. */
    notify: z.boolean().optional(),
  })
  .strict();
export type CreateBody = z.infer<typeof createBody>;

export const updateBody = z
  .object({
    version: z.number().int().min(1),
    kind: contentFields.kind.optional(),
    subject: contentFields.subject.optional(),
    startsAt: contentFields.startsAt.optional(),
    endsAt: contentFields.endsAt.nullable().optional(),
    place: contentFields.place.optional(),
    summary: contentFields.summary.optional(),
    outcomes: contentFields.outcomes.optional(),
    photoMediaIds: contentFields.photoMediaIds.optional(),
    householdsReached: contentFields.householdsReached.optional(),
    villagesReached: contentFields.villagesReached.optional(),
    participants: contentFields.participants.optional(),
    guests: contentFields.guests.optional(),
  })
  .strict();
export type UpdateBody = z.infer<typeof updateBody>;

/** Plan → record: the roll call is required; the rest fills in what happened. */
export const recordBody = updateBody.extend({ participants: contentFields.participants }).strict();
export type RecordBody = z.infer<typeof recordBody>;

export const cancelBody = z.object({ version: z.number().int().min(1), reason: requiredText(500) }).strict();
export const versionBody = z.object({ version: z.number().int().min(1) }).strict();

const dateOnly = z.iso.date().transform((d) => new Date(`${d}T00:00:00+08:00`));

export const listQuery = z
  .object({
    ...pagination,
    groupId: objectId.optional(),
    status: z.enum(ACTIVITY_STATUSES).optional(),
    kind: z.enum(ACTIVITY_KINDS).optional(),
    county: text(50).optional(),
    township: text(50).optional(),
    /** Beijing-time dates, inclusive. */
    from: dateOnly.optional(),
    to: dateOnly.optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuery>;

export const periodKey = z.string().regex(PERIOD_PATTERN, 'a period: 2026, 2026-H2, 2026-Q4 or 2026-11');
