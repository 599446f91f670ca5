/** Fixtures for the suggestions' public suites: the app with the fake Tencent SMS server, deputies with phones, a township group. */
import { startFakeTencentSms, type FakeTencentSms } from '../fakes';
import { startTestApp, type TestApp } from '../support/app';
import type { TestClock } from '../support/clock';
import { waitFor } from '../publishing/support/fixtures';
import { expectStatus, type Staff } from './support';
import { loadSmsTemplates } from '../../src/channels/sms/templates';

const ids = loadSmsTemplates();
export const TEMPLATES = { assigned: ids.suggestion_assigned.tencent, answered: ids.suggestion_answered.tencent, overdue: ids.suggestion_overdue.tencent } as const;

export async function startPublicApp(name: string, clock: TestClock, env: Record<string, string> = {}): Promise<{ app: TestApp; staff: Staff; sms: FakeTencentSms }> {
  const sms = await startFakeTencentSms();
  const app = await startTestApp({
    name,
    clock,
    env: {
      SUGGESTION_DEADLINE_MONTHS: '1',
      SUGGESTION_HARD_DEADLINE_MONTHS: '2',
      TOKEN_TTL_HOURS: '2160',
      SMS_PROVIDER: 'tencent',
      SMS_ENDPOINT: sms.url,
      TENCENT_SECRET_ID: 'AKIDfake',
      TENCENT_SECRET_KEY: 'k',
      TENCENT_SMS_APP_ID: '1400000000',
      ...env,
    },
  });
  const [admin, editor, liaison] = await Promise.all([app.loginAs('admin'), app.loginAs('editor'), app.loginAs('liaison', '联络员甲')]);
  return { app, sms, staff: { admin: admin.token, editor: editor.token, liaison: liaison.token } };
}

export async function deputyWithPhone(app: TestApp, staff: Staff, name: string, phones: string[], township = '七里坪镇'): Promise<string> {
  const res = await app.request('POST', '/api/admin/deputies', { token: staff.editor, body: { name, level: 'township', region: { county: '红安县', township }, phones } });
  expectStatus(res, 201);
  return res.body.id;
}

export async function townshipGroup(app: TestApp, staff: Staff, township: string, members: Array<{ id: string; name: string }>): Promise<string> {
  const res = await app.request('POST', '/api/admin/groups', {
    token: staff.editor,
    body: { name: `${township}代表小组`, region: { county: '红安县', township }, members: members.map((m) => ({ name: m.name, deputyId: m.id })) },
  });
  expectStatus(res, 201);
  return res.body.id;
}

export function textsTo(sms: FakeTencentSms, phone: string, template: string) {
  return sms.state.sends.filter((s) => s.phone === `+86${phone}` && s.templateId === template);
}

export function smsArrives(sms: FakeTencentSms, phone: string, template: string, count = 1) {
  return waitFor(`SMS ${template} to ${phone}`, async () => (textsTo(sms, phone, template).length >= count ? textsTo(sms, phone, template) : undefined));
}

/** The token at the end of a satisfaction link in an SMS. */
export function tokenOfLink(link: string): string {
  const m = /\/s\/([A-Za-z0-9_-]+)$/.exec(link);
  if (!m) throw new Error(`no satisfaction link in ${link}`);
  return m[1];
}
