/** Query-string helpers for list pages: tolerant parsing (a bad value means "no filter") and pager links. */
import type { ParsedUrlQuery } from 'node:querystring';

/** What the helpers read of a request: its parsed query (a Koa context, or the front lane's parse of the URL). */
export interface QuerySource {
  query: ParsedUrlQuery;
}

/** A single query value as a trimmed string, or undefined (repeated parameters take the first). */
export function queryValue(ctx: QuerySource, name: string, maxLength = 100): string | undefined {
  const raw = ctx.query[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value.slice(0, maxLength) : undefined;
}

export function pageNumber(ctx: QuerySource): number {
  const n = Number(queryValue(ctx, 'page'));
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/**
 * A query parameter as a cached page sees it: the value its builder will use, or undefined when the builder ignores
 * it. Cache keys are built from these, so ?page=abc, ?page=1 and ?page= share the entry of the plain page.
 */
export type QueryParam = (ctx: QuerySource, name: string) => string | undefined;

/** `page`: a page number above 1, else nothing (the first page). */
export const pageParam: QueryParam = (ctx) => {
  const n = pageNumber(ctx);
  return n > 1 ? String(n) : undefined;
};

/** A free-form filter (region, topic, search text): trimmed and cut to `maxLength`, as `queryValue` reads it. */
export const textParam =
  (maxLength = 100): QueryParam =>
  (ctx, name) =>
    queryValue(ctx, name, maxLength);

/** One of a fixed set of values; anything else is no filter at all. */
export const enumParam =
  (allowed: readonly string[]): QueryParam =>
  (ctx, name) =>
    oneOf(queryValue(ctx, name), allowed);

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return allowed.includes(value as T) ? (value as T) : undefined;
}

export interface Pager {
  page: number;
  totalPages: number;
  prevHref?: string;
  nextHref?: string;
}

export function pager(basePath: string, params: Record<string, string | undefined>, page: number, pageSize: number, total: number): Pager {
  const totalPages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) qs.set(k, v);
    if (p > 1) qs.set('page', String(p));
    const s = qs.toString();
    return s ? `${basePath}?${s}` : basePath;
  };
  return {
    page,
    totalPages,
    prevHref: page > 1 ? href(Math.min(page - 1, totalPages)) : undefined,
    nextHref: page < totalPages ? href(page + 1) : undefined,
  };
}
