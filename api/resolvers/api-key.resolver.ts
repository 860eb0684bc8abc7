import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { ApiKey } from '../../schema/entities/index.js';
import { organisationFor } from '../acting-organisation.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { CreateApiKeyInput } from '../inputs/account.input.js';
import { ApiKeyType, CreatedApiKey } from '../types/account.type.js';

/** Partners' API keys, managed by admins (any organisation) and operators (their own). */
@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; the key is in the answer this once only' })
  async createApiKey(@Ctx() context: ApiContext, @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const organisationId = await organisationFor(context, input.organisationId);
    const { key, apiKey } = await context.deps.apiKeys.create({
      organisationId,
      name: input.name,
      scopes: input.scopes,
      createdBy: (context.principal as Principal).id,
    });
    return { key, apiKey: ApiKeyType.from(apiKey) };
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => Boolean, { description: 'Revokes an API key at once; requests with it then fail with UNAUTHENTICATED' })
  async revokeApiKey(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    const scope = organisationScope(context.principal as Principal);
    const key = isUuid(id) ? await context.em.findOne(ApiKey, { id }) : null;
    if (!key || (scope !== undefined && key.organisation.id !== scope)) throw notFound(`API key ${id}`);
    await context.deps.apiKeys.revoke(id);
    return true;
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [ApiKeyType], {
    description: "API keys, newest first: an operator's organisation's, or any (admins, optionally one organisation's)",
  })
  async apiKeys(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
    @Arg('includeRevoked', () => Boolean, { nullable: true, defaultValue: false }) includeRevoked?: boolean,
  ): Promise<ApiKeyType[]> {
    const scope = organisationScope(context.principal as Principal);
    if (scope === null || (scope !== undefined && organisationId && organisationId !== scope)) return [];
    const organisation = scope ?? organisationId;
    if (organisation && !isUuid(organisation)) return [];
    const rows = await context.em.find(
      ApiKey,
      { ...(organisation ? { organisation } : {}), ...(includeRevoked ? {} : { revokedAt: null }) },
      { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 500 },
    );
    return rows.map(ApiKeyType.from);
  }
}
