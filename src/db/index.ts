/**
 * The one data path: mongoose over the MongoDB wire protocol.
 * With MONGODB_URI set we connect to that server. Without it we start the embedded engine on loopback with its
 * data under DATA_DIR/db — or, when another process (a running `npm start`) already owns that directory,
 * connect to the engine that process runs, so scripts work the same whether or not the service is up.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { DataDirLockedError, startEmbeddedMongo, type EmbeddedMongo } from '../embedded-mongo';

export interface Database {
  /** Where mongoose is connected (credentials removed). */
  description: string;
  /** True when this process runs the embedded engine itself. */
  ownsEngine: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_DB_NAME = 'lianxin';

function withDefaultDb(uri: string): string {
  const url = new URL(uri.replace(/^mongodb(\+srv)?:/, 'http:'));
  if (url.pathname && url.pathname !== '/') return uri;
  const [base, query] = uri.split('?');
  return `${base.replace(/\/?$/, '/')}${DEFAULT_DB_NAME}${query ? `?${query}` : ''}`;
}

function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

async function startOrAttachEmbedded(config: Config, logger: Logger): Promise<{ uri: string; engine?: EmbeddedMongo }> {
  const dbPath = path.join(config.dataDir, 'db');
  try {
    const engine = await startEmbeddedMongo({
      dbPath,
      host: '127.0.0.1',
      port: 0,
      log: (level, msg, fields) => logger[level]({ ...fields, component: 'embedded-mongo' }, msg),
    });
    return { uri: engine.uri, engine };
  } catch (err) {
    if (err instanceof DataDirLockedError && err.address) {
      logger.info({ address: err.address }, 'data directory is owned by a running engine; connecting to it');
      return { uri: `mongodb://${err.address.host}:${err.address.port}/` };
    }
    throw err;
  }
}

/** Connects the default mongoose connection; call once per process. */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const { uri, engine } = config.mongodbUri ? { uri: config.mongodbUri, engine: undefined } : await startOrAttachEmbedded(config, logger);
  const target = withDefaultDb(uri);
  try {
    await mongoose.connect(target, { serverSelectionTimeoutMS: 10_000, autoIndex: true });
    // Build every registered model's indexes before serving: unique constraints must hold from the first request.
    await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  } catch (err) {
    await engine?.stop().catch(() => {});
    throw err;
  }
  logger.info({ database: redact(target), embedded: !config.mongodbUri }, 'database connected');
  return {
    description: redact(target),
    ownsEngine: !!engine,
    async ping() {
      await mongoose.connection.db!.admin().ping();
    },
    async close() {
      await mongoose.disconnect();
      await engine?.stop();
    },
  };
}
