/**
 * saslStart / saslContinue (SCRAM-SHA-256), the `saslSupportedMechs` answer in hello, and the gate
 * that keeps an unauthenticated TCP connection to the handshake. Unix-socket connections are trusted:
 * the socket lives in the owner-only data directory.
 */
import { Binary, type Document } from 'bson';
import { CommandError } from '../errors';
import type { CommandContext, CommandTable } from '../commands/types';
import { scramFinish, scramStart, ScramError, type ScramConversation } from './scram';

/** What an unauthenticated connection may run (as mongod: the handshake and signing in). */
const OPEN_COMMANDS = new Set(['hello', 'isMaster', 'ismaster', 'buildInfo', 'buildinfo', 'saslStart', 'saslContinue', 'authenticate', 'logout', 'endSessions', 'ping']);

export function checkAuthorized(ctx: Pick<CommandContext, 'conn'>, command: string): void {
  if (ctx.conn.authenticated || OPEN_COMMANDS.has(command)) return;
  throw new CommandError('Unauthorized', `Command ${command} requires authentication`);
}

/** hello's `saslSupportedMechs: "db.user"` answer for the engine's single TCP user. */
export function helloAuthFields(ctx: CommandContext, cmd: Document): Document {
  const creds = ctx.engine.auth;
  if (!creds || typeof cmd.saslSupportedMechs !== 'string') return {};
  const user = cmd.saslSupportedMechs.slice(cmd.saslSupportedMechs.indexOf('.') + 1);
  return user === creds.username ? { saslSupportedMechs: ['SCRAM-SHA-256'] } : {};
}

const failed = () => new CommandError('AuthenticationFailed', 'Authentication failed.');

function payloadText(cmd: Document): string {
  const p = cmd.payload as unknown;
  if (p instanceof Binary) return Buffer.from(p.buffer).toString('utf8');
  if (typeof p === 'string') return Buffer.from(p, 'base64').toString('utf8');
  throw new CommandError('BadValue', 'payload must be binary');
}

const reply = (text: string, done: boolean) => ({ conversationId: 1, done, payload: new Binary(Buffer.from(text, 'utf8')), ok: 1 });

export const authCommands: CommandTable = {
  saslStart: {
    run(ctx, cmd) {
      const creds = ctx.engine.auth;
      if (cmd.mechanism !== 'SCRAM-SHA-256') {
        throw new CommandError('BadValue', `Unsupported mechanism ${String(cmd.mechanism)}; this server offers SCRAM-SHA-256`);
      }
      if (!creds) {
        if (ctx.conn.transport === 'unix') throw new CommandError('AuthenticationFailed', 'The Unix socket needs no credentials; connect without them');
        throw failed();
      }
      try {
        const { conversation, reply: text } = scramStart(creds, payloadText(cmd));
        ctx.conn.sasl = conversation;
        return reply(text, false);
      } catch (err) {
        if (err instanceof ScramError) throw failed();
        throw err;
      }
    },
  },
  saslContinue: {
    run(ctx, cmd) {
      const creds = ctx.engine.auth;
      const conversation = ctx.conn.sasl as ScramConversation | 'finished' | undefined;
      if (conversation === 'finished') {
        ctx.conn.sasl = undefined;
        return reply('', true);
      }
      if (!creds || !conversation) throw new CommandError('ProtocolError', 'No SASL session state found');
      ctx.conn.sasl = undefined;
      try {
        const text = scramFinish(creds, conversation, payloadText(cmd));
        ctx.conn.authenticated = true;
        const skipEmpty = (cmd.options as Document | undefined)?.skipEmptyExchange === true;
        if (!skipEmpty) ctx.conn.sasl = 'finished';
        return reply(text, skipEmpty);
      } catch (err) {
        if (err instanceof ScramError) {
          ctx.engine.log('warn', 'authentication failed', { remote: ctx.conn.remote });
          throw failed();
        }
        throw err;
      }
    },
  },
  authenticate: {
    run: () => {
      throw new CommandError('AuthenticationFailed', 'Only SCRAM-SHA-256 is supported');
    },
  },
};
