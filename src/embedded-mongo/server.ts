/**
 * Wire front end on a Unix domain socket (always) and optionally TCP: frames messages per connection,
 * dispatches OP_MSG / OP_QUERY commands and writes replies. Bad input (oversized or malformed messages, unknown opcodes) closes only that
 * connection; a client vanishing mid-message just drops its buffered bytes.
 */
import fs from 'node:fs';
import net from 'node:net';
import { serialize, type Document } from 'bson';
import { runCommand } from './commands';
import { RawReply } from './cursors';
import type { ConnectionInfo, Engine, Transport } from './engine';
import type { CommandResult } from './commands/types';
import { FramingError, MessageReader, OP_MSG, OP_QUERY, type MessageHeader } from './wire/framing';
import { encodeOpMsg, MORE_TO_COME, parseOpMsg } from './wire/op-msg';
import { encodeOpReply, parseOpQuery } from './wire/op-query';

let nextRequestId = 1;

function encodeResult(result: CommandResult): Buffer {
  if (result instanceof RawReply) return result.bytes;
  try {
    return Buffer.from(serialize(result, { ignoreUndefined: true }));
  } catch (err) {
    return Buffer.from(serialize({ ok: 0, code: 10334, codeName: 'BSONObjectTooLarge', errmsg: `reply could not be encoded: ${(err as Error).message}` }));
  }
}

export class WireServer {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly engine: Engine) {}

  /** Listens on a Unix domain socket, readable and writable by the owner only. */
  async listenSocket(socketPath: string): Promise<void> {
    fs.rmSync(socketPath, { force: true }); // a dead owner's socket file (we hold the directory's lock)
    const server = this.createServer('unix');
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    fs.chmodSync(socketPath, 0o600);
  }

  listenTcp(host: string, port: number): Promise<{ host: string; port: number }> {
    const server = this.createServer('tcp');
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve({ host, port: (server.address() as net.AddressInfo).port });
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
  }

  private createServer(transport: Transport): net.Server {
    const server = net.createServer((socket) => this.accept(socket, transport));
    server.on('error', (err) => this.engine.log('error', 'server error', { error: err.message }));
    this.servers.push(server);
    return server;
  }

  private accept(socket: net.Socket, transport: Transport): void {
    const engine = this.engine;
    const conn: ConnectionInfo = {
      id: ++engine.connectionsTotal,
      remote: transport === 'unix' ? 'anonymous unix socket:0' : `${socket.remoteAddress}:${socket.remotePort}`,
      transport,
      authenticated: transport === 'unix' || !engine.auth,
    };
    engine.connectionsCurrent++;
    this.sockets.add(socket);
    if (transport === 'tcp') socket.setNoDelay(true);
    const reader = new MessageReader();
    socket.on('data', (data) => {
      try {
        const messages = reader.push(data);
        // Several pipelined requests in one read (a pool's connection, w:0 batches): their replies leave in one write.
        if (messages.length > 1) socket.cork();
        try {
          for (const { header, message } of messages) this.handle(socket, conn, header, message);
        } finally {
          if (messages.length > 1) socket.uncork();
        }
      } catch (err) {
        engine.log('warn', 'closing connection after bad input', { connectionId: conn.id, error: (err as Error).message });
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      engine.connectionsCurrent--;
    });
  }

  private handle(socket: net.Socket, conn: ConnectionInfo, header: MessageHeader, message: Buffer): void {
    const ctx = { engine: this.engine, conn, rawSequences: new Map<string, Buffer[]>() };
    if (header.opCode === OP_MSG) {
      const req = parseOpMsg(message);
      ctx.rawSequences = req.rawSequences;
      const result = runCommand(ctx, req.body);
      if (req.flags & MORE_TO_COME) return; // unacknowledged (w:0): the client expects no reply
      if (!socket.destroyed) socket.write(encodeOpMsg(nextRequestId++, header.requestId, encodeResult(result)));
      this.engine.heap?.afterCommand();
      return;
    }
    if (header.opCode === OP_QUERY) {
      const { collection, query } = parseOpQuery(message);
      if (!collection.endsWith('.$cmd')) {
        const err = { $err: 'OP_QUERY is only supported for commands; upgrade the client', code: 5739101, ok: 0 };
        socket.write(encodeOpReply(nextRequestId++, header.requestId, serialize(err), true));
        return;
      }
      const cmd: Document = query.$query && typeof query.$query === 'object' ? query.$query : query.query && typeof query.query === 'object' && Object.keys(query)[0] === 'query' ? query.query : query;
      const result = runCommand(ctx, cmd, collection.slice(0, -'.$cmd'.length));
      socket.write(encodeOpReply(nextRequestId++, header.requestId, encodeResult(result)));
      return;
    }
    throw new FramingError(`unsupported opCode ${header.opCode}`);
  }
}
