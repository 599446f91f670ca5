/**
 * Demo data: users for every role (passwords printed once, on creation) and campaign content in every
 * workflow state, moved through the real content service and publication hooks. Safe to run again:
 * users are matched by username and items by slug; existing ones are left as they are.
 *   npm run seed
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { systemClock } from '../src/clock';
import { DomainEventBus } from '../src/events';
import { createUser } from '../src/auth/service';
import { UserModel } from '../src/auth/models';
import type { Role } from '../src/auth/roles';
import type { ContentKind } from '../src/content/enums';
import { contentKinds } from '../src/content/kinds';
import { MediaService } from '../src/content/media/service';
import { LocalDiskStorage } from '../src/content/media/storage';
import { configurePublicationHooks } from '../src/content/publication-hooks';
import { ContentService } from '../src/content/service';
import { slugify } from '../src/content/slug';
import { actorFromUser, type Actor } from '../src/content/workflow/actor';
import { relayItemChanges } from '../src/site';
import { runScript } from './cli';
import { rebuildAggregates } from './aggregates';
import { articles, cases, deputies, groups, type ArticleStage } from './seed/data';
import { seedMeetings } from './seed/meetings';

const demoUsers: { username: string; role: Role; displayName: string }[] = [
  { username: 'demo-admin', role: 'admin', displayName: '系统管理员' },
  { username: 'demo-editor', role: 'editor', displayName: '宣传编辑 王小雨' },
  { username: 'demo-reviewer', role: 'reviewer', displayName: '审核 李正' },
  { username: 'demo-organizer', role: 'organizer', displayName: '会务 赵敏' },
];

async function ensureUsers(): Promise<Record<Role, Actor>> {
  const actors = {} as Record<Role, Actor>;
  const created: string[] = [];
  for (const u of demoUsers) {
    // An administrator made with `npm run user` is reused rather than adding a second one.
    let doc = (await UserModel.findOne({ username: u.username }).lean()) ?? (u.role === 'admin' ? await UserModel.findOne({ role: 'admin' }).lean() : null);
    if (!doc) {
      const password = randomBytes(12).toString('base64url');
      await createUser({ ...u, password }, systemClock.now());
      created.push(`  ${u.username.padEnd(16)} ${u.role.padEnd(10)} ${password}`);
      doc = await UserModel.findOne({ username: u.username }).lean();
    }
    actors[u.role] = actorFromUser({ id: String(doc!._id), username: doc!.username, displayName: doc!.displayName, role: doc!.role });
  }
  if (created.length) {
    console.log('Demo users (passwords are shown only now; change them with `npm run user -- set-password`):');
    console.log(created.join('\n'));
  } else console.log('Demo users already exist; passwords unchanged.');
  return actors;
}

/** Simple gradient covers, so lists and WeChat thumbs have images. */
async function makeCover(media: MediaService, uploader: string, hue: [string, string], alt: string): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${hue[0]}"/><stop offset="1" stop-color="${hue[1]}"/></linearGradient></defs><rect width="1280" height="720" fill="url(#g)"/><circle cx="1000" cy="180" r="90" fill="#fff" fill-opacity="0.35"/></svg>`;
  const jpeg = await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
  const view = await media.upload({ bytes: jpeg, originalName: `${alt}.jpg`, alt }, uploader);
  return view.id as string;
}

void runScript(async ({ config, logger }) => {
  const clock = systemClock;
  const events = new DomainEventBus();
  // A running `npm start` drops the cached pages the new items appear on.
  const relayed = relayItemChanges({ clock, logger, events });
  const mediaRoot = path.join(config.dataDir, 'media');
  const content = new ContentService({ clock, events });
  const storage = new LocalDiskStorage(mediaRoot);
  // Configured for the whole process: announcing a meeting (seed/meetings.ts) publishes its page through the same hooks.
  const hooks = configurePublicationHooks({ clock, events, storage });
  const media = new MediaService(storage, clock);
  const actors = await ensureUsers();
  const { editor, reviewer } = actors;
  const counts = { created: 0, existing: 0 };

  /** Creates the item unless its slug exists, then takes it to `stage`; returns its id either way. */
  async function upsert(kind: ContentKind, title: string, input: Record<string, unknown>, stage: ArticleStage, publishAt?: string): Promise<string> {
    const slug = slugify(title);
    const existing = await contentKinds[kind].model.findOne({ slug }, { _id: 1 }).lean();
    if (existing) {
      counts.existing++;
      return String(existing._id);
    }
    const created = await content.create(kind, { ...input, slug }, editor);
    const id = created.id as string;
    counts.created++;
    if (stage === 'draft') return id;
    await content.act(kind, id, 'submit', editor, {});
    if (stage === 'in_review') return id;
    await content.act(kind, id, 'approve', reviewer, { comment: '内容属实，同意发布' });
    if (stage === 'approved') return id;
    await hooks.markPublished(kind, id, publishAt ? new Date(publishAt) : clock.now());
    return id;
  }

  const covers = {
    green: await makeCover(media, editor.id!, ['#2e7d32', '#a5d6a7'], '茶园'),
    red: await makeCover(media, editor.id!, ['#b71c1c', '#ffcdd2'], '代表在行动'),
    blue: await makeCover(media, editor.id!, ['#0d47a1', '#90caf9'], '会议'),
  };

  const deputyIds: Record<string, string> = {};
  for (const d of deputies) {
    const { key, publish, ...fields } = d;
    deputyIds[key] = await upsert('deputy', d.name, { ...fields, ...(key === 'chen' ? { photoMediaId: covers.green } : {}) }, publish ? 'published' : 'approved', publish);
  }

  const groupIds: Record<string, string> = {};
  for (const g of groups) {
    const members = [
      ...g.memberKeys.map((m) => {
        const d = deputies.find((x) => x.key === m.key)!;
        return { name: d.name, deputyId: deputyIds[m.key], level: d.level, role: m.role, occupation: d.occupation };
      }),
      ...g.extraMembers,
    ];
    groupIds[g.key] = await upsert(
      'group',
      g.name,
      { name: g.name, region: g.region, roomAddress: g.roomAddress, body: g.body, members, activities: g.activities, topics: ['代表小组'] },
      g.publish ? 'published' : 'in_review',
      g.publish,
    );
  }

  const caseIds: Record<string, string> = {};
  for (const c of cases) {
    const { deputyKeys, groupKeys, publish, ...fields } = c;
    caseIds[c.title] = await upsert(
      'case',
      c.title,
      { ...fields, coverMediaId: covers.red, relatedDeputyIds: deputyKeys.map((k) => deputyIds[k]), relatedGroupIds: groupKeys.map((k) => groupIds[k]) },
      publish ? 'published' : 'approved',
      publish,
    );
  }

  for (const [i, a] of articles.entries()) {
    const { stage, publish, deputyKeys, groupKeys, caseTitles, ...fields } = a;
    await upsert(
      'article',
      a.title,
      {
        ...fields,
        coverMediaId: [covers.red, covers.green, covers.blue][i % 3],
        relatedDeputyIds: (deputyKeys ?? []).map((k) => deputyIds[k]),
        relatedGroupIds: (groupKeys ?? []).map((k) => groupIds[k]),
        relatedCaseIds: (caseTitles ?? []).map((t) => caseIds[t]),
      },
      stage,
      publish,
    );
  }

  const meetings = await seedMeetings(
    { config, clock, logger, events },
    { id: actors.organizer.id!, displayName: actors.organizer.name ?? '会务' },
    { deputyIds: Object.values(deputyIds).slice(0, 3), featuredCaseIds: Object.values(caseIds).slice(0, 1) },
  );
  console.log(`Meetings: ${meetings} created (upcoming with invitations and sign-ups, and one held).`);

  await relayed();
  console.log(`Content: ${counts.created} items created, ${counts.existing} already present (left unchanged).`);
  // The demo content was written without the app's listeners: rebuild its maintained aggregates from it.
  await rebuildAggregates();
  console.log(`Sign in to the staff console at ${config.publicBaseUrl}/admin with a user above; the microsite is at ${config.publicBaseUrl}/`);
});
