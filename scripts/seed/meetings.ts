/**
 * Demo meetings, through the meetings service (so invitations, seats and texts behave as in use): an upcoming open
 * meeting with invitees and public sign-ups, an upcoming meeting for invitees only, and a meeting already held.
 * Matched by slug, so a second run leaves them as they are. Texts go through the publishing pipeline: with the
 * default SMS_PROVIDER=outbox a running `npm start` shows them in the console's SMS outbox.
 */
import { Types } from 'mongoose';
import type { Clock } from '../../src/clock';
import type { Config } from '../../src/config';
import type { DomainEventBus } from '../../src/events';
import type { Logger } from '../../src/logger';
import { Meeting } from '../../src/meetings/models';
import { createMeeting } from '../../src/meetings/service';
import { announceMeeting } from '../../src/meetings/announce';
import { signUp } from '../../src/meetings/signup';
import type { MeetingsContext } from '../../src/meetings/context';
import { registerMeetingKind } from '../../src/meetings/publishable';

const DAY = 86_400_000;

/** Local date `days` from now at hh:mm Beijing time. */
function beijing(now: Date, days: number, hh: number, mm = 0): Date {
  const local = new Date(now.getTime() + 8 * 3_600_000 + days * DAY);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hh - 8, mm));
}

export async function seedMeetings(
  services: { config: Config; clock: Clock; logger: Logger; events: DomainEventBus },
  organizer: { id: string; displayName: string },
  invitees: { deputyIds: string[]; featuredCaseIds: string[] },
): Promise<number> {
  registerMeetingKind(); // the service registers it when it builds its modules; this script builds none
  const ctx: MeetingsContext = { ...services, logger: services.logger.child({ component: 'seed' }) };
  const now = services.clock.now();
  let created = 0;

  const open = 'demo-open-exchange-meeting';
  if (!(await Meeting.exists({ slug: open }))) {
    const m = await createMeeting(
      ctx,
      {
        title: '代表小组活动经验交流会（开放报名）',
        theme: '交流“一月一主题”代表小组活动的做法',
        description: '欢迎关心代表工作的各界群众报名旁听。',
        startsAt: beijing(now, 14, 9, 30),
        endsAt: beijing(now, 14, 11, 30),
        venue: '市人大常委会第一会议室',
        address: '市民族大道 1 号',
        agenda: [{ time: '09:30', title: '开幕致辞' }, { time: '09:45', title: '典型发言' }, { time: '10:45', title: '交流讨论' }],
        featuredCaseIds: invitees.featuredCaseIds,
        featuredDeputyIds: [],
        invitees: { deputyIds: invitees.deputyIds, groupIds: [], extras: [] },
        capacity: 40,
        rsvpDeadline: beijing(now, 12, 18),
        publicSignup: true,
        slug: open,
      },
      organizer,
    );
    await announceMeeting(ctx, m.id, m.version, organizer);
    const doc = (await Meeting.findById(m.id).lean())!;
    await signUp(ctx, doc, { name: '周敏', phone: '13700000001', unit: '东湖区融媒体中心', note: '' });
    await signUp(ctx, (await Meeting.findById(m.id).lean())!, { name: '吴刚', phone: '13700000002', unit: '东湖区司法局', note: '' });
    created += 1;
  }

  const invited = 'demo-township-presidium-meeting';
  if (!(await Meeting.exists({ slug: invited }))) {
    const m = await createMeeting(
      ctx,
      {
        title: '乡镇人大主席团工作经验交流会',
        theme: '推广乡镇人大主席团“代表联络站”工作模式',
        description: '',
        startsAt: beijing(now, 30, 14, 30),
        endsAt: beijing(now, 30, 17),
        venue: '青秀区人大常委会三楼会议室',
        address: '',
        agenda: [],
        featuredCaseIds: [],
        featuredDeputyIds: [],
        invitees: { deputyIds: invitees.deputyIds, groupIds: [], extras: [] },
        capacity: null,
        rsvpDeadline: null,
        publicSignup: false,
        slug: invited,
      },
      organizer,
    );
    await announceMeeting(ctx, m.id, m.version, organizer);
    created += 1;
  }

  // A meeting already held: written directly (the service only plans meetings in the future).
  const held = 'demo-held-exchange-meeting';
  if (!(await Meeting.exists({ slug: held }))) {
    const at = now;
    const by = new Types.ObjectId(organizer.id);
    await Meeting.create({
      title: '常委会组织代表活动经验交流会',
      theme: '常委会组织代表开展集中视察的做法',
      description: '会议已圆满召开，与会代表交流了集中视察、专题调研的经验。',
      startsAt: beijing(now, -20, 9),
      endsAt: beijing(now, -20, 11, 30),
      venue: '市人大常委会第二会议室',
      address: '',
      slug: held,
      status: 'held',
      announcedAt: beijing(now, -35, 10),
      heldAt: beijing(now, -20, 11, 30),
      createdBy: by,
      updatedBy: by,
      createdAt: at,
      updatedAt: at,
    });
    created += 1;
  }
  return created;
}
