/**
 * Tracking numbers (受理编号) citizens and deputies follow a suggestion by: JY + the Beijing date + 6 characters from
 * an alphabet without look-alikes (0/O, 1/I). 32⁶ ≈ 10⁹ per day, so a number cannot be guessed from another; the
 * public progress page shows only what is public anyway.
 */
import { randomInt } from 'node:crypto';
import { beijingDay } from '../calendar/beijing';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const RECEIPT_PATTERN = /^JY\d{8}-[2-9A-HJ-NP-Z]{6}$/;

export function newReceiptNo(at: Date): string {
  const tail = Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `JY${beijingDay(at).replace(/-/g, '')}-${tail}`;
}

/** What a person types: lower case, spaces, a missing dash are forgiven. */
export function normaliseReceiptNo(input: string): string {
  const s = input.replace(/\s+/g, '').toUpperCase();
  const m = /^JY(\d{8})-?([2-9A-HJ-NP-Z]{6})$/.exec(s);
  return m ? `JY${m[1]}-${m[2]}` : s;
}
