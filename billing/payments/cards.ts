import { BillingError } from '../errors.js';
import type { Execute } from './attempts.js';
import { type PaymentProvider, type SavedMethod, supported } from './provider.js';

/** Whom a card payment charges: the driver's customer at the provider and the card. */
export interface CardPayer {
  customerId: string;
  methodId: string;
}

/**
 * A driver's saved cards at a provider that keeps customers (Stripe): the customer made once per driver (its row in
 * payment_customer; the provider's idempotency key makes two concurrent first calls one customer), the cards kept
 * at the provider, never in evcms.
 */
export class SavedCards {
  constructor(private readonly execute: Execute) {}

  /** The driver's customer at the provider, or null when none was made yet. */
  async customer(provider: PaymentProvider, userId: string): Promise<string | null> {
    const rows = await this.execute<{ customer_id: string }[]>(
      'select customer_id from payment_customer where user_id = ? and provider = ?',
      [userId, provider.name],
    );
    return rows[0]?.customer_id ?? null;
  }

  /** The driver's customer, made at the provider the first time. */
  async ensureCustomer(provider: PaymentProvider, userId: string): Promise<string> {
    const known = await this.customer(provider, userId);
    if (known) return known;
    const create = supported(provider.name, 'keep customers', provider.createPayer);
    const [user] = await this.execute<{ email: string | null }[]>('select email from app_user where id = ?', [userId]);
    const { customerId } = await create({ userId, email: user?.email ?? null });
    await this.execute(
      `insert into payment_customer (id, user_id, provider, customer_id, created_at) values (gen_random_uuid(), ?, ?, ?, now())
       on conflict do nothing`,
      [userId, provider.name, customerId],
    );
    return (await this.customer(provider, userId)) as string;
  }

  /** A SetupIntent for a new card: the app confirms it with the client secret (Stripe.js), then the card is saved. */
  async add(provider: PaymentProvider, userId: string): Promise<{ setupIntentId: string; clientSecret: string }> {
    const save = supported(provider.name, 'save cards', provider.saveMethod);
    const { action } = await save(await this.ensureCustomer(provider, userId));
    return { setupIntentId: String(action?.setupIntentId), clientSecret: String(action?.clientSecret) };
  }

  async list(provider: PaymentProvider, userId: string): Promise<SavedMethod[]> {
    const customerId = await this.customer(provider, userId);
    return customerId ? supported(provider.name, 'list cards', provider.listMethods)(customerId) : [];
  }

  async remove(provider: PaymentProvider, userId: string, methodId: string): Promise<void> {
    const customerId = await this.customer(provider, userId);
    if (!customerId) throw new BillingError('NOT_FOUND', `payment method ${methodId} not found`);
    await supported(provider.name, 'remove cards', provider.removeMethod)(customerId, methodId);
  }

  async setDefault(provider: PaymentProvider, userId: string, methodId: string): Promise<SavedMethod[]> {
    const methods = await this.list(provider, userId);
    if (!methods.some((method) => method.id === methodId)) throw new BillingError('NOT_FOUND', `payment method ${methodId} not found`);
    await supported(
      provider.name,
      'choose a default card',
      provider.setDefaultMethod,
    )((await this.customer(provider, userId)) as string, methodId);
    return methods.map((method) => ({ ...method, isDefault: method.id === methodId }));
  }

  /** The card to charge: the one named (it must be the driver's), else the default, else the newest saved (Stripe lists newest first). */
  async payer(provider: PaymentProvider, userId: string, methodId?: string | null): Promise<CardPayer> {
    const methods = await this.list(provider, userId);
    const chosen = methodId ? methods.find((m) => m.id === methodId) : (methods.find((m) => m.isDefault) ?? methods[0]);
    if (!chosen) {
      if (methodId) throw new BillingError('NOT_FOUND', `payment method ${methodId} not found`);
      throw new BillingError('BAD_USER_INPUT', 'method: no card saved (addCard first)', 'method');
    }
    return { customerId: (await this.customer(provider, userId)) as string, methodId: chosen.id };
  }
}
