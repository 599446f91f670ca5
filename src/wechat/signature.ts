/**
 * WeChat's callback signatures: sha1 over the sorted parts, joined without separators.
 * URL verification and plain mode sign [token, timestamp, nonce]; safe mode adds the Encrypt field (msg_signature).
 */
import { hash, timingSafeEqual } from 'node:crypto';

export function sha1Hex(text: string): string {
  // One-shot hash: no Hash object per call (several per callback).
  return hash('sha1', text, 'hex');
}

/** sha1(sort(parts).join('')) — parts are compared as strings, in code-unit order like the reference implementations. */
export function wechatSignature(...parts: string[]): string {
  return sha1Hex([...parts].sort().join(''));
}

/** Constant-time comparison of two hex signatures; false for anything malformed. */
export function signaturesEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length || !/^[0-9a-f]+$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given.toLowerCase(), 'latin1'));
}

export function verifyPlainSignature(token: string, timestamp: string, nonce: string, signature: unknown): boolean {
  return signaturesEqual(wechatSignature(token, timestamp, nonce), signature);
}

export function verifyMsgSignature(token: string, timestamp: string, nonce: string, encrypted: string, msgSignature: unknown): boolean {
  return signaturesEqual(wechatSignature(token, timestamp, nonce, encrypted), msgSignature);
}
