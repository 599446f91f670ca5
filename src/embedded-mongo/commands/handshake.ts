/** Connection handshake and server-introspection commands drivers, mongosh and Compass send at connect. */
import os from 'node:os';
import { serialize, UUID, type Document } from 'bson';
import { CommandError } from '../errors';
import { RawReply } from '../cursors';
import { MAX_MESSAGE_SIZE } from '../wire/framing';
import { MAX_BSON_SIZE } from '../storage/collection';
import { helloAuthFields } from '../auth/commands';
import { setStageParameters, STAGE_MEMORY_PARAMETERS } from '../query/stage-memory';
import type { CommandContext, CommandTable } from './types';

export const SERVER_VERSION = '7.0.0';
export const MAX_WIRE_VERSION = 21; // MongoDB 7.0; the driver accepts 8..29
const TXN_ERROR = 'Transaction numbers are only allowed on a replica set member or mongos';

function hello(ctx: CommandContext, cmd: Document, legacy: boolean): Document {
  const reply: Document = {
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    ...(cmd.helloOk ? { helloOk: true } : {}),
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ...helloAuthFields(ctx, cmd),
    ok: 1,
  };
  return reply;
}

// encoded once: ping and the session no-ops answer with the same bytes
const OK_REPLY = new RawReply(Buffer.from(serialize({ ok: 1 })));
const ok = () => OK_REPLY;

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'lianxin-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['embedded-sqlite'],
    javascriptEngine: 'none',
    modules: [],
    openssl: { running: 'disabled', compiled: 'disabled' },
    buildEnvironment: { target_os: process.platform, target_arch: process.arch },
    allocator: 'system',
    sysInfo: 'deprecated',
    ok: 1,
  };
}

const PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  maxBSONObjectSize: MAX_BSON_SIZE,
  internalQueryFacetBufferSizeBytes: 104857600,
};

function getParameter(_ctx: CommandContext, cmd: Document): Document {
  const all: Record<string, unknown> = { ...PARAMETERS, ...STAGE_MEMORY_PARAMETERS };
  if (cmd.getParameter === '*' || (typeof cmd.getParameter === 'object' && cmd.getParameter?.allParameters)) return { ...all, ok: 1 };
  const out: Document = {};
  for (const k of Object.keys(cmd)) {
    if (k === 'getParameter' || k.startsWith('$') || k === 'lsid') continue;
    if (k in all) out[k] = all[k];
  }
  if (Object.keys(out).length === 0) throw new CommandError('InvalidOptions', 'no option found to get');
  return { ...out, ok: 1 };
}

/** setParameter for the blocking stages' memory limits (the only settable parameters); `was` as mongod answers. */
function setParameter(ctx: CommandContext, cmd: Document): Document {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'setParameter may only be run against the admin database.');
  const was = setStageParameters(cmd);
  if (!was) throw new CommandError('InvalidOptions', 'no option found to set, use help:true to see options ');
  return { ...was, ok: 1 };
}

function serverStatus(ctx: CommandContext): Document {
  const e = ctx.engine;
  const uptimeMillis = Date.now() - e.startedAt;
  const mem = process.memoryUsage();
  return {
    host: `${os.hostname()}:${e.port}`,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    uptimeEstimate: Math.floor(uptimeMillis / 1000),
    localTime: new Date(),
    connections: { current: e.connectionsCurrent, available: 10000, totalCreated: e.connectionsTotal },
    mem: { bits: 64, resident: Math.round(mem.rss / 1048576), virtual: Math.round(mem.rss / 1048576), supported: true },
    metrics: { cursor: { open: { total: e.cursors.open_count } } },
    storageEngine: { name: 'embedded-sqlite', supportsCommittedReads: false, persistent: true },
    // the document cache, under the names mongod's WiredTiger cache uses
    wiredTiger: { cache: { 'bytes currently in the cache': e.cache.bytes, 'maximum bytes configured': e.cache.maxBytes, 'documents currently in the cache': e.cache.entries } },
    ok: 1,
  };
}

export const handshakeCommands: CommandTable = {
  hello: { run: (ctx, cmd) => hello(ctx, cmd, false) },
  isMaster: { run: (ctx, cmd) => hello(ctx, cmd, true) },
  ismaster: { run: (ctx, cmd) => hello(ctx, cmd, true) },
  ping: { run: ok },
  buildInfo: { run: buildInfo },
  buildinfo: { run: buildInfo },
  getParameter: { run: getParameter },
  setParameter: { run: setParameter },
  serverStatus: { run: serverStatus },
  connectionStatus: {
    run: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  },
  whatsmyuri: { run: (ctx) => ({ you: ctx.conn.remote, ok: 1 }) },
  getLog: {
    run: (_ctx, cmd) =>
      cmd.getLog === '*' ? { names: ['global', 'startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 },
  },
  hostInfo: {
    run: () => ({
      system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, memSizeMB: Math.round(os.totalmem() / 1048576), numCores: os.cpus().length, cpuArch: os.arch(), numaEnabled: false },
      os: { type: os.type(), name: os.type(), version: os.release() },
      extra: {},
      ok: 1,
    }),
  },
  getCmdLineOpts: { run: (ctx) => ({ argv: process.argv, parsed: { storage: { dbPath: ctx.engine.dbPath }, net: { port: ctx.engine.port } }, ok: 1 }) },
  listCommands: { run: () => ({ commands: {}, ok: 1 }) },
  endSessions: { run: ok },
  killSessions: { run: ok },
  killAllSessions: { run: ok },
  killAllSessionsByPattern: { run: ok },
  refreshSessions: { run: ok },
  startSession: { run: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }) },
  logout: { run: ok },
  fsync: {
    run: (ctx) => {
      ctx.engine.store.sync(true);
      return { numFiles: 1, ok: 1 };
    },
  },
  commitTransaction: { run: () => { throw new CommandError('IllegalOperation', TXN_ERROR); } },
  abortTransaction: { run: () => { throw new CommandError('IllegalOperation', TXN_ERROR); } },
};

export { TXN_ERROR };
