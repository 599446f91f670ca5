/**
 * Content for microsite tests, moved through the real workflow: the content service (create, submit, approve,
 * reject, withdraw, archive, delete) and the publication hooks the publishing pipeline calls (publish, schedule).
 * Every step announces 'item.changed' on the running app's event bus, exactly as in production.
 */
import { Types } from 'mongoose';
import type { TestApp } from '../support/app';
import { ContentService } from '../../src/content/service';
import * as hooks from '../../src/content/publication-hooks';
import type { ContentKind } from '../../src/content/enums';
import { SYSTEM_ACTOR, type Actor } from '../../src/content/workflow/actor';
import { SiteInvalidation } from '../../src/site/invalidation-relay';

export const editor: Actor = { id: new Types.ObjectId().toHexString(), role: 'editor', name: '编辑小王' };
export const reviewer: Actor = { id: new Types.ObjectId().toHexString(), role: 'reviewer', name: '审核老李' };

export type Stage = 'draft' | 'in_review' | 'approved' | 'scheduled' | 'published' | 'withdrawn' | 'archived' | 'deleted';

export interface Seeded {
  id: string;
  slug: string;
  version: number;
}

export function contentService(app: TestApp): ContentService {
  return new ContentService({ clock: app.service.services.clock, events: app.service.services.events });
}

/** Creates an item and takes it to `stage` the way people and the pipeline would. */
export async function seed(app: TestApp, kind: ContentKind, input: Record<string, unknown>, stage: Stage = 'published'): Promise<Seeded> {
  const content = contentService(app);
  const created = (await content.create(kind, input, editor)) as { id: string; slug: string };
  const id = created.id;
  if (stage === 'draft') return view(content, kind, id);
  await content.act(kind, id, 'submit', editor, {});
  if (stage === 'in_review') return view(content, kind, id);
  await content.act(kind, id, 'approve', reviewer, {});
  if (stage === 'approved') return view(content, kind, id);
  if (stage === 'scheduled') {
    await hooks.markScheduled(kind, id, new Date(app.service.services.clock.now().getTime() + 86_400_000));
    return view(content, kind, id);
  }
  await hooks.markPublished(kind, id);
  if (stage === 'published') return view(content, kind, id);
  if (stage === 'withdrawn') await content.act(kind, id, 'withdraw', reviewer, {});
  if (stage === 'archived') await content.act(kind, id, 'archive', reviewer, {});
  if (stage === 'deleted') {
    await content.act(kind, id, 'withdraw', reviewer, {});
    await content.remove(kind, id, reviewer);
  }
  return view(content, kind, id);
}

async function view(content: ContentService, kind: ContentKind, id: string): Promise<Seeded> {
  const doc = (await content.get(kind, id, SYSTEM_ACTOR)) as { id: string; slug: string; version: number };
  return { id: doc.id, slug: doc.slug, version: doc.version };
}

/** Waits until `check` passes (event listeners run asynchronously), failing after `ms`. */
export async function eventually(check: () => Promise<void>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Waits until the site has handled an item's change: its last step is relaying the invalidation to other instances. */
export async function changeProcessed(kind: string, id: string): Promise<void> {
  await eventually(async () => {
    if (!(await SiteInvalidation.exists({ tags: `${kind}:${id}` }))) throw new Error(`change of ${kind}:${id} not processed yet`);
  });
}
