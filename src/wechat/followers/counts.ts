/** Follower counts over time: one row per Asia/Shanghai day, for the monthly summary. */
import { WechatFollower } from '../models/follower';
import { WechatFollowerCount } from '../models/follower-count';
import { beijingDayStartOf } from '../../calendar/beijing';

export interface DailyFollowerCount {
  /** YYYY-MM-DD (Asia/Shanghai). */
  date: string;
  /** Start of that day as an instant. */
  day: Date;
  total: number;
  followed: number;
  unfollowed: number;
}

/** Writes (or rewrites) the row of day `key`: follows and unfollows recorded that day, and the total. */
export async function recordDailyCount(key: string, total: number | undefined, now: Date): Promise<DailyFollowerCount> {
  const start = beijingDayStartOf(key);
  const end = new Date(start.getTime() + 86_400_000);
  const [followed, unfollowed, ownTotal] = await Promise.all([
    WechatFollower.countDocuments({ subscribedAt: { $gte: start, $lt: end } }),
    WechatFollower.countDocuments({ unsubscribedAt: { $gte: start, $lt: end } }),
    total === undefined ? WechatFollower.countDocuments({ subscribed: true }) : Promise.resolve(total),
  ]);
  const row = { day: start, total: ownTotal, followed, unfollowed, recordedAt: now };
  await WechatFollowerCount.updateOne({ _id: key }, { $set: row }, { upsert: true });
  return { date: key, day: start, total: ownTotal, followed, unfollowed };
}

/** Daily rows for the days starting in [from, to), oldest first. */
export async function followerCountsBetween(from: Date, to: Date): Promise<DailyFollowerCount[]> {
  const rows = await WechatFollowerCount.find({ day: { $gte: from, $lt: to } }).sort({ day: 1 }).lean();
  return rows.map((r) => ({ date: r._id, day: r.day, total: r.total, followed: r.followed, unfollowed: r.unfollowed }));
}

/** Followers a mass send would reach now: everyone subscribed, or those with one tag. */
export function subscribedFollowerCount(tagId?: number): Promise<number> {
  return WechatFollower.countDocuments(tagId === undefined ? { subscribed: true } : { subscribed: true, tagIds: tagId });
}
