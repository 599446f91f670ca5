/**
 * OP_MSG: flagBits, then sections — kind 0 (the command body) and kind 1 (a named document
 * sequence, used by drivers for insert/update/delete batches) — and an optional CRC-32C trailer.
 */
import type { Document } from 'bson';
import { decodeDocument } from '../bson-decode';
import { arrayDocuments } from '../raw-bson';
import { FramingError, OP_MSG, writeHeader } from './framing';

export const CHECKSUM_PRESENT = 1 << 0;
export const MORE_TO_COME = 1 << 1;
export const EXHAUST_ALLOWED = 1 << 16;

export interface OpMsgRequest {
  flags: number;
  body: Document;
  /** Raw BSON of each document in kind-1 sections, by identifier (inserts store these bytes as-is). */
  rawSequences: Map<string, Buffer[]>;
}

const DESERIALIZE_OPTIONS = { validation: { utf8: true } } as const;

export function parseOpMsg(message: Buffer): OpMsgRequest {
  const flags = message.readUInt32LE(16);
  // Unknown required flag bits (0-15) must make the server reject the message.
  if (flags & 0xfffc) throw new FramingError(`unsupported OP_MSG flag bits ${flags.toString(16)}`);
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let pos = 20;
  let body: Document | undefined;
  let bodyBytes: Buffer | undefined;
  const rawSequences = new Map<string, Buffer[]>();
  while (pos < end) {
    const kind = message[pos++];
    if (kind === 0) {
      const size = message.readInt32LE(pos);
      if (size < 5 || pos + size > end) throw new FramingError('OP_MSG body section overruns the message');
      if (body) throw new FramingError('OP_MSG has more than one body section');
      bodyBytes = message.subarray(pos, pos + size);
      body = decodeDocument(bodyBytes, DESERIALIZE_OPTIONS);
      pos += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(pos);
      const sectionEnd = pos + size;
      if (size < 5 || sectionEnd > end) throw new FramingError('OP_MSG document sequence overruns the message');
      let p = pos + 4;
      const nul = message.indexOf(0, p);
      if (nul < 0 || nul >= sectionEnd) throw new FramingError('OP_MSG sequence identifier is not terminated');
      const id = message.toString('utf8', p, nul);
      p = nul + 1;
      const docs: Buffer[] = rawSequences.get(id) ?? [];
      while (p < sectionEnd) {
        const dsize = message.readInt32LE(p);
        if (dsize < 5 || p + dsize > sectionEnd) throw new FramingError('OP_MSG sequence document overruns its section');
        docs.push(message.subarray(p, p + dsize));
        p += dsize;
      }
      rawSequences.set(id, docs);
      pos = sectionEnd;
    } else {
      throw new FramingError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new FramingError('OP_MSG without a body section');
  for (const [id, raws] of rawSequences) body[id] = raws.map((r) => decodeDocument(r, DESERIALIZE_OPTIONS));
  // An insert's documents inside the body (the driver's insertOne) are kept as bytes too, as a sequence's are: an
  // insert stores the bytes it was sent instead of encoding the decoded document again.
  if (bodyBytes && body.insert !== undefined && Array.isArray(body.documents) && !rawSequences.has('documents')) {
    const raws = arrayDocuments(bodyBytes, 'documents');
    if (raws?.length === body.documents.length) rawSequences.set('documents', raws);
  }
  return { flags, body, rawSequences };
}

export function encodeOpMsg(requestId: number, responseTo: number, body: Uint8Array, flags = 0): Buffer {
  const buf = Buffer.allocUnsafe(16 + 4 + 1 + body.length);
  buf.writeUInt32LE(flags, 16);
  buf[20] = 0;
  buf.set(body, 21);
  writeHeader(buf, requestId, responseTo, OP_MSG);
  return buf;
}
