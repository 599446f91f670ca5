/** Response shapes of the meetings admin API, for the OpenAPI document (typed clients). Not enforced at run time. */
import { z } from 'zod';
import { MEETING_STATUSES } from './models';

const date = z.iso.datetime();

export const adminMeeting = z.object({
  id: z.string(),
  title: z.string(),
  theme: z.string(),
  description: z.string(),
  startsAt: date,
  endsAt: date,
  startsAtLocal: z.string().describe('Asia/Shanghai, "YYYY-MM-DD HH:mm"'),
  endsAtLocal: z.string(),
  venue: z.string(),
  address: z.string(),
  agenda: z.array(z.object({ time: z.string().optional(), title: z.string(), speaker: z.string().optional() })),
  featuredCaseIds: z.array(z.string()),
  featuredDeputyIds: z.array(z.string()),
  invitees: z.object({ deputyIds: z.array(z.string()), groupIds: z.array(z.string()), extras: z.array(z.object({ name: z.string(), phone: z.string(), role: z.string().optional() })) }),
  capacity: z.number().int().nullable(),
  publicSignup: z.boolean(),
  rsvpDeadline: date.nullable(),
  status: z.enum(MEETING_STATUSES),
  statusLabel: z.string(),
  slug: z.string(),
  path: z.string(),
  version: z.number().int(),
  sequence: z.number().int(),
  acceptedCount: z.number().int(),
  announcedAt: date.optional(),
  cancelledAt: date.optional(),
  heldAt: date.optional(),
  changes: z.array(z.object({ kind: z.string(), at: date, note: z.string(), previous: z.unknown().optional() })),
  followUpArticleId: z.string().optional(),
  createdAt: date,
  updatedAt: date,
});

export const meetingPage = z.object({ items: z.array(adminMeeting), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

export const rsvpRow = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  source: z.string(),
  sourceLabel: z.string(),
  deputyId: z.string().optional(),
  groupId: z.string().optional(),
  unit: z.string().optional(),
  response: z.enum(['pending', 'accepted', 'waitlisted', 'declined']),
  responseLabel: z.string(),
  note: z.string(),
  respondedAt: date.optional(),
  /** Where the invitation text stands (resend with POST …/invitations/resend). */
  sms: z.object({ state: z.enum(['waiting', 'sent', 'delivered', 'not_delivered', 'unknown']), label: z.string(), reason: z.string().optional() }),
  checkedInAt: date.optional(),
});

export const rsvpSummary = z.object({
  counts: z.object({ invited: z.number().int(), pending: z.number().int(), accepted: z.number().int(), waitlisted: z.number().int(), declined: z.number().int(), checkedIn: z.number().int() }),
  smsCounts: z.object({ waiting: z.number().int(), sent: z.number().int(), delivered: z.number().int(), not_delivered: z.number().int(), unknown: z.number().int() }),
  capacity: z.number().int().nullable(),
  seatsTaken: z.number().int(),
  seatsLeft: z.number().int().nullable(),
  items: z.array(rsvpRow),
});
