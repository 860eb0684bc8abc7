/**
 * Slows password guessing against station logins, per (identity, address), per address and per identity.
 *
 * Only failures count, each as one unit in a bucket that drains at `budget` units per `windowMs`; a bucket
 * at its budget refuses further attempts until it has drained one unit. So a reconnect storm of right
 * passwords costs nothing here, and an attacker is refused before any password check. An address that
 * logged in as an identity within `trustMs` is exempt from that identity's and its own address-wide limit
 * (not from the pair's): an attacker elsewhere cannot lock the real charger out, nor can a charger that
 * fails behind a shared NAT lock out its neighbours.
 */
export interface ThrottleLimits {
  windowMs: number;
  /** Failures one address may have for one identity per window. */
  perPair: number;
  /** Failures one address may have, whatever the identity, per window. */
  perAddress: number;
  /** Failures one identity may have, from addresses that are not trusted for it, per window. */
  perIdentity: number;
  /** How long a successful login exempts its address. */
  trustMs: number;
  /** Most entries kept per map; the oldest go first. */
  maxEntries: number;
}

export const defaultThrottleLimits: ThrottleLimits = {
  windowMs: 60_000,
  perPair: 10,
  perAddress: 60,
  perIdentity: 30,
  trustMs: 24 * 3600_000,
  maxEntries: 50_000,
};

export type ThrottleVerdict = { ok: true } | { ok: false; limit: 'pair' | 'address' | 'identity'; retryAfterSeconds: number };

interface Bucket {
  level: number;
  at: number;
}

/** A map that forgets its oldest entry when full; an entry written again becomes the newest. */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

export class LoginThrottle {
  private readonly pairs: Bounded<Bucket>;
  private readonly addresses: Bounded<Bucket>;
  private readonly identities: Bounded<Bucket>;
  /** (identity, address) → when it last logged in. */
  private readonly trusted: Bounded<number>;

  constructor(
    private readonly limits: ThrottleLimits = defaultThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.pairs = new Bounded(limits.maxEntries);
    this.addresses = new Bounded(limits.maxEntries);
    this.identities = new Bounded(limits.maxEntries);
    this.trusted = new Bounded(limits.maxEntries);
  }

  /** Whether a login attempt may go on to the password check. */
  check(identity: string, address: string): ThrottleVerdict {
    const now = this.now();
    const pair = this.over(this.pairs.get(pairKey(identity, address)), this.limits.perPair, now);
    if (pair) return { ok: false, limit: 'pair', retryAfterSeconds: pair };
    if (this.isTrusted(identity, address, now)) return { ok: true };
    const byAddress = this.over(this.addresses.get(address), this.limits.perAddress, now);
    if (byAddress) return { ok: false, limit: 'address', retryAfterSeconds: byAddress };
    const byIdentity = this.over(this.identities.get(identity), this.limits.perIdentity, now);
    if (byIdentity) return { ok: false, limit: 'identity', retryAfterSeconds: byIdentity };
    return { ok: true };
  }

  failed(identity: string, address: string): void {
    const now = this.now();
    this.add(this.pairs, pairKey(identity, address), this.limits.perPair, now);
    if (this.isTrusted(identity, address, now)) return;
    this.add(this.addresses, address, this.limits.perAddress, now);
    this.add(this.identities, identity, this.limits.perIdentity, now);
  }

  succeeded(identity: string, address: string): void {
    this.trusted.set(pairKey(identity, address), this.now());
  }

  /** Entries held, all maps together (bounded by 4 × maxEntries). */
  get size(): number {
    return this.pairs.size + this.addresses.size + this.identities.size + this.trusted.size;
  }

  private isTrusted(identity: string, address: string, now: number): boolean {
    const at = this.trusted.get(pairKey(identity, address));
    return at !== undefined && now - at < this.limits.trustMs;
  }

  /** The bucket's level now, drained at `budget` per window. */
  private level(bucket: Bucket | undefined, budget: number, now: number): number {
    if (!bucket) return 0;
    return Math.max(0, bucket.level - ((now - bucket.at) * budget) / this.limits.windowMs);
  }

  /** Seconds until the bucket is under its budget again; 0 when it is now. */
  private over(bucket: Bucket | undefined, budget: number, now: number): number {
    const excess = this.level(bucket, budget, now) - budget + 1;
    return excess > 0 ? Math.ceil((excess * this.limits.windowMs) / budget / 1000) : 0;
  }

  private add(map: Bounded<Bucket>, key: string, budget: number, now: number): void {
    map.set(key, { level: this.level(map.get(key), budget, now) + 1, at: now });
  }
}

const pairKey = (identity: string, address: string) => `${identity}\n${address}`;
