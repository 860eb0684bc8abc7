import type { WebSocket } from 'ws';

interface ReceiverFields {
  _fragments?: unknown;
}

const nothing = (_data: unknown): void => {};

/**
 * Gives a socket's ws Receiver back one array for its message fragments, emptied after every message, in
 * place of the new one ws makes each time. Returns what to call from the socket's 'message' listener.
 *
 * Why: ws (8.x) sets `_fragments = []` after each message and pushes the next message's payload onto it.
 * A station speaks every second or two, so that empty array outlives two young-generation GCs and is
 * promoted; at the next message it gets the payload (its Buffer, the ArrayBuffer under it, the array's
 * elements) and is dropped, dead in the old generation but still pointing at them. Old-to-young pointers
 * are roots for the scavenger until the next mark-compact, so the payload is promoted too: about 360 bytes
 * of old-generation garbage per message, which made mark-compacts of the gateway's heap come every 2 to 3 s
 * at 10,000 stations (bench:ocpp; V8's --trace-gc-object-stats showed one array, its elements, a typed
 * array and an ArrayBuffer dead per message). The array kept here lives as long as the connection, so the
 * payload is only ever pointed at by live objects, and dies young.
 *
 * ws's fields are private: when they are not what this expects (another ws version), it does nothing, and
 * the test beside it fails so that the change is seen.
 */
export function reuseFragmentsArray(socket: WebSocket): (data: unknown) => void {
  const receiver = (socket as unknown as { _receiver?: ReceiverFields })._receiver;
  if (!receiver || !Array.isArray(receiver._fragments)) return nothing;
  const own: unknown[] = receiver._fragments;
  return (data) => {
    const current = receiver._fragments;
    // ws hands over the array itself only for binaryType 'fragments'; nor is a message mid-way replaced.
    if (current === own || data === own || !Array.isArray(current) || current.length !== 0) return;
    own.length = 0;
    receiver._fragments = own;
  };
}

/** The array the socket's Receiver holds for fragments now (tests compare it with the one kept). */
export function fragmentsArrayOf(socket: WebSocket): unknown {
  return (socket as unknown as { _receiver?: ReceiverFields })._receiver?._fragments;
}
