/**
 * Random bytes for the replies' nonces and envelopes, drawn from a pool refilled 4 KiB at a time: `randomBytes(n)`
 * makes a native call each time (two per sealed reply, ~3 % of the callback's CPU under load), the pool one per
 * ~170 replies. Each byte is handed out once; the pool is the same CSPRNG's output.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;

export class RandomPool {
  private pool = Buffer.alloc(0);
  private at = 0;

  /** `n` fresh random bytes (a view on the pool: used at once, not kept). */
  take(n: number): Buffer {
    if (n > POOL_BYTES) return randomBytes(n);
    if (this.at + n > this.pool.length) {
      this.pool = randomBytes(POOL_BYTES);
      this.at = 0;
    }
    const out = this.pool.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
