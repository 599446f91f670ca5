/**
 * A whole city at realistic volume for the coverage benchmark and for trying the figures out: 10 counties,
 * 120 townships, 600 groups of 15 deputies (9,000), three years of weekly held activities (90,000) with a full roll
 * call (1.35 million attendance rows), supervision visits, and the attendance rollups — written with bulk inserts
 * straight into the collections (no per-document validation), then indexed. `scale` shrinks the number of groups.
 */
import { Types } from 'mongoose';
import { Deputy } from '../../src/content/models/deputy';
import { DeputyGroup } from '../../src/content/models/deputy-group';
import { Activity, Attendance, AttendanceRollup, type ActivityDoc, type AttendanceDoc } from '../../src/activities/models';
import { computeRollups } from '../../src/activities/rollups';
import { ACTIVITY_KINDS, ACTIVITY_KIND_LABELS } from '../../src/activities/enums';
import { SupervisionVisit } from '../../src/coverage/supervision';

export const CITY = '云岭市';
export const COUNTIES = ['青山区', '石门县', '盘江县', '云溪区', '白水县', '龙潭县', '凤岭县', '清河区', '东川县', '西林县'];
const TOWN_STEMS = ['城关', '新店', '白沙', '黄土', '清水', '杨柳', '石桥', '马坪', '高峰', '柳林', '双河', '三合'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '建国志明海燕红梅立新春华秀兰德胜国强玉珍文军小平桂英';
export const YEARS = [2027, 2028, 2029];
const WEEKS = 150;
const MEMBERS = 15;

function rng(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

export interface CityFigures {
  counties: number;
  townships: number;
  groups: number;
  deputies: number;
  activities: number;
  attendance: number;
  rollups: number;
  seconds: number;
}

/** Writes the city into the connected database (its collections should be empty). */
export async function seedCity(scale = 1, log: (line: string) => void = () => {}): Promise<CityFigures> {
  const t0 = Date.now();
  const r = rng(7);
  const system = new Types.ObjectId();
  const at = new Date(Date.UTC(YEARS[0] - 1, 11, 1));
  const base = { status: 'published', version: 1, createdBy: system, updatedBy: system, createdAt: at, updatedAt: at, publishedAt: at, deletedAt: null, viewCount: 0 };
  const groupsPerTownship = 5;
  const townshipsPerCounty = Math.max(1, Math.round(12 * scale));
  const figures: CityFigures = { counties: COUNTIES.length, townships: 0, groups: 0, deputies: 0, activities: 0, attendance: 0, rollups: 0, seconds: 0 };
  const firstWeek = Date.UTC(YEARS[0], 0, 4, 1, 30); // 09:30 Beijing time on the first Monday-ish of the first year
  let serial = 0;

  for (const county of COUNTIES) {
    for (let t = 0; t < townshipsPerCounty; t++) {
      const township = `${county.slice(0, 2)}${TOWN_STEMS[t % TOWN_STEMS.length]}${t >= TOWN_STEMS.length ? t : ''}镇`;
      figures.townships++;
      const region = { city: CITY, county, township };
      const regionKeys = [CITY, county, township];
      const groups = [];
      const deputies = [];
      const activities: ActivityDoc[] = [];
      const attendance: AttendanceDoc[] = [];
      for (let g = 0; g < groupsPerTownship; g++) {
        const groupId = new Types.ObjectId();
        const members = Array.from({ length: MEMBERS }, (_, i) => {
          const level = i === 0 ? 'city' : i <= 3 ? 'county' : 'township';
          serial++;
          return {
            ...base,
            _id: new Types.ObjectId(),
            name: `${SURNAMES[serial % SURNAMES.length]}${GIVEN[(serial * 7) % GIVEN.length]}${GIVEN[(serial * 13) % GIVEN.length]}`,
            slug: `city-deputy-${serial}`,
            level,
            leader: i === 0 && g % 3 === 0,
            groupId,
            region,
            regionKeys,
            digest: '',
            digestAuto: true,
            story: '',
            highlights: [],
            topics: [],
            featured: false,
            phones: [`139${String(serial).padStart(8, '0')}`],
          } as const;
        });
        deputies.push(...members);
        const name = `${township}第${g + 1}代表小组`;
        groups.push({
          ...base,
          _id: groupId,
          name,
          slug: `city-group-${figures.groups++}`,
          region,
          regionKeys,
          digest: '',
          digestAuto: true,
          body: '',
          roomAddress: r() < 0.95 ? `${township}人大代表之家` : undefined,
          members: members.map((m) => ({ name: m.name, deputyId: m._id, level: m.level })),
          activities: [],
          topics: [],
          featured: false,
        });
        for (let w = 0; w < WEEKS; w++) {
          const startsAt = new Date(firstWeek + w * 7 * 86_400_000 + g * 3_600_000);
          const kind = ACTIVITY_KINDS[w % ACTIVITY_KINDS.length];
          const activityId = new Types.ObjectId();
          const participants = members.map((m) => {
            const x = r();
            const status = x < 0.88 ? 'present' : x < 0.98 ? 'excused' : 'absent';
            return { deputyId: m._id, name: m.name, level: m.level, status, ...(status === 'excused' ? { reason: '外出' } : {}) } as const;
          });
          activities.push({
            _id: activityId,
            groupId,
            groupName: name,
            region,
            status: 'held',
            kind,
            subject: `${ACTIVITY_KIND_LABELS[kind]}第${w + 1}次`,
            startsAt,
            place: `${township}人大代表之家`,
            summary: '代表们围绕群众关心的问题开展活动。',
            outcomes: '',
            photoMediaIds: [],
            householdsReached: Math.floor(r() * 20),
            villagesReached: Math.floor(r() * 3),
            participants: participants as never,
            guests: [],
            slotKey: `${String(groupId)}|${startsAt.toISOString()}`,
            heldRecordedAt: startsAt,
            version: 1,
            createdBy: system,
            updatedBy: system,
            createdAt: startsAt,
            updatedAt: startsAt,
          });
          for (const p of participants) {
            attendance.push({ _id: new Types.ObjectId(), activityId, groupId, deputyId: p.deputyId, level: p.level, status: p.status, date: startsAt, city: CITY, county, township });
          }
        }
      }
      const rollups = computeRollups(attendance);
      await Deputy.collection.insertMany(deputies as never[], { ordered: false });
      await DeputyGroup.collection.insertMany(groups as never[], { ordered: false });
      for (let i = 0; i < activities.length; i += 5000) await Activity.collection.insertMany(activities.slice(i, i + 5000) as never[], { ordered: false });
      for (let i = 0; i < attendance.length; i += 20000) await Attendance.collection.insertMany(attendance.slice(i, i + 20000) as never[], { ordered: false });
      for (let i = 0; i < rollups.length; i += 20000) await AttendanceRollup.collection.insertMany(rollups.slice(i, i + 20000) as never[], { ordered: false });
      figures.deputies += deputies.length;
      figures.activities += activities.length;
      figures.attendance += attendance.length;
      figures.rollups += rollups.length;
    }
    // Supervision reaches most townships each quarter.
    const visits = [];
    for (const year of YEARS) {
      for (let quarter = 0; quarter < 4; quarter++) {
        const townships = Array.from({ length: townshipsPerCounty }, (_, t) => `${county.slice(0, 2)}${TOWN_STEMS[t % TOWN_STEMS.length]}${t >= TOWN_STEMS.length ? t : ''}镇`).filter(() => r() < 0.9);
        visits.push({ _id: new Types.ObjectId(), date: new Date(Date.UTC(year, quarter * 3 + 1, 10)), committee: '市人大常委会代表工作委员会', county, townships, note: '', createdBy: system, createdAt: at });
      }
    }
    await SupervisionVisit.collection.insertMany(visits as never[]);
    log(`  ${county}: ${figures.deputies.toLocaleString()} deputies, ${figures.attendance.toLocaleString()} attendance rows so far (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  log('  building indexes…');
  for (const model of [Deputy, DeputyGroup, Activity, Attendance, AttendanceRollup, SupervisionVisit] as const) await (model as typeof Deputy).createIndexes();
  figures.seconds = (Date.now() - t0) / 1000;
  return figures;
}
