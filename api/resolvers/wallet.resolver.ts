import { randomUUID } from 'node:crypto';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { Organisation, User } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { WalletEntryType, WalletType } from '../types/wallet.type.js';

/** The organisation a staff member acts for: an admin names it, an operator or partner acts for their own. */
function actingOrganisation(principal: Principal, organisationId?: string | null): string {
  const own = organisationScope(principal);
  const id = own === undefined ? organisationId : own;
  if (!id) throw badInput('organisationId: required', 'organisationId');
  return id;
}

@Resolver(() => WalletType)
export class WalletResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => [WalletType], {
    description: "Wallets: a driver's own (with every operator); staff and partners their organisation's, of one driver when named",
  })
  async wallets(@Ctx() context: ApiContext, @Arg('userId', () => ID, { nullable: true }) userId?: string): Promise<WalletType[]> {
    const principal = context.principal as Principal;
    const owner = principal.role === 'DRIVER' ? principal.id : (userId ?? null);
    const organisation = principal.role === 'DRIVER' ? undefined : organisationScope(principal);
    const rows = await context.em.getConnection().execute<{ id: string }[]>(
      `select a.id from ledger_account a where a.kind = 'wallet'
         and (?::uuid is null or a.owner_id = ?::uuid) and (?::uuid is null or a.organisation_id = ?::uuid)
       order by a.created_at limit 200`,
      [owner, owner, organisation ?? null, organisation ?? null],
    );
    const accounts = await Promise.all(rows.map((r) => context.deps.ledger.accountById(r.id)));
    return accounts.filter((a) => a !== null).map(WalletType.from);
  }

  @FieldResolver(() => [WalletEntryType], { description: 'Movements, newest first' })
  async entries(
    @Root() wallet: WalletType,
    @Ctx() context: ApiContext,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<WalletEntryType[]> {
    return (await context.deps.ledger.history(wallet.id, { first, after })).entries.map(WalletEntryType.from);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => WalletType, {
    description: "Credits a driver's wallet by hand (a goodwill gesture, a correction), recorded with who and why; once per idempotencyKey",
  })
  async creditWallet(
    @Ctx() context: ApiContext,
    @Arg('userId', () => ID) userId: string,
    @Arg('currency', () => String) currency: string,
    @Arg('amountMinor', () => Int) amountMinor: number,
    @Arg('reason', () => String) reason: string,
    @Arg('idempotencyKey', () => String, { nullable: true, description: 'A retry with the same key credits once' }) idempotencyKey?: string,
    @Arg('organisationId', () => ID, { nullable: true, description: 'Admins: which operator' }) organisationId?: string,
  ): Promise<WalletType> {
    const principal = context.principal as Principal;
    const organisation = actingOrganisation(principal, organisationId);
    if (amountMinor <= 0) throw badInput('amountMinor: expected a positive amount in minor units', 'amountMinor');
    const driver = await context.em.findOne(User, { id: userId, role: 'DRIVER', deletedAt: null });
    if (!driver) throw notFound(`driver ${userId}`);
    const key = `manual-credit:${organisation}:${idempotencyKey ?? randomUUID()}`;
    await context.deps.ledger.creditWallet({
      organisationId: organisation,
      userId,
      currency,
      amountMinor,
      actor: principal.id,
      reason,
      idempotencyKey: key,
    });
    return WalletType.from(await context.deps.ledger.wallet(organisation, userId, currency));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => Boolean, {
    description: 'Sets the least a driver must hold in their wallet with your organisation to start (null: no minimum)',
  })
  async setWalletMinimum(
    @Ctx() context: ApiContext,
    @Arg('minimumMinor', () => Int, { nullable: true }) minimumMinor: number | null,
    @Arg('currency', () => String, { nullable: true }) currency?: string,
    @Arg('organisationId', () => ID, { nullable: true, description: 'Admins: which operator' }) organisationId?: string,
  ): Promise<boolean> {
    const organisation = actingOrganisation(context.principal as Principal, organisationId);
    if (minimumMinor !== null && minimumMinor !== undefined && minimumMinor < 0) {
      throw badInput('minimumMinor: expected 0 or more minor units', 'minimumMinor');
    }
    if (minimumMinor !== null && minimumMinor !== undefined && !/^[A-Z]{3}$/.test(currency ?? '')) {
      throw badInput('currency: expected the ISO 4217 code of the minimum', 'currency');
    }
    const updated = await context.em.nativeUpdate(
      Organisation,
      { id: organisation },
      { walletMinimumMinor: minimumMinor ?? null, walletCurrency: minimumMinor === null ? null : (currency ?? null) },
    );
    if (!updated) throw notFound(`organisation ${organisation}`);
    return true;
  }
}
