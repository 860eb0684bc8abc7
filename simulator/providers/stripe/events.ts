import { createHmac, randomBytes } from 'node:crypto';
import type { Json } from './objects.js';

/** Stripe's signature header: `t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<payload>" keyed with the secret>`. */
export function signature(payload: string, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}

/**
 * Webhook events as Stripe sends them: an event object about a copy of the object, POSTed to the endpoint
 * registered in the dashboard (`url`) with `Stripe-Signature`, after the answer that caused it went out.
 */
export class StripeEvents {
  /** Where events are POSTed (the endpoint registered in the dashboard); null: none sent. */
  url: string | null = null;
  /** Events sent, with the status our server answered (null: unreachable). */
  readonly deliveries: Array<{ event: Json; answered: number | null }> = [];
  private readonly sending = new Set<Promise<void>>();
  private counter = 0;

  constructor(readonly secret: string) {}

  /** Sends an event about `object` now, signed with the webhook secret (or another, to forge one), at `at`. */
  async send(type: string, object: Json, options: { secret?: string; at?: Date } = {}): Promise<void> {
    if (!this.url) return;
    this.counter += 1;
    const event = {
      id: `evt_${randomBytes(8).toString('hex')}${this.counter}`,
      object: 'event',
      api_version: '2026-02-25.clover',
      created: Math.floor((options.at ?? new Date()).getTime() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
    };
    await this.deliver(event, options);
  }

  /** POSTs an event (a new one, or one sent before: Stripe redelivers) signed at `at`. */
  async deliver(event: Json, options: { secret?: string; at?: Date } = {}): Promise<number | null> {
    const payload = JSON.stringify(event);
    const signed = signature(payload, options.secret ?? this.secret, options.at ?? new Date());
    let answered: number | null = null;
    try {
      const response = await fetch(this.url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signed },
        body: payload,
      });
      await response.text();
      answered = response.status;
    } catch {
      answered = null;
    }
    this.deliveries.push({ event, answered });
    return answered;
  }

  /** The event of an intent's new state, as Stripe sends it. */
  announce(intent: Json): Promise<void> {
    const type = intent.status === 'requires_capture' ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded';
    return this.send(type, intent);
  }

  /** Runs after the answer went out (Stripe sends events asynchronously); `delivered()` waits for them. */
  later(send: () => Promise<void>): void {
    const sending = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(send).catch(() => undefined);
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  /** Every event under way has been delivered. */
  async delivered(): Promise<void> {
    await Promise.all([...this.sending]);
  }
}
