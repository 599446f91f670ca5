/** The replies' random bytes: drawn from a pool, each byte handed out once, refilled when spent. */
import { expect } from 'chai';
import { RandomPool } from '../../src/wechat/random-pool';

describe('wechat random pool', () => {
  it('hands out fresh bytes of the asked length, across refills', () => {
    const pool = new RandomPool();
    const seen = new Set<string>();
    // 1,000 × 16 bytes: four refills of the 4 KiB pool.
    for (let i = 0; i < 1000; i++) {
      const bytes = pool.take(16);
      expect(bytes.length).to.equal(16);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).to.equal(1000);
  });

  it('gives lengths beyond the pool in one piece', () => {
    expect(new RandomPool().take(10_000).length).to.equal(10_000);
  });
});
