import type { Logger } from '../platform/logger.js';
import type { StationConnection } from './station-connection.js';

/**
 * Pings each socket once per interval and drops one that did not answer the previous ping.
 * The sockets are spread over slots pinged in turn, one every 100 ms (300 for the default 30 s), so the
 * pings (a socket write each, and the pongs they bring back) never hold the loop for long: at 10,000
 * stations, ten slots meant 1,000 writes in one timer callback, a 10 to 20 ms stall every 3 s.
 */
export class Pinger {
  private readonly slots: Set<StationConnection>[];
  private slotTurn = 0;
  private nextSlot = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    intervalSeconds: number,
    private readonly log: Logger,
  ) {
    this.slots = Array.from({ length: Math.max(10, Math.round(intervalSeconds * 10)) }, () => new Set<StationConnection>());
    this.timer = setInterval(() => this.pingSlot(), (intervalSeconds * 1000) / this.slots.length);
  }

  /** Takes a new connection into the next slot in turn. */
  add(connection: StationConnection): void {
    this.slots[this.nextSlot++ % this.slots.length]?.add(connection);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private pingSlot(): void {
    const slot = this.slots[this.slotTurn++ % this.slots.length] as Set<StationConnection>;
    for (const connection of slot) {
      if (connection.released) {
        slot.delete(connection);
      } else if (!connection.alive) {
        this.log.info({ identity: connection.identity }, 'ocpp: no pong; dropping the socket');
        slot.delete(connection);
        connection.socket.terminate();
      } else {
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }
}
