/** Request bodies of the meetings API (strict: unknown fields are refused with their names). */
import { z } from 'zod';
import { objectId } from '../http/schemas';
import { SLUG_PATTERN } from '../content/slug';
import { meetingTime } from './time';
import { mobileField } from './phones';

const agendaItem = z
  .object({
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day "HH:mm"').optional(),
    title: z.string().trim().min(1).max(200),
    speaker: z.string().trim().max(100).optional(),
  })
  .strict();

const invitees = z
  .object({
    deputyIds: z.array(objectId).max(2000).default([]),
    groupIds: z.array(objectId).max(200).default([]),
    extras: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(50),
            phone: mobileField,
            // 称谓 for the greeting: "记者" → "王记者您好" (empty: the full name).
            role: z.string().trim().max(8).regex(/^[^\p{Cc}\s]*$/u, 'a word such as 记者 or 镇长, without spaces').optional(),
          })
          .strict(),
      )
      .max(2000)
      .default([]),
  })
  .strict();

/** One line of text: titles end up in calendar files, SMS and page titles, where a line break means something. */
const oneLine = (max: number) => z.string().trim().max(max).regex(/^[^\p{Cc}]*$/u, 'one line, without control characters');

const fields = {
  title: oneLine(100).min(1),
  theme: z.string().trim().max(200),
  description: z.string().max(50_000),
  startsAt: meetingTime,
  endsAt: meetingTime,
  venue: z.string().trim().min(1).max(100),
  address: z.string().trim().max(200),
  agenda: z.array(agendaItem).max(50),
  featuredCaseIds: z.array(objectId).max(20),
  featuredDeputyIds: z.array(objectId).max(50),
  invitees,
  capacity: z.number().int().min(1).max(100_000).nullable(),
  rsvpDeadline: meetingTime.nullable(),
  publicSignup: z.boolean(),
  slug: z.string().trim().min(1).max(80).regex(SLUG_PATTERN, 'lower-case letters, digits and single hyphens'),
};

export const createMeetingBody = z
  .object({
    ...fields,
    theme: fields.theme.default(''),
    description: fields.description.default(''),
    address: fields.address.default(''),
    agenda: fields.agenda.default([]),
    featuredCaseIds: fields.featuredCaseIds.default([]),
    featuredDeputyIds: fields.featuredDeputyIds.default([]),
    invitees: invitees.default({ deputyIds: [], groupIds: [], extras: [] }),
    capacity: fields.capacity.default(null),
    rsvpDeadline: fields.rsvpDeadline.default(null),
    publicSignup: fields.publicSignup.default(false),
    slug: fields.slug.optional(),
  })
  .strict();
export type CreateMeetingInput = z.infer<typeof createMeetingBody>;

export const updateMeetingBody = z
  .object({
    version: z.number().int().min(1),
    title: fields.title.optional(),
    theme: fields.theme.optional(),
    description: fields.description.optional(),
    startsAt: fields.startsAt.optional(),
    endsAt: fields.endsAt.optional(),
    venue: fields.venue.optional(),
    address: fields.address.optional(),
    agenda: fields.agenda.optional(),
    featuredCaseIds: fields.featuredCaseIds.optional(),
    featuredDeputyIds: fields.featuredDeputyIds.optional(),
    invitees: invitees.optional(),
    capacity: fields.capacity.optional(),
    rsvpDeadline: fields.rsvpDeadline.optional(),
    publicSignup: fields.publicSignup.optional(),
    slug: fields.slug.optional(),
  })
  .strict();
export type UpdateMeetingInput = z.infer<typeof updateMeetingBody>;

export const rescheduleBody = z
  .object({
    version: z.number().int().min(1),
    startsAt: fields.startsAt.optional(),
    endsAt: fields.endsAt.optional(),
    venue: fields.venue.optional(),
    address: fields.address.optional(),
    rsvpDeadline: fields.rsvpDeadline.optional(),
    /** Shown on the page and in the change notice, e.g. "因天气原因推迟". */
    note: z.string().trim().max(200).default(''),
  })
  .strict()
  .refine((b) => b.startsAt || b.endsAt || b.venue || b.address !== undefined, {
    message: 'change at least one of startsAt, endsAt, venue, address',
    path: ['startsAt'],
  });
export type RescheduleInput = z.infer<typeof rescheduleBody>;

export const cancelBody = z
  .object({ version: z.number().int().min(1), reason: z.string().trim().min(1).max(200) })
  .strict();

export const versionBody = z.object({ version: z.number().int().min(1) }).strict();

export const rsvpBody = z
  .object({
    response: z.enum(['accepted', 'declined']),
    note: z.string().trim().max(200).optional(),
  })
  .strict();
export type RsvpInput = z.infer<typeof rsvpBody>;

/** Public sign-up for an open meeting. `website` is a field people never see: bots that fill it are refused. */
export const signupBody = z
  .object({
    name: oneLine(50).min(1),
    phone: mobileField,
    unit: oneLine(100).default(''),
    note: z.string().trim().max(200).default(''),
    website: z.string().max(200).optional(),
  })
  .strict();
export type SignupInput = z.infer<typeof signupBody>;
