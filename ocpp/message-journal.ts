import type { MessageLog } from '../telemetry/message-log.js';
import type { RpcJournal } from './rpc/journal.js';

interface Pending {
  id: string;
  action: string;
  at: number;
  started: number;
  bytes: number;
  text: string | null;
}

/**
 * One station's exchanges for the OCPP message log: a CALL is noted as it arrives or goes out, and logged with
 * its answer (sizes, latency, error code, and the frames when payloads are kept). The station's CALLs are
 * answered in arrival order, and at most one of ours is outstanding, so a queue and one slot pair them.
 */
export class StationJournal implements RpcJournal {
  private readonly waiting: Pending[] = [];
  private out: Pending | null = null;

  constructor(
    private readonly log: MessageLog,
    private readonly station: string,
    private readonly keepPayloads: boolean,
  ) {}

  received(id: string, action: string, text: string, bytes: number): void {
    this.waiting.push(this.pending(id, action, text, bytes));
  }

  answered(outcome: string, text: string): void {
    const call = this.waiting.shift();
    if (call) this.record(call, 'in', outcome, text, Buffer.byteLength(text));
  }

  sent(id: string, action: string, text: string): void {
    this.out = this.pending(id, action, text, Buffer.byteLength(text));
  }

  returned(id: string, outcome: string, text: string | null, bytes: number): void {
    const call = this.out;
    if (call?.id !== id) return;
    this.out = null;
    this.record(call, 'out', outcome, text, bytes);
  }

  private pending(id: string, action: string, text: string, bytes: number): Pending {
    return { id, action, at: Date.now(), started: performance.now(), bytes, text: this.keepPayloads ? text : null };
  }

  private record(call: Pending, direction: 'in' | 'out', outcome: string, text: string | null, bytes: number): void {
    this.log.record({
      station: this.station,
      at: call.at,
      messageId: call.id,
      direction,
      action: call.action,
      requestBytes: call.bytes,
      responseBytes: bytes,
      latencyMs: performance.now() - call.started,
      errorCode: outcome === 'ok' ? '' : outcome,
      request: call.text,
      response: this.keepPayloads ? (text ?? '') : null,
    });
  }
}
