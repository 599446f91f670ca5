/**
 * Compressed copies of a cached page, each made once — the first time a client asks for that coding — and kept with
 * the page, so serving it costs no CPU per request and a cache miss (the render) does not pay for codings nobody
 * has asked for yet. Phones on mobile networks (and WeChat's web view) all accept gzip and most accept Brotli;
 * an article page shrinks to about a fifth.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type ContentCoding = 'br' | 'gzip';

export type EncodedBodies = Partial<Record<ContentCoding, Buffer>>;

/** Below this size the headers outweigh the saving. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|xml|rss\+xml|atom\+xml|javascript))/;

export function isCompressible(body: Buffer, contentType: string): boolean {
  return body.length >= MIN_BYTES && COMPRESSIBLE.test(contentType);
}

export function encodeBody(body: Buffer, coding: ContentCoding): Buffer {
  return coding === 'br'
    ? // Quality 5: most of Brotli's gain for a millisecond or two (11 takes tens of milliseconds).
      brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : gzipSync(body, { level: 6 });
}

/** The bytes of one representation: the plain body, or its compressed copy (made now if this is the first ask). */
export function encodedBody(page: { body: Buffer; encoded: EncodedBodies }, coding: ContentCoding | undefined): Buffer {
  if (!coding) return page.body;
  return (page.encoded[coding] ??= encodeBody(page.body, coding));
}

/** The ETag of one representation: the identity ETag with the coding appended, so validators never cross codings. */
export function etagFor(identityEtag: string, coding: ContentCoding | undefined): string {
  return coding ? `${identityEtag.slice(0, -1)}-${coding}"` : identityEtag;
}
