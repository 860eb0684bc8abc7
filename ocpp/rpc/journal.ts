/**
 * Notes every exchange for the OCPP message log (ocpp/message-journal.ts), when it is on: CALLs from the station
 * as they arrive and as they are answered (in arrival order), and ours as they go out and get their answer.
 */
export interface RpcJournal {
  received(id: string, action: string, text: string, bytes: number): void;
  /** The oldest CALL received was answered with this frame (outcome: ok, or the error code). */
  answered(outcome: string, text: string): void;
  sent(id: string, action: string, text: string): void;
  /** Our CALL `id` got its answer (text null: none came, outcome Timeout or NotSent). */
  returned(id: string, outcome: string, text: string | null, bytes: number): void;
}
