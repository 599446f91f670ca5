/** Signing a number up for SMS news the way a citizen does: ask, read the texted code, type it back. */
import { expect } from 'chai';
import { OutboxMessageModel } from '../../src/channels/sms';
import { loadSmsTemplates } from '../../src/channels/sms/templates';
import { normalizeChinaMobile } from '../../src/channels/sms/phone';
import type { FakeTencentSms } from '../fakes/tencent-sms';
import type { TestApp } from './app';

/** The latest code texted to an E.164 number, where the test's SMS provider put it. */
export type CodeReader = (phone: string) => Promise<string | undefined>;

export const codeFromOutbox: CodeReader = async (phone) =>
  (await OutboxMessageModel.findOne({ phone, notification: 'subscription_code' }).sort({ createdAt: -1, _id: -1 }).lean())?.values.code;

export function codeFromTencent(fake: FakeTencentSms): CodeReader {
  const templateId = loadSmsTemplates().subscription_code.tencent;
  return async (phone) => fake.state.sends.filter((s) => s.phone === phone && s.templateId === templateId).at(-1)?.params[0];
}

export async function waitForCode(phone: string, read: CodeReader, timeoutMs = 60_000): Promise<string> {
  const e164 = normalizeChinaMobile(phone)!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = await read(e164);
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no confirmation code reached ${phone}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function subscribeByCode(app: TestApp, body: { phone: string; name?: string }, read: CodeReader = codeFromOutbox) {
  const asked = await app.request('POST', '/api/public/subscriptions', { body: { ...body, consent: true } });
  expect(asked.status, asked.text).to.equal(202);
  const code = await waitForCode(body.phone, read);
  const confirmed = await app.request('POST', '/api/public/subscriptions/confirm', { body: { phone: body.phone, code } });
  expect(confirmed.status, confirmed.text).to.equal(201);
  return confirmed;
}
