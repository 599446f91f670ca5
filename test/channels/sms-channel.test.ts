import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestClock, testDate } from '../support/clock';
import { DomainEventBus } from '../../src/events';
import { ChannelError, type DeliveryRequest, type SmsRecipient } from '../../src/channels/types';
import {
  OutboxMessageModel, createSmsChannel, OutboxProvider, SmsChannel, SmsBatchModel, SmsMessageModel, SmsOptOutModel,
  addOptOut, adoptLegacySmsRecords, applyReceipts, deliveryRecords, normalizeChinaMobile, optedOutAmong,
} from '../../src/channels/sms';
import { TencentSmsProvider } from '../../src/channels/sms/tencent';
import { AliyunSmsProvider } from '../../src/channels/sms/aliyun';
import { DEFAULT_TEMPLATES_FILE } from '../../src/channels/sms/templates';
import { startFakeAliyunSms, startFakeTencentSms, type FakeAliyunSms, type FakeTencentSms } from '../fakes';
import { quietLogger, testConfig, useTestDatabase } from './support';
import { beijingDayStart } from '../../src/calendar/beijing';

let seq = 0;
const phone = (i: number) => `1380000${String(i).padStart(4, '0')}`;
function request(recipients: SmsRecipient[], overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  seq += 1;
  return {
    deliveryId: `sms-d${Date.now()}-${seq}`,
    idempotencyKey: `p${seq}:sms:0`,
    attempt: 1,
    content: { kind: 'meeting', id: 'm1', title: '经验交流会', digest: '', markdown: '', url: 'http://lianxin.test/meetings/m1' },
    sms: { notification: 'reminder', params: { title: '经验交流会', time: '12月1日 14:30', venue: '区人大三楼' }, recipients },
    ...overrides,
  };
}
async function rejection(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a ChannelError').to.be.instanceOf(ChannelError);
  return err as ChannelError;
}

describe('SMS channel', () => {
  useTestDatabase('sms_channel');
  let clock: TestClock;
  beforeEach(async () => {
    clock = new TestClock(testDate('09-01T02:00:00Z'));
    await Promise.all([SmsBatchModel.deleteMany({}), SmsMessageModel.deleteMany({}), SmsOptOutModel.deleteMany({})]);
  });

  it('normalises mainland numbers to E.164 and rejects others', () => {
    expect(normalizeChinaMobile('138 0013 8000')).to.equal('+8613800138000');
    expect(normalizeChinaMobile('+86-138-0013-8000')).to.equal('+8613800138000');
    expect(normalizeChinaMobile('008613800138000')).to.equal('+8613800138000');
    expect(normalizeChinaMobile('12800138000')).to.equal(undefined);
    expect(normalizeChinaMobile('010-12345678')).to.equal(undefined);
  });

  describe('outbox', () => {
    let channel: SmsChannel;
    beforeEach(() => {
      channel = new SmsChannel({ provider: new OutboxProvider(clock), signName: '连心', clock, logger: quietLogger });
    });

    it('stores the exact text per recipient and reports per-recipient outcomes', async () => {
      const r = request([{ phone: phone(1), name: '张三' }, { phone: 'abc' }, { phone: phone(2), name: '李四' }]);
      const outcome = await channel.deliver(r);
      expect(outcome.status).to.equal('sent');
      const byRecipient = Object.fromEntries(outcome.recipients!.map((x) => [x.recipient, x]));
      expect(byRecipient['+8613800000001'].status).to.equal('sent');
      expect(byRecipient.abc).to.include({ status: 'failed', errorCode: 'invalid_phone' });
      const stored = await OutboxMessageModel.findOne({ phone: '+8613800000001' }).lean();
      expect(stored?.text).to.equal('【连心】张三您好，提醒您参加“经验交流会”，时间12月1日 14:30，地点区人大三楼。回TD退订');
    });

    it('never texts a number twice for one delivery, even when delivered again', async () => {
      const r = request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '乙' }]);
      await channel.deliver(r);
      clock.advance(60_000);
      const again = await channel.deliver({ ...r, attempt: 2 });
      expect(again.recipients!.filter((x) => x.status === 'sent')).to.have.length(2);
      expect(await OutboxMessageModel.countDocuments({ deliveryId: r.deliveryId })).to.equal(2);
    });

    it('settles in-doubt records exactly after a crash (outbox knows what it stored)', async () => {
      const r = request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '乙' }]);
      // A crash left one number claimed but never handed over, one handed over but never stored, a third stored but not settled.
      const base = { deliveryId: r.deliveryId, notification: 'reminder', provider: 'outbox', attemptedAt: clock.now(), v: 0 };
      await SmsBatchModel.insertMany([
        { ...base, r: [{ p: '+8613800000001', s: 'sending' }] },
        { ...base, handedAt: clock.now(), r: [{ p: '+8613800000002', s: 'sending' }, { p: '+8613800000003', s: 'sending' }] },
      ]);
      await OutboxMessageModel.create({ deliveryId: r.deliveryId, phone: '+8613800000003', notification: 'reminder', templateId: 't', values: {}, text: 'x', createdAt: clock.now() });
      r.sms!.recipients.push({ phone: phone(3), name: '丙' });
      const outcome = await channel.reconcile(r);
      expect(outcome.recipients!.map((x) => x.status)).to.deep.equal(['sent', 'sent', 'sent']);
      expect(await OutboxMessageModel.countDocuments({ deliveryId: r.deliveryId })).to.equal(3);
      const third = (await deliveryRecords(r.deliveryId)).find((x) => x.phone === '+8613800000003');
      expect(third!.evidence).to.contain('短信发件箱');
      // Once settled, the delivery's numbers are held in as few records as its requests: one per batch, not per number.
      expect(await SmsBatchModel.countDocuments({ deliveryId: r.deliveryId })).to.be.at.most(3);
    });

    it('per-number records of an older version are adopted at start: an interrupted send is settled, never repeated', async () => {
      const r = request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '乙' }, { phone: phone(3), name: '丙' }, { phone: phone(4), name: '丁' }]);
      await SmsMessageModel.insertMany([
        { deliveryId: r.deliveryId, phone: '+8613800000001', notification: 'reminder', provider: 'outbox', status: 'sending', attemptedAt: clock.now() },
        { deliveryId: r.deliveryId, phone: '+8613800000002', notification: 'reminder', provider: 'outbox', status: 'sending', attemptedAt: clock.now(), handedAt: clock.now() },
        { deliveryId: r.deliveryId, phone: '+8613800000003', notification: 'reminder', provider: 'outbox', status: 'sending', attemptedAt: clock.now(), handedAt: clock.now() },
        { deliveryId: r.deliveryId, phone: '+8613800000004', notification: 'reminder', provider: 'outbox', status: 'sent', attemptedAt: clock.now(), settledAt: clock.now() },
      ]);
      await OutboxMessageModel.create({ deliveryId: r.deliveryId, phone: '+8613800000003', notification: 'reminder', templateId: 't', values: {}, text: 'x', createdAt: clock.now() });
      await OutboxMessageModel.create({ deliveryId: r.deliveryId, phone: '+8613800000004', notification: 'reminder', templateId: 't', values: {}, text: 'x', createdAt: clock.now() });
      expect(await adoptLegacySmsRecords()).to.equal(4);
      expect(await adoptLegacySmsRecords(), 'a second start finds nothing left to adopt').to.equal(0);
      const outcome = await channel.reconcile(r);
      expect(outcome.recipients!.map((x) => x.status)).to.deep.equal(['sent', 'sent', 'sent', 'sent']);
      // 1 was never handed (sent now), 2 was handed but the outbox never stored it (sent now), 3 and 4 are not repeated.
      expect(await OutboxMessageModel.countDocuments({ deliveryId: r.deliveryId })).to.equal(4);
      expect(await SmsMessageModel.countDocuments({})).to.equal(0);
    });

    it('refuses a shared parameter that is too long, naming the field', async () => {
      const r = request([{ phone: phone(1), name: '甲' }]);
      r.sms!.params.venue = '某某市某某区人民代表大会常务委员会机关大楼三楼第一会议室';
      const err = await rejection(channel.deliver(r));
      expect(err.code).to.equal('sms_param_too_long');
      expect(err.message).to.include('venue').and.include('地点');
      expect(await OutboxMessageModel.countDocuments({ deliveryId: r.deliveryId })).to.equal(0);
    });

    it('refuses a link taken from the content URL that is longer than the template allows, naming the field', async () => {
      const long = `http://lianxin.test/news/${'a'.repeat(60)}`;
      const news = (recipients: SmsRecipient[]) =>
        request(recipients, { sms: { notification: 'news', params: {}, recipients }, content: { ...request([]).content, url: long } });
      const r = news([{ phone: phone(1) }]);
      const err = await rejection(channel.deliver(r));
      expect(err.code).to.equal('sms_param_too_long');
      expect(err.transient).to.equal(false);
      expect(err.message).to.include('link').and.include('链接');
      expect(await OutboxMessageModel.countDocuments({ deliveryId: r.deliveryId })).to.equal(0);
      // Every recipient has a short link of their own: the long page address is not used, nothing to refuse.
      const own = await channel.deliver(news([{ phone: phone(2), params: { link: 'http://lianxin.test/r/x' } }]));
      expect(own.recipients![0].status).to.equal('sent');
    });

    it('fails only the recipient whose personal parameter is too long', async () => {
      const r = request([{ phone: phone(1), params: { name: '一个非常非常非常长的名字' } }, { phone: phone(2), name: '乙' }]);
      const outcome = await channel.deliver(r);
      const bad = outcome.recipients!.find((x) => x.recipient === '+8613800000001')!;
      expect(bad).to.include({ status: 'failed', errorCode: 'sms_param_too_long' });
      expect(bad.errorMessage).to.include('name');
    });

    it('skips opted-out numbers and announces new opt-outs', async () => {
      const events = new DomainEventBus();
      const seen: string[] = [];
      events.on('sms.optedOut', (e) => void seen.push(e.phone));
      await addOptOut(events, '+8613800000001', { source: 'reply', note: 'TD' }, clock.now());
      expect(await addOptOut(events, '+8613800000001', { source: 'admin' }, clock.now())).to.equal(false);
      await new Promise((r) => setImmediate(r));
      expect(seen).to.deep.equal(['+8613800000001']);
      expect([...(await optedOutAmong(['13800000001', '13800000002']))]).to.deep.equal(['13800000001']);
      const outcome = await channel.deliver(request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '乙' }]));
      expect(outcome.recipients!.find((x) => x.recipient === '+8613800000001')).to.include({ status: 'skipped', errorCode: 'opted_out' });
    });

    it('defers, never drops, what a frequency limit holds back: same kind within 30 s, 10 a day', async () => {
      const r1 = await channel.deliver(request([{ phone: phone(5), name: '甲' }]));
      expect(r1.recipients![0].status).to.equal('sent');
      clock.advance(10_000);
      const second = request([{ phone: phone(5), name: '甲' }, { phone: phone(6), name: '乙' }]);
      const r2 = await channel.deliver(second);
      expect(r2.recipients!.find((x) => x.recipient === '+8613800000006')!.status).to.equal('sent');
      const held = r2.recipients!.find((x) => x.recipient === '+8613800000005')!;
      expect(held).to.include({ status: 'deferred', errorCode: 'frequency_limited' });
      expect(r2.deferUntil!.getTime()).to.equal(clock.now().getTime() + 20_000); // 30 s after the first text
      clock.set(r2.deferUntil!);
      const r2b = await channel.deliver({ ...second, attempt: 2 });
      expect(r2b.deferUntil).to.equal(undefined);
      expect(r2b.recipients!.map((x) => x.status)).to.deep.equal(['sent', 'sent']);
      expect(await OutboxMessageModel.countDocuments({ phone: '+8613800000006' })).to.equal(1); // not texted twice

      for (let i = 0; i < 8; i += 1) {
        clock.advance(31_000);
        await channel.deliver(request([{ phone: phone(5), name: '甲' }]));
      }
      clock.advance(31_000);
      const r12 = await channel.deliver(request([{ phone: phone(5), name: '甲' }]));
      expect(r12.recipients![0]).to.include({ status: 'deferred', errorCode: 'frequency_limited' });
      expect(r12.recipients![0].errorMessage).to.include('10');
      expect(r12.deferUntil!.getTime()).to.equal(beijingDayStart(clock.now()).getTime() + 86_400_000);
    });
  });

  describe('tencent', () => {
    let fake: FakeTencentSms;
    let channel: SmsChannel;
    beforeEach(async () => {
      fake = await startFakeTencentSms();
      clock.set(Date.now()); // PullSmsSendStatusByPhoneNumber asks by the provider's own send time
      const config = testConfig({ SMS_PROVIDER: 'tencent', SMS_ENDPOINT: fake.url, TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' });
      channel = new SmsChannel({ provider: new TencentSmsProvider(config.sms, { timeoutSeconds: 1 }), signName: '连心', clock, logger: quietLogger });
    });
    afterEach(() => fake.close());

    it('batches to 200 numbers per request with params in template order and the delivery id as SessionContext', async () => {
      const recipients = Array.from({ length: 450 }, (_, i) => ({ phone: phone(i), params: { name: '代表' } }));
      const r = request(recipients);
      const outcome = await channel.deliver(r);
      expect(outcome.recipients!.filter((x) => x.status === 'sent')).to.have.length(450);
      expect(fake.state.sendRequests).to.equal(3);
      expect(fake.state.sends[0].params).to.deep.equal(['代表', '经验交流会', '12月1日 14:30', '区人大三楼']);
      expect(fake.state.sends[0].sessionContext).to.equal(r.deliveryId);
      expect(outcome.recipients![0].providerMessageId).to.be.a('string');
    });

    it('sends numbers without values of their own together, and each personal value set in its own request', async () => {
      const recipients: SmsRecipient[] = [
        ...Array.from({ length: 250 }, (_, i) => ({ phone: phone(i) })),
        { phone: phone(900), params: { link: 'http://lianxin.test/r/AbCd' } },
        { phone: phone(901), params: { title: '另一标题' } },
        { phone: phone(902), params: { link: 'http://lianxin.test/r/AbCd' } },
      ];
      const r = request(recipients, { sms: { notification: 'news', params: {}, recipients } });
      const outcome = await channel.deliver(r);
      expect(outcome.recipients!.filter((x) => x.status === 'sent')).to.have.length(253);
      // 250 shared: 200 + 50; the two with the same own link together; the other title alone.
      expect(fake.state.sendRequests).to.equal(4);
      const paramsOf = (i: number) => fake.state.sends.find((s) => s.phone === `+86${phone(i)}`)!.params;
      expect(paramsOf(0)).to.deep.equal(['经验交流会', 'http://lianxin.test/meetings/m1']);
      expect(paramsOf(249)).to.deep.equal(['经验交流会', 'http://lianxin.test/meetings/m1']);
      expect(paramsOf(900)).to.deep.equal(['经验交流会', 'http://lianxin.test/r/AbCd']);
      expect(paramsOf(902)).to.deep.equal(['经验交流会', 'http://lianxin.test/r/AbCd']);
      expect(paramsOf(901)).to.deep.equal(['另一标题', 'http://lianxin.test/meetings/m1']);
    });

    it('uses the approved template ids from SMS_TEMPLATES_FILE and refuses a broken mapping', async () => {
      const bundled = JSON.parse(readFileSync(DEFAULT_TEMPLATES_FILE, 'utf8'));
      const dir = mkdtempSync(path.join(tmpdir(), 'lianxin-sms-templates-'));
      const ours = path.join(dir, 'ours.json');
      writeFileSync(ours, JSON.stringify({ ...bundled, reminder: { ...bundled.reminder, tencent: '1888001' } }));
      const config = testConfig({
        SMS_PROVIDER: 'tencent', SMS_ENDPOINT: fake.url, TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000',
        SMS_TEMPLATES_FILE: ours,
      });
      const configured = createSmsChannel({ config, clock, logger: quietLogger });
      await configured.deliver(request([{ phone: phone(1), name: '甲' }]));
      expect(fake.state.sends[0].templateId).to.equal('1888001');

      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, JSON.stringify({ ...bundled, change: { ...bundled.change, params: 'name' } }));
      const brokenConfig = testConfig({ SMS_TEMPLATES_FILE: broken });
      expect(() => createSmsChannel({ config: brokenConfig, clock, logger: quietLogger })).to.throw(/broken\.json: change\.params/);
      expect(() => testConfig({ SMS_TEMPLATES_FILE: path.join(dir, 'missing.json') })).to.throw(/SMS_TEMPLATES_FILE.*no such file/);
    });

    it('sends one request per distinct personal value set', async () => {
      await channel.deliver(request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '乙' }, { phone: phone(3), name: '甲' }]));
      expect(fake.state.sendRequests).to.equal(2);
    });

    it("defers a number Tencent refuses for its own 30-second limit, and sends it when allowed", async () => {
      fake.controls.failNumber('+8613800000003', 'LimitExceeded.PhoneNumberThirtySecondLimit');
      const r = request([{ phone: phone(3), name: '甲' }, { phone: phone(4), name: '甲' }]);
      const outcome = await channel.deliver(r);
      expect(outcome.recipients!.find((x) => x.recipient === '+8613800000003')).to.include({ status: 'deferred' });
      expect(outcome.deferUntil!.getTime()).to.equal(clock.now().getTime() + 30_000);
      fake.state.numberFailures.delete('+8613800000003');
      clock.advance(30_000);
      const again = await channel.deliver({ ...r, attempt: 2 });
      expect(again.recipients!.map((x) => x.status)).to.deep.equal(['sent', 'sent']);
      expect(fake.state.sends.map((x) => x.phone)).to.deep.equal(['+8613800000004', '+8613800000003']);
    });

    it('reports per-number provider failures', async () => {
      fake.controls.failNumber('+8613800000002', 'FailedOperation.PhoneNumberInBlacklist');
      const outcome = await channel.deliver(request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '甲' }]));
      const failed = outcome.recipients!.find((x) => x.recipient === '+8613800000002')!;
      expect(failed).to.include({ status: 'failed', errorCode: 'FailedOperation.PhoneNumberInBlacklist' });
      expect(failed.errorMessage).to.include('免打扰');
    });

    it('transient failure then success: throttling raises a transient error, the retry sends once', async () => {
      fake.controls.failNext({ code: 'LimitExceeded.DeliveryFrequencyLimit', match: 'SendSms' });
      const r = request([{ phone: phone(1), name: '甲' }]);
      const err = await rejection(channel.deliver(r));
      expect(err.transient).to.equal(true);
      expect(err.providerCode).to.equal('LimitExceeded.DeliveryFrequencyLimit');
      const outcome = await channel.deliver({ ...r, attempt: 2 });
      expect(outcome.recipients![0].status).to.equal('sent');
      expect(fake.state.sends).to.have.length(1);
    });

    it('a spent daily quota (LimitExceeded.*DailyLimit) is permanent, with a clear reason', async () => {
      for (const code of ['LimitExceeded.AppDailyLimit', 'LimitExceeded.DailyLimit', 'LimitExceeded.AppMainlandChinaDailyLimit']) {
        fake.controls.failNext({ code, match: 'SendSms' });
        const err = await rejection(channel.deliver(request([{ phone: phone(1), name: '甲' }])));
        expect(err.transient, code).to.equal(false);
        expect(err.providerCode).to.equal(code);
        expect(err.message).to.include('明天');
      }
    });

    it('permanent failure: unapproved template stops with the provider code', async () => {
      fake.controls.failNext({ code: 'FailedOperation.TemplateIncorrectOrUnapproved', match: 'SendSms' });
      const err = await rejection(channel.deliver(request([{ phone: phone(1), name: '甲' }])));
      expect(err.transient).to.equal(false);
      expect(err.providerCode).to.equal('FailedOperation.TemplateIncorrectOrUnapproved');
      expect(err.message).to.include('模板');
    });

    it('an unanswered request is settled from PullSmsSendStatusByPhoneNumber: found → sent with the evidence, never resent', async () => {
      fake.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms' });
      const r = request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '甲' }]);
      const err = await rejection(channel.deliver(r));
      expect(err.mayHaveBeenAccepted).to.equal(true);
      const outcome = await channel.reconcile(r);
      expect(outcome.recipients!.map((x) => x.status)).to.deep.equal(['delivered', 'delivered']); // the fake reports DELIVRD
      expect(outcome.recipients![0].providerMessageId).to.equal(fake.state.sends[0].serialNo);
      expect(fake.state.sends).to.have.length(2);
      const row = (await deliveryRecords(r.deliveryId)).find((x) => x.phone === '+8613800000001');
      expect(row!.handedAt).to.be.instanceOf(Date);
      expect(row!.evidence).to.contain('PullSmsSendStatusByPhoneNumber').and.contain(fake.state.sends[0].serialNo);
      const pulls = fake.state.requests.filter((q) => q.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber');
      expect(pulls).to.have.length(2);
      expect(JSON.parse(pulls[0].body.toString())).to.include({ Offset: 0, Limit: 100, SmsSdkAppId: '1400000000' });
    });

    it('a delivery receipt that arrived for an unanswered send settles it: no lookup, never resent', async () => {
      fake.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms' });
      const r = request([{ phone: phone(8), name: '甲' }]);
      await rejection(channel.deliver(r));
      // The provider's receipt names our delivery (SessionContext) and its own serial number.
      const sent = fake.state.sends.find((x) => x.phone === '+8613800000008')!;
      const result = await applyReceipts(new DomainEventBus(), [
        { provider: 'tencent', phone: sent.phone, delivered: true, providerMessageId: sent.serialNo, deliveryId: r.deliveryId, receivedAt: clock.now() },
      ]);
      expect(result.applied).to.equal(1);
      const outcome = await channel.reconcile(r);
      expect(outcome.recipients![0]).to.include({ status: 'delivered', providerMessageId: sent.serialNo });
      expect(fake.state.requests.filter((q) => q.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber')).to.have.length(0);
      expect(fake.state.sends.filter((x) => x.phone === '+8613800000008')).to.have.length(1);
    });

    it("a provider record that is already another message of ours is not taken for the one in doubt", async () => {
      await channel.deliver(request([{ phone: phone(5), name: '甲' }])); // an earlier text to the same number, answered
      clock.advance(31_000); // past the same-kind limit; the earlier text is still inside the lookup window
      fake.controls.failNext({ hang: true, match: 'SendSms' }); // reached the provider's door, never processed
      const r = request([{ phone: phone(5), name: '甲' }]);
      await rejection(channel.deliver(r));
      // Too early to call a miss proof: the delivery is asked about again later.
      const early = await rejection(channel.deliver({ ...r, attempt: 2 }));
      expect(early.code).to.equal('sms_in_doubt_checking');
      expect(early.transient).to.equal(true);
      clock.advance(61_000);
      const outcome = await channel.deliver({ ...r, attempt: 3 });
      expect(outcome.recipients![0].status).to.equal('sent');
      expect(fake.state.sends.filter((x) => x.phone === '+8613800000005')).to.have.length(2);
    });

    it('what the provider records cannot tell by the last attempt is unknown, with the evidence per number', async () => {
      fake.controls.failNext({ code: 'InternalError.Timeout', match: 'SendSms' });
      const r = request([{ phone: phone(7), name: '甲' }]);
      await rejection(channel.deliver(r));
      fake.controls.failNext({ httpStatus: 503, match: 'PullSmsSendStatusByPhoneNumber' });
      expect((await rejection(channel.deliver({ ...r, attempt: 2 }))).code).to.equal('sms_in_doubt_checking');
      const settled = await channel.settleAbandoned(r);
      expect(settled[0].status).to.equal('unknown');
      expect(settled[0].errorMessage).to.contain('交给腾讯云').and.contain('PullSmsSendStatusByPhoneNumber').and.contain('失败');
      expect(fake.state.sends).to.have.length(0);
    });

    it('a connection never established (HTTPS spoken to a plain port, refused) is a definite failure, never doubt', async () => {
      const tls = testConfig({ SMS_PROVIDER: 'tencent', SMS_ENDPOINT: fake.url.replace('http:', 'https:'), TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' });
      const wrongScheme = new SmsChannel({ provider: new TencentSmsProvider(tls.sms, { timeoutSeconds: 1 }), signName: '连心', clock, logger: quietLogger });
      const r = request([{ phone: phone(1), name: '甲' }, { phone: phone(2), name: '甲' }]);
      const err = await rejection(wrongScheme.deliver(r));
      expect(err.code).to.equal('sms_connection_tls_failed');
      expect(err.transient).to.equal(false);
      expect(err.mayHaveBeenAccepted).to.equal(false);
      expect(err.message).to.contain('SMS_ENDPOINT').and.not.contain('13800000001');
      const rows = await deliveryRecords(r.deliveryId);
      expect(rows.map((x) => x.status)).to.deep.equal(['failed', 'failed']);

      const refused = testConfig({ SMS_PROVIDER: 'tencent', SMS_ENDPOINT: 'http://127.0.0.1:1', TENCENT_SECRET_ID: 'AKIDfake', TENCENT_SECRET_KEY: 'k', TENCENT_SMS_APP_ID: '1400000000' });
      const nowhere = new SmsChannel({ provider: new TencentSmsProvider(refused.sms, { timeoutSeconds: 1 }), signName: '连心', clock, logger: quietLogger });
      const r2 = request([{ phone: phone(3), name: '甲' }]);
      const err2 = await rejection(nowhere.deliver(r2));
      expect(err2.mayHaveBeenAccepted).to.equal(false);
      const settled = await nowhere.settleAbandoned(r2);
      expect(settled.map((x) => x.status)).to.not.include('unknown');
      expect(fake.state.requests).to.have.length(0);
    });

    it('a send answered with InternalError.* or HTTP 5xx is looked up: once the records prove it never arrived, it is sent once', async () => {
      for (const [i, spec] of [{ code: 'InternalError.Timeout' }, { httpStatus: 502 }].entries()) {
        fake.controls.failNext({ ...spec, match: 'SendSms' });
        const r = request([{ phone: phone(10 + i), name: '甲' }]);
        const err = await rejection(channel.deliver(r));
        expect(err.transient, JSON.stringify(spec)).to.equal(true);
        expect(err.mayHaveBeenAccepted, JSON.stringify(spec)).to.equal(true);
        expect((await rejection(channel.deliver({ ...r, attempt: 2 }))).code, JSON.stringify(spec)).to.equal('sms_in_doubt_checking');
        clock.advance(61_000);
        const outcome = await channel.deliver({ ...r, attempt: 3 });
        expect(outcome.recipients![0].status, JSON.stringify(spec)).to.equal('sent');
      }
      expect(fake.state.sends.map((x) => x.phone)).to.deep.equal(['+8613800000010', '+8613800000011']);
    });
  });

  describe('aliyun', () => {
    let fake: FakeAliyunSms;
    let channel: SmsChannel;
    beforeEach(async () => {
      fake = await startFakeAliyunSms();
      clock.set(Date.now()); // QuerySendDetails matches by the provider's own send date
      const config = testConfig({ SMS_PROVIDER: 'aliyun', SMS_ENDPOINT: fake.url, ALIYUN_ACCESS_KEY_ID: 'LTAIfake', ALIYUN_ACCESS_KEY_SECRET: 's' });
      channel = new SmsChannel({ provider: new AliyunSmsProvider(config.sms, { timeoutMs: 1000 }), signName: '连心', clock, logger: quietLogger });
    });
    afterEach(() => fake.close());

    it('uses SendSms for shared values and SendBatchSms (≤100) for personal ones, OutId = delivery id', async () => {
      const r = request([
        ...Array.from({ length: 3 }, (_, i) => ({ phone: phone(i), params: { name: '代表' } })),
        ...Array.from({ length: 150 }, (_, i) => ({ phone: phone(100 + i), params: { name: `代表${i}` } })),
      ]);
      await channel.deliver(r);
      const actions = fake.state.requests.map((q) => String(q.headers['x-acs-action']));
      expect(actions.filter((a) => a === 'SendSms')).to.have.length(1);
      expect(actions.filter((a) => a === 'SendBatchSms')).to.have.length(2);
      expect(fake.state.sends.every((s) => s.outId === r.deliveryId)).to.equal(true);
      expect(fake.state.sends.find((s) => s.phone === '13800000100')?.params).to.include({ name: '代表0', venue: '区人大三楼' });
    });

    it('classifies isv.BUSINESS_LIMIT_CONTROL as transient and isv.AMOUNT_NOT_ENOUGH as permanent', async () => {
      fake.controls.failNext({ code: 'isv.BUSINESS_LIMIT_CONTROL', match: 'SendSms' });
      expect((await rejection(channel.deliver(request([{ phone: phone(1), name: '甲' }])))).transient).to.equal(true);
      fake.controls.failNext({ code: 'isv.AMOUNT_NOT_ENOUGH', match: 'SendSms' });
      const err = await rejection(channel.deliver(request([{ phone: phone(2), name: '甲' }])));
      expect(err.transient).to.equal(false);
      expect(err.message).to.include('余额');
    });

    it('isv.DAY_LIMIT_CONTROL (the daily quota is spent) is permanent, with a clear reason', async () => {
      fake.controls.failNext({ code: 'isv.DAY_LIMIT_CONTROL', match: 'SendSms' });
      const err = await rejection(channel.deliver(request([{ phone: phone(1), name: '甲' }])));
      expect(err.transient).to.equal(false);
      expect(err.message).to.include('日发送上限');
    });

    it('reconciles an unanswered send through QuerySendDetails (matched on OutId) instead of resending', async () => {
      fake.controls.failNext({ hang: true, processBeforeHang: true, match: 'SendSms' });
      const r = request([{ phone: phone(1), name: '甲' }]);
      await rejection(channel.deliver(r));
      const outcome = await channel.reconcile(r);
      expect(outcome.recipients![0].status).to.equal('delivered'); // QuerySendDetails: SendStatus 3
      expect(fake.state.sends).to.have.length(1);
    });
    it('a send answered with isp.SYSTEM_ERROR or HTTP 5xx is looked up: sent only once QuerySendDetails proves it never arrived', async () => {
      for (const [i, spec] of [{ code: 'isp.SYSTEM_ERROR' }, { httpStatus: 500 }].entries()) {
        fake.controls.failNext({ ...spec, match: 'SendSms' });
        const r = request([{ phone: phone(10 + i), name: '甲' }]);
        const err = await rejection(channel.deliver(r));
        expect(err.mayHaveBeenAccepted, JSON.stringify(spec)).to.equal(true);
        const early = await rejection(channel.deliver({ ...r, attempt: 2 }));
        expect(early.code, JSON.stringify(spec)).to.equal('sms_in_doubt_checking');
        expect(fake.state.sends, JSON.stringify(spec)).to.have.length(i);
        clock.advance(61_000);
        const outcome = await channel.deliver({ ...r, attempt: 3 });
        expect(outcome.recipients![0].status, JSON.stringify(spec)).to.equal('sent');
      }
      expect(fake.state.sends.map((x) => x.phone)).to.deep.equal(['13800000010', '13800000011']);
    });
  });
});
