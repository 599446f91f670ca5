/**
 * Configuration: read once from the environment (and ./.env if present), validated, typed, passed down.
 * No other module reads process.env. An invalid value stops the process with a message naming the variable.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ICP_NUMBER_EXAMPLE, ICP_NUMBER_PATTERN, PSB_NUMBER_EXAMPLE, PSB_NUMBER_PATTERN } from './filing-numbers';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const optionalString = z.string().trim().min(1).optional();
const httpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const hostList = z
  .string()
  .regex(/^\s*[a-z0-9.-]+(:\d+)?\s*(,\s*[a-z0-9.-]+(:\d+)?\s*)*$/i, 'a comma-separated list of host names such as "www.example.gov.cn,m.example.gov.cn"')
  .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()));
const durationList = z
  .string()
  .regex(/^\s*\d+\s*[mhd]\s*(,\s*\d+\s*[mhd]\s*)*$/, 'a comma-separated list of durations such as "24h,2h" or "30m"')
  .transform((s) =>
    s.split(',').map((part) => {
      const m = /(\d+)\s*([mhd])/.exec(part.trim())!;
      return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
    }),
  );

/** `scheme://host[:port]` with scheme http or https, and no path, query, fragment or credentials. */
function isEndpointOrigin(text: string): boolean {
  if (!/^https?:\/\//i.test(text)) return false; // without a scheme the SDKs silently pick HTTPS
  try {
    const u = new URL(text);
    return Boolean(u.hostname) && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash && !u.username && !u.password;
  } catch {
    return false;
  }
}
/**
 * Where the console's Vite build writes (src/console/dist, git-ignored), wherever the process was started from, and
 * also when running the compiled server (dist/ sits beside src/).
 */
const DEFAULT_CONSOLE_DIR = path.resolve(__dirname, '../src/console/dist');

/** Every environment variable the service reads, with its default. The README's table mirrors this. */
export interface FundRate {
  /** Yuan per activity attended. */
  perActivity: number;
  /** Yuan per deputy per year at most. */
  cap: number;
}
export type FundRates = Record<'city' | 'county' | 'township', FundRate>;

/** "city=200/800,county=200/800,township=100/400": yuan per activity / cap per year, for each deputy level. */
const fundRule = z
  .string()
  .regex(/^(city|county|township)=\d{1,6}\/\d{1,7}(,(city|county|township)=\d{1,6}\/\d{1,7}){2}$/, 'city=200/800,county=200/800,township=100/400')
  .transform((s, ctx) => {
    const rates: Partial<FundRates> = {};
    for (const part of s.split(',')) {
      const [level, values] = part.split('=');
      const [perActivity, cap] = values.split('/').map(Number);
      rates[level as keyof FundRates] = { perActivity, cap };
    }
    if (!rates.city || !rates.county || !rates.township) ctx.addIssue({ code: 'custom', message: 'each of city, county and township once' });
    return rates as FundRates;
  });

/** A font for the PDF: a file, with `#PostScriptName` to pick one face of a collection (.ttc). Checked when a PDF is made. */
export interface FontSource {
  file: string;
  postscriptName?: string;
}
const fontSource = z
  .string()
  .trim()
  .regex(/^[^#]+(#[A-Za-z0-9_.+-]+)?$/, 'a font file, or file#PostScriptName for one face of a .ttc collection')
  .transform((s): FontSource => {
    const [file, postscriptName] = s.split('#');
    return { file: path.resolve(file), postscriptName };
  });
/** Debian's fonts-noto-cjk (chromium brings it) and fonts-arphic-gbsn00lp (AR PL SungtiL GB, 文鼎简报宋). */
const NOTO = '/usr/share/fonts/opentype/noto';
const AR_PL_SONG = '/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: port.default(3000),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'a MongoDB connection string starting with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DB_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(64),
  DB_COMMAND_METRICS: bool.default(false),
  // Unset: http://localhost:PORT outside production (so PORT alone moves every generated link); required in production.
  PUBLIC_BASE_URL: httpUrl.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Share of successful requests written to the access log (errors and slow requests always are). */
  ACCESS_LOG_SAMPLE: z.coerce.number().min(0).max(1).default(1),
  /** Upper bound on the microsite's page cache (rendered pages and their compressed copies), MB. */
  PAGE_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(256),
  MEDIA_MAX_MB: z.coerce.number().min(0.1).max(50).default(10),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  SCHEDULER_ENABLED: bool.default(true),
  TRUST_PROXY: bool.default(false),
  /** Reverse proxies in front of the app that append to X-Forwarded-For; the client is this many entries from the right. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** Hosts besides PUBLIC_BASE_URL's that links in SMS texts and WeChat menu buttons may point to (comma-separated). */
  ALLOWED_LINK_HOSTS: hostList.default([]),
  /** A publication reaching more SMS recipients than this needs an admin's confirmation. */
  SMS_CONFIRM_ABOVE: z.coerce.number().int().min(1).default(500),
  /** /metrics: a bearer token scrapers send, and/or client addresses allowed without it. Neither set: loopback only. */
  METRICS_TOKEN: z.string().trim().min(16, 'at least 16 characters').optional(),
  METRICS_ALLOW: z.string().trim().optional().transform((s) => (s ? s.split(',').map((a) => a.trim()).filter(Boolean) : [])),

  WECHAT_APP_ID: optionalString,
  WECHAT_APP_SECRET: optionalString,
  WECHAT_TOKEN: optionalString,
  WECHAT_ENCODING_AES_KEY: z.string().regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits (the EncodingAESKey)').optional(),
  WECHAT_ENCODING_AES_KEY_PREVIOUS: z.string().regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits').optional(),
  /** With an EncodingAESKey set, plain (unencrypted) callbacks are refused unless this is on (migration only). */
  WECHAT_PLAIN_CALLBACKS: bool.default(false),
  WECHAT_API_BASE: httpUrl.default('https://api.weixin.qq.com'),
  WECHAT_ACCOUNT_TYPE: z.enum(['subscription', 'service']).default('subscription'),
  WECHAT_VERIFIED: bool.default(true),
  /** Mass sends allowed per calendar month (service account: 4) or day (subscription: 1); see reference/wechat.md. */
  WECHAT_MASS_QUOTA: z.coerce.number().int().min(0).optional(),
  WEIBO_APP_KEY: optionalString,
  WEIBO_APP_SECRET: optionalString,
  /** The OAuth2 callback registered for the app (…/api/weibo/oauth/callback on this service). */
  WEIBO_REDIRECT_URI: httpUrl.optional(),
  WEIBO_API_BASE: httpUrl.default('https://api.weibo.com'),
  /** A partner's webhook endpoint must answer within this; a slow one is retried later, never waited on. */
  PARTNER_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  /** Plain-http webhook endpoints (development and tests only: production pushes over https). */
  PARTNER_WEBHOOK_ALLOW_HTTP: bool.optional(),
  /** Items in a partner feed (newest first). */
  PARTNER_FEED_ITEMS: z.coerce.number().int().min(1).max(500).default(50),

  SMS_PROVIDER: z.enum(['outbox', 'tencent', 'aliyun']).default('outbox'),
  /** Provider API origin: scheme, host and optional port, nothing else (e.g. https://sms.tencentcloudapi.com, http://127.0.0.1:9000). */
  SMS_ENDPOINT: z
    .string()
    .trim()
    .min(1)
    .refine(isEndpointOrigin, 'an origin with scheme, host and optional port, nothing more: https://sms.tencentcloudapi.com or http://127.0.0.1:9000')
    .transform((s) => new URL(s).origin)
    .optional(),
  /** How long after a send the provider's records are complete enough that a missing message proves it was never accepted. */
  SMS_LOOKUP_SETTLE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  SMS_SIGN_NAME: z.string().min(1).default('连心'),
  SMS_RECEIPT_TOKEN: optionalString,
  /** Provider-approved template ids and wording; defaults to templates/sms/templates.json (placeholder ids). */
  SMS_TEMPLATES_FILE: optionalString,
  TENCENT_SECRET_ID: optionalString,
  TENCENT_SECRET_KEY: optionalString,
  TENCENT_SMS_APP_ID: optionalString,
  TENCENT_SMS_REGION: z.string().default('ap-guangzhou'),
  ALIYUN_ACCESS_KEY_ID: optionalString,
  ALIYUN_ACCESS_KEY_SECRET: optionalString,

  MEETING_REMINDER_OFFSETS: durationList.default([24 * 3_600_000, 2 * 3_600_000]),
  RSVP_TOKEN_SECRET: optionalString,

  /** 意见建议 answer deadlines after assignment: three months by law, six for broad or hard matters; local rules may be shorter. */
  SUGGESTION_DEADLINE_MONTHS: z.coerce.number().int().min(1).max(12).default(3),
  SUGGESTION_HARD_DEADLINE_MONTHS: z.coerce.number().int().min(1).max(12).default(6),
  /** Days a deputy's satisfaction link (满意度测评) stays valid after the answer is sent. */
  SUGGESTION_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Extra secret mixed into satisfaction-link hashes (HMAC); changing it invalidates links already sent. */
  SUGGESTION_TOKEN_SECRET: optionalString,
  /** Public suggestions one address may send per day (the form and the WeChat path together). */
  SUGGESTION_PUBLIC_DAILY_LIMIT: z.coerce.number().int().min(1).max(1000).default(5),

  /** Publishing worker: on in every instance by default; lease = how long a silent worker keeps a batch. */
  PUBLISHING_WORKER_ENABLED: bool.default(true),
  PUBLISHING_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  PUBLISHING_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  PUBLISHING_IDLE_POLL_MS: z.coerce.number().int().min(500).max(60_000).default(8_000),

  /** Footer and share-card defaults until an admin changes them (PUT /api/admin/site-settings, console 系统管理 → 站点信息). */
  SITE_NAME: z.string().trim().min(1).max(30).default('人大代表在行动'),
  SITE_ORGANIZER: z.string().trim().max(60).default(''),
  /** ICP备案号, e.g. 京ICP备12345678号-1 (linked to beian.miit.gov.cn). */
  SITE_ICP_NUMBER: z.union([z.literal(''), z.string().trim().regex(ICP_NUMBER_PATTERN, `an ICP filing number such as ${ICP_NUMBER_EXAMPLE}`)]).default(''),
  /** 公安机关备案号, e.g. 京公网安备11010502030143号 (linked to beian.mps.gov.cn). */
  SITE_PSB_NUMBER: z.union([z.literal(''), z.string().trim().regex(PSB_NUMBER_PATTERN, `a public-security filing number such as ${PSB_NUMBER_EXAMPLE}`)]).default(''),

  /** The staff console's built files (served at /admin); default: the console build's output, src/console/dist. */
  CONSOLE_DIR: optionalString,
  /** Activity funds (活动保障) for a year not yet given its own rule: yuan per activity attended / cap per year, per level. */
  ACTIVITY_FUND_RULE: fundRule.default(fundRule.parse('city=200/800,county=200/800,township=100/400')),
  /** Fonts the reports' PDF embeds (subsets of): `file` or `file#PostScriptName` for one face of a collection (.ttc). */
  REPORT_FONT_TITLE: fontSource.default(fontSource.parse(AR_PL_SONG)),
  REPORT_FONT_BODY: fontSource.default(fontSource.parse(AR_PL_SONG)),
  REPORT_FONT_HEADING: fontSource.default(fontSource.parse(`${NOTO}/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular`)),
  REPORT_FONT_KAI: fontSource.default(fontSource.parse('/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf')),
  /** For characters the fonts above lack (the AR PL fonts cover GB 2312 only): a full-coverage font, loaded only then. */
  REPORT_FONT_FALLBACK: fontSource.default(fontSource.parse(`${NOTO}/NotoSerifCJK-Regular.ttc#NotoSerifCJKsc-Regular`)),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  mongodbUri?: string;
  dataDir: string;
  /** Embedded engine: bound of its document cache, in MiB. */
  dbCacheMb: number;
  /** Benchmarks: count every database command (driver command monitoring) into /metrics' lianxin_db_commands_total. */
  dbCommandMetrics: boolean;
  publicBaseUrl: string;
  logLevel: Env['LOG_LEVEL'];
  /** ACCESS_LOG_SAMPLE: share of successful requests given an access line. */
  accessLogSample: number;
  /** PAGE_CACHE_MB in bytes: the bound of the microsite's page cache. */
  pageCacheBytes: number;
  bodyLimitBytes: number;
  mediaMaxBytes: number;
  shutdownTimeoutMs: number;
  trustProxy: boolean;
  trustProxyHops: number;
  /** Hosts (lower-case, optional :port) links may point to besides PUBLIC_BASE_URL's. */
  allowedLinkHosts: string[];
  metrics: { token?: string; allow: string[] };
  schedulerEnabled: boolean;
  auth: { loginMaxFailures: number; loginLockMs: number; tokenTtlMs: number };
  wechat: {
    appId?: string;
    appSecret?: string;
    token?: string;
    encodingAesKey?: string;
    previousEncodingAesKey?: string;
    /** Accept plain-mode callbacks even though safe mode is configured (WECHAT_PLAIN_CALLBACKS). */
    plainCallbacksAllowed: boolean;
    apiBase: string;
    accountType: 'subscription' | 'service';
    verified: boolean;
    massQuota?: number;
  };
  weibo: { appKey?: string; appSecret?: string; redirectUri?: string; apiBase: string };
  partners: { webhookTimeoutMs: number; webhookAllowHttp: boolean; feedItems: number };
  sms: {
    provider: 'outbox' | 'tencent' | 'aliyun';
    endpoint?: string;
    /** A message missing from the provider's records this long after it was handed over was never accepted. */
    lookupSettleMs: number;
    signName: string;
    receiptToken?: string;
    /** Recipients above which an SMS publication needs an admin's confirmation (SMS_CONFIRM_ABOVE). */
    confirmAbove: number;
    /** Absolute path of the SMS template mapping; undefined = the bundled templates/sms/templates.json. */
    templatesFile?: string;
    tencent: { secretId?: string; secretKey?: string; appId?: string; region: string };
    aliyun: { accessKeyId?: string; accessKeySecret?: string };
  };
  meetings: { reminderOffsetsMs: number[]; rsvpTokenSecret?: string };
  publishing: { workerEnabled: boolean; leaseMs: number; concurrency: number; idlePollMs: number };
  suggestions: {
    deadlineMonths: number;
    hardDeadlineMonths: number;
    linkDays: number;
    tokenSecret?: string;
    publicDailyLimit: number;
  };
  /** Absolute path of the staff console's build (index.html and assets/). */
  consoleDir: string;
  /** Defaults of the site settings (footer, share cards); the stored settings override them. */
  site: { name: string; organizer: string; icpNumber: string; psbNumber: string };
  /** Default activity-fund rule; each year stores its own rule the first time it is used. */
  activityFunds: { defaultRates: FundRates };
  /** Periodic reports: the PDF's fonts per role (GB/T 9704: 小标宋 title, 仿宋 body, 黑体 and 楷体 headings). */
  reports: { fonts: Record<'title' | 'body' | 'heading' | 'kai' | 'fallback', FontSource> };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration. Empty strings count as unset. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        return `${name}=${JSON.stringify(raw[name] ?? '')}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.SMS_PROVIDER === 'tencent') {
    for (const k of ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY', 'TENCENT_SMS_APP_ID'] as const) {
      if (!e[k]) problems.push(`${k}: required when SMS_PROVIDER=tencent`);
    }
  }
  if (e.SMS_PROVIDER === 'aliyun') {
    for (const k of ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET'] as const) {
      if (!e[k]) problems.push(`${k}: required when SMS_PROVIDER=aliyun`);
    }
  }
  if (e.SMS_TEMPLATES_FILE && !existsSync(e.SMS_TEMPLATES_FILE)) {
    problems.push(`SMS_TEMPLATES_FILE=${JSON.stringify(e.SMS_TEMPLATES_FILE)}: no such file`);
  }
  if (Boolean(e.WECHAT_APP_ID) !== Boolean(e.WECHAT_APP_SECRET)) {
    problems.push('WECHAT_APP_ID and WECHAT_APP_SECRET: set both or neither');
  }
  if (new Set([!!e.WEIBO_APP_KEY, !!e.WEIBO_APP_SECRET, !!e.WEIBO_REDIRECT_URI]).size > 1) {
    problems.push('WEIBO_APP_KEY, WEIBO_APP_SECRET and WEIBO_REDIRECT_URI: set all three or none');
  }
  if (e.WECHAT_ENCODING_AES_KEY) {
    // Safe mode seals for the app id and signs with the token: a key alone would accept nothing, silently.
    for (const k of ['WECHAT_APP_ID', 'WECHAT_TOKEN'] as const) {
      if (!e[k]) problems.push(`${k}: required when WECHAT_ENCODING_AES_KEY is set (safe mode)`);
    }
  }
  const publicBaseUrl = e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT || 3000}`;
  if (e.NODE_ENV === 'production' && !e.PUBLIC_BASE_URL) {
    problems.push('PUBLIC_BASE_URL: required in production (the public address citizens and WeChat reach: links, feeds, share cards)');
  } else if (e.NODE_ENV === 'production' && /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?(\/|$)/i.test(publicBaseUrl)) {
    problems.push(
      `PUBLIC_BASE_URL=${JSON.stringify(publicBaseUrl)}: in production it must be the public address citizens and WeChat reach (links, feeds, share cards), not localhost`,
    );
  }
  if (e.SUGGESTION_HARD_DEADLINE_MONTHS < e.SUGGESTION_DEADLINE_MONTHS) {
    problems.push('SUGGESTION_HARD_DEADLINE_MONTHS: must not be shorter than SUGGESTION_DEADLINE_MONTHS');
  }
  if (e.NODE_ENV === 'production' && e.SMS_PROVIDER !== 'outbox' && (e.SMS_RECEIPT_TOKEN ?? '').length < 16) {
    // Neither Tencent nor Aliyun signs its HTTP pushes: the secret in the callback URL is all that tells a real
    // receipt or TD reply from a forged one.
    problems.push(`SMS_RECEIPT_TOKEN: required in production with SMS_PROVIDER=${e.SMS_PROVIDER} (at least 16 random characters, put in the callback URLs as ?token=)`);
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    dataDir: path.resolve(e.DATA_DIR),
    dbCacheMb: e.DB_CACHE_MB,
    dbCommandMetrics: e.DB_COMMAND_METRICS,
    publicBaseUrl,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
    mediaMaxBytes: Math.round(e.MEDIA_MAX_MB * 1024 * 1024),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    allowedLinkHosts: e.ALLOWED_LINK_HOSTS,
    metrics: { token: e.METRICS_TOKEN, allow: e.METRICS_ALLOW },
    schedulerEnabled: e.SCHEDULER_ENABLED,
    auth: {
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginLockMs: e.LOGIN_LOCK_MINUTES * 60_000,
      tokenTtlMs: e.TOKEN_TTL_HOURS * 3_600_000,
    },
    wechat: {
      appId: e.WECHAT_APP_ID,
      appSecret: e.WECHAT_APP_SECRET,
      token: e.WECHAT_TOKEN,
      encodingAesKey: e.WECHAT_ENCODING_AES_KEY,
      previousEncodingAesKey: e.WECHAT_ENCODING_AES_KEY_PREVIOUS,
      plainCallbacksAllowed: e.WECHAT_PLAIN_CALLBACKS,
      apiBase: e.WECHAT_API_BASE,
      accountType: e.WECHAT_ACCOUNT_TYPE,
      verified: e.WECHAT_VERIFIED,
      massQuota: e.WECHAT_MASS_QUOTA,
    },
    weibo: { appKey: e.WEIBO_APP_KEY, appSecret: e.WEIBO_APP_SECRET, redirectUri: e.WEIBO_REDIRECT_URI, apiBase: e.WEIBO_API_BASE },
    partners: {
      webhookTimeoutMs: e.PARTNER_WEBHOOK_TIMEOUT_MS,
      webhookAllowHttp: e.PARTNER_WEBHOOK_ALLOW_HTTP ?? e.NODE_ENV !== 'production',
      feedItems: e.PARTNER_FEED_ITEMS,
    },
    sms: {
      provider: e.SMS_PROVIDER,
      endpoint: e.SMS_ENDPOINT,
      lookupSettleMs: e.SMS_LOOKUP_SETTLE_SECONDS * 1000,
      signName: e.SMS_SIGN_NAME,
      receiptToken: e.SMS_RECEIPT_TOKEN,
      confirmAbove: e.SMS_CONFIRM_ABOVE,
      templatesFile: e.SMS_TEMPLATES_FILE ? path.resolve(e.SMS_TEMPLATES_FILE) : undefined,
      tencent: { secretId: e.TENCENT_SECRET_ID, secretKey: e.TENCENT_SECRET_KEY, appId: e.TENCENT_SMS_APP_ID, region: e.TENCENT_SMS_REGION },
      aliyun: { accessKeyId: e.ALIYUN_ACCESS_KEY_ID, accessKeySecret: e.ALIYUN_ACCESS_KEY_SECRET },
    },
    meetings: { reminderOffsetsMs: e.MEETING_REMINDER_OFFSETS, rsvpTokenSecret: e.RSVP_TOKEN_SECRET },
    publishing: { workerEnabled: e.PUBLISHING_WORKER_ENABLED, leaseMs: e.PUBLISHING_LEASE_MS, concurrency: e.PUBLISHING_CONCURRENCY, idlePollMs: e.PUBLISHING_IDLE_POLL_MS },
    suggestions: {
      deadlineMonths: e.SUGGESTION_DEADLINE_MONTHS,
      hardDeadlineMonths: e.SUGGESTION_HARD_DEADLINE_MONTHS,
      linkDays: e.SUGGESTION_LINK_DAYS,
      tokenSecret: e.SUGGESTION_TOKEN_SECRET,
      publicDailyLimit: e.SUGGESTION_PUBLIC_DAILY_LIMIT,
    },
    consoleDir: e.CONSOLE_DIR ? path.resolve(e.CONSOLE_DIR) : DEFAULT_CONSOLE_DIR,
    accessLogSample: e.ACCESS_LOG_SAMPLE,
    pageCacheBytes: e.PAGE_CACHE_MB * 1024 * 1024,
    site: { name: e.SITE_NAME, organizer: e.SITE_ORGANIZER, icpNumber: e.SITE_ICP_NUMBER, psbNumber: e.SITE_PSB_NUMBER },
    activityFunds: { defaultRates: e.ACTIVITY_FUND_RULE },
    reports: { fonts: { title: e.REPORT_FONT_TITLE, body: e.REPORT_FONT_BODY, heading: e.REPORT_FONT_HEADING, kai: e.REPORT_FONT_KAI, fallback: e.REPORT_FONT_FALLBACK } },
  };
}
