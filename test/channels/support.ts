/** Test helpers for the channel suites: a fresh database per file, a quiet logger, tiny images. */
import mongoose from 'mongoose';
import sharp from 'sharp';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { loadConfig, type Config } from '../../src/config';
import { mongoUriFor, uniqueDbName } from '../support/database';

export const quietLogger = createLogger('silent');

/** Connects mongoose to a fresh database for this file (before) and disconnects (after). */
export function useTestDatabase(name: string): void {
  before(async () => {
    if (mongoose.connection.readyState !== 0) await mongoose.disconnect();
    await mongoose.connect(mongoUriFor(uniqueDbName(name)));
    await Promise.all(Object.values(mongoose.models).map((m) => m.init()));
  });
  after(async () => {
    await mongoose.connection.dropDatabase().catch(() => {});
    await mongoose.disconnect();
  });
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: 'http://lianxin.test', ...env });
}

/** Writes a small image of the given format into a temp dir and returns its path. */
export async function writeImage(format: 'jpeg' | 'png' | 'webp', width = 64, height = 48, name = `img-${Math.random().toString(16).slice(2)}`): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lianxin-img-'));
  const file = path.join(dir, `${name}.${format === 'jpeg' ? 'jpg' : format}`);
  const img = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } });
  writeFileSync(file, await img.toFormat(format).toBuffer());
  return file;
}
