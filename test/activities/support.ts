/** Fixtures for the activities and coverage suites: a small county of groups and deputies, users per role. */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { TEST_YEAR, TestClock, testDate } from '../support/clock';
import { Deputy } from '../../src/content/models/deputy';
import { DeputyGroup } from '../../src/content/models/deputy-group';
import { groupRosterCopy } from '../../src/activities/rosters';
import { startTestApp, type TestApp, type TestResponse } from '../support/app';

const SYSTEM_USER = new Types.ObjectId();
/** The tests' year (two years after the wall clock's, see test/support/clock.ts). */
export const Y = TEST_YEAR;
/** 15 June of the test year, 10:00 Beijing time: tests build every date from this clock. */
export const NOW = testDate('06-15T02:00:00Z');
export const DAY = 86_400_000;

export interface Town {
  groupId: string;
  name: string;
  deputyIds: string[];
}

function base(at: Date) {
  return { status: 'published', version: 1, createdBy: SYSTEM_USER, updatedBy: SYSTEM_USER, createdAt: at, updatedAt: at, publishedAt: at, deletedAt: null };
}

let serial = 0;
/** A published group in `county`/`township` with `levels.length` published deputies (phones 1390000xxxx). */
export async function seedGroup(
  name: string,
  region: { city?: string; county: string; township: string },
  levels: Array<'city' | 'county' | 'township'>,
  options: { roomAddress?: string; leaders?: number[]; noPhone?: number[] } = {},
): Promise<Town> {
  const at = new Date(NOW.getTime() - 365 * DAY);
  const groupId = new Types.ObjectId();
  const deputies = levels.map((level, i) => ({
    ...base(at),
    _id: new Types.ObjectId(),
    name: `${name}代表${i + 1}`,
    level,
    leader: options.leaders?.includes(i) ?? false,
    slug: `deputy-${++serial}-${new Types.ObjectId().toHexString()}`,
    region: { city: region.city ?? '云岭市', county: region.county, township: region.township },
    regionKeys: [region.city ?? '云岭市', region.county, region.township],
    phones: options.noPhone?.includes(i) ? [] : [`139${String(++serial).padStart(8, '0')}`],
    // Half the members are linked from the group, half name the group in their own profile.
    ...(i % 2 ? { groupId } : {}),
  }));
  await Deputy.insertMany(deputies as never[]);
  await DeputyGroup.create({
    ...base(at),
    _id: groupId,
    name,
    slug: `group-${++serial}`,
    region: { city: region.city ?? '云岭市', county: region.county, township: region.township },
    regionKeys: [region.city ?? '云岭市', region.county, region.township],
    roomAddress: options.roomAddress,
    members: deputies.filter((_, i) => i % 2 === 0).map((d) => ({ name: d.name, deputyId: d._id })),
  } as never);
  // Written around the app, as a restore or bulk load would be: the maintained rosters are rebuilt from the profiles.
  await groupRosterCopy.rebuild();
  return { groupId: String(groupId), name, deputyIds: deputies.map((d) => String(d._id)) };
}

export interface Users {
  admin: string;
  editor: string;
  organizer: string;
  liaison: string;
  liaisonId: string;
  otherLiaison: string;
}

export async function startActivitiesApp(name: string): Promise<{ app: TestApp; clock: TestClock }> {
  const clock = new TestClock(NOW);
  const app = await startTestApp({ name, clock });
  return { app, clock };
}

/** Users per role; the liaison looks after `groups`. */
export async function signIn(app: TestApp, groups: string[]): Promise<Users> {
  const [admin, editor, organizer, liaison, other] = await Promise.all([
    app.loginAs('admin', '管理员'),
    app.loginAs('editor', '编辑'),
    app.loginAs('organizer', '组织者'),
    app.loginAs('liaison', '联络员小李'),
    app.loginAs('liaison', '别组联络员'),
  ]);
  const set = await app.request('PATCH', `/api/admin/users/${liaison.userId}`, { token: admin.token, body: { groupIds: groups } });
  expect(set.status, set.text).to.equal(200);
  return { admin: admin.token, editor: editor.token, organizer: organizer.token, liaison: liaison.token, liaisonId: liaison.userId, otherLiaison: other.token };
}

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, `${res.status} ${res.text}`).to.equal(status);
}

export function problemFields(res: TestResponse): string[] {
  return ((res.body?.error?.details ?? []) as { field: string }[]).map((p) => p.field);
}

/** Roll call: everyone present except the given indexes (excused with a reason / absent). */
export function rollCall(town: Town, excused: number[] = [], absent: number[] = []) {
  return town.deputyIds.map((deputyId, i) =>
    excused.includes(i) ? { deputyId, status: 'excused', reason: '外出务工' } : absent.includes(i) ? { deputyId, status: 'absent' } : { deputyId, status: 'present' },
  );
}

export function heldBody(town: Town, at: Date, overrides: Record<string, unknown> = {}) {
  return {
    groupId: town.groupId,
    status: 'held',
    kind: 'survey_visit',
    subject: '走访脱贫户',
    startsAt: at.toISOString(),
    place: '村委会代表活动室',
    summary: '代表们走访了10户脱贫户，了解产业发展情况。',
    outcomes: '收集意见建议3条。',
    householdsReached: 10,
    villagesReached: 2,
    participants: rollCall(town),
    guests: [{ name: '王书记', title: '镇党委书记' }],
    ...overrides,
  };
}
