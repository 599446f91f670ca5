/**
 * Page weight on a phone: the bytes Chromium at 390 × 844 (device pixel ratio 3, as most current phones) downloads
 * for an article with a photo cover — HTML, CSS, script and images, from a cold cache — with the page as served now
 * (AVIF/WebP copies in <picture>) beside the same page with the <source> lines taken out (the JPEG srcset alone, what
 * the site sent before the copies existed, and what a browser without AVIF/WebP gets). Not timed: bytes only, so the
 * figure holds on a loaded machine. Needs Debian's chromium (CHROMIUM_PATH overrides). About a minute.
 *   npm run bench:page-weight
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { chromium } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startService } from '../../src/server';
import { createUser } from '../../src/auth/service';
import { Article } from '../../src/content/models/article';
import { Media } from '../../src/content/models/media';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** A photo-like test image (smooth gradients and texture, not a flat colour that compresses to nothing). */
async function photo(): Promise<Buffer> {
  const [w, h] = [2400, 1600];
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const t = Math.sin(x / 37) * Math.cos(y / 23) * 40 + ((x * 7 + y * 13) % 17) * 2;
      raw[i] = Math.max(0, Math.min(255, 120 + (x / w) * 90 + t));
      raw[i + 1] = Math.max(0, Math.min(255, 100 + (y / h) * 80 + t));
      raw[i + 2] = Math.max(0, Math.min(255, 80 + Math.sin((x + y) / 90) * 50 + t));
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).blur(0.8).jpeg({ quality: 92 }).toBuffer();
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lianxin-bench-weight-'));
  const config = loadConfig({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, SCHEDULER_ENABLED: 'false' });
  const service = await startService(config);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] });
  try {
    const now = new Date();
    await createUser({ username: 'bench-editor', password: 'bench-password-123', role: 'editor' }, now);
    const login = await fetch(`${service.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-editor', password: 'bench-password-123' }) });
    const { token } = (await login.json()) as { token: string };
    const fd = new FormData();
    fd.append('alt', '代表在社区听取意见');
    fd.append('caption', '代表在社区听取居民意见');
    fd.append('file', new Blob([new Uint8Array(await photo())], { type: 'image/jpeg' }), 'cover.jpg');
    const up = (await (await fetch(`${service.url}/api/admin/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd })).json()) as { id: string; bytes: number };
    for (let i = 0; (await Media.findById(up.id).lean())!.variants.length < 7; i++) {
      if (i > 600) throw new Error('AVIF/WebP copies not made within 2 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
    const owner = new Types.ObjectId();
    await Article.create({
      title: '代表进社区 倾听群众心声',
      slug: 'bench-weight-article',
      body: `## 走访一线\n\n${'代表们走进社区，面对面听取群众意见，现场协调解决群众反映的问题。'.repeat(12)}`,
      digest: '代表们走进社区，面对面听取群众意见。',
      coverMediaId: new Types.ObjectId(up.id),
      status: 'published',
      version: 1,
      createdBy: owner,
      updatedBy: owner,
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
    });

    const weigh = async (withoutSources: boolean) => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      if (withoutSources) {
        await page.route('**/news/bench-weight-article', async (route) => {
          const res = await route.fetch();
          await route.fulfill({ response: res, body: (await res.text()).replace(/<source [^>]*>/g, '') });
        });
      }
      const byType = new Map<string, number>();
      page.on('response', async (res) => {
        const body = await res.body().catch(() => Buffer.alloc(0));
        const type = (res.headers()['content-type'] ?? '').split(';')[0];
        byType.set(type, (byType.get(type) ?? 0) + body.length);
      });
      await page.goto(`${service.url}/news/bench-weight-article`, { waitUntil: 'networkidle', timeout: 120_000 });
      await context.close();
      return byType;
    };
    const before = await weigh(true);
    const after = await weigh(false);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    const images = (m: Map<string, number>) => [...m].filter(([t]) => t.startsWith('image/')).reduce((a, [, b]) => a + b, 0);
    console.log(`page weight, article with a cover, phone 390×844 @3x, cold cache (load ${loadavg()[0].toFixed(1)}); upload ${kb(up.bytes)}`);
    console.log(`  JPEG srcset only (before):  total ${kb(total(before))}, images ${kb(images(before))} [${[...before].map(([t, b]) => `${t || '?'} ${kb(b)}`).join(', ')}]`);
    console.log(`  with AVIF/WebP (now):       total ${kb(total(after))}, images ${kb(images(after))} [${[...after].map(([t, b]) => `${t || '?'} ${kb(b)}`).join(', ')}]`);
    console.log(`  saved: ${kb(total(before) - total(after))} (${(((total(before) - total(after)) / total(before)) * 100).toFixed(0)} % of the page)`);
  } finally {
    await browser.close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
