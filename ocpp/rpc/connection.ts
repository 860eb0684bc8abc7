import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Logger } from '../../platform/logger.js';
import { answerDeadlines, type Overdue } from './deadlines.js';
import { OcppCallError, OcppTimeoutError, type OcppVersion, StationOfflineError, ocppError } from './errors.js';
import { CALL, CALLERROR, CALLRESULT, MAX_FRAME_BYTES, callFrame, errorFrame, parseFrame, resultFrame } from './frames.js';
import { reuseFragmentsArray } from './fragments.js';
import { asBuffer, malformedAnswer, oversizedAnswer, unreadableAnswer, wireError } from './refusals.js';
import type { RpcJournal } from './journal.js';
import type { Validator } from './validator.js';

/** Answers one CALL from the station: returns the response payload (or a promise of it), or throws an OcppError. */
export type CallDispatcher = (
  action: string,
  payload: Record<string, unknown>,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

export interface RpcObserver {
  /** A CALL from the station was answered (outcome: ok, or the error code). */
  answered(action: string, outcome: string, seconds: number): void;
  /** A CALL of ours got its answer or failed. */
  called(action: string, outcome: string): void;
}

interface Outgoing {
  action: string;
  payload: unknown;
  timeoutMs: number;
  /** performance.now() by which the call must be answered, counted from when it was queued. */
  deadline: number;
  /** Fails the call if it is still queued at its deadline (never sent). */
  queued?: NodeJS.Timeout;
  resolve: (payload: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** CALLs from one station waiting for their answers at most; past them a CALL is refused at once. */
export const MAX_WAITING_CALLS = 16;

/** What `incoming` is while no CALL from the station waits for its answer. */
const settled: Promise<void> = Promise.resolve();

/** How long a CALL's handler may take before the CALL is answered "not decided in time", by default. */
export const ANSWER_WITHIN_MS = 5000;

const noop = () => {};
// The executor of the promise an asynchronous answer returns: one function for all, so that making that
// promise allocates no closure; the resolver it is given is picked up at once (see answer()).
let picked: () => void = noop;
const pick = (resolve: () => void) => {
  picked = resolve;
};

/**
 * One OCPP-J peer over one WebSocket: frames in and out, schemas checked both ways, CALLs from the
 * station answered in arrival order, our CALLs queued so at most one is outstanding, each timed out.
 */
export class RpcConnection implements Overdue {
  private readonly queue: Outgoing[] = [];
  private inflight: { id: string; call: Outgoing; timer: NodeJS.Timeout } | null = null;
  private incoming: Promise<void> = settled;
  /** CALLs from the station received and not yet answered. */
  private unanswered = 0;
  /** Their ids, oldest first (they are answered in that order). */
  private readonly unansweredIds: string[] = [];
  private closedWith: Error | null = null;
  /**
   * The asynchronous answer under way, at most one (CALLs are answered in turn): when it began
   * (performance.now(), 0 while none is), its CALL, its turn (a handler's late result names an older one),
   * and what lets the next CALL's answer begin.
   */
  private answerStarted = 0;
  private answerId = '';
  private answerAction = '';
  private answerTurn = 0;
  private release: () => void = noop;
  readonly answerWithinMs: number;

  constructor(
    readonly socket: WebSocket,
    readonly version: OcppVersion,
    private readonly options: {
      validator: Validator;
      dispatch: CallDispatcher;
      /** Whether an action of the schemas has a handler here; one without is NotSupported, whatever its payload. */
      handles: (action: string) => boolean;
      callTimeoutMs: number;
      log: Logger;
      observer: RpcObserver;
      journal?: RpcJournal | undefined;
      /** A CALL whose handler has not settled within this is answered "not decided in time" (default 5 s). */
      answerWithinMs?: number;
    },
  ) {
    this.answerWithinMs = options.answerWithinMs ?? ANSWER_WITHIN_MS;
    answerDeadlines.add(this);
    const reuse = reuseFragmentsArray(socket);
    socket.on('message', (data, isBinary) => {
      reuse(data);
      // No frame may end the connection or the process: whatever escapes its handling is answered here.
      try {
        this.receive(data, isBinary);
      } catch (error) {
        this.failedToReceive(data, error);
      }
    });
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** Sends a CALL and resolves to the station's response payload, in queue order. */
  call(action: string, payload: unknown, timeoutMs = this.options.callTimeoutMs): Promise<Record<string, unknown>> {
    if (this.closedWith) return Promise.reject(new StationOfflineError('the station is not connected'));
    try {
      this.options.validator.checkOutgoing(action, 'request', payload);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const call: Outgoing = { action, payload, timeoutMs, deadline: performance.now() + timeoutMs, resolve, reject };
      this.queue.push(call);
      this.sendNext();
      // Still waiting behind another call: its time runs from now, so a caller that gave up is never followed
      // by a station that carries the command out later.
      if (this.queue.includes(call)) {
        call.queued = setTimeout(() => {
          const at = this.queue.indexOf(call);
          if (at < 0) return;
          this.queue.splice(at, 1);
          this.options.observer.called(action, 'timeout');
          reject(new OcppTimeoutError(`${action}: not sent within ${timeoutMs} ms: the station was still busy with an earlier command`));
        }, timeoutMs);
      }
    });
  }

  /** Fails every pending call of ours; the socket is the caller's to close. */
  shutdown(reason: Error = new StationOfflineError('the station disconnected')): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    answerDeadlines.delete(this);
    if (this.inflight) {
      clearTimeout(this.inflight.timer);
      this.inflight.call.reject(reason);
      this.inflight = null;
    }
    for (const call of this.queue.splice(0)) {
      clearTimeout(call.queued);
      call.reject(reason);
    }
  }

  /** Resolves once every CALL received so far has been answered. */
  drained(): Promise<void> {
    return this.incoming;
  }

  private sendNext(): void {
    if (this.inflight || this.closedWith) return;
    const call = this.queue.shift();
    if (!call) return;
    clearTimeout(call.queued);
    const id = randomUUID();
    const timer = setTimeout(
      () => {
        if (this.inflight?.id !== id) return;
        this.inflight = null;
        this.options.observer.called(call.action, 'timeout');
        this.options.journal?.returned(id, 'Timeout', null, 0);
        call.reject(new OcppTimeoutError(`${call.action}: no answer from the station within ${call.timeoutMs} ms`));
        this.sendNext();
      },
      Math.max(1, call.deadline - performance.now()),
    );
    this.inflight = { id, call, timer };
    const text = callFrame(id, call.action, call.payload);
    this.options.journal?.sent(id, call.action, text);
    this.socket.send(text, (error) => {
      if (error && this.inflight?.id === id) {
        clearTimeout(timer);
        this.inflight = null;
        this.options.journal?.returned(id, 'NotSent', null, 0);
        call.reject(new StationOfflineError(`${call.action}: could not be sent: ${error.message}`));
        this.sendNext();
      }
    });
  }

  private receive(data: unknown, isBinary: boolean): void {
    // OCPP-J is text frames; a charger that sends its JSON in binary frames (a known quirk) is read the same way.
    const bytes = asBuffer(data);
    if (isBinary) this.options.log.debug('ocpp: read a binary frame as text');
    // Over our limit (ws closes the socket only beyond WS_MAX_PAYLOAD): answered from its first bytes, never parsed.
    if (bytes.length > MAX_FRAME_BYTES) {
      this.refuseOversized(bytes);
      return;
    }
    const text = bytes.toString('utf8');
    // The server leaves UTF-8 to us (skipUTF8Validation) so that a bad byte costs a CALLERROR, not the connection.
    if (!isUtf8(bytes)) {
      this.sendIf(malformedAnswer(text, 'message is not valid UTF-8', this.version));
      return;
    }
    const parsed = parseFrame(text, this.version);
    if (!parsed.ok) {
      if ('ignore' in parsed) this.options.log.debug({ reason: parsed.ignore }, 'ocpp: ignored a frame');
      else this.send(errorFrame(parsed.id, parsed.error, this.version));
      return;
    }
    const frame = parsed.frame;
    if (frame.type === CALL) {
      // The same id again while the first is still being answered: a charger's retry of a call it thinks
      // was lost. The one answer the first gets serves both (ids are unique per connection in 1.6).
      if (this.unanswered > 0 && this.unansweredIds.includes(frame.id)) {
        this.options.log.debug({ id: frame.id, action: frame.action }, 'ocpp: ignored a repeat of a CALL still being answered');
        return;
      }
      // OCPP-J wants one CALL at a time; a station that piles them up (while a service is away, each waits up
      // to the answer deadline) is told at once past a few, so neither memory nor the queue grows unbounded.
      if (this.unanswered >= MAX_WAITING_CALLS) {
        this.send(
          errorFrame(
            frame.id,
            ocppError('GenericError', `more than ${MAX_WAITING_CALLS} CALLs are waiting for an answer: send one at a time`),
            this.version,
          ),
        );
        return;
      }
      this.unansweredIds.push(frame.id);
      this.options.journal?.received(frame.id, frame.action, text, bytes.length);
      // Answered in arrival order: at once when nothing is waiting (the usual case, one CALL at a time),
      // else after the CALLs before it, however their answering ended. The usual case makes no named closure:
      // tsx (esbuild's keepNames) gives each one a name property of its own, an allocation per frame.
      const { id, action, payload } = frame;
      if (this.unanswered++ === 0) {
        this.incoming = this.answer(id, action, payload);
      } else {
        const answer = () => this.answer(id, action, payload);
        this.incoming = this.incoming.then(answer, answer);
      }
      return;
    }
    const inflight = this.inflight;
    if (!inflight || inflight.id !== frame.id) {
      this.options.log.debug({ id: frame.id }, 'ocpp: ignored a response to no outstanding call');
      return;
    }
    clearTimeout(inflight.timer);
    this.inflight = null;
    const { call } = inflight;
    this.options.journal?.returned(frame.id, frame.type === CALLERROR ? frame.code : 'ok', text, bytes.length);
    if (frame.type === CALLRESULT) {
      try {
        this.options.validator.check(call.action, 'response', frame.payload);
        this.options.observer.called(call.action, 'ok');
        call.resolve(frame.payload);
      } catch (error) {
        this.options.observer.called(call.action, 'invalid-response');
        call.reject(error as Error);
      }
    } else if (frame.type === CALLERROR) {
      this.options.observer.called(call.action, frame.code);
      call.reject(new OcppCallError(frame.code, frame.description, frame.details));
    }
    this.sendNext();
  }

  private refuseOversized(bytes: Buffer): void {
    this.options.log.warn({ bytes: bytes.length }, 'ocpp: refused a frame over the size limit');
    this.sendIf(oversizedAnswer(bytes, this.version));
  }

  /** A frame whose handling threw: logged, and answered InternalError under its id unless its answer is under way. */
  private failedToReceive(data: unknown, error: unknown): void {
    this.options.log.error({ err: error }, 'ocpp: could not handle a frame');
    this.sendIf(unreadableAnswer(asBuffer(data), this.version, this.unansweredIds));
  }

  /**
   * Answers one CALL. Nothing here awaits: a handler that answers at once is answered in the same turn, and
   * while an asynchronous one runs, only the frame's id and action stay alive, not its payload. Under load
   * thousands of frames are in flight at once, and what each keeps alive meanwhile is what the young
   * generation has to copy and, too often, promote.
   */
  private answer(id: string, action: string, payload: Record<string, unknown>): Promise<void> {
    const started = performance.now();
    let response: ReturnType<CallDispatcher>;
    try {
      const { validator, dispatch, handles } = this.options;
      if (!validator.hasAction(action)) throw ocppError('NotImplemented', `unknown action "${action}"`);
      if (!handles(action)) throw ocppError('NotSupported', `${action} is not supported by this central system`);
      validator.check(action, 'request', payload);
      response = dispatch(action, payload);
    } catch (error) {
      this.refuse(id, action, started, error);
      return settled;
    }
    if (!(response instanceof Promise)) {
      this.reply(id, action, started, response);
      return settled;
    }
    // The promise returned here settles when the CALL is answered: by its handler, or by the deadline sweep
    // when the handler takes too long (a service away); either way the CALLs behind it are answered next.
    const turn = ++this.answerTurn;
    this.answerStarted = started;
    this.answerId = id;
    this.answerAction = action;
    const answered = new Promise<void>(pick);
    this.release = picked;
    response.then(
      (answer) => {
        if (this.endAnswer(turn, action)) this.reply(id, action, started, answer);
        this.releaseNext(turn);
      },
      (error: unknown) => {
        if (this.endAnswer(turn, action)) this.refuse(id, action, started, error);
        this.releaseNext(turn);
      },
    );
    return answered;
  }

  /** Whether the answer of `turn` is still due (not yet given "not decided in time"); it is not due after this. */
  private endAnswer(turn: number, action: string): boolean {
    if (turn === this.answerTurn && this.answerStarted !== 0) {
      this.answerStarted = 0;
      return true;
    }
    this.options.log.warn({ action }, 'ocpp: a handler settled after its CALL was answered "not decided in time"; its result is dropped');
    return false;
  }

  /** Lets the next CALL's answer begin, unless the deadline sweep did so already for `turn`. */
  private releaseNext(turn: number): void {
    if (turn !== this.answerTurn) return;
    const release = this.release;
    this.release = noop;
    release();
  }

  /** The deadline sweep: answers the CALL under way if it began before `before`; false once the connection closed. */
  answerIfStartedBefore(before: number): boolean {
    if (this.closedWith || this.socket.readyState === this.socket.CLOSED) return false;
    const started = this.answerStarted;
    if (started === 0 || started >= before) return true;
    this.answerStarted = 0;
    const action = this.answerAction;
    this.options.log.warn({ action, ms: Math.round(performance.now() - started) }, 'ocpp: a CALL was not decided in time');
    this.refuse(this.answerId, action, started, ocppError('GenericError', 'not decided in time: retry later', { retry: true }));
    this.releaseNext(this.answerTurn);
    return true;
  }

  private reply(id: string, action: string, started: number, response: Record<string, unknown>): void {
    try {
      this.options.validator.checkOutgoing(action, 'response', response);
    } catch (error) {
      this.options.log.error({ action, err: error }, 'ocpp: our response does not fit the schema');
      this.refuse(id, action, started, ocppError('InternalError', 'the central system could not answer'));
      return;
    }
    const text = resultFrame(id, response);
    this.send(text);
    this.answered(action, 'ok', started, text);
  }

  private refuse(id: string, action: string, started: number, error: unknown): void {
    const known = wireError(error);
    if (!known) this.options.log.error({ action, err: error }, 'ocpp: handler failed');
    const sent = known ?? ocppError('InternalError', 'the central system could not answer');
    const text = errorFrame(id, sent, this.version);
    this.send(text);
    this.answered(action, sent.code, started, text);
  }

  private answered(action: string, outcome: string, started: number, text: string): void {
    this.options.journal?.answered(outcome, text);
    // Nothing left to wait for: let go of the last answer's promise (and what it holds) at once.
    this.unansweredIds.shift();
    if (--this.unanswered === 0) this.incoming = settled;
    this.options.observer.answered(action, outcome, (performance.now() - started) / 1000);
  }

  private sendIf(text: string | null): void {
    if (text !== null) this.send(text);
  }

  private send(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }
}
