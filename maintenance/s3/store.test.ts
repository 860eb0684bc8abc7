import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeS3 } from '../../test/s3-server.js';
import { StorageRefusal } from '../storage.js';
import { S3Error, S3FileStore } from './store.js';

// The S3 file store against a local server that checks Signature Version 4 and the payload's hash as S3 does.

describe('S3FileStore', () => {
  let s3: FakeS3;
  let scratch: string;
  let store: S3FileStore;
  beforeAll(async () => {
    s3 = await FakeS3.start();
    scratch = await mkdtemp(join(tmpdir(), 'evcms-s3-'));
    store = new S3FileStore(s3.settings({ prefix: 'evcms/' }), scratch);
  });
  afterAll(() => s3?.close());

  const bytes = randomBytes(100_000);
  /** What is left on local disk of files on their way in (the folder goes once empty). */
  const staged = () => readdir(join(scratch, 'staging')).catch(() => []);
  const key = `firmware/${crypto.randomUUID()}/fw 1.bin`.replace(' ', '_');

  it('puts a file whole, signed, under its prefix, and reads it back whole and by range', async () => {
    const stored = await store.write(key, Readable.from([bytes]), { maxBytes: 1_000_000 });
    expect(stored.size).toBe(100_000);
    expect(s3.objects.get(`evcms/${key}`)?.equals(bytes)).toBe(true);
    expect(await store.size(key)).toBe(100_000);
    expect((await buffer(store.read(key))).equals(bytes)).toBe(true);
    expect((await buffer(store.read(key, { start: 10, end: 19 }))).equals(bytes.subarray(10, 20))).toBe(true);
    expect(await staged()).toEqual([]);
  });

  it('keeps nothing of a file too large or whose checksum is not the one given', async () => {
    const before = s3.objects.size;
    await expect(store.write(`firmware/${crypto.randomUUID()}/big.bin`, Readable.from([bytes]), { maxBytes: 1000 })).rejects.toBeInstanceOf(
      StorageRefusal,
    );
    await expect(
      store.write(`firmware/${crypto.randomUUID()}/bad.bin`, Readable.from([bytes]), { maxBytes: 1_000_000, sha256: '0'.repeat(64) }),
    ).rejects.toMatchObject({ reason: 'checksum-mismatch' });
    expect(s3.objects.size).toBe(before);
    expect(await staged()).toEqual([]);
  });

  it('answers null for a file that is not there, and removes one that is', async () => {
    expect(await store.size(`firmware/${crypto.randomUUID()}/none.bin`)).toBeNull();
    await store.remove(key);
    expect(await store.size(key)).toBeNull();
    await store.remove(key);
  });

  it('fails with S3’s code when the credentials are wrong, storing nothing', async () => {
    const wrong = new S3FileStore(s3.settings({ secretAccessKey: 'not-the-secret' }), scratch);
    const before = s3.objects.size;
    await expect(wrong.write(`firmware/${crypto.randomUUID()}/x.bin`, Readable.from([bytes]), { maxBytes: 1_000_000 })).rejects.toThrow(
      /S3 PUT firmware\/.+: HTTP 403 SignatureDoesNotMatch/,
    );
    expect(s3.objects.size).toBe(before);
    await expect(buffer(wrong.read('firmware/x/y.bin'))).rejects.toBeInstanceOf(S3Error);
  });
});
