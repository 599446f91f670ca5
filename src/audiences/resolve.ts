/**
 * Turns an audience spec into the phone recipients of one publication: normalised to E.164, each number once
 * (explicit recipients first, so their personal params win), opted-out numbers left out.
 */
import type { AudienceSpec } from './types';
import { getAudienceResolver, type AudienceRecipient } from './registry';
import { resolveDeputies } from './deputies';
import { resolveSubscribers } from './subscribers';
import { normalisePhone } from './phone';

export interface ResolvedPhoneAudience {
  recipients: AudienceRecipient[];
  summary: { recipients: number; excludedOptedOut: number; invalid: number; duplicates: number; invalidSamples: string[] };
}

/** Which of these E.164 numbers must not receive messages (opt-outs kept by the SMS channel). */
export type OptOutCheck = (phones: string[]) => Promise<Set<string>>;

export async function resolvePhoneAudience(spec: AudienceSpec, optedOut: OptOutCheck): Promise<ResolvedPhoneAudience> {
  const sources: AudienceRecipient[][] = [];
  if (spec.recipients?.length) sources.push(spec.recipients);
  for (const [name, args] of Object.entries(spec.resolvers ?? {})) sources.push(await getAudienceResolver(name)(args));
  if (spec.deputies) sources.push(await resolveDeputies(spec.deputies));
  if (spec.subscribers) sources.push(await resolveSubscribers());

  const seen = new Map<string, AudienceRecipient>();
  let invalid = 0;
  let duplicates = 0;
  const invalidSamples: string[] = [];
  for (const list of sources) {
    for (const r of list) {
      const phone = normalisePhone(r.phone);
      if (!phone) {
        invalid += 1;
        if (invalidSamples.length < 20) invalidSamples.push(String(r.phone).slice(0, 30));
        continue;
      }
      if (seen.has(phone)) {
        duplicates += 1;
        continue;
      }
      seen.set(phone, { ...r, phone });
    }
  }
  const blocked = seen.size ? await optedOut([...seen.keys()]) : new Set<string>();
  const recipients = [...seen.values()].filter((r) => !blocked.has(r.phone));
  return {
    recipients,
    summary: { recipients: recipients.length, excludedOptedOut: seen.size - recipients.length, invalid, duplicates, invalidSamples },
  };
}
