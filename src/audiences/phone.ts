/**
 * Mainland mobile numbers: accept what people type (spaces, dashes, +86 / 0086 prefixes) and keep one form,
 * E.164 (+8613812345678), so that one person is one recipient however their number was entered.
 */
const MOBILE = /^1[3-9]\d{9}$/;

/** The E.164 form of a mainland mobile number, or undefined when it is not one. */
export function normalisePhone(input: string): string | undefined {
  let digits = String(input).replace(/[\s\-()]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  return MOBILE.test(digits) ? `+86${digits}` : undefined;
}

/** 138****5678, for lists people read. */
export function maskPhone(e164: string): string {
  const local = e164.replace(/^\+86/, '');
  return local.length === 11 ? `${local.slice(0, 3)}****${local.slice(7)}` : '***';
}
