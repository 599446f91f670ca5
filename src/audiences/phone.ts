/**
 * Mainland mobile numbers: accept what people type (spaces, dashes, +86 / 0086 prefixes) and keep one form,
 * E.164 (+8613812345678), so that one person is one recipient however their number was entered.
 */
import { normalizeChinaMobile } from '../channels/sms/phone';

/** The E.164 form of a mainland mobile number, or undefined when it is not one (one definition, shared with the SMS channel). */
export const normalisePhone = normalizeChinaMobile;

/** 138****5678, for lists people read. */
export { maskPhone } from '../phone-mask';
