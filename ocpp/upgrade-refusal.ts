import type { Duplex } from 'node:stream';

const statusText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers a WebSocket upgrade with a plain HTTP error (a Basic challenge on 401, Retry-After when given) and lets go. */
export function refuse(socket: Duplex, status: number, reason: string, retryAfterSeconds?: number): void {
  const body = `${reason}\n`;
  const challenge = status === 401 ? 'WWW-Authenticate: Basic realm="evcms", charset="UTF-8"\r\n' : '';
  const extra = retryAfterSeconds === undefined ? challenge : `${challenge}Retry-After: ${retryAfterSeconds}\r\n`;
  // Let go once the answer is out: a client that keeps its end open must not hold the socket (and shutdown).
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
