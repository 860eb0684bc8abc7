import type { Orm } from '../../database/orm.js';
import type { Plan } from '../../schema/entities/index.js';
import { BillingError } from '../errors.js';
import { InsufficientFundsError } from '../ledger/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import type { PlanCatalogue } from './catalogue.js';
import { issueFeeInvoice } from './fee-invoice.js';
import { type PendingChange, type PeriodRow, type PlanTerms, openPeriod, periodRow } from './periods-store.js';
import { moveWalletMoney } from './postings.js';
import { feeWithTax, prorate } from './proration.js';

export type RenewalOutcome = 'active' | 'past_due' | 'ended' | 'not-due';

interface SubscriptionRow {
  id: string;
  plan_id: string;
  status: string;
  anchor_at: Date;
  period_index: number;
  current_period_end: Date;
  cancel_at_period_end: boolean;
  interval: PlanTerms['interval'];
  fee_minor: string;
  taxes: PlanTerms['taxes'];
  included_energy_wh: string;
  archived_at: Date | null;
}

/** The idempotency key of a period's fee: one posting per subscription and period, whatever the retries. */
export const feeKey = (subscriptionId: string, periodStart: Date) => `plan-fee:${subscriptionId}:${periodStart.toISOString()}`;

const termsOf = (plan: Plan): PlanTerms => ({
  id: plan.id,
  interval: plan.interval,
  fee_minor: String(plan.feeMinor),
  taxes: plan.taxes,
  included_energy_wh: String(plan.includedEnergyWh),
});

/**
 * Drivers' subscriptions: subscribe (the first period's fee taken at once), change plan (prorated to the second),
 * cancel (at the period's end) and renew (the next period opened, then its fee taken). Every step that moves money
 * is recorded before the money moves and posted under an idempotency key, so a crash anywhere is finished by
 * running the step again (the renewal job and its sweep do), never done twice.
 */
export class PlanSubscriptions {
  constructor(private readonly deps: { orm: Orm; ledger: Ledger; catalogue: PlanCatalogue }) {}

  private execute<T>(query: string, params: unknown[] = []): Promise<T> {
    return this.deps.orm.em.fork().execute(query, params) as Promise<T>;
  }

  /** Subscribes a driver to a plan; the first period starts now and its fee is taken from the wallet, or nothing stays. */
  async subscribe(userId: string, planId: string, now = new Date()): Promise<string> {
    const plan = await this.deps.catalogue.open(planId);
    const id = await this.deps.orm.em
      .fork()
      .transactional(async (em) => {
        const [created] = await em.execute<{ id: string }[]>(
          `insert into plan_subscription (id, plan_id, user_id, organisation_id, status, anchor_at, period_index, current_period_start,
             current_period_end, cancel_at_period_end, created_at)
           values (gen_random_uuid(), ?, ?, ?, 'pending', ?, 0, ?, ?, false, now()) returning id`,
          [plan.id, userId, plan.organisation.id, now, now, now],
        );
        const subscription = { id: created?.id as string, anchor_at: now };
        await openPeriod(em, subscription, termsOf(plan), 0);
        return subscription.id;
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code !== '23505') throw error;
        throw new BillingError('CONFLICT', 'planId: already subscribed to a plan of this operator: changePlan or cancelPlan', 'planId');
      });
    const period = (await periodRow(this.deps.orm, id)) as PeriodRow;
    const refused = await this.collect(period);
    if (refused) {
      await this.end(id, 'the first fee was not paid', now);
      throw refused;
    }
    return id;
  }

  /**
   * Takes a period's fee from the wallet, once (the ledger key is the period's); null when paid, else the refusal.
   * The subscription is active once paid, past due while not.
   */
  private async collect(period: PeriodRow): Promise<InsufficientFundsError | null> {
    if (period.paid_at) return null;
    let posted: { id: string } | null;
    try {
      posted = await moveWalletMoney(this.deps.ledger, {
        organisationId: period.organisation_id,
        userId: period.user_id,
        currency: period.currency,
        kind: 'plan-fee',
        idempotencyKey: feeKey(period.subscription_id, period.period_start),
        reference: period.subscription_id,
        description: `plan fee, period from ${period.period_start.toISOString()}`,
        inclMinor: Number(period.fee_minor),
        taxMinor: Number(period.fee_tax_minor),
      });
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      await this.execute(`update plan_subscription set status = 'past_due' where id = ? and status = 'active'`, [period.subscription_id]);
      return error;
    }
    await this.deps.orm.em.fork().transactional(async (em) => {
      const marked = await em.execute<{ id: string }[]>(
        'update plan_usage set paid_at = now(), fee_transaction_id = ? where id = ? and paid_at is null returning id',
        [posted?.id ?? null, period.id],
      );
      if (marked[0]) await issueFeeInvoice(em, period, new Date());
      await em.execute(`update plan_subscription set status = 'active' where id = ? and status in ('pending', 'past_due')`, [
        period.subscription_id,
      ]);
    });
    return null;
  }

  private async end(subscriptionId: string, reason: string, at: Date): Promise<void> {
    await this.execute(`update plan_subscription set status = 'ended', ended_at = ?, end_reason = ? where id = ? and status <> 'ended'`, [
      at,
      reason,
      subscriptionId,
    ]);
  }

  private async subscription(subscriptionId: string): Promise<SubscriptionRow | null> {
    const [row] = await this.execute<SubscriptionRow[]>(
      `select s.id, s.plan_id, s.status, s.anchor_at, s.period_index, s.current_period_end, s.cancel_at_period_end, p."interval",
         p.fee_minor, p.taxes, p.included_energy_wh, p.archived_at
       from plan_subscription s join plan p on p.id = s.plan_id where s.id = ?`,
      [subscriptionId],
    );
    return row ? { ...row, anchor_at: new Date(row.anchor_at), current_period_end: new Date(row.current_period_end) } : null;
  }

  /**
   * Brings a subscription up to date, step by step, each safe to repeat: a plan change half-way is finished; an
   * unpaid period is paid (or, once over, ends the subscription); a period over is followed by the next, unless it
   * was cancelled or its plan withdrawn.
   */
  async renew(subscriptionId: string, now = new Date()): Promise<RenewalOutcome> {
    for (let step = 0; step < 4; step++) {
      const subscription = await this.subscription(subscriptionId);
      if (!subscription || subscription.status === 'ended') return 'ended';
      const period = (await periodRow(this.deps.orm, subscriptionId)) as PeriodRow;
      if (period.pending_change) {
        await this.finishChange(period).catch((error: unknown) => {
          if (!(error instanceof InsufficientFundsError)) throw error;
        });
        continue;
      }
      if (!period.paid_at) {
        const refused = await this.collect(period);
        if (!refused) continue;
        if (now.getTime() < period.period_end.getTime()) return 'past_due';
        await this.end(subscriptionId, 'the fee was not paid', period.period_end);
        return 'ended';
      }
      if (now.getTime() < subscription.current_period_end.getTime()) return 'active';
      if (subscription.cancel_at_period_end || subscription.archived_at) {
        await this.end(subscriptionId, subscription.cancel_at_period_end ? 'cancelled' : 'the plan was withdrawn', period.period_end);
        return 'ended';
      }
      await this.deps.orm.em.fork().transactional(async (em) => {
        const [locked] = await em.execute<{ period_index: number }[]>(
          'select period_index from plan_subscription where id = ? for update',
          [subscriptionId],
        );
        if (locked?.period_index !== subscription.period_index) return;
        const plan = { ...subscription, id: subscription.plan_id };
        await openPeriod(em, subscription, plan, subscription.period_index + 1);
      });
    }
    return 'active';
  }

  /**
   * Live subscriptions whose period ends before `until`, to renew then; `overdue` when there is something to do now
   * (the period is over, its fee unpaid, or a change half-way).
   */
  async due(now: Date, until: Date, limit = 500): Promise<{ id: string; periodEnd: Date; overdue: boolean }[]> {
    const rows = await this.execute<{ id: string; current_period_end: Date; overdue: boolean }[]>(
      `select s.id, s.current_period_end,
         (s.current_period_end <= ? or u.paid_at is null or u.pending_change is not null) as overdue
       from plan_subscription s join plan_usage u on u.subscription_id = s.id and u.period_index = s.period_index
       where s.status <> 'ended' and (s.current_period_end <= ? or u.paid_at is null or u.pending_change is not null)
       order by s.current_period_end limit ?`,
      [now, until, limit],
    );
    return rows.map((row) => ({ id: row.id, periodEnd: new Date(row.current_period_end), overdue: row.overdue }));
  }

  /** Cancels at the period's end (paid for, it still covers until then); one not paid for ends now. */
  async cancel(subscriptionId: string, now = new Date()): Promise<void> {
    const subscription = await this.subscription(subscriptionId);
    if (!subscription) throw new BillingError('NOT_FOUND', `subscription ${subscriptionId} not found`);
    if (subscription.status === 'ended') throw new BillingError('CONFLICT', 'subscriptionId: the subscription has ended', 'subscriptionId');
    if (subscription.status !== 'active') return this.end(subscriptionId, 'cancelled', now);
    await this.execute('update plan_subscription set cancel_at_period_end = true, cancelled_at = ? where id = ?', [now, subscriptionId]);
  }

  /**
   * Changes a driver's plan now, prorated to the second: the change is recorded on the period first, then its money
   * moves (once: the key names the period and the change), then it takes effect. Refused when the wallet cannot pay.
   */
  async change(subscriptionId: string, planId: string, now = new Date()): Promise<void> {
    const next = await this.deps.catalogue.open(planId);
    const period = await periodRow(this.deps.orm, subscriptionId);
    if (period?.status !== 'active' || !period.paid_at) {
      throw new BillingError('CONFLICT', 'planId: only an active, paid subscription changes plan', 'planId');
    }
    const current = await this.subscription(subscriptionId);
    if (period.pending_change) await this.finishChange(period);
    if (next.id === period.plan_id) throw new BillingError('CONFLICT', 'planId: that is the plan already', 'planId');
    if (next.organisation.id !== period.organisation_id || next.currency !== period.currency || next.interval !== current?.interval) {
      throw new BillingError('BAD_USER_INPUT', 'planId: a change is to a plan of the same operator, currency and interval', 'planId');
    }
    const proration = prorate({
      period: { start: period.period_start, end: period.period_end },
      at: now,
      current: {
        feeMinor: Number(period.fee_minor),
        taxMinor: Number(period.fee_tax_minor),
        planIncludedWh: Number(current?.included_energy_wh ?? 0),
        periodIncludedWh: Number(period.included_wh),
      },
      next: { feeMinor: next.feeMinor, taxes: next.taxes, includedWh: next.includedEnergyWh },
    });
    const fee = feeWithTax(next.feeMinor, next.taxes);
    const pending: PendingChange = {
      toPlanId: next.id,
      at: now.toISOString(),
      seq: period.changes,
      netInclMinor: proration.net.inclMinor,
      netTaxMinor: proration.net.taxMinor,
      includedWh: proration.includedWh,
      feeMinor: fee.inclMinor,
      feeTaxMinor: fee.taxMinor,
    };
    const recorded = await this.execute<{ id: string }[]>(
      `update plan_usage set pending_change = ?::jsonb where id = ? and changes = ? and pending_change is null returning id`,
      [JSON.stringify(pending), period.id, period.changes],
    );
    if (!recorded[0]) throw new BillingError('CONFLICT', 'planId: the plan is being changed already', 'planId');
    await this.finishChange({ ...period, pending_change: pending });
  }

  /** Moves a recorded change's money (once) and applies it; a wallet that cannot pay drops the change. */
  private async finishChange(period: PeriodRow): Promise<void> {
    const change = period.pending_change as PendingChange;
    try {
      await moveWalletMoney(this.deps.ledger, {
        organisationId: period.organisation_id,
        userId: period.user_id,
        currency: period.currency,
        kind: 'plan-change',
        idempotencyKey: `plan-change:${period.id}:${change.seq}`,
        reference: period.subscription_id,
        description: `plan changed to ${change.toPlanId}, prorated`,
        inclMinor: change.netInclMinor,
        taxMinor: change.netTaxMinor,
      });
    } catch (error) {
      if (error instanceof InsufficientFundsError) {
        await this.execute('update plan_usage set pending_change = null where id = ? and changes = ?', [period.id, change.seq]);
      }
      throw error;
    }
    await this.deps.orm.em.fork().transactional(async (em) => {
      const applied = await em.execute<{ id: string }[]>(
        `update plan_usage set plan_id = ?, included_wh = ?, fee_minor = ?, fee_tax_minor = ?, changes = changes + 1, pending_change = null
         where id = ? and changes = ? and pending_change is not null returning id`,
        [change.toPlanId, change.includedWh, change.feeMinor, change.feeTaxMinor, period.id, change.seq],
      );
      if (applied[0]) {
        await em.execute('update plan_subscription set plan_id = ?, cancel_at_period_end = false, cancelled_at = null where id = ?', [
          change.toPlanId,
          period.subscription_id,
        ]);
      }
    });
  }
}
