import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/** Why a file was not stored: too large, or its checksum is not the one given. Nothing of it is left. */
export class StorageRefusal extends Error {
  constructor(
    readonly reason: 'too-large' | 'checksum-mismatch',
    message: string,
  ) {
    super(message);
  }
}

export interface StoredFile {
  size: number;
  sha256: string;
}

/**
 * Where maintenance files live (diagnostics uploads, firmware images). A file appears whole or not at all:
 * it is written aside and moved into place once complete and checked. Local disk (LocalFileStore) or an
 * S3-compatible bucket (s3/store.ts) behind the same four calls.
 */
export interface FileStore {
  write(key: string, body: Readable, limits: { maxBytes: number; sha256?: string }): Promise<StoredFile>;
  /** The file's bytes, or the inclusive range [start, end]. */
  read(key: string, range?: { start: number; end: number }): Readable;
  size(key: string): Promise<number | null>;
  remove(key: string): Promise<void>;
}

const safeKey = /^[a-z0-9-]+(\/[A-Za-z0-9._-]+)+$/;

/** Refuses what is not a storage key (a relative path of safe characters, never `..`). */
export function checkStorageKey(key: string): string {
  if (!safeKey.test(key) || key.includes('..')) throw new Error(`not a storage key: ${key}`);
  return key;
}

/** Counts and hashes what passes, and stops the stream once it passes maxBytes. */
function meter(maxBytes: number) {
  const hash = createHash('sha256');
  let size = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new StorageRefusal('too-large', `the file is larger than ${maxBytes} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  return { transform, result: () => ({ size, sha256: hash.digest('hex') }) };
}

/** Files under a directory (DATA_DIR/files): keys are relative paths such as `diagnostics/<id>/<name>`. */
export class LocalFileStore implements FileStore {
  private readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    return join(this.root, checkStorageKey(key));
  }

  async write(key: string, body: Readable, limits: { maxBytes: number; sha256?: string }): Promise<StoredFile> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const aside = `${target}.part-${randomBytes(6).toString('hex')}`;
    const counted = meter(limits.maxBytes);
    try {
      await pipeline(body, counted.transform, createWriteStream(aside, { flags: 'wx' }));
      const stored = counted.result();
      if (limits.sha256 && limits.sha256.toLowerCase() !== stored.sha256) {
        throw new StorageRefusal('checksum-mismatch', `sha256: the file's is ${stored.sha256}, not ${limits.sha256.toLowerCase()}`);
      }
      await rename(aside, target);
      return stored;
    } catch (error) {
      await rm(aside, { force: true });
      // The file's own folder goes too when nothing else is in it (rmdir refuses a folder that is not empty).
      await rmdir(dirname(target)).catch(() => {});
      throw error;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return null;
    }
  }

  /** Removes the file, and its folder when nothing else is in it. */
  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rmdir(dirname(this.path(key))).catch(() => {});
  }
}
