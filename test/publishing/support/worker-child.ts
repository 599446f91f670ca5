/**
 * One more instance of the service in its own process (its own startService: HTTP, worker, optional scheduler),
 * configured entirely by the environment the test gives it. Prints one JSON line when it serves; SIGTERM stops it.
 */
import { loadConfig } from '../../../src/config';
import { startService } from '../../../src/server';

async function main() {
  const service = await startService(loadConfig(process.env));
  process.stdout.write(`${JSON.stringify({ url: service.url, pid: process.pid })}\n`);
  process.once('SIGTERM', () => {
    void service.stop().then(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`worker child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
