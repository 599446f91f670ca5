/**
 * What the publishing pipeline calls. It authorises its own requests (who may publish where), so these
 * steps run as the system actor unless a user id is passed; each one is recorded as a workflow transition
 * and announced as 'item.changed'. Works for every registered kind, meetings included.
 */
import { Types } from 'mongoose';
import type { PublishableContent } from '../channels/types';
import type { Clock } from '../clock';
import type { DomainEventBus } from '../events';
import { NotFoundError } from '../errors';
import { absoluteUrl, itemPath } from '../urls';
import './kinds';
import { DIGEST_MAX, type ItemKind, type ItemStatus } from './enums';
import { channelDigest } from './markdown';
import { MEDIA_KEY_PATTERN, type MediaStorage } from './media/storage';
import { Media } from './models/media';
import { SYSTEM_ACTOR, type Actor } from './workflow/actor';
import { workflowKind } from './workflow/registry';
import { toObjectId, WorkflowService } from './workflow/transitions';

export interface PublishableItem {
  kind: ItemKind;
  id: string;
  slug: string;
  title: string;
  status: ItemStatus;
  version: number;
  publishedAt?: Date;
  scheduledAt?: Date;
  deleted: boolean;
}

export interface PublicationHooks {
  /** The item with its status, for the pipeline's checks; null when unknown or deleted. */
  getPublishable(kind: ItemKind, id: string): Promise<PublishableItem | null>;
  /** approved|scheduled → published (a no-op for an item already published). */
  markPublished(kind: ItemKind, id: string, at?: Date, by?: string): Promise<PublishableItem>;
  /** approved → scheduled. */
  markScheduled(kind: ItemKind, id: string, at: Date, by?: string): Promise<PublishableItem>;
  /** scheduled → approved (the publication was cancelled). */
  markUnscheduled(kind: ItemKind, id: string, by?: string): Promise<PublishableItem>;
  toPublishableContent(kind: ItemKind, id: string, publicBaseUrl: string): Promise<PublishableContent>;
}

export interface PublicationHookDeps {
  clock: Clock;
  events: DomainEventBus;
  /** The media store: channels get local file paths of images where it has them (`localPath`). */
  storage: MediaStorage;
}

export function createPublicationHooks(deps: PublicationHookDeps): PublicationHooks {
  const workflow = new WorkflowService(deps);
  const actor = (by?: string): Actor => (by ? { id: by, role: 'system', name: undefined } : SYSTEM_ACTOR);

  const view = (kind: ItemKind, doc: any): PublishableItem => ({
    kind,
    id: String(doc._id),
    slug: doc.slug,
    title: doc[workflowKind(kind).titleField],
    status: doc.status,
    version: doc.version,
    publishedAt: doc.publishedAt ?? undefined,
    scheduledAt: doc.scheduledAt ?? undefined,
    deleted: !!doc.deletedAt,
  });

  const mediaFile = async (mediaId: unknown, variant: 'cover' | 'original'): Promise<string | undefined> => {
    if (!mediaId) return undefined;
    const media = await Media.findById(mediaId, { variants: 1 }).lean();
    const v = media?.variants.find((x) => x.name === variant) ?? media?.variants.find((x) => x.name === 'original');
    return v ? localMediaPath(deps.storage, v.key) : undefined;
  };

  return {
    async getPublishable(kind, id) {
      const spec = workflowKind(kind);
      let _id: Types.ObjectId;
      try {
        _id = toObjectId(id);
      } catch {
        return null;
      }
      const doc = await spec.model.findOne({ _id, deletedAt: null }).lean();
      return doc ? view(kind, doc) : null;
    },
    async markPublished(kind, id, at, by) {
      return view(kind, await workflow.transition(kind, id, 'publish', actor(by), { at: at ?? deps.clock.now() }));
    },
    async markScheduled(kind, id, at, by) {
      return view(kind, await workflow.transition(kind, id, 'schedule', actor(by), { at }));
    },
    async markUnscheduled(kind, id, by) {
      return view(kind, await workflow.transition(kind, id, 'unschedule', actor(by)));
    },
    async toPublishableContent(kind, id, publicBaseUrl) {
      const spec = workflowKind(kind);
      const doc: any = await spec.model.findOne({ _id: toObjectId(id), deletedAt: null }).lean();
      if (!doc) throw new NotFoundError(`未找到该${spec.label}`);
      const markdown: string = doc[spec.bodyField] ?? '';
      const digest = channelDigest(doc.digest as string | undefined, markdown, DIGEST_MAX);
      const coverImagePath = await mediaFile(doc.coverMediaId ?? doc.photoMediaId, 'cover');
      return {
        kind,
        id: String(doc._id),
        title: doc[spec.titleField],
        digest,
        markdown,
        url: absoluteUrl(publicBaseUrl, itemPath(kind, doc.slug)),
        author: doc.byline || undefined,
        coverImagePath,
        resolveImagePath: (src: string) => resolveMediaPath(deps.storage, src, publicBaseUrl),
      };
    },
  };
}

/** The local file of a stored media key, when the storage keeps files locally (object storage does not). */
function localMediaPath(storage: MediaStorage, key: string): string | undefined {
  return MEDIA_KEY_PATTERN.test(key) ? storage.localPath?.(key) : undefined;
}

/** Local file for an image URL of ours (/media/<key> or its absolute form); undefined for anything else. */
export function resolveMediaPath(storage: MediaStorage, src: string, publicBaseUrl: string): string | undefined {
  let p = src;
  if (p.startsWith(publicBaseUrl)) p = p.slice(publicBaseUrl.length);
  const m = /^\/media\/([^/?#]+)$/.exec(p.split(/[?#]/)[0]);
  return m ? localMediaPath(storage, m[1]) : undefined;
}

/*
 * Module-level functions over the instance the content module configures at start-up (contentModule(services)),
 * so the pipeline can simply `import * as hooks from '../content/publication-hooks'`.
 */
let configured: PublicationHooks | undefined;

export function configurePublicationHooks(deps: PublicationHookDeps): PublicationHooks {
  configured = createPublicationHooks(deps);
  return configured;
}

function current(): PublicationHooks {
  if (!configured) throw new Error('publication hooks used before contentModule(services) configured them');
  return configured;
}

export const getPublishable: PublicationHooks['getPublishable'] = (kind, id) => current().getPublishable(kind, id);
export const markPublished: PublicationHooks['markPublished'] = (kind, id, at, by) => current().markPublished(kind, id, at, by);
export const markScheduled: PublicationHooks['markScheduled'] = (kind, id, at, by) => current().markScheduled(kind, id, at, by);
export const markUnscheduled: PublicationHooks['markUnscheduled'] = (kind, id, by) => current().markUnscheduled(kind, id, by);
export const toPublishableContent: PublicationHooks['toPublishableContent'] = (kind, id, base) => current().toPublishableContent(kind, id, base);
