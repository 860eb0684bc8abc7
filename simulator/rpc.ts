import WebSocket from 'ws';
import type { V16ChargerAction, V16CsmsAction, V16Messages } from '../ocpp/generated/v16.js';

/** A CALLERROR the central system answered with. */
export class CallErrorReply extends Error {
  constructor(
    readonly code: string,
    description: string,
    readonly details: Record<string, unknown>,
  ) {
    super(`${code}: ${description}`);
  }
}

/** A handler of a CSMS call: the response, and optionally work to do once the response is on the wire. */
export interface Answer<A extends V16CsmsAction> {
  response: V16Messages[A]['response'];
  afterReply?: () => Promise<void>;
}
type AnyHandler = (payload: never) => Answer<V16CsmsAction> | Promise<Answer<V16CsmsAction>>;

export interface OcppClientOptions {
  /** The endpoint without the identity: ws://host:port/ocpp */
  url: string;
  identity: string;
  /** Security profile 1: HTTP Basic auth with user = identity. */
  password?: string | undefined;
  callTimeoutMs?: number;
  /** Called for failures nobody awaits (a handler's after-reply work, a bad frame). */
  onError?: (error: Error) => void;
}

interface Pending {
  id: string;
  resolve: (payload: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Queued {
  frame: (id: string) => string;
  resolve: Pending['resolve'];
  reject: Pending['reject'];
  timeoutMs: number;
}

/**
 * A minimal OCPP-J 1.6 client: CALL/CALLRESULT/CALLERROR framing over one WebSocket, at most one
 * outstanding CALL of ours (the rest wait in order), CSMS calls answered by registered handlers and
 * unknown ones refused with NotImplemented.
 */
export class OcppClient {
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly queue: Queued[] = [];
  private inflight: Pending | null = null;
  private nextId = 1;
  /** Called when the socket closes (code), whether or not we closed it. */
  onClose: ((code: number) => void) | null = null;

  constructor(readonly options: OcppClientOptions) {}

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Answers the CSMS's `action` calls. */
  handle<A extends V16CsmsAction>(action: A, handler: (payload: V16Messages[A]['request']) => Answer<A> | Promise<Answer<A>>): void {
    this.handlers.set(action, handler as unknown as AnyHandler);
  }

  /** Opens the socket (subprotocol ocpp1.6, Basic auth); rejects with the HTTP status when refused. */
  connect(timeoutMs = 10_000): Promise<void> {
    const { url, identity, password } = this.options;
    const headers: Record<string, string> = {};
    if (password !== undefined) headers.authorization = `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}`;
    const socket = new WebSocket(`${url.replace(/\/$/, '')}/${encodeURIComponent(identity)}`, ['ocpp1.6'], {
      headers,
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    this.socket = socket;
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(String(data));
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.on('close', (code) => {
          this.failAll(new Error(`${identity}: connection closed (${code})`));
          this.onClose?.(code);
        });
        resolve();
      });
      socket.once('unexpected-response', (_req, res) => {
        reject(new Error(`${identity}: upgrade refused with HTTP ${res.statusCode}`));
        socket.terminate();
      });
      socket.once('error', (error) => reject(new Error(`${identity}: ${error.message}`)));
      socket.on('error', () => {}); // later errors end in 'close'
    });
  }

  /** Sends a CALL; resolves to the CALLRESULT payload, rejects with CallErrorReply or a timeout. */
  call<A extends V16ChargerAction>(action: A, payload: V16Messages[A]['request'], timeoutMs?: number): Promise<V16Messages[A]['response']> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        frame: (id) => JSON.stringify([2, id, action, payload]),
        resolve: resolve as Pending['resolve'],
        reject,
        timeoutMs: timeoutMs ?? this.options.callTimeoutMs ?? 30_000,
      });
      this.sendNext();
    });
  }

  /** Closes the socket (and fails what is pending); resolves once it is closed. */
  close(code = 1000): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.terminate(), 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close(code);
    });
  }

  private sendNext(): void {
    if (this.inflight) return;
    const next = this.queue.shift();
    if (!next) return;
    if (!this.open) {
      next.reject(new Error(`${this.options.identity}: not connected`));
      this.sendNext();
      return;
    }
    const id = String(this.nextId++);
    const timer = setTimeout(() => {
      if (this.inflight?.id !== id) return;
      this.inflight = null;
      next.reject(new Error(`${this.options.identity}: no answer within ${next.timeoutMs} ms`));
      this.sendNext();
    }, next.timeoutMs);
    this.inflight = { id, resolve: next.resolve, reject: next.reject, timer };
    this.socket?.send(next.frame(id));
  }

  private receive(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.options.onError?.(new Error(`${this.options.identity}: the CSMS sent a frame that is not JSON`));
      return;
    }
    if (!Array.isArray(frame) || typeof frame[1] !== 'string') return;
    const [type, id] = frame as [number, string];
    if (type === 2) {
      void this.answer(id, String(frame[2]), (frame[3] ?? {}) as Record<string, unknown>);
      return;
    }
    const pending = this.inflight;
    if ((type !== 3 && type !== 4) || !pending || pending.id !== id) return; // not ours: ignore
    clearTimeout(pending.timer);
    this.inflight = null;
    if (type === 3) pending.resolve((frame[2] ?? {}) as Record<string, unknown>);
    else pending.reject(new CallErrorReply(String(frame[2]), String(frame[3] ?? ''), (frame[4] ?? {}) as Record<string, unknown>));
    this.sendNext();
  }

  private async answer(id: string, action: string, payload: Record<string, unknown>): Promise<void> {
    const handler = this.handlers.get(action);
    if (!handler) {
      this.send([4, id, 'NotImplemented', `${action} is not implemented by this charger`, {}]);
      return;
    }
    let answer: Answer<V16CsmsAction>;
    try {
      answer = await handler(payload as never);
    } catch (error) {
      this.send([4, id, 'InternalError', (error as Error).message.slice(0, 255), {}]);
      return;
    }
    this.send([3, id, answer.response]);
    await answer.afterReply?.().catch((error: Error) => this.options.onError?.(error));
  }

  private send(frame: unknown[]): void {
    if (this.open) this.socket?.send(JSON.stringify(frame));
  }

  private failAll(error: Error): void {
    if (this.inflight) {
      clearTimeout(this.inflight.timer);
      this.inflight.reject(error);
      this.inflight = null;
    }
    for (const queued of this.queue.splice(0)) queued.reject(error);
  }
}
