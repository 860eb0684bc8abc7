import type { WebSocket } from 'ws';
import type { OpenSession } from '../sessions/service.js';
import type { StationIdentity } from '../stations/service.js';
import type { StationLink } from '../commands/router.js';
import type { RpcConnection } from './rpc/connection.js';

/** One station's live socket and what the gateway remembers about it while connected. */
export class StationConnection implements StationLink {
  /** Open sessions by transactionId, so MeterValues need no database round trip. */
  readonly openSessions = new Map<number, OpenSession>();
  readonly connectedAt = new Date();
  alive = true;
  /** Set once the gateway has let go of this socket. */
  released = false;
  rpc!: RpcConnection;

  constructor(
    public station: StationIdentity,
    readonly socket: WebSocket,
    readonly remoteAddress: string,
  ) {}

  get identity(): string {
    return this.station.identity;
  }

  get version() {
    return this.rpc.version;
  }

  call(action: string, payload: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.rpc.call(action, payload, timeoutMs);
  }
}
