import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { checkStorageKey, type FileStore, LocalFileStore, type StoredFile } from '../storage.js';
import { EMPTY_SHA256, encodeSegment, type S3Settings, signS3 } from './sigv4.js';

/** S3 refused or failed a request: the operation, the key, the HTTP status and S3's error code. */
export class S3Error extends Error {}

/** S3's error code from its XML body (<Code>NoSuchKey</Code>), when it sent one. */
const codeOf = (text: string) => /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'no error code';

/**
 * Maintenance files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...), signed with Signature Version 4 over
 * fetch. A file is first written aside on local disk, counted and checked (size limit, SHA-256), and only then put
 * whole, its SHA-256 signed as the payload's: S3 keeps an object whole or not at all, and one that fails a limit
 * never reaches the bucket.
 */
export class S3FileStore implements FileStore {
  private readonly staging: LocalFileStore;
  private readonly base: URL;

  constructor(
    private readonly settings: S3Settings,
    /** A local folder for files on their way in. */
    scratch: string,
  ) {
    this.staging = new LocalFileStore(scratch);
    this.base = new URL(settings.endpoint);
  }

  private path(key: string): string {
    const segments = `${this.settings.prefix}${checkStorageKey(key)}`.split('/').map(encodeSegment);
    return `${this.base.pathname.replace(/\/+$/, '')}/${encodeSegment(this.settings.bucket)}/${segments.join('/')}`;
  }

  private async call(
    method: 'GET' | 'PUT' | 'HEAD' | 'DELETE',
    key: string,
    options: { headers?: Record<string, string>; body?: Readable; payloadHash?: string } = {},
  ): Promise<Response> {
    const path = this.path(key);
    const headers = signS3(this.settings, {
      method,
      path,
      host: this.base.host,
      headers: options.headers,
      payloadHash: options.payloadHash ?? EMPTY_SHA256,
    });
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (options.body) {
      init.body = Readable.toWeb(options.body) as unknown as RequestInit['body'];
      init.duplex = 'half';
    }
    try {
      return await fetch(new URL(path, this.base), init);
    } catch (error) {
      throw new S3Error(`S3 ${method} ${key}: ${(error as Error).message}`);
    }
  }

  private async refused(method: string, key: string, response: Response): Promise<S3Error> {
    const text = method === 'HEAD' ? '' : await response.text().catch(() => '');
    return new S3Error(`S3 ${method} ${key}: HTTP ${response.status} ${codeOf(text)}`);
  }

  async write(key: string, body: Readable, limits: { maxBytes: number; sha256?: string }): Promise<StoredFile> {
    checkStorageKey(key);
    const staged = `staging/${randomBytes(12).toString('hex')}`;
    const stored = await this.staging.write(staged, body, limits);
    try {
      const response = await this.call('PUT', key, {
        headers: { 'content-length': String(stored.size), 'content-type': 'application/octet-stream' },
        body: this.staging.read(staged),
        payloadHash: stored.sha256,
      });
      if (!response.ok) throw await this.refused('PUT', key, response);
      await response.body?.cancel();
      return stored;
    } finally {
      await this.staging.remove(staged);
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    const headers = range ? { range: `bytes=${range.start}-${range.end}` } : undefined;
    this.call('GET', key, { headers })
      .then(async (response) => {
        if (!response.ok || !response.body) throw await this.refused('GET', key, response);
        Readable.fromWeb(response.body as ReadableStream).pipe(out);
      })
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  async size(key: string): Promise<number | null> {
    const response = await this.call('HEAD', key);
    if (response.status === 404) return null;
    if (!response.ok) throw await this.refused('HEAD', key, response);
    return Number(response.headers.get('content-length') ?? 0);
  }

  async remove(key: string): Promise<void> {
    const response = await this.call('DELETE', key);
    if (!response.ok && response.status !== 404) throw await this.refused('DELETE', key, response);
    await response.body?.cancel();
  }
}
