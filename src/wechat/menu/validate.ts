/**
 * The account menu, checked against WeChat's limits before it is stored or sent, so an editor sees the offending
 * button by its path (e.g. button[1].sub_button[2].name) instead of WeChat's bare errcode 40018.
 *
 * Limits from the current official reference for menu/create
 * (https://developers.weixin.qq.com/doc/service/api/custommenu/api_createcustommenu):
 * 1–3 buttons, 1–5 sub-buttons; name ≤16 bytes, sub-button name ≤60 bytes; key ≤128 bytes; url ≤1024 bytes.
 * The older wiki page (and reference/wechat.md) says sub ≤40 bytes and url ≤256 bytes; the current page says 60 and
 * 1024, and developers report 60 working in practice
 * (https://developers.weixin.qq.com/community/personal/oCJUsw_Sugvk3MCgBSTsCaKSLnPg/question), so we follow it.
 */
import { isAllowedHttpsLink } from '../../allowed-links';
import { ValidationError, type FieldProblem } from '../../errors';
import type { RuleReply } from '../models/keyword-rule';

/** The CLICK keys the callback answers by itself (src/wechat/inbound/handlers.ts); any other key needs a `reply`. */
export const CLICK_KEYS = ['LATEST_NEWS', 'TYPICAL_DEPUTIES', 'MODEL_CASES', 'UPCOMING_MEETINGS', 'SUGGEST'] as const;
const ITEM_KINDS = ['article', 'deputy', 'group', 'case', 'meeting'] as const;
const REPLY_TEXT_MAX = 600;

export const MENU_LIMITS = {
  buttons: 3,
  subButtons: 5,
  nameBytes: 16,
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
} as const;

const KEY_TYPES = ['click', 'scancode_push', 'scancode_waitmsg', 'pic_sysphoto', 'pic_photo_or_album', 'pic_weixin', 'location_select'] as const;
export const BUTTON_TYPES = [...KEY_TYPES, 'view', 'miniprogram', 'media_id', 'view_limited', 'article_id', 'article_view_limited'] as const;
export type ButtonType = (typeof BUTTON_TYPES)[number];

export interface MenuButton {
  type?: ButtonType;
  name: string;
  key?: string;
  url?: string;
  media_id?: string;
  appid?: string;
  pagepath?: string;
  article_id?: string;
  /** Ours, never sent to WeChat: what a tap on this click button answers (text, or a published item's card). */
  reply?: RuleReply;
  sub_button?: MenuButton[];
}

export interface Menu {
  button: MenuButton[];
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const KNOWN_FIELDS = new Set(['type', 'name', 'key', 'url', 'media_id', 'appid', 'pagepath', 'article_id', 'reply', 'sub_button']);

function checkString(b: Record<string, unknown>, field: string, path: string, maxBytes: number, problems: FieldProblem[]): string | undefined {
  const v = b[field];
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push({ field: `${path}.${field}`, message: `${field} 必填` });
    return undefined;
  }
  if (bytes(v) > maxBytes) problems.push({ field: `${path}.${field}`, message: `${field} 超过 ${maxBytes} 字节（当前 ${bytes(v)} 字节）` });
  return v;
}

/** Where menu links may go: https on the allowed hosts, or the microsite itself (PUBLIC_BASE_URL, whatever its scheme). */
export interface MenuLinkRule {
  publicBaseUrl: string;
  hosts: string[];
}

function linkProblem(url: string, rule: MenuLinkRule | undefined): string | undefined {
  if (rule && (url === rule.publicBaseUrl || url.startsWith(`${rule.publicBaseUrl}/`))) return undefined;
  if (!/^https:\/\/[^\s]+$/i.test(url)) return 'url 必须是 https:// 开头的网址';
  if (rule && !isAllowedHttpsLink(url, rule.hosts)) return `url 只能是本站或允许的网站（${rule.hosts.join('、')}）的 https:// 网址`;
  return undefined;
}

function checkAction(b: Record<string, unknown>, path: string, problems: FieldProblem[], rule?: MenuLinkRule): MenuButton | undefined {
  const type = b.type;
  if (typeof type !== 'string' || !(BUTTON_TYPES as readonly string[]).includes(type)) {
    problems.push({ field: `${path}.type`, message: `type 必须是 ${BUTTON_TYPES.join('、')} 之一` });
    return undefined;
  }
  const out: MenuButton = { type: type as ButtonType, name: String(b.name ?? '') };
  if ((KEY_TYPES as readonly string[]).includes(type)) out.key = checkString(b, 'key', path, MENU_LIMITS.keyBytes, problems);
  if (b.reply !== undefined) {
    if (type !== 'click') problems.push({ field: `${path}.reply`, message: '只有 click 类型的按钮可以设置回复' });
    else out.reply = checkReply(b.reply, `${path}.reply`, problems);
  } else if (type === 'click' && out.key && !(CLICK_KEYS as readonly string[]).includes(out.key)) {
    problems.push({ field: `${path}.reply`, message: `key "${out.key}" 没有配置回复：请填写 reply（文字或已发布内容），或使用内置的 ${CLICK_KEYS.join('、')}` });
  }
  if (type === 'view' || type === 'miniprogram') {
    const url = checkString(b, 'url', path, MENU_LIMITS.urlBytes, problems);
    const problem = url ? linkProblem(url, rule) : undefined;
    if (problem) problems.push({ field: `${path}.url`, message: problem });
    out.url = url;
  }
  if (type === 'miniprogram') {
    out.appid = checkString(b, 'appid', path, 64, problems);
    out.pagepath = checkString(b, 'pagepath', path, 1024, problems);
  }
  if (type === 'media_id' || type === 'view_limited') out.media_id = checkString(b, 'media_id', path, 128, problems);
  if (type === 'article_id' || type === 'article_view_limited') out.article_id = checkString(b, 'article_id', path, 128, problems);
  return out;
}

function checkReply(raw: unknown, path: string, problems: FieldProblem[]): RuleReply | undefined {
  if (!isObject(raw)) {
    problems.push({ field: path, message: 'reply 必须是 {type:"text",text} 或 {type:"article",kind,itemId}' });
    return undefined;
  }
  if (raw.type === 'text') {
    const text = typeof raw.text === 'string' ? raw.text.trim() : '';
    if (!text) problems.push({ field: `${path}.text`, message: '回复文字不能为空' });
    else if ([...text].length > REPLY_TEXT_MAX) problems.push({ field: `${path}.text`, message: `回复文字超过 ${REPLY_TEXT_MAX} 字` });
    return { type: 'text', text };
  }
  if (raw.type === 'article') {
    if (!(ITEM_KINDS as readonly unknown[]).includes(raw.kind)) problems.push({ field: `${path}.kind`, message: `kind 必须是 ${ITEM_KINDS.join('、')} 之一` });
    if (typeof raw.itemId !== 'string' || !/^[0-9a-f]{24}$/.test(raw.itemId)) problems.push({ field: `${path}.itemId`, message: 'itemId 必须是内容的 id' });
    return { type: 'article', kind: raw.kind as (typeof ITEM_KINDS)[number], itemId: String(raw.itemId) };
  }
  problems.push({ field: `${path}.type`, message: 'reply.type 必须是 text 或 article' });
  return undefined;
}

/** The menu as WeChat takes it: our `reply` fields left out. */
export function forWechat(menu: Menu): Menu {
  const strip = (b: MenuButton): MenuButton => {
    const { reply: _reply, sub_button, ...rest } = b;
    return sub_button ? { ...rest, sub_button: sub_button.map(strip) } : rest;
  };
  return { button: menu.button.map(strip) };
}

/** The configured reply of a click key, if any button of the menu carries one. */
export function clickReplyOf(menu: Menu, key: string): RuleReply | undefined {
  for (const b of menu.button) for (const x of [b, ...(b.sub_button ?? [])]) if (x.type === 'click' && x.key === key && x.reply) return x.reply;
  return undefined;
}

function checkButton(raw: unknown, path: string, sub: boolean, problems: FieldProblem[], rule?: MenuLinkRule): MenuButton | undefined {
  if (!isObject(raw)) {
    problems.push({ field: path, message: '每个按钮必须是一个对象' });
    return undefined;
  }
  for (const k of Object.keys(raw)) if (!KNOWN_FIELDS.has(k)) problems.push({ field: `${path}.${k}`, message: 'unknown field' });
  const name = checkString(raw, 'name', path, sub ? MENU_LIMITS.subNameBytes : MENU_LIMITS.nameBytes, problems);
  if (raw.sub_button !== undefined && !(Array.isArray(raw.sub_button) && raw.sub_button.length === 0 && raw.type)) {
    if (sub) {
      problems.push({ field: `${path}.sub_button`, message: '二级菜单不能再包含子菜单' });
      return undefined;
    }
    const list = raw.sub_button;
    if (!Array.isArray(list) || list.length < 1 || list.length > MENU_LIMITS.subButtons) {
      problems.push({ field: `${path}.sub_button`, message: `子菜单应为 1～${MENU_LIMITS.subButtons} 个` });
      return undefined;
    }
    if (raw.type !== undefined) problems.push({ field: `${path}.type`, message: '包含子菜单的按钮不能设置 type' });
    const subs = list.map((s, i) => checkButton(s, `${path}.sub_button[${i}]`, true, problems, rule));
    return { name: name ?? '', sub_button: subs.filter((s): s is MenuButton => !!s) };
  }
  const action = checkAction(raw, path, problems, rule);
  return action && { ...action, name: name ?? '' };
}

/** The menu with only WeChat's fields, or a ValidationError listing every problem by button path. */
export function validateMenu(raw: unknown, rule?: MenuLinkRule): Menu {
  const problems: FieldProblem[] = [];
  const buttons = isObject(raw) ? raw.button : undefined;
  let out: MenuButton[] = [];
  if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > MENU_LIMITS.buttons) {
    problems.push({ field: 'button', message: `一级菜单应为 1～${MENU_LIMITS.buttons} 个` });
  } else {
    out = buttons.map((b, i) => checkButton(b, `button[${i}]`, false, problems, rule)).filter((b): b is MenuButton => !!b);
  }
  if (problems.length) {
    const first = problems[0];
    throw new ValidationError(`菜单不符合微信的限制：${first.field} ${first.message}`, problems.map((p) => ({ ...p, field: `body.${p.field}` })));
  }
  return { button: out };
}
