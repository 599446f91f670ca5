/**
 * What a publication would do, before anyone sends it: per channel, whom it reaches (the same audience resolution,
 * opt-outs and de-duplication the planner applies), the exact SMS text with its length against the template's
 * limits, and the WeChat mass-send quota left. Nothing is recorded and nothing is sent.
 */
import type { ChannelName, ItemKind, PublishableContent, SmsNotificationKind } from '../channels/types';
import type { Config } from '../config';
import type { Clock } from '../clock';
import type { AudienceSpec } from '../audiences/types';
import { summarisePhoneAudience } from '../audiences/resolve';
import { loadSmsTemplates, optedOutAmong, renderSmsText } from '../channels/sms';
import { clip, MassQuota, type QuotaStatus } from '../channels/wechat';
import { subscribedFollowerCount } from '../wechat/followers/counts';
import { contentFor } from './items';

export interface DryRunInput {
  kind: ItemKind;
  itemId: string;
  channels: ChannelName[];
  audience: AudienceSpec;
  at?: Date;
  sms?: { notification: SmsNotificationKind; params?: Record<string, string> };
  wechat?: { mode: 'publish' | 'broadcast'; tagId?: number };
}

export interface SmsParamCheck {
  name: string;
  label: string;
  value: string | null;
  length: number;
  max: number;
  /** Where the value comes from: given in the request, taken from the item, or each recipient's own. */
  source: 'request' | 'item' | 'recipient' | 'missing';
  ok: boolean;
  /** For item values over the limit: they are shortened (title, digest) or refused (link). */
  note?: string;
}

/** China mainland SMS billing: up to 70 characters is one message; longer texts go in parts of 67. */
export function smsParts(length: number): number {
  return length <= 70 ? 1 : Math.ceil(length / 67);
}

/** Everything after the last "/" replaced by asterisks (a personal link's token), keeping the length. */
function maskToken(value: string): string {
  const cut = value.lastIndexOf('/') + 1;
  return value.slice(0, cut) + '*'.repeat([...value.slice(cut)].length);
}

function itemValue(name: string, content: PublishableContent): string | undefined {
  return name === 'title' ? content.title : name === 'link' ? content.url : name === 'digest' ? content.digest : undefined;
}

export interface DryRunReport {
  item: { kind: ItemKind; id: string; title: string; url: string };
  /** When it would go out; null = now. */
  at: Date | null;
  channels: Record<string, unknown>;
  /** What would stop or shorten it, with the request field each concerns ("item" for the item itself). */
  problems: { field: string; message: string }[];
}

export async function dryRunPublication(input: DryRunInput, deps: { config: Config; clock: Clock; wechatConfigured: boolean }): Promise<DryRunReport> {
  const { config, clock } = deps;
  const content = await contentFor(input.kind, input.itemId, config.publicBaseUrl, clock);
  const problems: { field: string; message: string }[] = [];
  const now = clock.now();
  const channels: Record<string, unknown> = {};
  const result: DryRunReport = {
    item: { kind: input.kind, id: input.itemId, title: content.title, url: content.url },
    at: input.at && input.at > now ? input.at : null,
    channels,
    problems,
  };

  if (input.channels.includes('microsite')) channels.microsite = { url: content.url, reach: 'public' };

  if (input.channels.includes('wechat')) {
    const mode = input.wechat?.mode ?? 'publish';
    const tagId = input.wechat?.tagId ?? input.audience.followers?.tagId;
    let quota: QuotaStatus | null = null;
    if (deps.wechatConfigured) quota = await new MassQuota(config.wechat, clock).status();
    else problems.push({ field: 'body.channels', message: '尚未配置微信公众号，无法发布到公众号' });
    const broadcast = mode === 'broadcast';
    if (broadcast && quota?.spent) {
      problems.push({ field: 'body.wechat.mode', message: `群发次数已用完（${quota.periodKind === 'day' ? '今天' : '本月'}已用 ${quota.used}/${quota.limit} 次），请改用"发布"方式或改期` });
    }
    channels.wechat = {
      mode,
      ...(tagId !== undefined && broadcast ? { tagId } : {}),
      // Free publish pushes to nobody: followers find it in the account's history. A mass send reaches the followers.
      recipients: broadcast ? await subscribedFollowerCount(tagId) : null,
      title: clip(content.title, 32),
      quota,
      quotaLeft: quota ? Math.max(0, quota.limit - quota.used) : null,
      usesQuota: broadcast,
    };
  }

  if (input.channels.includes('sms')) {
    const notification = input.sms?.notification ?? 'news';
    const template = loadSmsTemplates(config.sms.templatesFile)[notification];
    const resolved = await summarisePhoneAudience(input.audience, optedOutAmong);
    const sample = resolved.first;
    // As the channel does: the page's link goes out as its short link for SMS.
    const smsContent = template.params.some((p) => p.name === 'link') && content.shortUrl ? { ...content, url: await content.shortUrl('sms') } : content;
    const values: Record<string, string> = {};
    const params: SmsParamCheck[] = template.params.map((p) => {
      const given = input.sms?.params?.[p.name];
      const fromItem = itemValue(p.name, smsContent);
      // As the channel does: a recipient's own value (a personal RSVP link) wins over the shared ones.
      const own = sample?.params?.[p.name];
      let value: string | undefined;
      let source: SmsParamCheck['source'] = 'missing';
      let note: string | undefined;
      if (own !== undefined) [value, source] = [own, 'recipient'];
      else if (given !== undefined) [value, source] = [given, 'request'];
      else if (fromItem !== undefined) {
        source = 'item';
        const length = [...fromItem].length;
        if (p.name !== 'link' && length > p.max) {
          value = clip(fromItem, p.max);
          note = `取自内容，${length} 个字，发送时截断为 ${p.max} 个字`;
        } else value = fromItem;
      } else if (p.name === 'name' && sample?.name) [value, source] = [clip(sample.name, p.max), 'recipient'];
      const length = value === undefined ? 0 : [...value].length;
      const ok = value !== undefined && length <= p.max;
      if (value === undefined) problems.push({ field: `body.sms.params.${p.name}`, message: `短信模板缺少参数"${p.name}"（${p.label}）` });
      else if (!ok) problems.push({ field: `body.sms.params.${p.name}`, message: `"${p.label}"有 ${length} 个字，超过模板限制的 ${p.max} 个字` });
      // Personal links carry a secret token: shown with the same length, token hidden.
      const shown = value !== undefined && source === 'recipient' && p.name !== 'name' ? maskToken(value) : value;
      if (shown !== undefined) values[p.name] = shown;
      return { name: p.name, label: p.label, value: shown ?? null, length, max: p.max, source, ok, ...(note ? { note } : {}) };
    });
    const text = `【${config.sms.signName}】${renderSmsText(template, values)}`;
    const length = [...text].length;
    if (resolved.summary.recipients === 0) problems.push({ field: 'body.audience', message: '没有可发送短信的接收人' });
    channels.sms = {
      notification,
      provider: config.sms.provider,
      templateId: config.sms.provider === 'outbox' ? null : template[config.sms.provider],
      text,
      sampleRecipient: sample ? { name: sample.name ?? null } : null,
      length,
      parts: smsParts(length),
      params,
      audience: resolved.summary,
      recipients: resolved.summary.recipients,
      messages: resolved.summary.recipients * smsParts(length),
    };
  }
  return result;
}
