import type { WebSocket } from 'ws';
import type { StationIdentity } from '../stations/service.js';
import type { StationLink } from '../commands/router.js';
import type { RpcConnection } from './rpc/connection.js';
import { StationNotAcceptedError } from './rpc/errors.js';

/** How long after an accepted TriggerMessage the station's triggered messages are taken, accepted or not. */
const triggeredForMs = 60_000;

/** One station's live socket and what the gateway remembers about it while connected. */
export class StationConnection implements StationLink {
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

  /**
   * Messages we asked for with an accepted TriggerMessage, until when a station that is not accepted may send
   * them. Made on the first such trigger: most stations never get one, and at 10,000 stations every
   * per-connection object is heap that each mark-compact walks.
   */
  private triggered: Map<string, number> | null = null;

  async call(action: string, payload: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    const status = this.station.registrationStatus;
    if (status !== 'Accepted' && (action === 'RemoteStartTransaction' || action === 'RemoteStopTransaction')) {
      throw new StationNotAcceptedError(`station ${this.identity} is ${status}: ${action} waits until it is accepted`);
    }
    const response = await this.rpc.call(action, payload, timeoutMs);
    if (action === 'TriggerMessage' && response.status === 'Accepted') {
      this.triggered ??= new Map();
      this.triggered.set((payload as { requestedMessage: string }).requestedMessage, Date.now() + triggeredForMs);
    }
    return response;
  }

  /** Whether the station may send `action` now because we triggered it (OCPP 1.6: a Pending station may, on request). */
  wasTriggered(action: string): boolean {
    const until = this.triggered?.get(action);
    if (until === undefined) return false;
    if (until >= Date.now()) return true;
    this.triggered?.delete(action);
    return false;
  }
}
