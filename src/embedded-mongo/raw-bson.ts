/**
 * Byte-level edits of raw BSON documents, so an insert can store the bytes the client sent rather than
 * re-encoding the decoded document: drivers append a generated `_id` after the other fields, and mongod
 * stores `_id` first.
 */

/** Size in bytes of the value of a BSON element of `type` starting at `pos`, or -1 for an unknown type. */
function valueSize(buf: Buffer, type: number, pos: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + buf.readInt32LE(pos);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return buf.readInt32LE(pos);
    case 0x05: // binary: length, subtype, bytes
      return 5 + buf.readInt32LE(pos);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regex: two C strings
      const end = buf.indexOf(0, buf.indexOf(0, pos) + 1);
      return end < 0 ? -1 : end + 1 - pos;
    }
    case 0x0c: // DBPointer: string, then 12 bytes
      return 4 + buf.readInt32LE(pos) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      return -1;
  }
}

/** The document's bytes with its top-level `_id` element moved to the front; undefined if there is none or the bytes do not parse. */
export function moveIdFirst(doc: Buffer): Buffer | undefined {
  const end = doc.length - 1;
  let pos = 4;
  while (pos < end) {
    const start = pos;
    const type = doc[pos];
    const nameEnd = doc.indexOf(0, pos + 1);
    if (nameEnd < 0 || nameEnd >= end) return undefined;
    const size = valueSize(doc, type, nameEnd + 1);
    if (size < 0 || nameEnd + 1 + size > end) return undefined;
    pos = nameEnd + 1 + size;
    if (nameEnd - start === 4 && doc[start + 1] === 0x5f && doc[start + 2] === 0x69 && doc[start + 3] === 0x64) {
      if (start === 4) return doc;
      return Buffer.concat([doc.subarray(0, 4), doc.subarray(start, pos), doc.subarray(4, start), doc.subarray(pos)]);
    }
  }
  return undefined;
}

/**
 * The bytes of each document in the top-level array `field` of a (decoded and so valid) document; undefined when
 * there is no such array or an element is not a document. An insert whose documents came inside the command body
 * (the driver's insertOne) stores these bytes as it stores a document sequence's.
 */
export function arrayDocuments(doc: Buffer, field: string): Buffer[] | undefined {
  const end = doc.length - 1;
  const name = Buffer.from(field);
  let pos = 4;
  while (pos < end) {
    const type = doc[pos];
    const nameEnd = doc.indexOf(0, pos + 1);
    if (nameEnd < 0 || nameEnd >= end) return undefined;
    const size = valueSize(doc, type, nameEnd + 1);
    if (size < 0 || nameEnd + 1 + size > end) return undefined;
    if (type === 0x04 && nameEnd - pos - 1 === name.length && doc.compare(name, 0, name.length, pos + 1, nameEnd) === 0) {
      return elementDocuments(doc.subarray(nameEnd + 1, nameEnd + 1 + size));
    }
    pos = nameEnd + 1 + size;
  }
  return undefined;
}

/** The documents of a BSON array's bytes, in order; undefined if an element is anything else. */
function elementDocuments(array: Buffer): Buffer[] | undefined {
  const out: Buffer[] = [];
  const end = array.length - 1;
  let pos = 4;
  while (pos < end) {
    if (array[pos] !== 0x03) return undefined;
    const nameEnd = array.indexOf(0, pos + 1);
    if (nameEnd < 0 || nameEnd >= end) return undefined;
    const size = array.readInt32LE(nameEnd + 1);
    if (size < 5 || nameEnd + 1 + size > end) return undefined;
    out.push(array.subarray(nameEnd + 1, nameEnd + 1 + size));
    pos = nameEnd + 1 + size;
  }
  return out;
}
