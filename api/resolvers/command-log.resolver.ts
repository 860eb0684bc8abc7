import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { commandLogListWhere } from '../../commands/log-visibility.js';
import type { ApiContext } from '../context.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { CommandLogEntryType } from '../types/command.type.js';
import { visibleStation } from '../visible.js';

/** How a partner reads a user who sent a command. */
const STAFF_MEMBER = 'staff member';

const CommandLogConnection = ConnectionType('CommandLogEntry', CommandLogEntryType);

/** The audit of commands sent to stations, newest first. */
@Resolver(() => CommandLogEntryType)
export class CommandLogResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:audit:read')
  @Query(() => CommandLogConnection, {
    description: "Commands sent to the organisation's stations (one station's when given), newest first",
  })
  async commandLog(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('stationIdentity', () => String, { nullable: true }) stationIdentity?: string,
  ) {
    const window = pageWindow(page);
    const station = stationIdentity ? await visibleStation(context, { identity: stationIdentity }) : undefined;
    const where = commandLogListWhere(context.principal as Principal, station?.id);
    const { params } = where;
    const clause = where.sql;
    const from = 'command_log c join station s on s.id = c.station_id';
    const sql = context.em.getConnection();
    const [rows, counted] = await Promise.all([
      sql.execute<Record<string, unknown>[]>(
        `select c.*, s.identity from ${from} where ${clause} order by c.requested_at desc, c.id desc limit ? offset ?`,
        [...params, window.limit, window.offset],
      ),
      sql.execute<{ n: string }[]>(`select count(*) as n from ${from} where ${clause}`, params),
    ]);
    return toConnection(rows.map(CommandLogEntryType.fromRow), Number(counted[0]?.n ?? 0), window);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: `The actor's email (a user) or name (an API key). A partner (API key) reads "${STAFF_MEMBER}" for a user: staff emails are not a partner's to see.`,
  })
  async actorName(@Root() entry: CommandLogEntryType, @Ctx() context: ApiContext): Promise<string | null> {
    const actor = await context.loaders.actorName.load(entry.actor);
    if (actor?.kind === 'user' && context.principal?.kind === 'apiKey') return STAFF_MEMBER;
    return actor?.name ?? null;
  }
}
