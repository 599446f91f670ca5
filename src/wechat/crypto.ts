/**
 * The safe-mode AES envelope (AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16], PKCS#7 to 32 bytes;
 * plaintext = random(16) + length(4, BE) + message + appid). The cipher work is @wecom/crypto's; what it leaves to us:
 * the decrypted appid must be ours, and during a key rotation the previous EncodingAESKey must still open messages.
 */
import { decrypt, encrypt } from '@wecom/crypto';
import { RandomPool } from './random-pool';

export class EnvelopeError extends Error {
  constructor(readonly reason: 'undecryptable' | 'wrong_appid') {
    super(reason === 'wrong_appid' ? 'the decrypted message belongs to another appid' : 'the message could not be decrypted');
    this.name = 'EnvelopeError';
  }
}

export interface Opened {
  message: string;
  /** The key that opened it: replies are sealed with the same key WeChat is using. */
  key: string;
}

function wellFormed(opened: { message: string; id: string }): boolean {
  return /^\s*<(xml|\?xml)[\s>/]/.test(opened.message) && /^[\x21-\x7e]{1,64}$/.test(opened.id);
}

export class WechatCrypto {
  private readonly keys: string[];
  private readonly random = new RandomPool();

  constructor(
    private readonly appId: string,
    currentKey: string,
    previousKey?: string,
  ) {
    this.keys = previousKey && previousKey !== currentKey ? [currentKey, previousKey] : [currentKey];
  }

  open(encrypted: string): Opened {
    let wrongAppId = false;
    for (const key of this.keys) {
      let opened: { message: string; id: string };
      try {
        opened = decrypt(key, encrypted);
      } catch {
        continue; // wrong key or corrupt ciphertext: try the next key
      }
      if (opened.id === this.appId) return { message: opened.message, key };
      // A wrong key rarely throws (CBC yields garbage, the padding often passes): only a well-formed envelope
      // (an XML message, a printable id) names a foreign appid; anything else is a decryption failure.
      if (wellFormed(opened)) wrongAppId = true;
    }
    throw new EnvelopeError(wrongAppId ? 'wrong_appid' : 'undecryptable');
  }

  seal(message: string, key = this.keys[0], random: Buffer = this.random.take(16)): string {
    return encrypt(key, message, this.appId, random);
  }
}
