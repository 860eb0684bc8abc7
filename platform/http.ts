import type { ServerResponse } from 'node:http';
import type { Server } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Listens, or fails with one line naming the port (in use, no permission). */
export function listen(server: Server, port: number, host: string, what: string, options: { reusePort?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new Error(`${what} cannot listen on ${host}:${port}: ${reason}`));
    };
    server.once('error', onError);
    server.listen({ port, host, reusePort: options.reusePort ?? false }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting, then waits for open connections to end (closing idle ones now, the rest after `graceMs`). */
export function closeServer(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
