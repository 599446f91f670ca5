/** Helpers for the WeChat tests: signed callback requests built per the specification, sample XML, fixtures. */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { encrypt } from '@wecom/crypto';
import { wechatSignature } from '../../src/wechat/signature';
import { Article } from '../../src/content/models/article';
import { Deputy } from '../../src/content/models/deputy';
import type { ItemStatus } from '../../src/content/enums';

export const TOKEN = 'lianxinToken2024';
export const APP_ID = 'wx-fake-app';
export const APP_SECRET = 'fake-secret';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const OLD_AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
export const ACCOUNT = 'gh_lianxin000001';

export function wechatEnv(apiBase: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WECHAT_TOKEN: TOKEN,
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: APP_SECRET,
    WECHAT_ENCODING_AES_KEY: AES_KEY,
    WECHAT_ENCODING_AES_KEY_PREVIOUS: OLD_AES_KEY,
    WECHAT_API_BASE: apiBase,
    ...extra,
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Query string of a plain-mode callback, signed as WeChat signs it. */
export function plainQuery(opts: { timestamp?: number; nonce?: string; token?: string } = {}): string {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const nonce = opts.nonce ?? String(Math.floor(Math.random() * 1e9));
  const signature = wechatSignature(opts.token ?? TOKEN, timestamp, nonce);
  return new URLSearchParams({ signature, timestamp, nonce, openid: 'oUser' }).toString();
}

/** A safe-mode body and query: the inner XML sealed with `key` for `appId`, msg_signature over the ciphertext. */
export function safeRequest(inner: string, opts: { key?: string; appId?: string; timestamp?: number; tamper?: boolean } = {}) {
  const timestamp = String(opts.timestamp ?? nowSeconds());
  const nonce = String(Math.floor(Math.random() * 1e9));
  const encrypted = encrypt(opts.key ?? AES_KEY, inner, opts.appId ?? APP_ID);
  const msgSignature = wechatSignature(TOKEN, timestamp, nonce, encrypted);
  const body = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><Encrypt><![CDATA[${opts.tamper ? `${encrypted[0] === 'A' ? 'B' : 'A'}${encrypted.slice(1)}` : encrypted}]]></Encrypt></xml>`;
  const query = new URLSearchParams({
    signature: wechatSignature(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'oUser',
    encrypt_type: 'aes',
    msg_signature: msgSignature,
  }).toString();
  return { query, body };
}

let msgSeq = BigInt(24_000_000_000_000_000) + BigInt(randomBytes(3).readUIntBE(0, 3)) * 1000n;

/** A real-shaped text message (MsgId is a 64-bit integer as WeChat sends it). */
export function textXml(content: string, opts: { from?: string; msgId?: string; createTime?: number } = {}): string {
  const msgId = opts.msgId ?? String(++msgSeq);
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${opts.from ?? 'oUserText001'}]]></FromUserName>` +
    `<CreateTime>${opts.createTime ?? nowSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`
  );
}

export function eventXml(event: string, opts: { from?: string; key?: string; createTime?: number; extra?: string } = {}): string {
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${opts.from ?? 'oUserEvent001'}]]></FromUserName>` +
    `<CreateTime>${opts.createTime ?? nowSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
    `<Event><![CDATA[${event}]]></Event>${opts.key !== undefined ? `<EventKey><![CDATA[${opts.key}]]></EventKey>` : ''}${opts.extra ?? ''}</xml>`
  );
}

let slugSeq = 0;
const userId = new mongoose.Types.ObjectId();

/** A content item stored as the content module stores it (fixture; the workflow is tested by its owners). */
export async function publishedArticle(title: string, opts: { status?: ItemStatus; publishedAt?: Date } = {}): Promise<string> {
  const now = new Date();
  const doc = await Article.create({
    title,
    digest: `${title}的摘要`,
    body: `# ${title}\n\n正文`,
    slug: `wx-article-${++slugSeq}-${randomBytes(2).toString('hex')}`,
    status: opts.status ?? 'published',
    publishedAt: opts.publishedAt ?? now,
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
  });
  return String(doc._id);
}

export async function publishedDeputy(name: string): Promise<string> {
  const now = new Date();
  const doc = await Deputy.create({
    name,
    level: 'county',
    slug: `wx-deputy-${++slugSeq}-${randomBytes(2).toString('hex')}`,
    status: 'published',
    publishedAt: now,
    createdBy: userId,
    updatedBy: userId,
    createdAt: now,
    updatedAt: now,
  } as Record<string, unknown>);
  return String(doc._id);
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
