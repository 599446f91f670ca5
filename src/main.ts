/** Process entry: configuration → service; SIGTERM/SIGINT stop it gracefully. */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config';
import { startService } from './server';
import { DatabaseInUseError } from './db';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  let service;
  try {
    service = await startService(config);
  } catch (err) {
    if (err instanceof DatabaseInUseError) {
      process.stderr.write(`lianxin cannot start: ${err.message}\n`);
      process.exit(3);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(
        `lianxin cannot start: port ${config.port} is already in use (another lianxin or another program). Stop it, or start on another port: PORT=${config.port + 1} npm start\n`,
      );
      process.exit(3);
    }
    throw err;
  }
  let signalled = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      service.services.logger.info({ signal }, 'shutting down');
      void service!.stop().then(() => process.exit(0));
    });
  }
}

main().catch((err) => {
  process.stderr.write(`lianxin failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
