/**
 * Runs one fake standalone, for child-process tests and benchmarks:
 *   tsx test/fakes/cli.ts wechat|weibo|tencent|aliyun [--port N] [--max-numbers N] [--app-id X --app-secret Y] [--safe-host H (weibo)]
 * Prints one JSON line `{"provider","url","port"}` on stdout once listening; stops on SIGTERM/SIGINT.
 * Steer it over HTTP: POST {url}/__fake/<control> with a JSON array of arguments; GET {url}/__fake/state.
 */
import { startFakeAliyunSms } from './aliyun-sms';
import { startFakeTencentSms } from './tencent-sms';
import { startFakeWechat } from './wechat';
import { startFakeWeibo } from './weibo';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

async function main(): Promise<void> {
  const provider = process.argv[2];
  const port = arg('port') ? Number(arg('port')) : 0;
  const max = arg('max-numbers') ? Number(arg('max-numbers')) : undefined;
  const fake =
    provider === 'wechat'
      ? await startFakeWechat({ port, appId: arg('app-id'), appSecret: arg('app-secret') })
      : provider === 'weibo'
        ? await startFakeWeibo({ port, appKey: arg('app-id'), appSecret: arg('app-secret'), safeHost: arg('safe-host') })
        : provider === 'tencent'
          ? await startFakeTencentSms({ port, maxNumbersPerRequest: max })
          : provider === 'aliyun'
            ? await startFakeAliyunSms({ port, maxNumbersPerRequest: max })
            : undefined;
  if (!fake) {
    process.stderr.write('usage: tsx test/fakes/cli.ts wechat|weibo|tencent|aliyun [--port N] [--max-numbers N]\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ provider, url: fake.url, port: fake.port })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// Only when run as a program (mocha loads every file under test/ when given a directory).
if (require.main === module) void main();
