/** Introspection for mongosh: `$collStats`, `$currentOp` / currentOp, usersInfo. */
import type { Document } from 'bson';
import { CommandError } from '../errors';
import { isPlainObject } from '../bson-values';
import { storageStats } from './stats';
import { isView } from './views';
import type { CommandContext, CommandTable } from './types';

/** The single document `$collStats` produces (storageStats / count / latencyStats as requested). */
export function collStatsDocument(ctx: CommandContext, collName: string | undefined, spec: unknown): Document {
  if (!isPlainObject(spec)) throw new CommandError('TypeMismatch', '$collStats must take a nested object');
  const coll = collName === undefined ? undefined : ctx.engine.catalog.get(ctx.db, collName);
  if (collName === undefined) throw new CommandError('InvalidNamespace', '$collStats must be run against a collection');
  const out: Document = { ns: `${ctx.db}.${collName}`, host: `${ctx.engine.host}:${ctx.engine.port}`, localTime: new Date() };
  if (spec.latencyStats !== undefined) out.latencyStats = { reads: { latency: 0, ops: 0 }, writes: { latency: 0, ops: 0 }, commands: { latency: 0, ops: 0 }, transactions: { latency: 0, ops: 0 } };
  if (spec.storageStats !== undefined) {
    if (!coll || isView(coll)) throw new CommandError('NamespaceNotFound', `Unable to retrieve storageStats in $collStats stage :: caused by :: Collection [${ctx.db}.${collName}] not found.`);
    const scale = Number((spec.storageStats as Document)?.scale ?? 1) || 1;
    const { ns: _ns, ...stats } = storageStats(ctx.engine, coll, scale);
    out.storageStats = stats;
  }
  if (spec.count !== undefined) {
    if (!coll || isView(coll)) throw new CommandError('NamespaceNotFound', `Unable to retrieve count in $collStats stage :: caused by :: Collection [${ctx.db}.${collName}] not found.`);
    out.count = coll.records.size;
  }
  return out;
}

/** Operations in progress. Commands run one at a time, so the only one is the request asking. */
export function currentOps(ctx: CommandContext, command: Document): Document[] {
  return [
    {
      type: 'op',
      host: `${ctx.engine.host}:${ctx.engine.port}`,
      desc: `conn${ctx.conn.id}`,
      connectionId: ctx.conn.id,
      client: ctx.conn.remote,
      active: true,
      currentOpTime: new Date().toISOString(),
      opid: 1,
      secs_running: 0,
      microsecs_running: 0,
      op: 'command',
      ns: `${ctx.db}.$cmd`,
      command,
      numYields: 0,
      waitingForLock: false,
    },
  ];
}

export const introspectionCommands: CommandTable = {
  currentOp: {
    run(ctx, cmd) {
      if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'currentOp may only be run against the admin database.');
      return { inprog: currentOps(ctx, cmd), ok: 1 };
    },
  },
  usersInfo: {
    // The engine has no users of its own to list (connections are not authenticated here).
    run() {
      return { users: [], ok: 1 };
    },
  },
};
