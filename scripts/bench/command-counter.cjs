// Bench-only preload (every bench that starts the service through service-process.ts, `node --require …`): counts the
// database commands the service's driver sends, by name and collection ("insert wechat_inbound_messages"), and answers
// `db-commands` over the IPC channel. It replaces DB_COMMAND_METRICS for the bench: that turns on the
// driver's command monitoring, whose "succeeded" event deserialises every reply a second time (a fan-out's cursor
// batches and claimed deliveries included: ~40 MB more garbage per 10,000-number fan-out than `npm start` makes).
// Here one counter per command, nothing else; the service's own code is untouched.
'use strict';
// The driver the compiled service loads (resolved from the project, as dist/ resolves it): the same module instance.
const load = process.getBuiltinModule('node:module').createRequire(__filename);
const { Connection } = load('mongodb/lib/cmap/connection.js');

const counts = Object.create(null);
const command = Connection.prototype.command;
Connection.prototype.command = function (ns, cmd, ...rest) {
  const name = Object.keys(cmd)[0];
  const target = cmd[name];
  const key = typeof target === 'string' ? `${name} ${target}` : name;
  counts[key] = (counts[key] ?? 0) + 1;
  return command.call(this, ns, cmd, ...rest);
};
if (process.send) {
  process.on('message', (m) => {
    if (m === 'db-commands') process.send({ dbCommands: { ...counts } });
  });
}
