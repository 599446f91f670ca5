/**
 * Personal credentials inside message parameters (an RSVP link carries a token whose hash is all the meeting keeps):
 * a recipient names them in `secret`, and they are removed from our records as soon as they are no longer needed:
 * from the publication once its deliveries are written, from a delivery's recipient once the text has reached the
 * provider (sent or delivered). A recipient not reached keeps them, so a retry can still send the same text; a
 * meeting's "resend" issues a fresh link and retires the old one.
 */
export interface WithSecrets {
  params?: Record<string, string>;
  /** Names of `params` that are credentials. */
  secret?: string[];
}

const REACHED = new Set(['sent', 'delivered']);

export function withoutSecrets<T extends WithSecrets>(r: T): T {
  if (!r.secret?.length || !r.params) return r;
  const params = { ...r.params };
  for (const name of r.secret) delete params[name];
  return { ...r, params };
}

/** The recipient as kept once its send is settled: credentials gone when the text has reached the provider. */
export function scrubIfReached<T extends WithSecrets & { status: string }>(r: T): T {
  return REACHED.has(r.status) ? withoutSecrets(r) : r;
}
