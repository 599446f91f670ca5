/** Legacy OP_QUERY (used by drivers for the initial `isMaster` handshake) and its OP_REPLY answer. */
import { deserialize, type Document } from 'bson';
import { FramingError, OP_REPLY, writeHeader } from './framing';

export interface OpQueryRequest {
  collection: string; // full name, e.g. "admin.$cmd"
  query: Document;
}

export function parseOpQuery(message: Buffer): OpQueryRequest {
  const nul = message.indexOf(0, 20);
  if (nul < 0) throw new FramingError('OP_QUERY collection name is not terminated');
  const collection = message.toString('utf8', 20, nul);
  const docStart = nul + 1 + 8; // numberToSkip, numberToReturn
  if (docStart + 5 > message.length) throw new FramingError('OP_QUERY is truncated');
  const size = message.readInt32LE(docStart);
  if (size < 5 || docStart + size > message.length) throw new FramingError('OP_QUERY query document overruns the message');
  const query = deserialize(message.subarray(docStart, docStart + size));
  return { collection, query };
}

const QUERY_FAILURE = 1 << 1;
const AWAIT_CAPABLE = 1 << 3;

export function encodeOpReply(requestId: number, responseTo: number, doc: Uint8Array, failed = false): Buffer {
  const buf = Buffer.allocUnsafe(16 + 20 + doc.length);
  buf.writeInt32LE(AWAIT_CAPABLE | (failed ? QUERY_FAILURE : 0), 16);
  buf.writeBigInt64LE(0n, 20); // cursorID
  buf.writeInt32LE(0, 28); // startingFrom
  buf.writeInt32LE(1, 32); // numberReturned
  buf.set(doc, 36);
  writeHeader(buf, requestId, responseTo, OP_REPLY);
  return buf;
}
