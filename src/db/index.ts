/**
 * The one data path: mongoose over the MongoDB wire protocol.
 * With MONGODB_URI set we connect to that server. Without it the embedded engine serves DATA_DIR/db over a Unix
 * socket inside that (owner-only) directory:
 * - the service (`npm start`) runs it in a child process it supervises, off its own event loop, and refuses to start
 *   when another service or script already owns the directory (it attaches only to a standalone `npm run db`);
 * - scripts start it in their own process, or attach to the engine that owns the directory.
 * The driver reconnects by itself when the engine comes back on the same socket (restarted by the supervisor or by
 * whoever runs `npm run db`); meanwhile /readyz answers 503.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../http/metrics';
// The engine itself is loaded only where it runs in this process (scripts): the service forks it (engine-process.ts).
import type { EmbeddedMongo } from '../embedded-mongo';
import { EngineLockedError, EngineSupervisor } from './engine-supervisor';
import { diffModelIndexes } from './index-sync';

export interface Database {
  /** Where mongoose is connected (credentials removed). */
  description: string;
  /** True when this process runs the embedded engine itself (in process or as its supervised child). */
  ownsEngine: boolean;
  /** The supervised engine process's pid, when the service runs one. */
  enginePid?(): number | undefined;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Who is opening the database: the long-running service, or a one-off script. */
export type DatabaseRole = 'service' | 'script';

/** Another service (or a script) owns the data directory: a second service must not share it. */
export class DatabaseInUseError extends Error {
  constructor(dbPath: string, detail: string) {
    super(
      `${detail}\nOnly one lianxin service may run on a data directory (${dbPath}): stop the other one, or give this one ` +
        `its own DATA_DIR. Scripts (npm run seed, npm run user…) attach to the running service's engine.`,
    );
    this.name = 'DatabaseInUseError';
  }
}

const DEFAULT_DB_NAME = 'lianxin';

/** Adds the default database name when the connection string names none (works for socket hosts, which URL cannot parse). */
export function withDefaultDb(uri: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!m || (m[2] && m[2] !== '/')) return uri;
  return `${m[1]}/${DEFAULT_DB_NAME}${m[3] ?? ''}`;
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

interface EmbeddedConnection {
  uri: string;
  stop?: () => Promise<void>;
  enginePid?: () => number | undefined;
}

const socketUriOf = (socket: string) => `mongodb://${encodeURIComponent(socket)}/`;

async function startServiceEngine(dbPath: string, cacheMb: number, logger: Logger): Promise<EmbeddedConnection> {
  const supervisor = new EngineSupervisor(dbPath, cacheMb, logger);
  try {
    const uri = await supervisor.start();
    return { uri, stop: () => supervisor.stop(), enginePid: () => supervisor.pid };
  } catch (err) {
    if (err instanceof EngineLockedError) {
      if (err.role === 'standalone' && err.socket) {
        logger.info({ socket: err.socket }, 'data directory is served by npm run db; connecting to it');
        return { uri: socketUriOf(err.socket) };
      }
      throw new DatabaseInUseError(dbPath, err.message);
    }
    await supervisor.stop();
    throw err;
  }
}

async function startScriptEngine(dbPath: string, cacheMb: number, logger: Logger): Promise<EmbeddedConnection> {
  const { DataDirLockedError, startEmbeddedMongo } = await import('../embedded-mongo');
  try {
    const engine: EmbeddedMongo = await startEmbeddedMongo({
      dbPath,
      role: 'script',
      cacheMb,
      log: (level, msg, fields) => logger[level]({ ...fields, component: 'embedded-mongo' }, msg),
    });
    return { uri: engine.uri, stop: () => engine.stop() };
  } catch (err) {
    if (err instanceof DataDirLockedError && err.address) {
      logger.info({ address: err.address }, 'data directory is owned by a running engine; connecting to it');
      return { uri: socketUriOf(err.address.socket) };
    }
    throw err;
  }
}

/** Warns (in the background, after start) about indexes the models no longer declare: `npm run db:migrate` drops them. */
function reportStaleIndexes(logger: Logger): void {
  diffModelIndexes(Object.values(mongoose.models)).then(
    (diffs) => {
      for (const d of diffs.filter((x) => x.toDrop.length > 0)) {
        logger.warn({ collection: d.collection, indexes: d.toDrop }, 'indexes no model declares any more (they still cost every write); run npm run db:migrate to drop them');
      }
    },
    (err: Error) => {
      // Stopped before the comparison finished: nothing to report.
      if (mongoose.connection.readyState === mongoose.ConnectionStates.connected) logger.warn({ err: err.message }, 'could not compare indexes with the models');
    },
  );
}

/** Connects the default mongoose connection; call once per process. */
export async function openDatabase(config: Config, logger: Logger, role: DatabaseRole = 'script'): Promise<Database> {
  const dbPath = path.join(config.dataDir, 'db');
  const embedded: EmbeddedConnection = config.mongodbUri
    ? { uri: config.mongodbUri }
    : role === 'service'
      ? await startServiceEngine(dbPath, config.dbCacheMb, logger)
      : await startScriptEngine(dbPath, config.dbCacheMb, logger);
  const target = withDefaultDb(embedded.uri);
  try {
    await mongoose.connect(target, { serverSelectionTimeoutMS: 10_000, autoIndex: true, monitorCommands: config.dbCommandMetrics });
    // Build every registered model's indexes before serving: unique constraints must hold from the first request.
    await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  } catch (err) {
    await embedded.stop?.().catch(() => {});
    throw err;
  }
  logger.info({ database: redact(target), embedded: !config.mongodbUri }, 'database connected');
  if (role === 'service') reportStaleIndexes(logger);
  return {
    description: redact(target),
    ownsEngine: !!embedded.stop,
    enginePid: embedded.enginePid,
    async ping() {
      await mongoose.connection.db!.admin().ping();
    },
    async close() {
      await mongoose.disconnect();
      await embedded.stop?.();
    },
  };
}

/** Benchmarks (DB_COMMAND_METRICS): every command the driver sends, by name, as lianxin_db_commands_total on /metrics. */
export function countDatabaseCommands(metrics: Metrics): void {
  const commands = metrics.counter('lianxin_db_commands_total', 'Database commands sent by the driver (DB_COMMAND_METRICS only)', ['command']);
  mongoose.connection.getClient().on('commandStarted', (event) => commands.inc({ command: event.commandName }));
}
