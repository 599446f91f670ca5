/**
 * Counts the database commands this process sends, by command name, between start and stop: a bench's way of
 * telling round trips apart (the driver's own command monitoring is fixed when a connection opens, so the count
 * wraps the connection's command method instead; bench only).
 */
interface CommandConnection {
  command(ns: unknown, cmd: Record<string, unknown>, ...rest: unknown[]): Promise<unknown>;
}

export function countCommands(): { stop(): Record<string, number> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the driver's internal module has no typings
  const { Connection } = require('mongodb/lib/cmap/connection') as { Connection: { prototype: CommandConnection } };
  const original = Connection.prototype.command;
  const counts: Record<string, number> = {};
  Connection.prototype.command = function (this: CommandConnection, ns, cmd, ...rest) {
    const name = Object.keys(cmd)[0] ?? '?';
    const target = typeof cmd[name] === 'string' ? ` ${cmd[name] as string}` : '';
    // Heartbeats and handshakes are the driver's, not the pipeline's.
    if (name !== 'hello' && name !== 'isMaster' && name !== 'ismaster') counts[name + target] = (counts[name + target] ?? 0) + 1;
    if (process.env.TRACE_COMMAND === name) console.log(new Error(name).stack);
    return original.call(this, ns, cmd, ...rest);
  };
  return {
    stop() {
      Connection.prototype.command = original;
      return counts;
    },
  };
}
