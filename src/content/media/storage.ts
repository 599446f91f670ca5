/**
 * Where media bytes live. The catalogue (models/media.ts) stores keys; an implementation maps keys to bytes.
 * Local disk under DATA_DIR/media today; an object-storage implementation only needs these four methods.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';

export interface MediaStorage {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** undefined when the key does not exist. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  remove(key: string): Promise<void>;
  /** A local file path for channels that upload files (WeChat), when the storage is local. */
  localPath?(key: string): string;
}

/** Keys are our own generated names; anything else (slashes, dots-only, traversal) is refused. */
export const MEDIA_KEY_PATTERN = /^[a-f0-9]{16,64}-(original|cover|list)\.(jpg|png|webp|gif|avif)$/;

export class LocalDiskStorage implements MediaStorage {
  constructor(readonly root: string) {}

  private file(key: string): string {
    if (!MEDIA_KEY_PATTERN.test(key)) throw new Error(`invalid media key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.file(key);
    await mkdir(this.root, { recursive: true });
    // Write then rename: a reader never sees half a file.
    const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, target);
  }

  async open(key: string): Promise<{ stream: Readable; size: number } | undefined> {
    if (!MEDIA_KEY_PATTERN.test(key)) return undefined;
    const file = this.file(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return undefined;
      return { stream: createReadStream(file), size: info.size };
    } catch {
      return undefined;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  localPath(key: string): string {
    return this.file(key);
  }
}
