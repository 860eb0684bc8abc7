import type { Orm } from '../database/orm.js';
import type { PlanCheck } from './plans/gate.js';

/** What the gate needs about a credential: its owner (a driver) and whether a fleet pays for it. */
export interface PayingCredential {
  ownerId: string | null;
  fleetOrganisationId: string | null;
}

/**
 * Whether a driver may start a session money-wise, decided fresh at every Authorize and StartTransaction: a driver
 * with an invoice past due, or whose wallet with the station's operator is below the operator's minimum
 * (`organisation.wallet_minimum_minor`; none set, no minimum), is refused with the reason. A fleet card, or a
 * credential no driver owns, is not the driver's money: it passes.
 */
export class MoneyGate {
  constructor(private readonly deps: { orm: Orm; plans?: { check(ownerId: string, stationId: string): Promise<PlanCheck> } }) {}

  async refusal(credential: PayingCredential, stationId: string | null): Promise<string | null> {
    if (!credential.ownerId || credential.fleetOrganisationId) return null;
    // plans: a plan's limits refuse; a plan with included energy left pays instead of the wallet (billing/plans/gate.ts).
    const plan = stationId && this.deps.plans ? await this.deps.plans.check(credential.ownerId, stationId) : null;
    if (plan?.refusal) return plan.refusal;
    const [row] = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ past_due: string | null; minimum: string | null; balance: string | null; currency: string | null }[]>(
        `select
           (select i.number from invoice i where i.payer_user_id = ? and i.status = 'open' and i.due_at < now() order by i.due_at limit 1)
             as past_due,
           o.wallet_minimum_minor as minimum,
           (select a.balance_minor + a.credit_limit_minor from ledger_account a
              where a.organisation_id = o.id and a.kind = 'wallet' and a.owner_id = ? order by a.balance_minor desc limit 1) as balance,
           o.wallet_currency as currency
         from (select 1) one left join station s on s.id = ? left join organisation o on o.id = s.organisation_id`,
        [credential.ownerId, credential.ownerId, stationId],
      );
    if (row?.past_due) return `invoice ${row.past_due} is past due`;
    if (row?.minimum !== null && row?.minimum !== undefined && Number(row.balance ?? 0) < Number(row.minimum) && !plan?.pays) {
      return `wallet below the operator's minimum of ${row.minimum}${row.currency ? ` ${row.currency}` : ''} (minor units)`;
    }
    return null;
  }
}
