/** Followers as the callback sees them: follow, unfollow, interactions. Plus the admin list. */
import { LRUCache } from 'lru-cache';
import type { AnyBulkWriteOperation, Collection } from 'mongodb';
import type { DomainEventBus } from '../../events';
import type { Page } from '../../http/schemas';
import { EXPIRY_RESOLUTION_MS } from '../content-cache';
import { WechatFollower, type FollowerDoc } from '../models/follower';
import { WechatTag } from '../models/tag';
import { WriteBatcher } from '../write-batcher';

export interface FollowerView {
  openid: string;
  subscribed: boolean;
  subscribedAt?: Date;
  unsubscribedAt?: Date;
  qrScene?: string;
  subscribeScene?: string;
  remark?: string;
  language?: string;
  tagIds: number[];
  lastInteractionAt?: Date;
}

function view(doc: FollowerDoc): FollowerView {
  return {
    openid: doc._id,
    subscribed: doc.subscribed,
    subscribedAt: doc.subscribedAt,
    unsubscribedAt: doc.unsubscribedAt,
    qrScene: doc.qrScene,
    subscribeScene: doc.subscribeScene,
    remark: doc.remark,
    language: doc.language,
    tagIds: doc.tagIds ?? [],
    lastInteractionAt: doc.lastInteractionAt,
  };
}

/** lastInteractionAt is kept to this precision: one write per follower per window, not one per message. */
const TOUCH_WINDOW_MS = 10 * 60_000;

export class FollowerService {
  private readonly recentlyTouched = new LRUCache<string, true>({ max: 50_000, ttl: TOUCH_WINDOW_MS, ttlResolution: EXPIRY_RESOLUTION_MS });
  /**
   * Follows, unfollows and touches of concurrent callbacks go to the database as one ordered bulk write (one batch in
   * flight at a time, so a follow and an unfollow of the same openid land in the order they arrived). Each caller
   * still waits for its write: the callback answers once the follower is recorded.
   */
  private readonly writes = new WriteBatcher<AnyBulkWriteOperation<FollowerDoc>>(
    // The native bulk write: these updates are typed and complete as built; mongoose's per-op casting costs more than the write.
    (ops) => (WechatFollower.collection as unknown as Collection<FollowerDoc>).bulkWrite(ops, { ordered: true }),
    { delayMs: 0, max: 500 },
  );

  constructor(private readonly events: DomainEventBus) {}

  /** Waits for the follower writes still queued (shutdown). */
  drain(): Promise<void> {
    return this.writes.drain();
  }

  /** A follow (or a re-follow): the follower is active again from `at`. */
  async followed(openid: string, at: Date, qrScene?: string): Promise<void> {
    this.recentlyTouched.set(openid, true);
    await this.writes.add({
      updateOne: {
        filter: { _id: openid },
        update: {
          $set: { subscribed: true, subscribedAt: at, lastInteractionAt: at, updatedAt: at, ...(qrScene ? { qrScene } : {}) },
          $unset: { unsubscribedAt: 1 },
          $setOnInsert: { tagIds: [], createdAt: at },
        },
        upsert: true,
      },
    });
  }

  /** An unfollow: marked, and announced so that no more pushes go to them. */
  async unfollowed(openid: string, at: Date): Promise<void> {
    this.recentlyTouched.delete(openid);
    await this.writes.add({
      updateOne: {
        filter: { _id: openid },
        update: { $set: { subscribed: false, unsubscribedAt: at, updatedAt: at }, $setOnInsert: { tagIds: [], createdAt: at } },
        upsert: true,
      },
    });
    this.events.emit('wechat.unfollowed', { openid });
  }

  /** Any message or menu tap: remember that they are active (and that they follow, for those we did not know yet). */
  async touched(openid: string, at: Date): Promise<void> {
    if (this.recentlyTouched.has(openid)) return;
    this.recentlyTouched.set(openid, true);
    await this.writes.add({
      updateOne: {
        filter: { _id: openid },
        update: { $set: { lastInteractionAt: at }, $setOnInsert: { subscribed: true, tagIds: [], createdAt: at, updatedAt: at } },
        upsert: true,
      },
    });
  }

  async list(filter: { subscribed?: boolean; tagId?: number; page: number; pageSize: number }): Promise<Page<FollowerView>> {
    const query: Record<string, unknown> = {};
    if (filter.subscribed !== undefined) query.subscribed = filter.subscribed;
    if (filter.tagId !== undefined) query.tagIds = filter.tagId;
    const [docs, total] = await Promise.all([
      WechatFollower.find(query)
        .sort({ subscribed: -1, subscribedAt: -1, _id: 1 })
        .skip((filter.page - 1) * filter.pageSize)
        .limit(filter.pageSize)
        .lean<FollowerDoc[]>(),
      WechatFollower.countDocuments(query),
    ]);
    return { items: docs.map(view), page: filter.page, pageSize: filter.pageSize, total };
  }

  async counts(): Promise<{ subscribed: number; unsubscribed: number; tags: { id: number; name: string; count: number }[] }> {
    const [subscribed, unsubscribed, tags] = await Promise.all([
      WechatFollower.countDocuments({ subscribed: true }),
      WechatFollower.countDocuments({ subscribed: false }),
      WechatTag.find().sort({ _id: 1 }).lean(),
    ]);
    return { subscribed, unsubscribed, tags: tags.map((t) => ({ id: t._id, name: t.name, count: t.count })) };
  }
}
