/**
 * The SMS channel. For one delivery (a batch of recipients): fill the notification's template per recipient and
 * check each value's length, normalise numbers (+86), honour opt-outs and per-number frequency limits, then send
 * through the provider in requests of its maximum size and record every number's outcome.
 *
 * Exactly once per number: each number gets an SmsMessage record ('sending') before its request, marked `handedAt`
 * the moment the request is handed to the provider, and settled (with the provider's RequestId) after. Calling
 * deliver again for the same delivery (a retry, or reconcile after a crash) sends only to numbers without a record.
 * A 'sending' record never handed over is sent now. A handed one is in doubt and is settled from the provider's own
 * records (outbox: exactly; Aliyun QuerySendDetails; Tencent PullSmsSendStatusByPhoneNumber), and receipts already
 * received settle it too: found → sent; missing once the records are complete (SMS_LOOKUP_SETTLE_SECONDS after the
 * hand-off) → never accepted, sent now; otherwise it is asked again later, and what still cannot be told when the
 * pipeline gives up becomes 'unknown' with the evidence per number. Never sent twice.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { ChannelError, type Channel, type DeliveryOutcome, type DeliveryRequest, type RecipientOutcome, type SmsRecipient } from '../types';
import { SmsOptOutModel, type SmsMessageStatus } from './models';
import { changeBatch, changeNumbers, deliveryRecords, entryOf, insertBatch, providerIdsOnRecord, recentTexts, type BatchEntry, type BatchHeader, type NumberRecord } from './records';
import { normalizeChinaMobile } from './phone';
import { SmsProviderError, type LookupAnswer, type ProviderMessage, type ProviderRecord, type SmsProvider } from './provider';
import { charLength, loadSmsTemplates, type SmsTemplate, type SmsTemplates } from './templates';
import { beijingDayStart, CAMPAIGN_TIME_ZONE } from '../../calendar/beijing';

export interface SmsLimits {
  /** The same notification kind to one number at most once per this many ms. */
  sameTemplateIntervalMs: number;
  /** Texts to one number per calendar day (Asia/Shanghai). */
  perNumberDaily: number;
}

export const DEFAULT_SMS_LIMITS: SmsLimits = { sameTemplateIntervalMs: 30_000, perNumberDaily: 10 };

export interface SmsChannelDeps {
  provider: SmsProvider;
  signName: string;
  clock: Clock;
  logger: Logger;
  templates?: SmsTemplates;
  limits?: SmsLimits;
  /** A message missing from the provider's records this long after its hand-off was never accepted (default 60 s). */
  lookupSettleMs?: number;
}

interface Planned {
  phone: string;
  values: Record<string, string>;
}

/** A number held back by a frequency limit: when it may go, and why it waits. */
interface Deferral {
  until: Date;
  reason: string;
}

const COUNTED: SmsMessageStatus[] = ['sending', 'sent', 'delivered', 'unknown'];
const IN_DOUBT_MESSAGE = '发送请求未得到服务商应答，且服务商记录无法证实是否已发出，请人工确认';
const PROVIDER_LABELS: Record<SmsProvider['name'], string> = { outbox: '短信发件箱', tencent: '腾讯云', aliyun: '阿里云' };
/** How far before the hand-off an untagged provider record may be dated (clock skew between us and the provider). */
const SKEW_MS = 60_000;

export class SmsChannel implements Channel {
  readonly name = 'sms' as const;
  private readonly templates: SmsTemplates;
  private readonly limits: SmsLimits;

  constructor(private readonly deps: SmsChannelDeps) {
    this.templates = deps.templates ?? loadSmsTemplates();
    this.limits = deps.limits ?? DEFAULT_SMS_LIMITS;
  }

  get provider(): SmsProvider {
    return this.deps.provider;
  }

  deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    return this.run(request);
  }

  /** Finishes an interrupted fan-out: in-doubt numbers are looked up (or become 'unknown'), the rest are sent once. */
  reconcile(request: DeliveryRequest): Promise<DeliveryOutcome> {
    return this.run(request);
  }

  /**
   * The pipeline gave up: numbers never handed to the provider are forgotten (they count as not sent); handed ones
   * whose fate the provider's records could not tell become 'unknown' with the evidence. Every recorded number is reported.
   */
  async settleAbandoned(request: DeliveryRequest): Promise<RecipientOutcome[]> {
    const now = this.deps.clock.now();
    const records = await deliveryRecords(request.deliveryId);
    const open = records.filter((d) => d.status === 'sending');
    const verdicts = new Map<string, BatchEntry | null>();
    for (const d of open) {
      verdicts.set(
        d.phone,
        d.handedAt ? { ...entryOf(d), s: 'unknown', t: now, e: 'in_doubt', m: `${IN_DOUBT_MESSAGE}。${d.evidence ?? this.handOff(d)}` } : null,
      );
    }
    if (open.length) await changeNumbers(open, (e) => (e.s === 'sending' && verdicts.has(e.p) ? verdicts.get(e.p)! : e));
    return records.flatMap((d) => {
      if (!verdicts.has(d.phone)) return [toOutcome(d)];
      const v = verdicts.get(d.phone);
      return v ? [toOutcome({ phone: d.phone, status: v.s, providerMessageId: v.id, errorCode: v.e, errorMessage: v.m })] : [];
    });
  }

  private async run(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const sms = request.sms;
    if (!sms) throw new ChannelError('短信投递缺少通知类型与参数', 'sms_request_missing', false);
    const template = this.templates[sms.notification];
    if (!template) throw new ChannelError(`没有"${sms.notification}"类通知的短信模板`, 'sms_template_missing', false);
    const shared = this.sharedValues(await this.withShortLink(request, template), template);

    const outcomes = new Map<string, RecipientOutcome>();
    const planned: Planned[] = [];
    const wanted = new Set<string>();
    for (const r of sms.recipients) {
      const phone = normalizeChinaMobile(r.phone);
      if (!phone) {
        outcomes.set(`invalid:${r.phone}`, { recipient: r.phone, status: 'failed', errorCode: 'invalid_phone', errorMessage: `"${r.phone}"不是有效的中国大陆手机号` });
        continue;
      }
      if (outcomes.has(phone) || wanted.has(phone)) continue; // one text per number per delivery
      const values = personalValues(template, shared, r);
      if ('error' in values) outcomes.set(phone, { recipient: phone, status: 'failed', errorCode: 'sms_param_too_long', errorMessage: values.error });
      else {
        planned.push({ phone, values });
        wanted.add(phone);
      }
    }

    // What earlier attempts of this delivery already did (one query: the delivery's batches).
    const existing = new Map<string, RecordView>();
    // A first try has no records to read (the unique claim still guards against a concurrent attempt).
    if (!request.firstTry) for (const d of await deliveryRecords(request.deliveryId)) if (wanted.has(d.phone)) existing.set(d.phone, d);
    const checking = await this.settleInDoubt(request.deliveryId, [...existing.values()].filter((d): d is NumberRecord => d.status === 'sending' && 'batchId' in d), existing);
    const fresh = planned.filter((p) => !existing.has(p.phone));
    const deferred = await this.holdBack(request, sms.notification, fresh, existing);
    const toSend = fresh.filter((p) => !existing.has(p.phone) && !deferred.has(p.phone));

    const stop = await this.sendAll(request, template, toSend, deferred, existing);
    // Every recorded number as it stands (kept up to date in memory as each batch was written).
    for (const d of existing.values()) outcomes.set(d.phone, toOutcome(d));
    if (checking) {
      // The rest went out; these wait until the provider's records can tell (the pipeline retries with backoff).
      throw new ChannelError(
        `${checking} 个号码的短信已交给服务商但未得到应答，服务商记录暂不能证实是否收到，稍后再查`,
        'sms_in_doubt_checking',
        true,
        undefined,
        undefined,
        true,
      );
    }
    for (const [phone, d] of deferred) {
      // A permanent stop (the account, the template) would refuse them too: they fail with it instead of waiting.
      outcomes.set(
        phone,
        stop
          ? { recipient: phone, status: 'failed', errorCode: stop.code, errorMessage: stop.message }
          : { recipient: phone, status: 'deferred', errorCode: 'frequency_limited', errorMessage: `${d.reason}，将于 ${shanghaiClock(d.until)} 发送` },
      );
    }
    const recipients = [...outcomes.values()];
    const sent = recipients.filter((r) => r.status === 'sent' || r.status === 'delivered' || r.status === 'unknown').length;
    const providerIds = { provider: this.deps.provider.name };
    if (deferred.size && !stop) {
      const deferUntil = new Date(Math.min(...[...deferred.values()].map((d) => d.until.getTime())));
      return { status: 'sent', providerIds, recipients, deferUntil };
    }
    if (stop && !sent) {
      throw new ChannelError(`短信发送失败：${stop.message}`, `sms_${stop.code}`, false, stop.code, stop.message);
    }
    if (!sent && recipients.some((r) => r.status === 'failed')) {
      const first = recipients.find((r) => r.status === 'failed')!;
      return { status: 'failed', providerIds, recipients, error: { code: first.errorCode ?? 'sms_failed', message: first.errorMessage ?? '全部号码发送失败' } };
    }
    return { status: 'sent', providerIds, recipients, ...(stop ? { error: { code: `sms_${stop.code}`, message: stop.message } } : {}) };
  }

  /** A page link in a text goes out as the page's short link for SMS (PUBLIC_BASE_URL/l/CODE): any headline then fits. */
  private async withShortLink(request: DeliveryRequest, template: SmsTemplate): Promise<DeliveryRequest> {
    const needsLink = template.params.some((p) => p.name === 'link') && request.sms?.params?.link === undefined;
    if (!needsLink || !request.content.shortUrl || request.sms?.recipients.every((r) => r.params?.link !== undefined)) return request;
    return { ...request, content: { ...request.content, url: await request.content.shortUrl('sms') } };
  }

  /** Values every recipient shares: request params over content-derived defaults; too long → refuse the delivery. */
  private sharedValues(request: DeliveryRequest, template: SmsTemplate): Record<string, string> {
    const given = request.sms?.params ?? {};
    const values: Record<string, string> = {};
    for (const p of template.params) {
      const explicit = given[p.name];
      if (explicit !== undefined) {
        if (charLength(explicit) > p.max) {
          throw new ChannelError(
            `短信参数"${p.name}"（${p.label}）有 ${charLength(explicit)} 个字，超过模板限制的 ${p.max} 个字，请缩短后再发送`,
            'sms_param_too_long',
            false,
          );
        }
        values[p.name] = explicit;
        continue;
      }
      const derived = p.name === 'title' ? request.content.title : p.name === 'link' ? request.content.url : p.name === 'digest' ? request.content.digest : undefined;
      if (derived === undefined) continue;
      if (p.name !== 'link') {
        values[p.name] = clip(derived, p.max);
        continue;
      }
      // A link cannot be clipped. Too long for the template: refuse, unless every recipient brings their own.
      if (charLength(derived) > p.max) {
        if (request.sms?.recipients.every((r) => r.params?.[p.name] !== undefined)) continue;
        throw new ChannelError(
          `短信参数"${p.name}"（${p.label}）取自内容页地址，有 ${charLength(derived)} 个字符，超过模板限制的 ${p.max} 个字符。` +
            '请缩短站点地址（PUBLIC_BASE_URL）或页面地址，或在发布时直接提供较短的链接后再发送',
          'sms_param_too_long',
          false,
        );
      }
      values[p.name] = derived;
    }
    return values;
  }

  /**
   * Settles 'sending' records left by an interrupted attempt, from the provider's own records. Returns how many are
   * still in doubt and must be asked about again later (left 'sending', with the evidence so far).
   */
  private async settleInDoubt(deliveryId: string, inDoubt: NumberRecord[], existing: Map<string, RecordView>): Promise<number> {
    if (!inDoubt.length) return 0;
    const { provider, clock, logger } = this.deps;
    const now = clock.now();
    const settleMs = this.deps.lookupSettleMs ?? 60_000;
    const handed = inDoubt.filter((d) => d.handedAt);
    const answers: Map<string, LookupAnswer> =
      handed.length && provider.lookup ? await provider.lookup(deliveryId, handed.map((d) => ({ phone: d.phone, since: d.handedAt! })), now) : new Map();
    // Provider records that are already some other message of ours (their SerialNo/BizId is on record) are not this one.
    const ids = [...answers.values()].flatMap((a) => (a.ok ? a.records.map((r) => r.providerMessageId).filter((x): x is string => Boolean(x)) : []));
    const taken = new Set<string | undefined>(await providerIdsOnRecord(handed.map((d) => d.phone), ids));
    let checking = 0;
    const counts = { neverHanded: 0, found: 0, absent: 0, checking: 0, unknown: 0 };
    /** What becomes of each number's entry: replaced, or removed (null: never accepted, sent again now). */
    const verdicts = new Map<string, BatchEntry | null>();
    const keep = (d: NumberRecord, entry: BatchEntry) => {
      verdicts.set(d.phone, entry);
      existing.set(d.phone, { ...d, status: entry.s, evidence: entry.ev, errorCode: entry.e, errorMessage: entry.m, providerMessageId: entry.id });
    };
    for (const d of inDoubt) {
      if (!d.handedAt) {
        counts.neverHanded += 1;
        existing.delete(d.phone); // the request never left: send it now
        verdicts.set(d.phone, null);
        continue;
      }
      const handOff = this.handOff(d);
      const answer = answers.get(d.phone);
      if (!provider.lookup || !answer) {
        counts.unknown += 1;
        const evidence = `${handOff}；${PROVIDER_LABELS[provider.name]}不提供按号码查询发送记录`;
        keep(d, { ...entryOf(d), s: 'unknown', t: now, ev: evidence, e: 'in_doubt', m: `${IN_DOUBT_MESSAGE}。${evidence}` });
        continue;
      }
      if (!answer.ok) {
        counts.checking += 1;
        checking += 1;
        keep(d, { ...entryOf(d), ev: `${handOff}；查询服务商记录（${answer.query}）失败：${answer.error}` });
        continue;
      }
      const hit = matchRecord(answer.records, deliveryId, d.handedAt, taken);
      if (hit) {
        counts.found += 1;
        if (hit.providerMessageId) taken.add(hit.providerMessageId);
        const evidence = `${handOff}；服务商记录中找到该短信（${answer.query}${hit.providerMessageId ? `，编号 ${hit.providerMessageId}` : ''}）`;
        const status = hit.status === 'failed' ? 'failed' : hit.status;
        const entry: BatchEntry = { p: d.phone, s: status, t: now, ev: evidence, ...(hit.providerMessageId ?? d.providerMessageId ? { id: hit.providerMessageId ?? d.providerMessageId } : {}) };
        if (d.receiptAt) entry.at = d.receiptAt;
        if (status === 'failed') Object.assign(entry, { e: hit.errorCode ?? 'undelivered', m: `运营商回执：未送达（${hit.errorCode ?? '未知原因'}）` });
        keep(d, entry);
        continue;
      }
      const settled = provider.lookupIsExact || (answer.complete && now.getTime() - d.handedAt.getTime() >= settleMs);
      if (settled) {
        counts.absent += 1;
        existing.delete(d.phone); // the provider's complete records show it was never accepted: send it now
        verdicts.set(d.phone, null);
        continue;
      }
      counts.checking += 1;
      checking += 1;
      const why = answer.complete ? `交给服务商后不足 ${Math.round(settleMs / 1000)} 秒，记录可能尚未出现` : '该号码当天记录过多，查询结果不完整';
      keep(d, { ...entryOf(d), ev: `${handOff}；服务商记录中暂未找到（${answer.query}），${why}` });
    }
    // Only numbers still 'sending' change: a receipt that came meanwhile has said more than the lookup.
    await changeNumbers(inDoubt, (e) => (e.s === 'sending' && verdicts.has(e.p) ? verdicts.get(e.p)! : e));
    logger.info({ deliveryId, ...counts }, 'settled in-doubt SMS records from the provider records');
    return checking;
  }

  /** When and how a record was handed to the provider, in words for the people who decide. */
  private handOff(d: Pick<NumberRecord, 'handedAt' | 'requestId' | 'errorMessage'>): string {
    if (!d.handedAt) return '请求尚未交给服务商';
    const at = d.handedAt.toLocaleString('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, hour12: false });
    const label = PROVIDER_LABELS[this.deps.provider.name];
    return `${at} 交给${label}${d.requestId ? `（请求号 ${d.requestId}）` : ''}，${d.errorMessage ?? '未得到应答（发送进程中断）'}`;
  }

  /**
   * Opted-out numbers are recorded as skipped (they stay skipped for this delivery). Numbers a frequency limit holds
   * back (the same kind within the interval, the daily cap) get no record: they are deferred until the limit
   * allows, returned here by the moment they may go.
   */
  private async holdBack(request: DeliveryRequest, notification: string, fresh: Planned[], existing: Map<string, RecordView>): Promise<Map<string, Deferral>> {
    const deferred = new Map<string, Deferral>();
    if (!fresh.length) return deferred;
    const now = this.deps.clock.now();
    const interval = this.limits.sameTemplateIntervalMs;
    const phones = fresh.map((p) => p.phone);
    const dayStart = beijingDayStart(now);
    const since = new Date(Math.min(dayStart.getTime(), now.getTime() - interval));
    // Both at once: two round trips' latency become one.
    const [optOutRows, recent] = await Promise.all([
      SmsOptOutModel.collection.find({ _id: { $in: phones } } as Record<string, unknown>, { projection: { _id: 1 } }).toArray(),
      recentTexts(phones, since, request.deliveryId, COUNTED),
    ]);
    const optedOut = new Set(optOutRows.map((r) => r._id as unknown as string));
    const today = new Map<string, number>();
    const sameUntil = new Map<string, number>();
    for (const r of recent) {
      if (r.attemptedAt >= dayStart) today.set(r.phone, (today.get(r.phone) ?? 0) + 1);
      const until = r.attemptedAt.getTime() + interval;
      if (r.notification === notification && until > now.getTime()) sameUntil.set(r.phone, Math.max(sameUntil.get(r.phone) ?? 0, until));
    }
    const skipped: BatchEntry[] = [];
    for (const p of fresh) {
      if (optedOut.has(p.phone)) {
        skipped.push({ p: p.phone, s: 'skipped', e: 'opted_out', m: '该号码已退订短信', t: now });
      } else if ((today.get(p.phone) ?? 0) >= this.limits.perNumberDaily) {
        deferred.set(p.phone, { until: new Date(dayStart.getTime() + 86_400_000), reason: `该号码今日已收到 ${this.limits.perNumberDaily} 条短信，达到上限` });
      } else if (sameUntil.has(p.phone)) {
        deferred.set(p.phone, { until: new Date(sameUntil.get(p.phone)!), reason: `同类短信 ${Math.round(interval / 1000)} 秒内只发一次` });
      }
    }
    if (skipped.length) {
      const header = { deliveryId: request.deliveryId, notification: notification as BatchHeader['notification'], provider: this.deps.provider.name, attemptedAt: now };
      await this.insertAndTrack(header, skipped, existing);
    }
    return deferred;
  }

  /** Writes a batch and notes its numbers as recorded; numbers another attempt holds are read back as theirs. */
  private async insertAndTrack(header: BatchHeader, entries: BatchEntry[], existing: Map<string, RecordView>): Promise<BatchEntry[]> {
    const stored = await insertBatch(header, entries);
    const mine = stored?.r ?? [];
    for (const e of mine) existing.set(e.p, viewOf(header, e));
    if (mine.length < entries.length) {
      const ours = new Set(mine.map((e) => e.p));
      const theirs = new Set(entries.filter((e) => !ours.has(e.p)).map((e) => e.p));
      for (const d of await deliveryRecords(header.deliveryId)) if (theirs.has(d.phone)) existing.set(d.phone, d);
    }
    return mine;
  }

  /**
   * Sends in provider-sized requests; returns the permanent error that stopped the fan-out, if any. Numbers the
   * provider refuses for its own per-number frequency limits were not accepted: they join `deferred`.
   */
  private async sendAll(
    request: DeliveryRequest,
    template: SmsTemplate,
    toSend: Planned[],
    deferred: Map<string, Deferral>,
    existing: Map<string, RecordView>,
  ): Promise<SmsProviderError | undefined> {
    const provider = this.deps.provider;
    const chunks = chunkForProvider(toSend, provider);
    const track = (header: BatchHeader, entries: BatchEntry[]) => {
      for (const e of entries) existing.set(e.p, viewOf(header, e));
    };
    for (const [index, chunk] of chunks.entries()) {
      const now = this.deps.clock.now();
      // Claim and hand-off in one write, just before the request leaves: from here on a crash leaves these numbers
      // in doubt, to be looked up at the provider (a crash before the request left costs a lookup, never a duplicate).
      const header: BatchHeader = { deliveryId: request.deliveryId, notification: request.sms!.notification, provider: provider.name, attemptedAt: now, handedAt: now };
      const batch = await insertBatch(header, chunk.map((m) => ({ p: m.phone, s: 'sending' as const })));
      if (batch && batch.r.length < chunk.length) {
        // Some numbers were claimed by another attempt meanwhile: theirs, as their records say.
        const ours = new Set(batch.r.map((e) => e.p));
        const theirs = new Set(chunk.filter((m) => !ours.has(m.phone)).map((m) => m.phone));
        for (const d of await deliveryRecords(request.deliveryId)) if (theirs.has(d.phone)) existing.set(d.phone, d);
      }
      if (!batch) continue;
      const claimed = new Set(batch.r.map((e) => e.p));
      const mine = chunk.filter((m) => claimed.has(m.phone)); // a number another worker claimed meanwhile is theirs
      track(header, batch.r);
      let results;
      try {
        results = await provider.send({ deliveryId: request.deliveryId, notification: request.sms!.notification, template, signName: this.deps.signName, messages: mine });
      } catch (err) {
        const e = err instanceof SmsProviderError ? err : new SmsProviderError((err as Error).message, 'provider_error', false);
        if (e.mayHaveBeenAccepted) {
          // Leave the numbers 'sending' with what the provider answered: the next attempt looks them up instead of resending.
          await changeBatch(batch, (r) => r.map((x) => (x.s === 'sending' ? { ...x, e: e.code, m: e.message } : x)), e.requestId ? { requestId: e.requestId } : {});
          throw new ChannelError(`短信请求未得到应答：${e.message}`, `sms_${e.code}`, true, e.code, e.message, true);
        }
        if (e.transient) {
          // Refused without being accepted: no record, so the next attempt sends them.
          await changeBatch(batch, (r) => r.filter((x) => x.s !== 'sending'));
          for (const m of mine) existing.delete(m.phone);
          throw new ChannelError(`短信暂时发送失败：${e.message}`, `sms_${e.code}`, true, e.code, e.message);
        }
        // Permanent: this and every later number fail with the provider's reason (they would fail the same way).
        const failed = (x: BatchEntry): BatchEntry => ({ ...x, s: 'failed', e: e.code, m: e.message, t: now });
        const stored = await changeBatch(batch, (r) => r.map((x) => (x.s === 'sending' ? failed(x) : x)));
        track(header, stored);
        const rest = chunks.slice(index + 1).flat();
        const restHeader: BatchHeader = { deliveryId: request.deliveryId, notification: request.sms!.notification, provider: provider.name, attemptedAt: now };
        for (let i = 0; i < rest.length; i += 200) {
          await this.insertAndTrack(restHeader, rest.slice(i, i + 200).map((m) => failed({ p: m.phone, s: 'failed' })), existing);
        }
        return e;
      }
      const settled = this.deps.clock.now();
      const limited = results.filter((r) => !r.ok && r.code && provider.frequencyLimit?.(r.code, settled));
      for (const r of limited) deferred.set(r.phone, { until: provider.frequencyLimit!(r.code!, settled)!, reason: r.message ?? '服务商频率限制' });
      const byPhone = new Map(results.map((r) => [r.phone, r]));
      const requestId = results.find((r) => r.requestId)?.requestId;
      const stored = await changeBatch(
        batch,
        (r) =>
          r.flatMap((x): BatchEntry[] => {
            const res = byPhone.get(x.p);
            if (x.s !== 'sending' || !res) return [x]; // a receipt already said more; or no answer for it: still in doubt
            if (deferred.has(x.p)) return []; // refused for the provider's frequency limit: not accepted, goes later
            return [
              res.ok
                ? { ...x, s: 'sent', t: settled, ...(res.providerMessageId ? { id: res.providerMessageId } : {}) }
                : { ...x, s: 'failed', t: settled, e: res.code ?? 'failed', m: res.message ?? '发送失败' },
            ];
          }),
        requestId ? { requestId } : {},
      );
      for (const r of limited) existing.delete(r.phone);
      track({ ...header, ...(requestId ? { requestId } : {}) }, stored);
    }
    return undefined;
  }
}

/**
 * The provider record that is this message: tagged with our delivery id, or (a provider that does not echo the tag)
 * an untagged one from the hand-off on that is not already another message of ours.
 */
function matchRecord(records: ProviderRecord[], deliveryId: string, handedAt: Date, taken: Set<string | undefined>): ProviderRecord | undefined {
  const tagged = records.find((r) => r.tag === deliveryId);
  if (tagged) return tagged;
  return records.find(
    (r) => !r.tag && r.providerMessageId && !taken.has(r.providerMessageId) && (!r.at || r.at.getTime() >= handedAt.getTime() - SKEW_MS),
  );
}

/** Groups numbers by identical values and cuts them to the provider's request sizes. */
export function chunkForProvider(messages: ProviderMessage[], provider: Pick<SmsProvider, 'maxSameParams' | 'maxMixedParams'>): ProviderMessage[][] {
  const groups = new Map<string, ProviderMessage[]>();
  // Messages without personal values share one values object (personalValues): each distinct object is keyed once.
  const distinct = new Set(messages.map((m) => m.values));
  const names = [...new Set([...distinct].flatMap((v) => Object.keys(v)))].sort();
  const keys = new Map<Record<string, string>, string>();
  // The template's parameter names in one order: the values alone tell two messages apart.
  for (const v of distinct) keys.set(v, JSON.stringify(names.map((n) => v[n] ?? null)));
  for (const m of messages) {
    const key = keys.get(m.values)!;
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  const chunks: ProviderMessage[][] = [];
  const singles: ProviderMessage[] = [];
  for (const g of groups.values()) {
    if (g.length === 1 && provider.maxMixedParams > 1) singles.push(g[0]);
    else for (let i = 0; i < g.length; i += provider.maxSameParams) chunks.push(g.slice(i, i + provider.maxSameParams));
  }
  for (let i = 0; i < singles.length; i += provider.maxMixedParams) chunks.push(singles.slice(i, i + provider.maxMixedParams));
  return chunks;
}

/**
 * The values of one recipient's text. A recipient with nothing of their own (no params, no name in the template) gets
 * the shared object itself, not a copy: a 200-number batch then carries one values object (read-only from here on).
 */
function personalValues(template: SmsTemplate, shared: Record<string, string>, r: SmsRecipient): Record<string, string> | { error: string } {
  if (template.params.every((p) => shared[p.name] !== undefined && r.params?.[p.name] === undefined)) return shared;
  const values: Record<string, string> = {};
  for (const p of template.params) {
    const own = r.params?.[p.name];
    if (own !== undefined && charLength(own) > p.max) {
      return { error: `短信参数"${p.name}"（${p.label}）有 ${charLength(own)} 个字，超过模板限制的 ${p.max} 个字` };
    }
    const v = own ?? shared[p.name] ?? (p.name === 'name' && r.name ? clip(r.name, p.max) : undefined);
    if (v === undefined) {
      throw new ChannelError(`短信模板缺少参数"${p.name}"（${p.label}），请补充后再发送`, 'sms_param_missing', false);
    }
    values[p.name] = v;
  }
  return values;
}

/** A number's record as the channel keeps it in memory during a run: read from the database or just written. */
type RecordView = Pick<NumberRecord, 'phone' | 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'> & Partial<NumberRecord>;

function viewOf(header: BatchHeader, e: BatchEntry): RecordView {
  return {
    phone: e.p,
    status: e.s,
    providerMessageId: e.id,
    errorCode: e.e,
    errorMessage: e.m,
    evidence: e.ev,
    receiptAt: e.at,
    handedAt: header.handedAt,
    requestId: header.requestId,
  };
}

function toOutcome(d: Pick<NumberRecord, 'phone' | 'status' | 'providerMessageId' | 'errorCode' | 'errorMessage'>): RecipientOutcome {
  const status = d.status === 'sending' ? 'unknown' : d.status;
  return {
    recipient: d.phone,
    status,
    ...(d.providerMessageId ? { providerMessageId: d.providerMessageId } : {}),
    ...(d.errorCode ? { errorCode: d.errorCode } : {}),
    ...(d.errorMessage ? { errorMessage: d.errorMessage } : {}),
  };
}

function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** "12月1日 14:30:05" in Asia/Shanghai, for messages people read. */
function shanghaiClock(at: Date): string {
  return at.toLocaleString('zh-CN', { timeZone: CAMPAIGN_TIME_ZONE, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

