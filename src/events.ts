/**
 * In-process domain events, so that inner modules announce what happened without knowing who listens
 * (content → site cache, wechat callback → publishing ledger). Listeners that must reach other instances
 * (page-cache invalidation) relay the event through MongoDB themselves.
 */
import { EventEmitter } from 'node:events';
import type { ItemKind } from './channels/types';

export interface DomainEvents {
  /** An item's public face may have changed: published, edited while live, withdrawn, deleted, restored. */
  'item.changed': { kind: ItemKind; id: string; slug?: string; reason: 'published' | 'updated' | 'withdrawn' | 'deleted' | 'restored' };
  /** An image's public face changed (AVIF/WebP copies added, caption or credit edited): pages showing it are rebuilt. */
  'media.changed': { mediaId: string };
  /** WeChat told us a publish / mass-send job finished (callback event). */
  'wechat.jobFinished': {
    event: 'PUBLISHJOBFINISH' | 'FREEPUBLISHJOBFINISH' | 'MASSSENDJOBFINISH' | 'TEMPLATESENDJOBFINISH';
    publishId?: string;
    msgId?: string;
    status: string;
    articleUrl?: string;
    raw: Record<string, unknown>;
  };
  /** A citizen unsubscribed from the account: no more pushes to them. */
  'wechat.unfollowed': { openid: string };
  /** A phone number opted out of SMS (TD / 退订 reply, or a flag set by an admin). */
  'sms.optedOut': { phone: string };
  /** A provider's delivery receipt for one number (deliveryId comes back through SessionContext / OutId). */
  'sms.receipt': {
    provider: string;
    deliveryId?: string;
    phone: string;
    delivered: boolean;
    providerMessageId?: string;
    errorCode?: string;
    errorMessage?: string;
    receivedAt: Date;
  };
}

type Listener<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => void | Promise<void>;

export class DomainEventBus {
  private readonly emitter = new EventEmitter();
  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(50);
  }
  on<K extends keyof DomainEvents>(event: K, listener: Listener<K>): () => void {
    const wrapped = (payload: DomainEvents[K]) => {
      Promise.resolve()
        .then(() => listener(payload))
        .catch((err) => this.onListenerError(err, event));
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }
  /** Listeners run asynchronously; `emit` never throws because of them. */
  emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}
