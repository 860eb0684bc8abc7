import { type Server, type Socket, connect, createServer } from 'node:net';

export interface TcpProxy {
  port: number;
  /** `postgres://...@127.0.0.1:5432/db` with the proxy's port in place of the target's. */
  via(url: string): string;
  /**
   * An outage: every open connection is reset, and new ones are `refused` (closed at once, as a stopped
   * server's port would) or `blackholed` (accepted and never answered, as a lost network would).
   */
  cut(mode?: 'refused' | 'blackholed'): void;
  /** The service is back: new connections reach the target again. */
  restore(): void;
  close(): Promise<void>;
}

/** A TCP proxy on port 0 in front of `target`, for tests that take a service away and bring it back. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let outage: 'refused' | 'blackholed' | null = null;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    if (outage === 'refused') {
      client.resetAndDestroy();
      return;
    }
    if (outage === 'blackholed') return;
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    upstream.once('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(address.port);
      return u.toString();
    },
    cut(mode = 'refused') {
      outage = mode;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      outage = null;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
