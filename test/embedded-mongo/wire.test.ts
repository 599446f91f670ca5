import { expect } from 'chai';
import net from 'node:net';
import { BSON, MongoClient } from 'mongodb';
import { embeddedEngine, mongoUriFor, serverSocketAddress, uniqueDbName } from '../support/database';

const OP_MSG = 2013;

function opMsg(body: object, sequences: Record<string, Uint8Array[]> = {}, opCode = OP_MSG): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0, 0, 0]), Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [id, docs] of Object.entries(sequences)) {
    const name = Buffer.from(id + '\0');
    const size = 4 + name.length + docs.reduce((n, d) => n + d.length, 0);
    const sz = Buffer.alloc(4);
    sz.writeInt32LE(size);
    parts.push(Buffer.from([1]), sz, name, ...docs.map((d) => Buffer.from(d)));
  }
  const payload = Buffer.concat(parts);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(7, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

/** Sends bytes and resolves with the first reply document, or 'closed' if the server hangs up. */
function exchange(bytes: Buffer, timeoutMs = 5000): Promise<'closed' | Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = net.connect(serverSocketAddress());
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no reply and no close'));
    }, timeoutMs);
    s.on('connect', () => s.write(bytes));
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(BSON.deserialize(buf.subarray(21)));
      }
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    s.on('error', () => undefined);
  });
}

describe('embedded-mongo: wire protocol limits and bad input', () => {
  const db = uniqueDbName('wire');
  const stillServing = async () => {
    const client = await MongoClient.connect(mongoUriFor(db), { serverSelectionTimeoutMS: 5000 });
    try {
      expect((await client.db(db).command({ ping: 1 })).ok).to.equal(1);
    } finally {
      await client.close();
    }
  };

  it('answers a raw OP_MSG with document sequences', async () => {
    const docs = [BSON.serialize({ _id: 1, a: 1 }), BSON.serialize({ _id: 2, a: 2 })];
    const reply = await exchange(opMsg({ insert: 'raw', $db: db }, { documents: docs }));
    expect(reply).to.deep.include({ n: 2, ok: 1 });
  });

  it('closes the connection for a message larger than maxMessageSizeBytes, and keeps serving', async () => {
    const header = Buffer.alloc(16);
    header.writeInt32LE(64 * 1024 * 1024, 0);
    header.writeInt32LE(OP_MSG, 12);
    expect(await exchange(header)).to.equal('closed');
    await stillServing();
  });

  it('closes the connection on an unknown opcode or malformed BSON, and keeps serving', async () => {
    const unknown = await exchange(opMsg({ ping: 1, $db: db }, {}, 4242));
    expect(unknown === 'closed' || unknown.ok === 0).to.equal(true);
    const bad = opMsg({ ping: 1, $db: db });
    bad.writeInt32LE(9999, 21); // body length now overruns the message
    const malformed = await exchange(bad);
    expect(malformed === 'closed' || malformed.ok === 0).to.equal(true);
    await stillServing();
  });

  it('survives a client disconnecting mid-message', async () => {
    const full = opMsg({ ping: 1, $db: db });
    await new Promise<void>((resolve) => {
      const s = net.connect(serverSocketAddress(), () => {
        s.write(full.subarray(0, 20));
        s.destroy();
        resolve();
      });
    });
    await stillServing();
  });

  it('rejects a document over 16 MiB', async function () {
    this.timeout(20_000);
    const big = BSON.serialize({ _id: 1, s: 'x'.repeat(17 * 1024 * 1024) });
    const reply = await exchange(opMsg({ insert: 'big', $db: db }, { documents: [big] }), 15_000);
    if (reply === 'closed') {
      // a real mongod may refuse the oversized sequence document by hanging up; the engine answers
      expect(embeddedEngine(), 'the engine must answer, not hang up').to.equal(undefined);
      return stillServing();
    }
    const writeErrors = reply.writeErrors as { code: number }[] | undefined;
    const code = writeErrors?.[0]?.code ?? (reply.code as number);
    // mongod says BadValue "object to insert too large"; the engine answers BSONObjectTooLarge
    expect(code).to.be.oneOf(embeddedEngine() ? [10334] : [2, 10334]);
    await stillServing();
  });
});
