import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { authDecisionListWhere, type IdTokenScope, idTokenScope, seesIdToken } from '../../auth/id-token-visibility.js';
import type { Principal } from '../../auth/principal.js';
import type { IdToken } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { CreateIdTokenInput, IdTokenFilter, UpdateIdTokenInput } from '../inputs/id-token.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { type AuthDecisionRow, AuthorizationDecisionType, IdTokenStatusValue, IdTokenType } from '../types/id-token.type.js';

const IdTokenConnection = ConnectionType('IdToken', IdTokenType);
const AuthorizationDecisionConnection = ConnectionType('AuthorizationDecision', AuthorizationDecisionType);

/** The principal's credential scope; staff of no organisation are refused. */
function tokenScope(principal: Principal): Exclude<IdTokenScope, { kind: 'none' }> {
  const scope = idTokenScope(principal);
  if (scope.kind === 'none') throw new ApiError('FORBIDDEN', 'this account belongs to no organisation');
  return scope;
}

const sees = (scope: IdTokenScope, token: IdToken) =>
  seesIdToken(scope, { organisationId: token.organisation?.id, ownerId: token.owner?.id });

/** One credential the principal may see; another organisation's (or driver's) reads as not found. */
async function visibleToken(context: ApiContext, id: string): Promise<IdToken> {
  const token = isUuid(id) ? await context.deps.idTokens.get(id) : null;
  if (!token || !sees(tokenScope(context.principal as Principal), token)) throw notFound(`credential ${id}`);
  return token;
}

const forbidden = (message: string) => new ApiError('FORBIDDEN', message);

/** What a driver may ask for when adding a credential: an app or a card of their own, Accepted, nothing more. */
function checkDriverCreate(principal: Principal, input: CreateIdTokenInput): void {
  if (input.type !== 'APP' && input.type !== 'RFID') throw forbidden('drivers may add APP or RFID credentials only');
  if (input.ownerId && input.ownerId !== principal.id) throw forbidden("drivers may not add other people's credentials");
  if (input.status && input.status !== IdTokenStatusValue.Accepted) throw forbidden('drivers add Accepted credentials only');
  if (input.parentValue || input.maxConcurrent !== undefined || input.organisationId) {
    throw forbidden('drivers may not set parentValue, maxConcurrent or organisationId');
  }
}

@Resolver(() => AuthorizationDecisionType)
export class AuthorizationDecisionResolver {
  @FieldResolver(() => String, { nullable: true, description: 'The OCPP identity of the station asked at' })
  async stationIdentity(@Root() decision: AuthorizationDecisionType, @Ctx() context: ApiContext): Promise<string | null> {
    return decision.stationId ? ((await context.loaders.station.load(decision.stationId))?.identity ?? null) : null;
  }
}

@Resolver(() => IdTokenType)
export class IdTokenResolver {
  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:idtokens:read')
  @Query(() => IdTokenConnection, { description: 'Credentials, newest first: drivers see their own' })
  async idTokens(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => IdTokenFilter, { nullable: true }) filter?: IdTokenFilter,
  ) {
    const window = pageWindow(page);
    const scope = tokenScope(context.principal as Principal);
    if (scope.kind === 'owner' && filter?.ownerId && filter.ownerId !== scope.userId) return toConnection([], 0, window);
    const { rows, total } = await context.deps.idTokens.list(
      {
        organisationId: scope.kind === 'organisation' ? scope.organisationId : undefined,
        ownerId: scope.kind === 'owner' ? scope.userId : (filter?.ownerId ?? undefined),
        status: filter?.status ?? undefined,
        type: filter?.type ?? undefined,
        search: filter?.search ?? undefined,
      },
      window,
    );
    return toConnection(rows.map(IdTokenType.from), total, window);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:idtokens:read')
  @Query(() => IdTokenType, { description: 'One credential' })
  async idToken(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<IdTokenType> {
    return IdTokenType.from(await visibleToken(context, id));
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:idtokens:write')
  @Mutation(() => IdTokenType, { description: 'Issues a credential (drivers: an APP or RFID credential of their own)' })
  async createIdToken(@Ctx() context: ApiContext, @Arg('input', () => CreateIdTokenInput) input: CreateIdTokenInput): Promise<IdTokenType> {
    const principal = context.principal as Principal;
    const scope = tokenScope(principal);
    if (scope.kind === 'owner') checkDriverCreate(principal, input);
    if (scope.kind === 'organisation' && input.organisationId && input.organisationId !== scope.organisationId) {
      throw notFound(`organisation ${input.organisationId}`);
    }
    const created = await context.deps.idTokens.create({
      value: input.value,
      type: input.type,
      status: input.status ?? undefined,
      expiresAt: input.expiresAt ?? null,
      parentValue: input.parentValue ?? null,
      maxConcurrent: input.maxConcurrent ?? undefined,
      ownerId: scope.kind === 'owner' ? principal.id : (input.ownerId ?? null),
      organisationId: scope.kind === 'all' ? (input.organisationId ?? null) : principal.organisationId,
    });
    return IdTokenType.from(created.token);
  }

  @Authorized('ADMIN', 'OPERATOR', 'DRIVER', 'scope:idtokens:write')
  @Mutation(() => IdTokenType, {
    description: 'Changes a credential; a new status reaches the stations at once (drivers may only block their own, for a lost card)',
  })
  async updateIdToken(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateIdTokenInput) input: UpdateIdTokenInput,
  ): Promise<IdTokenType> {
    const principal = context.principal as Principal;
    await visibleToken(context, id);
    if (principal.role === 'DRIVER') {
      const onlyBlocks =
        input.status === IdTokenStatusValue.Blocked &&
        input.expiresAt === undefined &&
        input.parentValue === undefined &&
        input.maxConcurrent === undefined;
      if (!onlyBlocks) throw forbidden('drivers may only block a credential (a lost card)');
    }
    const changed = await context.deps.idTokens.update(id, {
      status: input.status ?? undefined,
      expiresAt: input.expiresAt,
      parentValue: input.parentValue,
      maxConcurrent: input.maxConcurrent ?? undefined,
    });
    return IdTokenType.from(changed.token);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:audit:read')
  @Query(() => AuthorizationDecisionConnection, {
    description: 'The audit of authorization decisions, newest first: at the stations, or about the credentials, of the organisation',
  })
  async authorizationDecisions(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('idTag', () => String, { nullable: true }) idTag?: string,
  ) {
    const window = pageWindow(page);
    const scope = tokenScope(context.principal as Principal);
    const where = authDecisionListWhere(scope, idTag);
    const params = where.params;
    const clause = `where ${where.sql}`;
    const [rows, counted] = await Promise.all([
      context.em.execute<AuthDecisionRow[]>(
        `select d.* from auth_decision d ${clause} order by d.decided_at desc, d.id desc limit ? offset ?`,
        [...params, window.limit, window.offset],
      ),
      context.em.execute<{ n: string }[]>(`select count(*) as n from auth_decision d ${clause}`, params),
    ]);
    return toConnection(rows.map(AuthorizationDecisionType.fromRow), Number(counted[0]?.n ?? 0), window);
  }
}
