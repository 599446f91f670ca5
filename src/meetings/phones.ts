/** Mainland mobile numbers as we keep them: 11 digits, no country code, no separators. */
import { z } from 'zod';

const MOBILE = /^1[3-9]\d{9}$/;

/** "+86 138-0013-8000" → "13800138000"; undefined when it is not a mainland mobile number. */
export function normalizeMobile(raw: string): string | undefined {
  const digits = raw.replace(/[\s\-()]/g, '').replace(/^(\+86|0086|86(?=1\d{10}$))/, '');
  return MOBILE.test(digits) ? digits : undefined;
}

export const mobileField = z
  .string()
  .max(30)
  .transform((s, ctx) => {
    const n = normalizeMobile(s);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: 'a mainland mobile number (11 digits starting with 1)' });
      return z.NEVER;
    }
    return n;
  });

/** 138****8000 for lists shown to people who need not see the whole number. */
export function maskMobile(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}
