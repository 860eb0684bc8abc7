import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { OcppCallError, OcppError, OcppTimeoutError, StationNotAcceptedError, StationOfflineError } from './errors.js';
import type { Logger } from '../platform/logger.js';
import { REDIS_WAIT_MS, RELEASE_IF_OWNER, isReady, within } from '../platform/redis.js';

/** A connected station, as the gateway holding its socket exposes it. */
export interface StationLink {
  call(action: string, payload: unknown, timeoutMs?: number): Promise<Record<string, unknown>>;
}

/** The gateway of this process, when it runs one. */
export interface LocalStations {
  link(identity: string): StationLink | undefined;
}

/** How often a gateway node says it is alive, and how long the word lasts. */
export const ALIVE_EVERY_MS = 10_000;
export const ALIVE_TTL_MS = 3 * ALIVE_EVERY_MS;

/** A message from another node, or null when it is not JSON (never thrown: it arrives on a Redis event). */
function parse<T>(message: string): T | null {
  try {
    return JSON.parse(message) as T;
  } catch {
    return null;
  }
}

/**
 * `promise`, or `failure()` once `ms` passed: Redis connections queue commands while Redis is away (no
 * retry limit, for BullMQ), so a command waits at most its own timeout for its routing, not for Redis.
 */
function withinMs<T>(promise: Promise<T>, ms: number, failure: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(failure()), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Deletes KEYS[1] only while it holds ARGV[1]. */

interface RemoteRequest {
  requestId: string;
  replyTo: string;
  identity: string;
  action: string;
  payload: unknown;
  timeoutMs: number;
}

interface RemoteReply {
  requestId: string;
  ok: boolean;
  payload?: Record<string, unknown>;
  error?: { kind: 'offline' | 'not-accepted' | 'timeout' | 'ocpp' | 'other'; code?: string; message: string };
}

/**
 * Sends a command to a station wherever its socket is: directly when this process's gateway holds
 * it, otherwise through Redis to the gateway node that does (recorded when the station connected).
 */
export class CommandRouter {
  private local: LocalStations | null = null;
  private beating: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<string, { resolve: (r: RemoteReply) => void; timer: NodeJS.Timeout }>();
  /** Stations whose socket is here, as claimed. */
  private readonly held = new Set<string>();
  /** Of those, the ones claimed while Redis was away: written once it is back. */
  private readonly unwritten = new Set<string>();

  constructor(
    private readonly deps: { redis: Redis; subscriber: Redis; prefix: string; nodeId: string; log: Logger; defaultTimeoutMs: number },
  ) {}

  private aliveKey(node: string) {
    return `${this.deps.prefix}:node:${node}:alive`;
  }
  private nodeKey(identity: string) {
    return `${this.deps.prefix}:station-node:${identity}`;
  }
  private commandsChannel(node: string) {
    return `${this.deps.prefix}:node:${node}:commands`;
  }
  private repliesChannel(node: string) {
    return `${this.deps.prefix}:node:${node}:replies`;
  }

  async start(): Promise<void> {
    const { subscriber, nodeId } = this.deps;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.repliesChannel(nodeId)) this.onReply(message);
      else if (channel === this.commandsChannel(nodeId)) void this.onRemoteCommand(message);
    });
    await subscriber.subscribe(this.repliesChannel(nodeId), this.commandsChannel(nodeId));
    this.deps.redis.on('ready', () => void this.reclaim());
  }

  /**
   * Redis is back: writes the claims made while it was away, and restores those it may have lost (restarted
   * empty) without taking a station back from a node it reconnected to meanwhile (NX).
   */
  private async reclaim(): Promise<void> {
    // Redis may have come back empty: say at once that this node is alive, before a worker decides it vanished.
    await this.beat();
    if (this.held.size === 0) return;
    const pipeline = this.deps.redis.pipeline();
    for (const identity of this.held) {
      if (this.unwritten.has(identity)) pipeline.set(this.nodeKey(identity), this.deps.nodeId);
      else pipeline.set(this.nodeKey(identity), this.deps.nodeId, 'NX');
    }
    this.unwritten.clear();
    await pipeline.exec().catch((error: Error) => this.deps.log.warn({ err: error }, 'commands: could not restore the claims in Redis'));
  }

  /**
   * This process's gateway serves these stations from now on. While attached, the node says it is alive
   * in Redis (a key refreshed every ALIVE_EVERY_MS, expiring after ALIVE_TTL_MS), so that when it vanishes
   * without a word (a crash, a lost machine) the stations it held can be found and marked offline.
   */
  async attach(local: LocalStations): Promise<void> {
    this.local = local;
    clearInterval(this.beating);
    this.beating = setInterval(() => void this.beat(), ALIVE_EVERY_MS);
    this.beating.unref();
    await this.beat();
  }

  /** Says in Redis that this node is alive (skipped while Redis is away: beats would pile up for its return). */
  private async beat(): Promise<void> {
    if (!this.local || !isReady(this.deps.redis)) return;
    await this.deps.redis
      .set(this.aliveKey(this.deps.nodeId), String(Date.now()), 'PX', ALIVE_TTL_MS)
      .catch((error: Error) => this.deps.log.warn({ err: error }, 'commands: could not refresh this node in Redis'));
  }

  /** The gateway left (it has written its stations offline): the node no longer says it is alive. */
  async detach(): Promise<void> {
    this.local = null;
    clearInterval(this.beating);
    await this.deps.redis.del(this.aliveKey(this.deps.nodeId));
  }

  /** Whether a gateway node still says it is alive. */
  async isAlive(node: string): Promise<boolean> {
    return (await this.deps.redis.exists(this.aliveKey(node))) === 1;
  }

  /** Drops the claims a vanished node still holds on these stations (those another node took are kept). */
  async releaseFor(node: string, identities: string[]): Promise<void> {
    if (identities.length === 0) return;
    const pipeline = this.deps.redis.pipeline();
    for (const identity of identities) pipeline.eval(RELEASE_IF_OWNER, 1, this.nodeKey(identity), node);
    await pipeline.exec();
  }

  /**
   * Says in Redis that this node holds the station's socket. While Redis is away (or slow to answer) the
   * claim is written once it is back: a connecting station waits for nothing.
   */
  async claim(identity: string): Promise<void> {
    this.held.add(identity);
    const written =
      isReady(this.deps.redis) && (await within(this.deps.redis.set(this.nodeKey(identity), this.deps.nodeId), REDIS_WAIT_MS, null));
    if (written) this.unwritten.delete(identity);
    else this.unwritten.add(identity);
  }

  /** Drops the claim only if it is still ours (one atomic step: another node may have claimed since). */
  async release(identity: string): Promise<void> {
    this.held.delete(identity);
    this.unwritten.delete(identity);
    // Redis away: a claim left behind names this node, whose answer to a command for the station is "offline".
    if (!isReady(this.deps.redis)) return;
    await within(this.deps.redis.eval(RELEASE_IF_OWNER, 1, this.nodeKey(identity), this.deps.nodeId), REDIS_WAIT_MS, null);
  }

  async send(identity: string, action: string, payload: unknown, timeoutMs = this.deps.defaultTimeoutMs): Promise<Record<string, unknown>> {
    const link = this.local?.link(identity);
    const node = await withinMs(
      this.deps.redis.get(this.nodeKey(identity)),
      timeoutMs,
      () => new OcppTimeoutError(`${action}: Redis did not answer within ${timeoutMs} ms, so the station's gateway is unknown`),
    );
    // A socket here is used unless another node has claimed the station since: it reconnected there, and
    // the socket here is an older one, left open until it closes or fails its ping (often half-open).
    if (link && (!node || node === this.deps.nodeId)) return link.call(action, payload, timeoutMs);
    if (!node || node === this.deps.nodeId) throw new StationOfflineError(`station ${identity} is not connected`);
    const requestId = randomUUID();
    const reply = await new Promise<RemoteReply>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        resolve({ requestId, ok: false, error: { kind: 'timeout', message: `${action}: no answer from gateway ${node}` } });
      }, timeoutMs + 2000);
      this.waiting.set(requestId, { resolve, timer });
      const request: RemoteRequest = { requestId, replyTo: this.deps.nodeId, identity, action, payload, timeoutMs };
      const fail = (kind: 'offline' | 'other', message: string) => {
        clearTimeout(timer);
        this.waiting.delete(requestId);
        resolve({ requestId, ok: false, error: { kind, message } });
      };
      this.deps.redis.publish(this.commandsChannel(node), JSON.stringify(request)).then(
        (receivers) => {
          if (receivers === 0) fail('offline', `station ${identity} is not connected`);
        },
        (error: Error) => fail('other', `could not reach gateway ${node}: ${error.message}`),
      );
    });
    if (reply.ok && reply.payload) return reply.payload;
    const error = reply.error ?? { kind: 'other', message: 'no reply' };
    if (error.kind === 'offline') throw new StationOfflineError(error.message);
    if (error.kind === 'not-accepted') throw new StationNotAcceptedError(error.message);
    if (error.kind === 'timeout') throw new OcppTimeoutError(error.message);
    if (error.kind === 'ocpp') throw new OcppCallError(error.code ?? 'GenericError', error.message, {});
    throw new Error(error.message);
  }

  private onReply(message: string): void {
    const reply = parse<RemoteReply>(message);
    if (!reply) {
      this.deps.log.warn('commands: ignored a reply that is not JSON');
      return;
    }
    const waiter = this.waiting.get(reply.requestId);
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiting.delete(reply.requestId);
    waiter.resolve(reply);
  }

  private async onRemoteCommand(message: string): Promise<void> {
    const request = parse<RemoteRequest>(message);
    if (!request) {
      this.deps.log.warn('commands: ignored a command that is not JSON');
      return;
    }
    let reply: RemoteReply;
    try {
      const link = this.local?.link(request.identity);
      if (!link) throw new StationOfflineError(`station ${request.identity} is not connected`);
      reply = { requestId: request.requestId, ok: true, payload: await link.call(request.action, request.payload, request.timeoutMs) };
    } catch (error) {
      const kind =
        error instanceof StationOfflineError
          ? 'offline'
          : error instanceof StationNotAcceptedError
            ? 'not-accepted'
            : error instanceof OcppTimeoutError
              ? 'timeout'
              : error instanceof OcppError
                ? 'ocpp'
                : 'other';
      const code = error instanceof OcppCallError ? error.wire : error instanceof OcppError ? error.code : undefined;
      reply = { requestId: request.requestId, ok: false, error: { kind, ...(code ? { code } : {}), message: (error as Error).message } };
    }
    await this.deps.redis
      .publish(this.repliesChannel(request.replyTo), JSON.stringify(reply))
      .catch((error: Error) => this.deps.log.warn({ err: error }, 'commands: could not send a reply back'));
  }

  close(): void {
    clearInterval(this.beating);
    for (const [id, waiter] of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.resolve({ requestId: id, ok: false, error: { kind: 'offline', message: 'shutting down' } });
    }
    this.waiting.clear();
  }
}
