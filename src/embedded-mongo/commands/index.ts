/** Command dispatch: name lookup (case-sensitive, as mongod), transaction rejection, write concern `j`. */
import type { Document } from 'bson';
import { CommandError, toCommandError } from '../errors';
import { authCommands, checkAuthorized } from '../auth/commands';
import { aggregateCommands } from './aggregate';
import { collectionCommands } from './collections';
import { handshakeCommands, TXN_ERROR } from './handshake';
import { indexCommands } from './indexes';
import { introspectionCommands } from './introspection';
import { readCommands } from './read';
import { statsCommands } from './stats';
import { writeCommands } from './write';
import type { CommandContext, CommandResult, CommandTable } from './types';

const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...collectionCommands,
  ...indexCommands,
  ...aggregateCommands,
  ...statsCommands,
  ...introspectionCommands,
  ...authCommands,
};

/** Runs one command; never throws — failures become `{ ok: 0, ... }` documents. */
export function runCommand(ctx: Omit<CommandContext, 'db'>, cmd: Document, defaultDb = 'admin'): CommandResult {
  const name = Object.keys(cmd)[0];
  try {
    if (name === undefined) throw new CommandError('CommandNotFound', "no such command: ''");
    checkAuthorized(ctx, name);
    if (cmd.startTransaction !== undefined || cmd.autocommit !== undefined) throw new CommandError('IllegalOperation', TXN_ERROR);
    const def = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!def) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    const db = typeof cmd.$db === 'string' ? cmd.$db : defaultDb;
    const full: CommandContext = { ...ctx, db };
    if (!def.write) return def.run(full, cmd);
    const store = ctx.engine.store;
    const result = store.transaction(() => def.run(full, cmd));
    const wc = cmd.writeConcern as Document | undefined;
    if (wc && (wc.j === true || wc.fsync === true)) store.sync(true);
    return result;
  } catch (err) {
    const e = toCommandError(err);
    if (!(err instanceof CommandError)) ctx.engine.log('debug', 'command failed', { command: name, error: e.message });
    return e.toDocument();
  }
}
