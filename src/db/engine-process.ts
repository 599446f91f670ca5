/**
 * Child-process entry for the service's embedded engine (forked by engine-supervisor.ts): the engine's work
 * runs off the app's event loop. Talks to its parent over IPC: `{ type: 'ready', uri }`, `{ type: 'locked', … }`,
 * `{ type: 'log', … }`; stops cleanly on `{ type: 'stop' }`, SIGTERM, or when the parent goes away.
 */
import { DataDirLockedError, startEmbeddedMongo, type EmbeddedMongo } from '../embedded-mongo';
import { EXIT_LOCKED, type EngineProcessMessage } from './engine-protocol';

function send(message: EngineProcessMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [dbPath, cacheMb] = process.argv.slice(2);
  let engine: EmbeddedMongo | undefined;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (engine?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => undefined); // a terminal's Ctrl-C reaches the whole group: the parent decides
  process.on('disconnect', stop); // the parent exited (even by kill -9)
  process.on('message', (m: { type?: string }) => m?.type === 'stop' && stop());
  try {
    engine = await startEmbeddedMongo({ dbPath, role: 'service', cacheMb: Number(cacheMb), log: (level, msg, fields) => level !== 'debug' && send({ type: 'log', level, msg, fields }) });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      send({ type: 'locked', message: err.message, role: err.address?.role, socket: err.address?.socket });
      process.exit(EXIT_LOCKED);
    }
    throw err;
  }
  if (stopping) return void engine.stop();
  send({ type: 'ready', uri: engine.uri });
}

main().catch((err) => {
  process.stderr.write(`embedded engine failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
