/** Who receives a publication. Every key is optional; SMS needs at least one phone-bearing audience. */
export interface AudienceSpec {
  /** Deputies by level (city/county/township), region name (any level) and group id; all filters are ANDed. */
  deputies?: { levels?: string[]; regions?: string[]; groupIds?: string[] };
  /** Every active subscriber. */
  subscribers?: boolean;
  /** WeChat followers: all of them, or one tag (broadcast mode only). */
  followers?: { all?: boolean; tagId?: number };
  /** Explicit recipients resolved by the caller (meetings: invitees with personal RSVP links). */
  recipients?: Array<{ phone: string; name?: string; params?: Record<string, string>; secret?: string[] }>;
  /** Plug-in audiences by name (see registerAudienceResolver), e.g. { meetingInvitees: { meetingId } }. */
  resolvers?: Record<string, unknown>;
}

/** Whether the spec names anyone reachable by phone. */
export function hasPhoneAudience(spec: AudienceSpec): boolean {
  return !!(spec.deputies || spec.subscribers || spec.recipients?.length || Object.keys(spec.resolvers ?? {}).length);
}
