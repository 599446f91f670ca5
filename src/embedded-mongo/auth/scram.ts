/**
 * Server side of SCRAM-SHA-256 (RFC 5802 / RFC 7677) as MongoDB runs it over `saslStart` /
 * `saslContinue`. Only the derived keys are kept: the password itself is never stored.
 */
import crypto from 'node:crypto';

export interface ScramCredentials {
  username: string;
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** A conversation between the client's first message and its proof. */
export interface ScramConversation {
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

const hmac = (key: Buffer, data: string) => crypto.createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest();

export function deriveCredentials(username: string, password: string, iterations = 15_000, salt = crypto.randomBytes(28)): ScramCredentials {
  // SCRAM-SHA-256 passwords are SASLprep-ed; NFKC is its normalisation step (enough for the passwords we generate or accept).
  const salted = crypto.pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { username, salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') };
}

export class ScramError extends Error {}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0], part.slice(2));
  }
  return out;
}

const decodeName = (s: string) => s.replace(/=2C/g, ',').replace(/=3D/g, '=');

/** client-first-message → server-first-message. Unknown users get a decoy conversation that fails at the proof. */
export function scramStart(creds: ScramCredentials, clientFirst: string): { conversation: ScramConversation; reply: string } {
  if (!clientFirst.startsWith('n,') && !clientFirst.startsWith('y,')) throw new ScramError('channel binding is not supported');
  const bare = clientFirst.slice(clientFirst.indexOf(',', 2) + 1);
  const attrs = attributes(bare);
  const user = attrs.get('n');
  const clientNonce = attrs.get('r');
  if (user === undefined || !clientNonce) throw new ScramError('malformed client-first message');
  const nonce = clientNonce + crypto.randomBytes(24).toString('base64');
  const serverFirst = `r=${nonce},s=${creds.salt.toString('base64')},i=${creds.iterations}`;
  return { conversation: { clientFirstBare: bare, serverFirst, nonce: decodeName(user) === creds.username ? nonce : '' }, reply: serverFirst };
}

/** client-final-message → server-final-message (`v=…`), or ScramError when the proof is wrong. */
export function scramFinish(creds: ScramCredentials, conv: ScramConversation, clientFinal: string): string {
  const attrs = attributes(clientFinal);
  const proof = attrs.get('p');
  if (!proof || !conv.nonce || attrs.get('r') !== conv.nonce) throw new ScramError('authentication failed');
  const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
  const authMessage = `${conv.clientFirstBare},${conv.serverFirst},${withoutProof}`;
  const signature = hmac(creds.storedKey, authMessage);
  const proofBytes = Buffer.from(proof, 'base64');
  if (proofBytes.length !== signature.length) throw new ScramError('authentication failed');
  const clientKey = Buffer.alloc(signature.length);
  for (let i = 0; i < signature.length; i++) clientKey[i] = proofBytes[i] ^ signature[i];
  if (!crypto.timingSafeEqual(sha256(clientKey), creds.storedKey)) throw new ScramError('authentication failed');
  return `v=${hmac(creds.serverKey, authMessage).toString('base64')}`;
}
