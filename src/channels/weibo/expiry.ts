/**
 * The scheduled check that warns admins before the Weibo token runs out (ordinary web apps get no refresh token):
 * once per connection, within EXPIRY_WARNING_MS of expiry (or when already expired/rejected), it logs a warning
 * and sets `expiryWarnedAt`, which the channel status reports for the console to show.
 */
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { connectionStatus, markExpiryWarned, readConnection } from './connection';

export const WEIBO_EXPIRY_JOB = 'weibo-token-expiry';

export async function warnBeforeWeiboExpiry(clock: Clock, logger: Logger): Promise<'warned' | 'fine' | 'not-connected' | 'already-warned'> {
  const now = clock.now();
  const c = await readConnection();
  if (!c?.accessToken) return 'not-connected';
  const status = connectionStatus(c, now);
  if (!status.expiresSoon && !status.reconnectNeeded) return 'fine';
  if (c.expiryWarnedAt) return 'already-warned';
  logger.warn(
    { uid: c.uid, expiresAt: c.expiresAt, rejected: status.rejected },
    status.reconnectNeeded ? 'Weibo authorisation no longer valid: an admin must reconnect the account' : 'Weibo authorisation expires soon: an admin should reconnect the account',
  );
  await markExpiryWarned(now);
  return 'warned';
}
