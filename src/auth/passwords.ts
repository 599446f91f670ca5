/** Password hashing with Argon2id (memory-hard), OWASP-recommended parameters; and the strength rule. */
import argon2 from 'argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
/** zxcvbn score (0–4) a password needs: 3 = "safely unguessable", about 10^8 guesses or more. */
export const MIN_PASSWORD_SCORE = 3;
/** Words anyone would try first against this service. */
const SERVICE_WORDS = ['lianxin', 'renda', 'rendadaibiao', 'daibiao', 'admin', 'administrator', 'editor', 'reviewer', 'organizer'];

let estimator: ZxcvbnFactory | undefined;
function strength(): ZxcvbnFactory {
  if (estimator) return estimator;
  // Loaded and built on first use: the dictionaries (common passwords, names, English words, keyboard patterns) are
  // megabytes of heap an idle service does not need, and ranking them takes a moment.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const zxcvbnCommon = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const zxcvbnEn = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  /* eslint-enable @typescript-eslint/no-require-imports */
  estimator ??= new Factory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
  });
  return estimator;
}

/**
 * Why a password is refused (for the details of a 400), or undefined. Beyond a minimum length, zxcvbn estimates
 * how many guesses it takes, knowing common passwords, keyboard walks, repeats (ten identical characters),
 * sequences, dates, and the account's own name, so "aaaaaaaaaa", "1234567890" and the username all fail.
 */
export function passwordProblem(password: string, account: { username?: string; displayName?: string } = {}): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  const own = [account.username, account.displayName].filter((w): w is string => Boolean(w));
  if (own.some((w) => password.trim().toLowerCase() === w.trim().toLowerCase())) return 'must not be the username or display name';
  const result = strength().check(password.slice(0, 200), [...own, ...SERVICE_WORDS]);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return `too easy to guess${hint ? `: ${hint}` : ''}`;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// Verifying against a fixed hash when the user does not exist keeps response times alike (no username probing).
let dummyHash: Promise<string> | undefined;
export function dummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hashPassword('lianxin-dummy-password');
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}
