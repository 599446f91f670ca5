/** Zod building blocks shared by every route's schemas. Strings stay strings: no operator objects get through. */
import { z } from 'zod';

export const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'a 24-character hexadecimal id');
export const idParams = z.object({ id: objectId }).strict();

/** Query-string pagination: ?page=1&pageSize=20 */
export const pagination = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

/** A single query-string value (rejects repeated parameters, which arrive as arrays). */
export const queryString = z.string().trim().max(200);

/** A JSON boolean or its query-string spelling. */
export const queryBoolean = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

export const isoDateTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
