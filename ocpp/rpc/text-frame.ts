import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** One unmasked, unfragmented WebSocket text frame holding `text` (RFC 6455 §5.2): what a server sends. */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const offset = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (offset === 2) frame[1] = length;
  else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, offset, 'utf8');
  return frame;
}

/**
 * Sends a text message as one write of one buffer, header and payload together, where ws writes the two
 * under cork(): Node's Writable then swaps in a new empty `buffered` array after every corked write. A
 * station's next answer, a second or two later, finds that array promoted and leaves it dead in the old
 * generation pointing at the answer's chunks, which are then promoted too (the same pattern as ws's
 * fragments array, see fragments.ts). Falls back to ws when a compression extension was negotiated (the
 * gateway offers none) or the socket is not a plain ws one.
 */
export function sendText(socket: WebSocket, text: string): void {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  if (!raw || socket.extensions !== '') {
    socket.send(text);
    return;
  }
  raw.write(textFrame(text));
}
