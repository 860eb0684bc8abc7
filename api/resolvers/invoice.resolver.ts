import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { invoiceScope } from '../../billing/visibility.js';
import { Invoice } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { InvoiceType } from '../types/billing.type.js';
import { ChargingSessionType } from '../types/session.type.js';
import { visibleSession } from './session.resolver.js';

const InvoiceConnection = ConnectionType('Invoice', InvoiceType);

/** One invoice the principal may read (drivers: those they pay), or not found. */
export async function visibleInvoice(context: ApiContext, id: string): Promise<Invoice> {
  const scope = invoiceScope(context.principal as Principal);
  const rows = isUuid(id)
    ? await context.em
        .getConnection()
        .execute<{ id: string }[]>(`select i.id from invoice i where i.id = ? and ${scope.sql}`, [id, ...scope.params])
    : [];
  const invoice = rows[0] ? await context.em.findOne(Invoice, { id }) : null;
  if (!invoice) throw notFound(`invoice ${id}`);
  return invoice;
}

@Resolver(() => InvoiceType)
export class InvoiceResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => InvoiceConnection, {
    description: "Invoices, newest first: drivers those they pay, staff and partners their organisation's",
  })
  async invoices(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => String, { nullable: true, description: 'open, paid or void' }) status?: string,
  ) {
    if (status && !['open', 'paid', 'void'].includes(status)) throw badInput('status: expected open, paid or void', 'status');
    const window = pageWindow(page);
    const scope = invoiceScope(context.principal as Principal);
    const where = status ? `${scope.sql} and i.status = ?` : scope.sql;
    const params = status ? [...scope.params, status] : scope.params;
    const sql = context.em.getConnection();
    const [rows, counted] = await Promise.all([
      sql.execute<{ id: string }[]>(`select i.id from invoice i where ${where} order by i.issued_at desc, i.id desc limit ? offset ?`, [
        ...params,
        window.limit,
        window.offset,
      ]),
      sql.execute<{ n: string }[]>(`select count(*) as n from invoice i where ${where}`, params),
    ]);
    const found = await context.em.find(Invoice, { id: { $in: rows.map((r) => r.id) } });
    const byId = new Map(found.map((i) => [i.id, i]));
    const ordered = rows.map((r) => byId.get(r.id)).filter((i): i is Invoice => Boolean(i));
    return toConnection(ordered.map(InvoiceType.from), Number(counted[0]?.n ?? 0), window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:billing:read')
  @Query(() => InvoiceType, { description: 'One invoice' })
  async invoice(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<InvoiceType> {
    return InvoiceType.from(await visibleInvoice(context, id));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => InvoiceType, {
    description:
      'Corrects an invoice with a credit note naming it (never an edit): the whole of it, or amountMinor (tax included) of it; a wallet it was paid from gets the money back',
  })
  async creditNote(
    @Ctx() context: ApiContext,
    @Arg('invoiceId', () => ID) invoiceId: string,
    @Arg('reason', () => String) reason: string,
    @Arg('amountMinor', () => Int, { nullable: true }) amountMinor?: number,
  ): Promise<InvoiceType> {
    const principal = context.principal as Principal;
    // Staff and partners of the issuing organisation (a driver's own invoices are not theirs to credit).
    await visibleInvoice(context, invoiceId);
    const note = await context.deps.creditNotes.issue({ invoiceId, reason, amountMinor, actor: principal.id });
    return InvoiceType.from(await context.em.fork().findOneOrFail(Invoice, { id: note.id }));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:billing:write')
  @Mutation(() => ChargingSessionType, {
    description: 'Releases a session held for review: it is billed as it stands (the reason and who released it are logged)',
  })
  async releaseSession(
    @Ctx() context: ApiContext,
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('note', () => String) note: string,
  ): Promise<ChargingSessionType> {
    const session = await visibleSession(context, sessionId);
    if (!note.trim() || note.length > 500) throw badInput('note: expected 1 to 500 characters: why it may be billed', 'note');
    const released = await context.em.getConnection().execute<{ id: string }[]>(
      `update charging_session set billing_status = 'pending', billing_hold = ?, updated_at = now()
         where id = ? and billing_status = 'held' returning id`,
      [`released by ${(context.principal as Principal).id}: ${note.trim()}`.slice(0, 255), session.id],
    );
    if (!released[0]) throw new ApiError('CONFLICT', `session ${sessionId} is not held for review`);
    context.deps.log.warn(
      { sessionId, actor: (context.principal as Principal).id, note, flags: session.flags },
      'billing: held session released for billing',
    );
    context.em.clear();
    return visibleSession(context, sessionId);
  }
}
