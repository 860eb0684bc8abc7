import type { IncomingMessage, ServerResponse } from 'node:http';

/** The largest request body the API reads (the query, its variables and the JSON around them). */
export const maxBodyBytes = 1_000_000;
/** How much more of a refused body is read and dropped, and for how long, before the socket is cut. */
const drainBytes = 16 * 1024 * 1024;
const drainMs = 5000;

/**
 * The request body as text, or null when it is larger than `limit`: then nothing more is kept in memory
 * (a Content-Length over the limit is refused before a byte is read).
 */
export function readBodyWithin(req: IncomingMessage, limit = maxBodyBytes): Promise<string | null> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let size = 0;
    let chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      chunks = [];
      req.off('data', onData);
      req.off('end', onEnd);
      resolve(null);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/**
 * Answers 413 with a GraphQL error, then reads and drops what the client is still sending: a server that
 * closes with unread data makes the kernel reset the connection, and the client would see that reset
 * instead of the answer. A client still sending after `drainBytes` or `drainMs` is cut off.
 */
export function refuseLargeBody(req: IncomingMessage, res: ServerResponse, limit = maxBodyBytes): void {
  const text = JSON.stringify({
    errors: [{ message: `the request body is larger than the limit of ${limit} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
  });
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  // The answer goes now; the response (and with it the socket) ends only once the body is in, since
  // Node closes a Connection: close socket as the response ends, under a client still sending.
  res.write(text);
  let dropped = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, drainMs);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > drainBytes) cut();
  });
  req.on('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.on('close', () => clearTimeout(timer));
  req.resume();
}
