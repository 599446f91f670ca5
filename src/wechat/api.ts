/**
 * The part of the official-account API this module calls, as the shared client (src/wechat-api, co-wechat-api with the
 * token and jsapi_ticket cached in MongoDB) provides it. Absent when WECHAT_APP_ID/SECRET are not configured.
 */
import type { Config } from '../config';
import { createWechatClient } from '../wechat-api';

export interface FollowerPage {
  total: number;
  count: number;
  data?: { openid: string[] };
  next_openid?: string;
}

export interface UserInfo {
  subscribe: number;
  openid: string;
  language?: string;
  subscribe_time?: number;
  unionid?: string;
  remark?: string;
  tagid_list?: number[];
  subscribe_scene?: string;
  qr_scene?: number;
  qr_scene_str?: string;
}

export interface WechatApi {
  getFollowers(nextOpenid?: string): Promise<FollowerPage>;
  batchGetUsers(openids: string[]): Promise<{ user_info_list: UserInfo[] }>;
  getTags(): Promise<{ tags: { id: number; name: string; count: number }[] }>;
  createMenu(menu: unknown): Promise<unknown>;
  getLatestTicket(): Promise<{ ticket: string }>;
  sendText(openid: string, text: string): Promise<unknown>;
  sendNews(openid: string, articles: { title: string; description: string; url: string; picurl?: string }[]): Promise<unknown>;
}

export function wechatApiFor(config: Config): WechatApi | undefined {
  if (!config.wechat.appId || !config.wechat.appSecret) return undefined;
  return createWechatClient(config.wechat) as unknown as WechatApi;
}
