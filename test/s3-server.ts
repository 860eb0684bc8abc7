import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type S3Settings, signS3 } from '../maintenance/s3/sigv4.js';

/**
 * A local stand-in for an S3-compatible bucket, written from the S3 API reference: path-style objects
 * (/<bucket>/<key>), PUT, GET (with Range: 206 and Content-Range), HEAD, DELETE (204), Signature Version 4 in the
 * Authorization header checked (403 SignatureDoesNotMatch, InvalidAccessKeyId), the payload's x-amz-content-sha256
 * checked against the body (400 XAmzContentSHA256Mismatch), errors as S3's XML. For tests only.
 */
export class FakeS3 {
  readonly bucket = `evcms-${randomBytes(4).toString('hex')}`;
  readonly region = 'eu-west-1';
  readonly accessKeyId = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  readonly secretAccessKey = randomBytes(20).toString('base64');
  readonly objects = new Map<string, Buffer>();
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  private server: Server | null = null;
  url = '';

  static async start(): Promise<FakeS3> {
    const fake = new FakeS3();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  settings(overrides: Partial<S3Settings> = {}): S3Settings {
    const { bucket, region, accessKeyId, secretAccessKey } = this;
    return { endpoint: this.url, bucket, region, accessKeyId, secretAccessKey, prefix: '', ...overrides };
  }

  env(prefix = ''): Record<string, string> {
    return {
      S3_ENDPOINT: this.url,
      S3_BUCKET: this.bucket,
      S3_REGION: this.region,
      S3_ACCESS_KEY_ID: this.accessKeyId,
      S3_SECRET_ACCESS_KEY: this.secretAccessKey,
      ...(prefix ? { S3_PREFIX: prefix } : {}),
    };
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0] as string;
    const send = (status: number, headers: Record<string, string> = {}, payload: Buffer | string = '') => {
      this.requests.push({ method: req.method ?? '', path, status });
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : payload);
    };
    const error = (status: number, code: string) =>
      send(status, { 'content-type': 'application/xml' }, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
    const refusal = this.checkSignature(req, path);
    if (refusal) return error(403, refusal);
    const hash = String(req.headers['x-amz-content-sha256'] ?? '');
    if (hash !== 'UNSIGNED-PAYLOAD' && hash !== createHash('sha256').update(body).digest('hex'))
      return error(400, 'XAmzContentSHA256Mismatch');
    if (!path.startsWith(`/${this.bucket}/`)) return error(404, 'NoSuchBucket');
    const key = decodeURIComponent(path.slice(this.bucket.length + 2));
    const object = this.objects.get(key);
    switch (req.method) {
      case 'PUT':
        this.objects.set(key, body);
        return send(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      case 'DELETE':
        this.objects.delete(key);
        return send(204);
      case 'HEAD':
      case 'GET': {
        if (!object) return error(404, 'NoSuchKey');
        const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers.range ?? ''));
        if (!range) return send(200, { 'content-length': String(object.length) }, object);
        const [start, end] = [Number(range[1]), Math.min(Number(range[2]), object.length - 1)];
        const part = object.subarray(start, end + 1);
        return send(206, { 'content-length': String(part.length), 'content-range': `bytes ${start}-${end}/${object.length}` }, part);
      }
      default:
        return error(405, 'MethodNotAllowed');
    }
  }

  /** The request's Signature Version 4, computed again from what arrived: null when it matches, else S3's code. */
  private checkSignature(req: IncomingMessage, path: string): string | null {
    const auth =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        String(req.headers.authorization ?? ''),
      );
    if (!auth) return 'AccessDenied';
    const [, accessKeyId, , region, signedHeaders] = auth;
    if (accessKeyId !== this.accessKeyId) return 'InvalidAccessKeyId';
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const at = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (Number.isNaN(at.getTime()) || Math.abs(Date.now() - at.getTime()) > 15 * 60_000) return 'RequestTimeTooSkewed';
    const names = (signedHeaders as string).split(';').filter((name) => !['host', 'x-amz-date', 'x-amz-content-sha256'].includes(name));
    const expected = signS3(
      { region: region as string, accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey },
      {
        method: req.method ?? '',
        path,
        host: String(req.headers.host ?? ''),
        headers: Object.fromEntries(names.map((name) => [name, String(req.headers[name] ?? '')])),
        payloadHash: String(req.headers['x-amz-content-sha256'] ?? ''),
      },
      at,
    );
    return expected.authorization === req.headers.authorization ? null : 'SignatureDoesNotMatch';
  }
}
