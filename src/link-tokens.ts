/**
 * Personal link tokens (meetings' RSVP links, suggestions' satisfaction links): 128 random bits in base64url (22 characters, short enough for an SMS template parameter).
 * Only a hash is stored. With a secret (RSVP_TOKEN_SECRET, SUGGESTION_TOKEN_SECRET) the hash is an HMAC, so the table alone cannot be used
 * to test guesses offline; changing the secret invalidates links already sent.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export function newToken(): string {
  return randomBytes(16).toString('base64url');
}

export function hashToken(token: string, secret?: string): string {
  return secret ? createHmac('sha256', secret).update(token).digest('hex') : createHash('sha256').update(token).digest('hex');
}
