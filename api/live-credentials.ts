import type { WebSocket } from 'ws';
import type { Logger } from '../platform/logger.js';

/** What a live connection signed in with (graphql-ws connectionParams). */
export interface LiveCredential {
  authorization?: string;
  apiKey?: string;
}

/** graphql-ws's close code for a connection that may no longer be served. */
export const FORBIDDEN_CLOSE = 4403;

/**
 * The signed-in live (subscription) connections and the credential each presented. Every interval the
 * credentials are checked again, one at a time and each distinct one once: a connection whose access token was revoked (logout,
 * password reset, account closed) or has expired, or whose API key was revoked, is closed with 4403.
 * `check` answers false only for a credential that is no longer valid: an outage keeps connections open.
 */
export class LiveCredentials {
  private readonly sockets = new Map<WebSocket, LiveCredential>();
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly check: (credential: LiveCredential) => Promise<boolean>,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.recheck(), intervalMs);
    this.timer.unref();
  }

  add(socket: WebSocket, credential: LiveCredential): void {
    this.sockets.set(socket, credential);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Checks every credential once; resolves to the connections closed. */
  async recheck(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let closed = 0;
    // Sockets that share a credential (a wall of dashboards on one sign-in) share one check per round.
    const verdicts = new Map<string, Promise<boolean>>();
    try {
      for (const [socket, credential] of [...this.sockets]) {
        const key = `${credential.authorization ?? ''}\0${credential.apiKey ?? ''}`;
        let verdict = verdicts.get(key);
        if (!verdict) {
          verdict = this.check(credential);
          verdicts.set(key, verdict);
        }
        if (!this.sockets.has(socket) || (await verdict)) continue;
        this.sockets.delete(socket);
        socket.close(FORBIDDEN_CLOSE, 'Forbidden: the credential was revoked or has expired');
        closed++;
      }
    } finally {
      this.running = false;
    }
    if (closed > 0) this.log.info({ closed }, 'api: closed live connections whose credential ended');
    return closed;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
