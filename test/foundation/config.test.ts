import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig } from '../../src/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(3000);
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.dataDir).to.match(/data$/);
    expect(config.sms.provider).to.equal('outbox');
    expect(config.meetings.reminderOffsetsMs).to.deep.equal([24 * 3_600_000, 2 * 3_600_000]);
  });

  it('takes suggestion deadlines of three and six months by default, and refuses a hard-matter deadline shorter than the ordinary one', () => {
    expect(loadConfig({}).suggestions).to.deep.include({ deadlineMonths: 3, hardDeadlineMonths: 6, linkDays: 30, publicDailyLimit: 5 });
    expect(loadConfig({ SUGGESTION_DEADLINE_MONTHS: '2', SUGGESTION_HARD_DEADLINE_MONTHS: '4' }).suggestions).to.deep.include({ deadlineMonths: 2, hardDeadlineMonths: 4 });
    expect(problemsOf({ SUGGESTION_DEADLINE_MONTHS: '4', SUGGESTION_HARD_DEADLINE_MONTHS: '3' })[0]).to.contain('SUGGESTION_HARD_DEADLINE_MONTHS');
    expect(problemsOf({ SUGGESTION_DEADLINE_MONTHS: '0' })[0]).to.match(/^SUGGESTION_DEADLINE_MONTHS=/);
  });

  it('names the variable and what is expected', () => {
    expect(problemsOf({ PORT: 'abc' })[0]).to.match(/^PORT="abc": /);
    expect(problemsOf({ MONGODB_URI: 'postgres://x' })[0]).to.contain('MONGODB_URI').and.contain('mongodb://');
    expect(problemsOf({ PUBLIC_BASE_URL: 'not a url' })[0]).to.contain('PUBLIC_BASE_URL');
    expect(problemsOf({ MEETING_REMINDER_OFFSETS: '24 hours' })[0]).to.contain('MEETING_REMINDER_OFFSETS').and.contain('24h,2h');
    expect(problemsOf({ WECHAT_ENCODING_AES_KEY: 'short' })[0]).to.contain('WECHAT_ENCODING_AES_KEY');
  });

  it('takes the Weibo app as all three settings or none, with the API base defaulting to api.weibo.com', () => {
    expect(problemsOf({ WEIBO_APP_KEY: '123', WEIBO_APP_SECRET: 's' }).join('\n')).to.contain('WEIBO_REDIRECT_URI');
    expect(problemsOf({ WEIBO_REDIRECT_URI: 'not a url', WEIBO_APP_KEY: '1', WEIBO_APP_SECRET: 's' })[0]).to.contain('WEIBO_REDIRECT_URI');
    const weibo = loadConfig({ WEIBO_APP_KEY: '123', WEIBO_APP_SECRET: 's', WEIBO_REDIRECT_URI: 'https://x.test/api/weibo/oauth/callback/' }).weibo;
    expect(weibo).to.deep.equal({ appKey: '123', appSecret: 's', redirectUri: 'https://x.test/api/weibo/oauth/callback', apiBase: 'https://api.weibo.com' });
    expect(loadConfig({}).weibo.appKey).to.equal(undefined);
  });

  it('refuses an EncodingAESKey without the app id and token it works with', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const problems = problemsOf({ WECHAT_ENCODING_AES_KEY: key }).join('\n');
    expect(problems).to.contain('WECHAT_ENCODING_AES_KEY').and.contain('WECHAT_APP_ID').and.contain('WECHAT_TOKEN');
    const noToken = problemsOf({ WECHAT_ENCODING_AES_KEY: key, WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's' }).join('\n');
    expect(noToken).to.contain('WECHAT_TOKEN').and.not.contain('WECHAT_APP_ID:');
    expect(loadConfig({ WECHAT_ENCODING_AES_KEY: key, WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's', WECHAT_TOKEN: 't' }).wechat.encodingAesKey).to.equal(key);
  });

  it('refuses a localhost PUBLIC_BASE_URL in production', () => {
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:8080/']) {
      expect(problemsOf({ NODE_ENV: 'production', PUBLIC_BASE_URL: url }).join('\n')).to.contain('PUBLIC_BASE_URL');
    }
    expect(problemsOf({ NODE_ENV: 'production' }).join('\n')).to.contain('PUBLIC_BASE_URL');
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://lianxin.example.cn' }).publicBaseUrl).to.equal('https://lianxin.example.cn');
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_BASE_URL: 'http://localhost:3000' }).publicBaseUrl).to.equal('http://localhost:3000');
  });

  it('derives PUBLIC_BASE_URL from PORT outside production when it is unset', () => {
    expect(loadConfig({ NODE_ENV: 'development', PORT: '3100' }).publicBaseUrl).to.equal('http://localhost:3100');
    expect(loadConfig({ NODE_ENV: 'development' }).publicBaseUrl).to.equal('http://localhost:3000');
    expect(loadConfig({ NODE_ENV: 'development', PORT: '3100', PUBLIC_BASE_URL: 'http://192.168.1.20:3100' }).publicBaseUrl).to.equal('http://192.168.1.20:3100');
  });

  it('reports every missing credential of the chosen SMS provider', () => {
    const problems = problemsOf({ SMS_PROVIDER: 'tencent' });
    expect(problems.join('\n')).to.contain('TENCENT_SECRET_ID').and.contain('TENCENT_SECRET_KEY').and.contain('TENCENT_SMS_APP_ID');
  });

  it('takes SMS_ENDPOINT only as scheme://host[:port], naming the expected form', () => {
    for (const bad of ['127.0.0.1:9000', 'sms.tencentcloudapi.com', 'ftp://sms.example.cn', 'https://sms.example.cn/v1', 'http://127.0.0.1:9000/?x=1', 'https://u:p@sms.example.cn']) {
      const problem = problemsOf({ SMS_ENDPOINT: bad })[0];
      expect(problem, bad).to.contain('SMS_ENDPOINT').and.contain('https://sms.tencentcloudapi.com').and.contain('http://127.0.0.1:9000');
    }
    expect(loadConfig({ SMS_ENDPOINT: 'http://127.0.0.1:9000' }).sms.endpoint).to.equal('http://127.0.0.1:9000');
    expect(loadConfig({ SMS_ENDPOINT: 'https://dysmsapi.aliyuncs.com/' }).sms.endpoint).to.equal('https://dysmsapi.aliyuncs.com');
  });

  it('parses durations and normalises the public base URL', () => {
    const config = loadConfig({ MEETING_REMINDER_OFFSETS: '1d, 30m', PUBLIC_BASE_URL: 'https://lianxin.example.cn/' });
    expect(config.meetings.reminderOffsetsMs).to.deep.equal([86_400_000, 1_800_000]);
    expect(config.publicBaseUrl).to.equal('https://lianxin.example.cn');
  });

  it('refuses a real SMS provider in production without the receipt secret', () => {
    const prod = { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://lianxin.example.cn' };
    const tencent = { ...prod, SMS_PROVIDER: 'tencent', TENCENT_SECRET_ID: 'id', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' };
    expect(problemsOf(tencent).join('\n')).to.contain('SMS_RECEIPT_TOKEN');
    expect(problemsOf({ ...tencent, SMS_RECEIPT_TOKEN: 'short' }).join('\n')).to.contain('SMS_RECEIPT_TOKEN');
    expect(problemsOf({ ...prod, SMS_PROVIDER: 'aliyun', ALIYUN_ACCESS_KEY_ID: 'id', ALIYUN_ACCESS_KEY_SECRET: 's' }).join('\n')).to.contain('SMS_RECEIPT_TOKEN');
    expect(loadConfig({ ...tencent, SMS_RECEIPT_TOKEN: 'a-long-random-secret-1234' }).sms.receiptToken).to.equal('a-long-random-secret-1234');
    expect(loadConfig(prod).sms.provider).to.equal('outbox'); // the outbox receives no pushes
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, ...tencent, MONGODB_URI: '', SMS_RECEIPT_TOKEN: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).to.equal(78);
    expect(result.stderr).to.contain('SMS_RECEIPT_TOKEN');
  });

  it('stops `npm start` with a clear message on an invalid value', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: 'eighty', MONGODB_URI: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).to.equal(78);
    expect(result.stderr).to.contain('PORT="eighty"');
    expect(result.stderr).not.to.match(/\n\s+at /); // no stack trace
  });
});
