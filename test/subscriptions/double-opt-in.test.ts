import { expect } from 'chai';
import mongoose from 'mongoose';
import { addOptOut, OutboxMessageModel } from '../../src/channels/sms';
import { waitFor } from '../publishing/support/fixtures';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { codeFromOutbox, subscribeByCode, waitForCode } from '../support/subscriptions';

const MINUTE = 60_000;

describe('subscriptions: double opt-in (a code texted to the number, typed back)', () => {
  const clock = new TestClock(testDate('03-02T02:00:00Z'));
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp({ name: 'double_opt_in', clock });
    admin = (await app.loginAs('admin')).token;
  });
  after(() => app.close());

  const ask = (phone: string, extra: Record<string, unknown> = {}) => app.request('POST', '/api/public/subscriptions', { body: { phone, consent: true, ...extra } });
  const confirm = (phone: string, code: string) => app.request('POST', '/api/public/subscriptions/confirm', { body: { phone, code } });
  const active = async () => (await app.request('GET', '/api/admin/subscribers?status=active', { token: admin })).body.items.map((s: { phone: string }) => s.phone);
  /** A fresh per-address rate-limit window (the test makes more than ten requests from one address). */
  const nextMinute = () => clock.advance(MINUTE + 1_000);

  it('asking subscribes nobody; only the code texted to the number does, once', async () => {
    const asked = await ask('+86 135-0000-0001', { name: '张三' });
    expect(asked.status, asked.text).to.equal(202);
    expect(asked.body).to.include({ status: 'pending', phone: '135****0001', expiresInSeconds: 600 });
    expect(await active()).to.deep.equal([]);

    const code = await waitForCode('13500000001', codeFromOutbox);
    const wrong = await confirm('13500000001', code === '000000' ? '000001' : '000000');
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error).to.deep.include({ code: 'invalid_code', details: { field: 'body.code', attemptsLeft: 4 } });
    expect((await confirm('13500000001', '12ab')).status).to.equal(400); // not six digits: refused at the edge

    const ok = await confirm('135 0000 0001', code);
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body).to.include({ status: 'active', phone: '135****0001' });
    const list = (await app.request('GET', '/api/admin/subscribers', { token: admin })).body.items;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ phone: '+8613500000001', name: '张三', status: 'active', source: 'web' });

    const reused = await confirm('13500000001', code);
    expect(reused.status).to.equal(400);
    expect(reused.body.error.code).to.equal('code_expired');
  });

  it('five wrong codes void the code; a correct one after that is refused too', async () => {
    nextMinute();
    expect((await ask('13500000002')).status).to.equal(202);
    const code = await waitForCode('13500000002', codeFromOutbox);
    const other = code === '999999' ? '999998' : '999999';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await confirm('13500000002', other)).body.error);
    expect(answers.map((e) => e.details.attemptsLeft)).to.deep.equal([4, 3, 2, 1, 0]);
    expect(answers[4].code).to.equal('code_expired');
    nextMinute();
    expect((await confirm('13500000002', code)).body.error.code).to.equal('code_expired');
    expect(await active()).to.not.include('+8613500000002');
  });

  it('a code lasts ten minutes; a new one needs a minute\'s wait and at most five a day', async () => {
    /** The codes texted to the number so far, once there are `n` of them (each send settles before the clock moves). */
    const codes = (n: number) =>
      waitFor(`${n} codes`, async () => {
        const rows = await OutboxMessageModel.find({ phone: '+8613500000003', notification: 'subscription_code' }).sort({ createdAt: 1, _id: 1 }).lean();
        return rows.length === n && rows.map((r) => r.values.code);
      }, 60_000);
    nextMinute();
    expect((await ask('13500000003')).status).to.equal(202);
    const [first] = await codes(1);
    const early = await ask('13500000003');
    expect(early.status).to.equal(429);
    expect(early.body.error.details.retryAfterSeconds).to.be.within(1, 60);

    clock.advance(10 * MINUTE + 1_000);
    expect((await confirm('13500000003', first)).body.error.code).to.equal('code_expired');

    for (let sent = 2; sent <= 5; sent++) {
      nextMinute();
      expect((await ask('13500000003')).status, `code ${sent}`).to.equal(202);
      await codes(sent);
    }
    nextMinute();
    const sixth = await ask('13500000003');
    expect(sixth.status).to.equal(429);
    expect(sixth.body.error.message).to.contain('上限');

    clock.advance(24 * 60 * MINUTE);
    expect((await ask('13500000003')).status).to.equal(202);
    const all = await codes(6);
    // Only the latest code counts.
    nextMinute();
    if (all[4] !== all[5]) expect((await confirm('13500000003', all[4])).body.error.code).to.equal('invalid_code');
    expect((await confirm('13500000003', all[5])).status).to.equal(201);
  });

  it('a number that replied TD gets no code, and is told why', async () => {
    nextMinute();
    await addOptOut(app.service.services.events, '+8613500000004', { source: 'admin' } as never, clock.now());
    const res = await ask('13500000004');
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('phone_opted_out');
  });

  it('no record of ours keeps a code in plain text once it has gone (the outbox stands in for the phone)', async () => {
    nextMinute();
    await subscribeByCode(app, { phone: '13500000005' });
    nextMinute();
    expect((await ask('13500000006')).status).to.equal(202);
    const code = await waitForCode('13500000006', codeFromOutbox);
    const db = mongoose.connection.db!;
    const holders: string[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      if (name === 'sms_outbox') continue;
      for (const doc of await db.collection(name).find().toArray()) {
        if (JSON.stringify(doc).includes(`"${code}"`)) holders.push(name);
      }
    }
    expect(holders).to.deep.equal([]);
  });
});
