import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FileStore } from '../maintenance/storage.js';
import { sendJson } from '../platform/http.js';

/** `bytes=start-end`, `bytes=start-` or `bytes=-suffix` within a file of `size` bytes; 'bad' when unsatisfiable. */
export function byteRange(value: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!value) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'bad';
  let start = match[1] === '' ? size - Number(match[2]) : Number(match[1]);
  let end = match[1] === '' || match[2] === '' ? size - 1 : Number(match[2]);
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  return start > end || start >= size ? 'bad' : { start, end };
}

/** Streams a stored file as an attachment, whole or one byte range (206), HEAD without the body. */
export async function serveStored(
  req: IncomingMessage,
  res: ServerResponse,
  file: { store: FileStore; key: string; fileName: string; headers?: Record<string, string> },
) {
  const { store, key, fileName } = file;
  const size = await store.size(key);
  if (size === null) return sendJson(res, 404, { errors: [{ message: 'the file is gone', extensions: { code: 'NOT_FOUND' } }] });
  const range = byteRange(req.headers.range, size);
  const headers = {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${fileName.replace(/"/g, '')}"`,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    ...file.headers,
  };
  if (range === 'bad') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
    return void res.end();
  }
  const part = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(size === 0 ? 0 : part.end - part.start + 1),
    ...(range ? { 'content-range': `bytes ${part.start}-${part.end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) return void res.end();
  await pipeline(store.read(key, part), res);
}
