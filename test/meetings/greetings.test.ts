/**
 * Greetings by role: a deputy is "王代表您好", an invitee the organizer gave a role is "李记者您好" (复姓 kept:
 * "欧阳主任"), anyone else is greeted by full name; people without a deputy profile are invited by name and phone,
 * kept private (never on the public page), and reminders greet them the same way.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { TestClock, testDate } from '../support/clock';
import type { TestApp } from '../support/app';
import type { FakeTencentSms } from '../fakes';
import { Deputy } from '../../src/content/models';
import { announced, HOUR, meetingBody, requestedSms, startMeetingsAppWithTencent, tencentInbox } from './support';

const SYSTEM_USER = new Types.ObjectId();

describe('meetings: greetings by role, invitees without a profile', function () {
  this.timeout(120_000);
  const clock = new TestClock(testDate('06-01T01:00:00Z'));
  let app: TestApp;
  let sms: FakeTencentSms;
  let organizer: string;
  let deputyId: string;

  before(async () => {
    ({ app, sms, organizer } = await startMeetingsAppWithTencent(clock, 'meet_greetings'));
    const at = clock.now();
    const d = await Deputy.create({
      name: '王建国',
      level: 'county',
      slug: `deputy-${new Types.ObjectId().toHexString()}`,
      phones: ['13900001001'],
      status: 'published',
      version: 1,
      createdBy: SYSTEM_USER,
      updatedBy: SYSTEM_USER,
      createdAt: at,
      updatedAt: at,
      publishedAt: at,
    } as never);
    deputyId = String(d._id);
  });
  after(async () => {
    await app.close();
    await sms.close();
  });

  it('greets each invitee as a person would, and keeps the extra invitees off the public page', async () => {
    const start = new Date(clock.now().getTime() + 72 * HOUR);
    const extras = [
      { name: '李芳', phone: '13900001002', role: '记者' },
      { name: '欧阳明辉', phone: '13900001003', role: '主任' },
      { name: '张三', phone: '13900001004' },
      { name: 'Anna Li', phone: '13900001005', role: '记者' },
    ];
    const { id } = await announced(app, organizer, meetingBody(start, { invitees: { deputyIds: [deputyId], groupIds: [], extras } }));
    const texts = await requestedSms(id, 'invitation', tencentInbox(sms));
    const byPhone = Object.fromEntries(texts.map((t) => [t.phone, t.values.name]));
    expect(byPhone).to.deep.equal({
      '13900001001': '王代表',
      '13900001002': '李记者',
      '13900001003': '欧阳主任',
      '13900001004': '张三',
      '13900001005': 'Anna Li',
    });

    const meeting = await app.request('GET', `/api/admin/meetings/${id}`, { token: organizer });
    expect(meeting.body.invitees.extras[0]).to.deep.equal({ name: '李芳', phone: '13900001002', role: '记者' });
    const page = await app.request('GET', `/meetings/${meeting.body.slug}`);
    expect(page.status).to.equal(200);
    for (const e of extras) {
      expect(page.text).to.not.include(e.phone);
      expect(page.text).to.not.include(e.name);
    }
  });

  it('refuses a role that is not one word, naming the row', async () => {
    const start = new Date(clock.now().getTime() + 96 * HOUR);
    const res = await app.request('POST', '/api/admin/meetings', {
      token: organizer,
      body: meetingBody(start, { invitees: { deputyIds: [], groupIds: [], extras: [{ name: '赵六', phone: '13900001006', role: '市 记者协会 会员' }] } }),
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).to.include('body.invitees.extras.0.role');
  });
});
