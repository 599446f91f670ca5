/** Mainland mobile numbers: validated and normalised to E.164 (+86…). */

const MOBILE = /^1[3-9]\d{9}$/;
const E164 = /^\+861[3-9]\d{9}$/;

/** "+8613800138000" for any common spelling of a mainland mobile number, or undefined when it is not one. */
export function normalizeChinaMobile(input: string): string | undefined {
  // Numbers already in our form (every planned recipient): no rewriting.
  if (typeof input === 'string' && E164.test(input)) return input;
  const digits = String(input ?? '').trim().replace(/[\s\-().]/g, '');
  const national = digits.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  return MOBILE.test(national) ? `+86${national}` : undefined;
}

/** The 11-digit national form (what Aliyun expects). */
export function nationalNumber(e164: string): string {
  return e164.replace(/^\+86/, '');
}
