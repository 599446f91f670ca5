/** Splits a TCP byte stream into MongoDB wire messages (16-byte header: length, requestID, responseTo, opCode). */
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_MESSAGE_SIZE = 48_000_000;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export class FramingError extends Error {}

export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxSize = MAX_MESSAGE_SIZE) {}

  /** Appends bytes and returns every complete message now available (header + full message bytes). */
  push(data: Buffer): { header: MessageHeader; message: Buffer }[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const out: { header: MessageHeader; message: Buffer }[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const length = head.readInt32LE(0);
      if (length < 16 || length > this.maxSize) throw new FramingError(`invalid message length ${length} (max ${this.maxSize})`);
      if (this.buffered < length) break;
      const message = this.take(length);
      out.push({
        header: { length, requestId: message.readInt32LE(4), responseTo: message.readInt32LE(8), opCode: message.readInt32LE(12) },
        message,
      });
    }
    return out;
  }

  /** Bytes held for an incomplete message (released when the connection closes). */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    let first = this.chunks[0];
    if (first.length < n) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    const message = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return message;
  }
}

export function writeHeader(buf: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}
