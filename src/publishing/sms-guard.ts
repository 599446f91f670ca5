/**
 * What a person may send by SMS under the account's signature: links only to the microsite or the allowed hosts,
 * and more than SMS_CONFIRM_ABOVE recipients only with an admin's confirmation, which the publication records
 * (who, when, how many). Checked when a person asks for a publication, before anything is stored.
 */
import { countPhoneAudience } from '../audiences/resolve';
import type { AudienceSpec } from '../audiences/types';
import { foreignLinks } from '../allowed-links';
import { ForbiddenError, ValidationError } from '../errors';

export interface LargeSendConfirmation {
  by: string;
  at: Date;
  recipients: number;
}

/** Refuses shared template values that carry a link to anywhere else than the allowed hosts. */
export function assertSmsLinksAllowed(params: Record<string, string>, hosts: string[]): void {
  const problems = Object.entries(params).flatMap(([name, value]) =>
    foreignLinks(value, hosts).map((link) => ({ field: `body.sms.params.${name}`, message: `link to ${link.slice(0, 80)} is not allowed (allowed hosts: ${hosts.join(', ')})` })),
  );
  if (problems.length) throw new ValidationError('短信中的链接只能指向本站或允许的网站', problems);
}

/**
 * Counts the audience (before opt-outs, the most it could reach) and, above the limit, requires an admin who
 * explicitly confirmed (`sms.confirmLargeSend: true`). Returns the confirmation to record, if one was needed.
 */
export async function largeSendConfirmation(
  audience: AudienceSpec,
  limit: number,
  request: { confirmed: boolean; user: { id: string; role: string }; now: Date },
): Promise<LargeSendConfirmation | undefined> {
  const recipients = await countPhoneAudience(audience);
  if (recipients <= limit) return undefined;
  const details = [{ field: 'body.sms.confirmLargeSend', message: `${recipients} recipients, more than ${limit}: an admin must confirm` }];
  if (request.user.role !== 'admin') {
    throw new ForbiddenError(`短信接收人 ${recipients} 人，超过 ${limit} 人，需由管理员确认发送`, 'large_send_needs_admin');
  }
  if (!request.confirmed) throw new ValidationError(`短信接收人 ${recipients} 人，超过 ${limit} 人，请确认后发送`, details);
  return { by: request.user.id, at: request.now, recipients };
}
