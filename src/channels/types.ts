/**
 * The contract between the publishing pipeline and each delivery channel.
 * A channel is an adapter: it knows its provider, nothing of HTTP routes or of the ledger's storage.
 * Adding a channel means one new folder implementing `Channel` (weibo/ is the latest).
 */

/** webhook: signed pushes to media partners (one delivery per partner; see channels/webhook). */
export type ChannelName = 'microsite' | 'wechat' | 'sms' | 'weibo' | 'webhook';

/** Kinds of publishable item (see ARCHITECTURE.md "item"). */
/** 'activity' is a planned group activity's notice: sent by SMS only, never shown on the microsite. */
/** 'subscription' is a sign-up code; 'suggestion' a suggestion's notices to deputies and departments: SMS only, like 'activity'. */
export type ItemKind = 'article' | 'deputy' | 'group' | 'case' | 'meeting' | 'activity' | 'subscription' | 'suggestion';

/** What a channel needs to know about the item, already resolved by the pipeline. */
export interface PublishableContent {
  kind: ItemKind;
  id: string;
  title: string;
  /** Short summary (≤120 chars), used as WeChat digest and SMS excerpt. */
  digest: string;
  /** Markdown source; channels render it for their medium. */
  markdown: string;
  /** Absolute URL of the item's microsite page (the "read the original" link). */
  url: string;
  /** A short URL of the same page for a channel (PUBLIC_BASE_URL/l/CODE, stable, clicks counted per channel). */
  shortUrl?: (channel: ChannelName) => Promise<string>;
  author?: string;
  /** Local file path of the cover image, if any (WeChat uploads it as the thumb). */
  coverImagePath?: string;
  /** Resolves an image URL found in the Markdown body to a local file path, or undefined if external. */
  resolveImagePath?: (src: string) => string | undefined;
}

/** SMS notification kinds; each maps to a provider template (templates/sms/). */
export type SmsNotificationKind =
  | 'news'
  | 'invitation'
  | 'reminder'
  | 'change'
  | 'cancellation'
  | 'activity_notice'
  | 'signup'
  | 'waitlist'
  | 'promotion'
  | 'subscription_code'
  | 'suggestion_assigned'
  | 'suggestion_answered'
  | 'suggestion_overdue';

export interface SmsRecipient {
  /** Phone number as stored; the channel normalises it to E.164 (+86…). */
  phone: string;
  name?: string;
  /** Per-recipient template values (e.g. a personal RSVP link), merged over `SmsRequest.params`. */
  params?: Record<string, string>;
}

export interface SmsRequest {
  notification: SmsNotificationKind;
  /** Template values shared by every recipient of the batch. */
  params: Record<string, string>;
  recipients: SmsRecipient[];
}

export interface WechatRequest {
  /** publish: free publish (in the account, no push). broadcast: mass send to all followers or a tag. */
  mode: 'publish' | 'broadcast';
  tagId?: number;
}

/** One delivery = one channel × one batch of recipients within a publication. */
export interface DeliveryRequest {
  deliveryId: string;
  /** Stable across retries; providers that support it use it to refuse duplicates (WeChat clientmsgid). */
  idempotencyKey: string;
  /** 1 for the first try. */
  attempt: number;
  /**
   * Nothing of this delivery has reached the channel before (the first claim, not a reconcile, nothing deferred):
   * a channel may skip reading its own records of earlier attempts.
   */
  firstTry?: boolean;
  content: PublishableContent;
  sms?: SmsRequest;
  wechat?: WechatRequest;
  /** The media partner this webhook delivery goes to. */
  webhook?: { partnerId: string };
}

/** deferred: held back by a frequency limit (ours or the provider's); sent when the limit allows, never dropped. */
export type RecipientStatus = 'sent' | 'failed' | 'skipped' | 'delivered' | 'unknown' | 'deferred';

export interface RecipientOutcome {
  /** E.164 phone or openid. */
  recipient: string;
  status: RecipientStatus;
  providerMessageId?: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface DeliveryOutcome {
  /**
   * sent: the provider accepted it and nothing more will come.
   * pending: accepted, the final result arrives later (WeChat publish/mass-send job events, or polling via `reconcile`).
   * failed: permanent failure; do not retry.
   */
  status: 'sent' | 'pending' | 'failed';
  /** Provider identifiers worth keeping (publish_id, msg_id, media_id, BizId, RequestId…). */
  providerIds?: Record<string, string>;
  recipients?: RecipientOutcome[];
  error?: { code: string; message: string };
  /**
   * Some recipients are held back by a frequency limit: the delivery goes back to the queue until then (without
   * using up an attempt) and sends to them, and only them, when the limit allows.
   */
  deferUntil?: Date;
}

/**
 * Raised by a channel when a delivery could not be completed.
 * `transient` errors (network, timeouts, 5xx, WeChat -1 system busy, provider throttling) are retried with backoff;
 * permanent ones stop and are shown to editors with `providerCode`/`message` in Chinese-friendly wording.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly transient: boolean,
    readonly providerCode?: string,
    readonly providerMessage?: string,
    /**
     * The request may have reached the provider although no answer came back (a timeout or a reset connection
     * after sending). Retrying such a delivery is still safe: channels remember what they sent and reconcile
     * in-doubt work (WeChat clientmsgid, SMS per-recipient records) before sending anything again.
     */
    readonly mayHaveBeenAccepted = false,
    /**
     * An earlier attempt may have done it and the provider cannot be asked (a free publish whose submit got no
     * answer): the delivery becomes 'unknown' for a person to decide, never 'failed' (which invites a plain retry).
     */
    readonly inDoubt = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }

  /** Work an earlier attempt may already have done, which the provider cannot confirm: a person decides. */
  static unverifiable(message: string, code: string): ChannelError {
    return new ChannelError(message, code, false, undefined, undefined, true, true);
  }
}

export interface Channel {
  readonly name: ChannelName;
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  /**
   * Called for a delivery that was `sending` when its worker died: ask the provider what happened.
   * Returns the outcome when the provider can tell, or 'unknown' when it cannot (a person decides).
   */
  reconcile(request: DeliveryRequest, providerIds: Record<string, string>): Promise<DeliveryOutcome | 'unknown'>;
  /**
   * The pipeline gives up on a delivery (transient failures until its last attempt): report what the channel
   * knows per recipient, settling its own in-doubt work as 'unknown', so a person's retry never repeats a
   * recipient who may already have it. Channels without per-recipient records omit this.
   */
  settleAbandoned?(request: DeliveryRequest): Promise<RecipientOutcome[]>;
  /**
   * Rules the item must meet for this channel (text length, links), checked when a publication is requested so
   * an editor hears at once rather than from a failed delivery. Returns the problem, or undefined when fine.
   */
  check?(content: PublishableContent): { code: string; message: string } | undefined;
}
