/**
 * What the publishing functions need from the running service (clock, logger, the worker's wake-up call),
 * set once by publishingModule(). Functions exported to other modules (createPublication) read it here so that
 * callers need not thread services through. Before the module is built (scripts), the system clock is used.
 */
import { systemClock, type Clock } from '../clock';
import type { ChannelName, ItemKind } from '../channels/types';

export interface PublishingRuntime {
  clock: Clock;
  /** Tells this process's worker that new work exists (so it does not wait for its next poll). */
  wake(): void;
  /** Channels this installation can deliver through (WeChat only when the account is configured). */
  channels: ReadonlySet<ChannelName>;
  /** Checks the item against the chosen channels' own rules (Channel.check); throws a ValidationError. */
  checkContent?(channels: ChannelName[], kind: ItemKind, itemId: string): Promise<void>;
}

let runtime: PublishingRuntime = { clock: systemClock, wake: () => {}, channels: new Set(['microsite', 'sms']) };

export function setPublishingRuntime(next: PublishingRuntime): void {
  runtime = next;
}

export function publishingRuntime(): PublishingRuntime {
  return runtime;
}
