/**
 * Channel status for admins: what is configured (never the secrets themselves), whether the WeChat access token is
 * cached and — on request — whether WeChat hands one out now, the mass-send quota, and the SMS set-up.
 */
import type { Config } from '../config';
import type { Clock } from '../clock';
import { SmsOptOutModel } from '../channels/sms';
import { DEFAULT_TEMPLATES_FILE } from '../channels/sms/templates';
import { MassQuota, type QuotaStatus } from '../channels/wechat/quota';
import { createWechatClient, CredentialStore, WechatCredentialModel } from '../wechat-api';

export interface ChannelStatus {
  checkedAt: Date;
  microsite: { configured: true; publicBaseUrl: string; https: boolean };
  wechat: {
    configured: boolean;
    appId: string | null;
    accountType: 'subscription' | 'service';
    verified: boolean;
    callbackToken: boolean;
    safeMode: boolean;
    plainCallbacksAllowed: boolean;
    token: { cached: boolean; expiresAt: Date | null; check: { ok: boolean; error?: string } | null };
    massQuota: QuotaStatus | null;
  };
  sms: {
    provider: 'outbox' | 'tencent' | 'aliyun';
    signName: string;
    credentials: boolean;
    receiptToken: boolean;
    templates: 'bundled' | 'custom';
    optOuts: number;
  };
  /** What an admin should fix, in Chinese. */
  warnings: string[];
}

export async function channelStatus(config: Config, clock: Clock, options: { checkToken: boolean }): Promise<ChannelStatus> {
  const now = clock.now();
  const w = config.wechat;
  const configured = !!(w.appId && w.appSecret);
  const warnings: string[] = [];
  let token: ChannelStatus['wechat']['token'] = { cached: false, expiresAt: null, check: null };
  let massQuota: QuotaStatus | null = null;
  if (configured) {
    let check: ChannelStatus['wechat']['token']['check'] = null;
    if (options.checkToken) {
      try {
        // A real round trip: a fresh token fetched through a store of its own (the shared one would answer from
        // memory); it is saved for every instance as any refresh is, and the previous token stays valid meanwhile.
        await createWechatClient(w, { store: new CredentialStore() }).getAccessToken();
        check = { ok: true };
      } catch (err) {
        check = { ok: false, error: (err as Error).message };
        warnings.push(`无法获取公众号 access_token：${(err as Error).message}`);
      }
    }
    // Token lifetimes are WeChat's wall-clock time, not the app clock.
    const stored = await WechatCredentialModel.findById(`access_token:${w.appId}`).lean();
    const expiresAt = stored?.expiresAt ?? null;
    token = { cached: !!expiresAt && expiresAt.getTime() > Date.now(), expiresAt, check };
    massQuota = await new MassQuota(w, clock).status();
    if (massQuota.spent) warnings.push(`公众号群发次数已用完（${massQuota.used}/${massQuota.limit}）`);
  } else warnings.push('未配置公众号（WECHAT_APP_ID / WECHAT_APP_SECRET），无法发布到公众号');
  if (configured && !w.token) warnings.push('未配置 WECHAT_TOKEN，公众号消息回调（关注、菜单、关键词）无法接收');
  const sms = config.sms;
  const credentials =
    sms.provider === 'outbox' ||
    (sms.provider === 'tencent' ? !!(sms.tencent.secretId && sms.tencent.secretKey && sms.tencent.appId) : !!(sms.aliyun.accessKeyId && sms.aliyun.accessKeySecret));
  const templates = !sms.templatesFile || sms.templatesFile === DEFAULT_TEMPLATES_FILE ? 'bundled' : 'custom';
  if (sms.provider === 'outbox') warnings.push('短信处于 outbox 模式：消息只保存在系统中，不会真正发出');
  else if (templates === 'bundled') warnings.push('短信模板仍是自带的示例编号，请用 SMS_TEMPLATES_FILE 指定已审核通过的模板');
  if (sms.provider !== 'outbox' && !sms.receiptToken) warnings.push('未配置 SMS_RECEIPT_TOKEN，无法接收短信回执');
  if (!config.publicBaseUrl.startsWith('https://')) warnings.push('PUBLIC_BASE_URL 不是 https 地址');
  return {
    checkedAt: now,
    microsite: { configured: true, publicBaseUrl: config.publicBaseUrl, https: config.publicBaseUrl.startsWith('https://') },
    wechat: {
      configured,
      appId: w.appId ?? null,
      accountType: w.accountType,
      verified: w.verified,
      callbackToken: !!w.token,
      safeMode: !!w.encodingAesKey,
      plainCallbacksAllowed: w.plainCallbacksAllowed,
      token,
      massQuota,
    },
    sms: { provider: sms.provider, signName: sms.signName, credentials, receiptToken: !!sms.receiptToken, templates, optOuts: await SmsOptOutModel.estimatedDocumentCount() },
    warnings,
  };
}
