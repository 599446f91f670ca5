/** Shared plumbing for the command-line scripts: config, quiet logger, database, and a clean exit. */
import dotenv from 'dotenv';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { createLogger, type Logger } from '../src/logger';
import { openDatabase, type Database } from '../src/db';

export interface ScriptContext {
  config: Config;
  logger: Logger;
  database: Database;
}

/**
 * Runs a script against the same data as the service: a real MongoDB when MONGODB_URI is set, else the embedded
 * engine under DATA_DIR — started here, or the one a running `npm start` owns.
 */
export async function runScript(body: (ctx: ScriptContext) => Promise<void>): Promise<void> {
  dotenv.config({ quiet: true });
  let database: Database | undefined;
  try {
    // Scripts are quieter than the service: warn unless LOG_LEVEL says otherwise (validated like every variable).
    const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
    const logger = createLogger(config.logLevel);
    database = await openDatabase(config, logger);
    await body({ config, logger, database });
    await database.close();
    process.exit(0);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    await database?.close().catch(() => {});
    process.exit(1);
  }
}

/** Reads a password: the first line of stdin with --password-stdin, else an interactive prompt without echo. */
export async function readPassword(fromStdin: boolean, prompt = 'Password: '): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  return new Promise((resolve) => {
    process.stdout.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
