/**
 * Audiences for phone channels: named resolvers that turn an audience spec into recipients.
 * Built-in: `deputies` (by level, region, group) and `subscribers`. Other modules plug theirs in by name
 * (the meetings module adds `meetingInvitees` / `meetingAttendees`) without publishing importing them.
 */
import { ValidationError } from '../errors';

export interface AudienceRecipient {
  /** As stored; normalised to E.164 when the audience is resolved. */
  phone: string;
  name?: string;
  /** Per-recipient SMS template values (a personal RSVP link), merged over the publication's params. */
  params?: Record<string, string>;
  /** Names of `params` that are personal credentials (a link with a token): removed from our records once sent. */
  secret?: string[];
}

/** Returns every recipient for `args` (the value given under the resolver's name in the audience spec). */
export type AudienceResolver = (args: unknown) => Promise<AudienceRecipient[]>;

const resolvers = new Map<string, AudienceResolver>();

/**
 * Makes `audience.resolvers[name]` usable in publications. Registering a name twice replaces the first
 * (modules are rebuilt per service start in tests).
 */
export function registerAudienceResolver(name: string, resolver: AudienceResolver): void {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new Error(`audience resolver name "${name}" must be alphanumeric`);
  resolvers.set(name, resolver);
}

export function getAudienceResolver(name: string): AudienceResolver {
  const resolver = resolvers.get(name);
  if (!resolver) throw new ValidationError(`未知的受众类型：${name}`, [{ field: `body.audience.${name}`, message: 'unknown audience' }]);
  return resolver;
}

export function hasAudienceResolver(name: string): boolean {
  return resolvers.has(name);
}
