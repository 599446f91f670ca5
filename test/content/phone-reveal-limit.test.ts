import { expect } from 'chai';
import { TestClock, testDate } from '../support/clock';
import { startTestApp, type TestApp } from '../support/app';
import { PHONE_REVEALS_PER_HOUR } from '../../src/content/service';

/** Masked numbers stay masked for the roster as a whole: each person may unmask only a few dozen an hour. */
describe('content: the per-person limit on revealing deputies\' phone numbers', () => {
  const clock = new TestClock(testDate('04-01T01:00:00Z'));
  let app: TestApp;
  let editor: string;

  before(async () => {
    app = await startTestApp({ name: 'phone_reveal_limit', clock });
    editor = (await app.loginAs('editor')).token;
  });
  after(() => app.close());

  it(`allows ${PHONE_REVEALS_PER_HOUR} reveals an hour per person, then 429 until the oldest is an hour old; others are unaffected`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await app.request('POST', '/api/admin/deputies', { token: editor, body: { name: `代表${i}`, level: 'township', phones: [`1390013900${i}`] } });
      expect(res.status, res.text).to.equal(201);
      ids.push(res.body.id);
    }
    const organizer = (await app.loginAs('organizer')).token;
    const reveal = (token: string, i: number) => app.request('POST', `/api/admin/deputies/${ids[i % ids.length]}/phones/reveal`, { token, body: { reason: '电话通知' } });

    const firstAt = clock.now().getTime();
    for (let i = 0; i < PHONE_REVEALS_PER_HOUR; i++) {
      const res = await reveal(organizer, i);
      expect(res.status, `reveal ${i + 1}: ${res.text}`).to.equal(200);
      if (i === 0) clock.advance(10 * 60_000); // the rest come ten minutes later
    }
    const refused = await reveal(organizer, 0);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.message).to.contain(String(PHONE_REVEALS_PER_HOUR));
    expect(refused.body.error.details.retryAfterSeconds).to.equal(Math.ceil((firstAt + 3_600_000 - clock.now().getTime()) / 1000));
    // A refused reveal shows nothing and records nothing.
    expect(refused.text).to.not.contain('13900139000');
    const admin = (await app.loginAs('admin')).token;
    const audit = await app.request('GET', `/api/admin/deputies/${ids[0]}/phones/reveals`, { token: admin });
    expect(audit.body.items).to.have.length(Math.ceil(PHONE_REVEALS_PER_HOUR / ids.length));

    const reviewer = (await app.loginAs('reviewer')).token;
    expect((await reveal(reviewer, 0)).status).to.equal(200);

    clock.set(new Date(firstAt + 3_600_000 + 1_000)); // the first reveal has left the hour
    expect((await reveal(organizer, 0)).status).to.equal(200);
    expect((await reveal(organizer, 1)).status).to.equal(429);
  });
});
