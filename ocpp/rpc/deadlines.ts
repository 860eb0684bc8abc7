/** A connection whose CALL being answered may be overdue. */
export interface Overdue {
  /** Answers the CALL being answered if it started before `before` (performance.now()); false once closed. */
  answerIfStartedBefore(before: number): boolean;
  readonly answerWithinMs: number;
}

/** How often the connections are looked at: an overdue CALL is answered at most this much after its deadline. */
export const SWEEP_EVERY_MS = 250;

/**
 * The last-resort answer deadline of every connection in the process, kept by one timer rather than one per
 * CALL: at 10,000 stations the hot path answers some 20,000 MeterValues a second, and a timer per message
 * (armed, cleared, collected) costs more than the whole sweep (measured: 66 µs for 10,000 connections, four times a second).
 * The timer runs only while a connection is open.
 */
class Deadlines {
  private readonly connections = new Set<Overdue>();
  private timer: NodeJS.Timeout | undefined;

  add(connection: Overdue): void {
    this.connections.add(connection);
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  delete(connection: Overdue): void {
    this.connections.delete(connection);
    if (this.connections.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    for (const connection of this.connections) {
      if (!connection.answerIfStartedBefore(now - connection.answerWithinMs)) this.delete(connection);
    }
  }
}

/** One per process, whichever gateway made the connections: one timer in all. */
export const answerDeadlines = new Deadlines();
