/**
 * The client's address for code that answers before Koa (the front lane), made out as Koa makes out `ctx.ip`: behind
 * trusted proxies, the leftmost of the last `maxIpsCount` X-Forwarded-For entries; otherwise the socket's peer.
 */
import type { IncomingMessage } from 'node:http';

export interface ProxyTrust {
  /** TRUST_PROXY: X-Forwarded-For is believed. */
  proxy: boolean;
  /** TRUST_PROXY_HOPS: how many entries from the right the proxies appended (0: all of them). */
  maxIpsCount: number;
}

export function clientIp(req: IncomingMessage, trust: ProxyTrust): string {
  const forwarded = req.headers['x-forwarded-for'];
  if (trust.proxy && typeof forwarded === 'string' && forwarded) {
    let ips = forwarded.split(',').map((v) => v.trim());
    if (trust.maxIpsCount > 0) ips = ips.slice(-trust.maxIpsCount);
    if (ips[0]) return ips[0];
  }
  return req.socket.remoteAddress ?? '';
}
