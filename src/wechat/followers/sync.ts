/**
 * Nightly follower sync through the official API: the list (user/get, up to 10,000 openids per page, paged by
 * next_openid), profiles (user/info/batchget, 100 per call), tags (tags/get), then the day's counts.
 * Followers the complete list no longer contains are marked unsubscribed (and announced): WeChat's list is the truth.
 */
import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation } from 'mongoose';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { WechatApi, UserInfo } from '../api';
import { WechatFollower, type FollowerDoc } from '../models/follower';
import { WechatTag } from '../models/tag';
import type { FollowerService } from './service';
import { recordDailyCount } from './counts';
import { beijingDay, beijingDayStart } from '../../calendar/beijing';

export const PROFILE_BATCH = 100;
/** A runaway pager (next_openid never empty) stops here: 10,000 pages = 100 million followers. */
const MAX_PAGES = 10_000;

export interface SyncResult {
  total: number;
  listed: number;
  pages: number;
  profiles: number;
  markedUnsubscribed: number;
  tags: number;
}

function profileUpdate(info: UserInfo, now: Date): AnyBulkWriteOperation<FollowerDoc> {
  if (!info.subscribe) {
    return {
      updateOne: {
        filter: { _id: info.openid, subscribed: true },
        update: { $set: { subscribed: false, unsubscribedAt: now, updatedAt: now, profileSyncedAt: now } },
      },
    };
  }
  const set: Partial<FollowerDoc> = { tagIds: info.tagid_list ?? [], profileSyncedAt: now, updatedAt: now };
  if (info.subscribe_time) set.subscribedAt = new Date(info.subscribe_time * 1000);
  if (info.language) set.language = info.language;
  if (info.unionid) set.unionid = info.unionid;
  if (info.remark !== undefined) set.remark = info.remark;
  if (info.subscribe_scene) set.subscribeScene = info.subscribe_scene;
  if (info.qr_scene_str) set.qrScene = info.qr_scene_str;
  else if (info.qr_scene) set.qrScene = String(info.qr_scene);
  return { updateOne: { filter: { _id: info.openid }, update: { $set: set } } };
}

export class FollowerSync {
  constructor(
    private readonly api: WechatApi,
    private readonly followers: FollowerService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async run(): Promise<SyncResult> {
    const syncId = randomUUID();
    const startedAt = this.clock.now();
    const result: SyncResult = { total: 0, listed: 0, pages: 0, profiles: 0, markedUnsubscribed: 0, tags: 0 };
    let next = '';
    const seenCursors = new Set<string>();
    while (result.pages < MAX_PAGES) {
      const page = await this.api.getFollowers(next || undefined);
      result.pages += 1;
      result.total = page.total ?? result.total;
      const openids = page.data?.openid ?? [];
      if (!openids.length) break;
      await this.markListed(openids, syncId, startedAt);
      result.listed += openids.length;
      for (let i = 0; i < openids.length; i += PROFILE_BATCH) {
        const batch = openids.slice(i, i + PROFILE_BATCH);
        const { user_info_list: infos = [] } = await this.api.batchGetUsers(batch);
        if (infos.length) await WechatFollower.bulkWrite(infos.map((info) => profileUpdate(info, this.clock.now())), { ordered: false });
        result.profiles += infos.length;
      }
      next = page.next_openid ?? '';
      if (!next || seenCursors.has(next)) break;
      seenCursors.add(next);
    }
    result.markedUnsubscribed = await this.markMissing(syncId, startedAt);
    result.tags = await this.syncTags();
    // The job runs just after midnight: the row is for the day that just ended, with the total as of now.
    const now = this.clock.now();
    await recordDailyCount(beijingDay(new Date(beijingDayStart(now).getTime() - 1)), result.total, now);
    this.logger.info({ ...result }, 'wechat follower sync finished');
    return result;
  }

  private async markListed(openids: string[], syncId: string, at: Date): Promise<void> {
    await WechatFollower.bulkWrite(
      openids.map((openid) => ({
        updateOne: {
          filter: { _id: openid },
          update: {
            $set: { subscribed: true, lastSeenSyncId: syncId },
            $unset: { unsubscribedAt: 1 },
            $setOnInsert: { tagIds: [], createdAt: at, updatedAt: at },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Subscribed before this sync started, yet not listed: they left while we were not told. */
  private async markMissing(syncId: string, startedAt: Date): Promise<number> {
    const gone = await WechatFollower.find(
      {
        subscribed: true,
        lastSeenSyncId: { $ne: syncId },
        createdAt: { $lt: startedAt },
        $or: [{ subscribedAt: { $lt: startedAt } }, { subscribedAt: { $exists: false } }],
      },
      { _id: 1 },
    ).lean();
    const at = this.clock.now();
    for (const { _id } of gone) await this.followers.unfollowed(_id, at);
    return gone.length;
  }

  private async syncTags(): Promise<number> {
    const { tags = [] } = await this.api.getTags();
    const now = this.clock.now();
    if (tags.length) {
      await WechatTag.bulkWrite(
        tags.map((t) => ({ updateOne: { filter: { _id: t.id }, update: { $set: { name: t.name, count: t.count ?? 0, syncedAt: now } }, upsert: true } })),
        { ordered: false },
      );
    }
    await WechatTag.deleteMany({ _id: { $nin: tags.map((t) => t.id) } });
    return tags.length;
  }
}
