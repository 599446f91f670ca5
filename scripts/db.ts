/**
 * Standalone embedded MongoDB-compatible server, for mongosh / Compass or a separate app process:
 *   npm run db -- --port 27017 --dbpath ./data/db [--host 127.0.0.1] [--quiet]
 * Stops cleanly on SIGINT/SIGTERM (flushes and releases the data directory).
 */
import { DataDirLockedError, startEmbeddedMongo } from '../src/embedded-mongo';

function parseArgs(argv: string[]): { port: number; dbPath: string; host: string; quiet: boolean } {
  const opts = { port: 27017, dbPath: './data/db', host: '127.0.0.1', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
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
      case '--quiet':
        opts.quiet = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write('usage: npm run db -- [--port 27017] [--dbpath ./data/db] [--host 127.0.0.1] [--quiet]\n');
        process.exit(0);
        break;
      default:
        process.stderr.write(`unknown option ${argv[i]} (try --help)\n`);
        process.exit(2);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    process.stderr.write(`invalid --port ${opts.port}\n`);
    process.exit(2);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (opts.quiet && level !== 'error' && level !== 'warn') return;
    if (level === 'debug') return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  };
  let engine;
  try {
    engine = await startEmbeddedMongo({ dbPath: opts.dbPath, host: opts.host, port: opts.port, log });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(3);
    }
    throw err;
  }
  process.stdout.write(`embedded mongo ready: ${engine.uri} (data in ${opts.dbPath})\n`);
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
