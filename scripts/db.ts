/**
 * Standalone embedded MongoDB-compatible server, for mongosh / Compass or a separate app process:
 *   npm run db -- [--port 27017] [--dbpath ./data/db] [--host 127.0.0.1] [--user admin] [--password-file FILE]
 *                 [--no-auth] [--socket-only] [--cache-mb 64] [--quiet]
 * The app and scripts reach it over the Unix socket inside the data directory (no credentials: the directory is
 * the owner's only). TCP clients sign in with SCRAM-SHA-256: the password comes from --password-file, or is
 * generated once and kept in <dbpath>/tcp-password (0600). --no-auth is allowed on a loopback address only.
 * Stops cleanly on SIGINT/SIGTERM (flushes and releases the data directory).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataDirLockedError, isLoopback, startEmbeddedMongo } from '../src/embedded-mongo';

interface Options {
  port: number;
  dbPath: string;
  host: string;
  user: string;
  passwordFile?: string;
  noAuth: boolean;
  socketOnly: boolean;
  cacheMb: number;
  quiet: boolean;
}

const USAGE =
  'usage: npm run db -- [--port 27017] [--dbpath ./data/db] [--host 127.0.0.1] [--user admin] [--password-file FILE] [--no-auth] [--socket-only] [--cache-mb 64] [--quiet]\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { port: 27017, dbPath: './data/db', host: '127.0.0.1', user: 'admin', noAuth: false, socketOnly: false, cacheMb: 64, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--port':
        opts.port = Number(value());
        break;
      case '--dbpath':
      case '--dbPath':
        opts.dbPath = value();
        break;
      case '--host':
      case '--bind_ip':
        opts.host = value();
        break;
      case '--user':
        opts.user = value();
        break;
      case '--password-file':
        opts.passwordFile = value();
        break;
      case '--cache-mb':
        opts.cacheMb = Number(value());
        break;
      case '--no-auth':
        opts.noAuth = true;
        break;
      case '--socket-only':
        opts.socketOnly = true;
        break;
      case '--quiet':
        opts.quiet = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${argv[i]} (try --help)`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) fail(`invalid --port ${opts.port}`);
  if (!Number.isInteger(opts.cacheMb) || opts.cacheMb < 1) fail(`invalid --cache-mb ${opts.cacheMb}`);
  if (opts.noAuth && !isLoopback(opts.host)) fail(`--no-auth is allowed on a loopback address only, not --host ${opts.host}`);
  if (!/^[\w.@-]{1,64}$/.test(opts.user)) fail('--user: letters, digits, . _ @ - only');
  return opts;
}

/** The TCP password: from --password-file, else the one generated for this data directory on its first TCP start. */
function tcpPassword(opts: Options): { password: string; generatedFile?: string } {
  if (opts.passwordFile) {
    const password = fs.readFileSync(opts.passwordFile, 'utf8').split(/\r?\n/)[0];
    if (password.length < 12) fail(`${opts.passwordFile}: the password must be at least 12 characters`);
    return { password };
  }
  const file = path.join(opts.dbPath, 'tcp-password');
  if (fs.existsSync(file)) return { password: fs.readFileSync(file, 'utf8').trim(), generatedFile: file };
  fs.mkdirSync(opts.dbPath, { recursive: true, mode: 0o700 });
  const password = crypto.randomBytes(18).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return { password, generatedFile: file };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (opts.quiet && level !== 'error' && level !== 'warn') return;
    if (level === 'debug') return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  };
  const credentials = opts.socketOnly || opts.noAuth ? undefined : tcpPassword(opts);
  let engine;
  try {
    engine = await startEmbeddedMongo({
      dbPath: opts.dbPath,
      role: 'standalone',
      cacheMb: opts.cacheMb,
      log,
      ...(opts.socketOnly
        ? {}
        : { host: opts.host, port: opts.port, tcpAuth: credentials ? { username: opts.user, password: credentials.password } : 'none' }),
    });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(3);
    }
    throw err;
  }
  process.stdout.write(`embedded mongo ready: ${engine.uri} (data in ${opts.dbPath})\n`);
  if (engine.tcpUri) {
    const withUser = credentials ? engine.tcpUri.replace('mongodb://', `mongodb://${encodeURIComponent(opts.user)}@`) : engine.tcpUri;
    process.stdout.write(`TCP: ${withUser}${credentials ? ' (SCRAM-SHA-256)' : ' — WITHOUT AUTHENTICATION (loopback only)'}\n`);
    if (credentials?.generatedFile) process.stdout.write(`  password in ${credentials.generatedFile}; e.g. mongosh "${withUser}" -p "$(cat ${credentials.generatedFile})"\n`);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    engine!.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
