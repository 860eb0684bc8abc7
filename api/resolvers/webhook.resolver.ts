import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { WebhookInputError } from '../../webhooks/endpoints.js';
import type { WebhookEndpointView } from '../../webhooks/endpoints.js';
import { organisationFor } from '../acting-organisation.js';
import type { ApiContext } from '../context.js';
import { badInput, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import { CreateWebhookInput, UpdateWebhookInput, WebhookDeliveryType, WebhookType } from '../types/webhook.type.js';

/** A webhook the caller may manage: any (admins), their organisation's (operators); else not found. */
async function ownWebhook(context: ApiContext, id: string): Promise<WebhookEndpointView> {
  const scope = organisationScope(context.principal as Principal);
  const endpoint = isUuid(id) ? await context.deps.webhooks.endpoints.find(id) : null;
  if (!endpoint || (scope !== undefined && endpoint.organisationId !== scope)) throw notFound(`webhook ${id}`);
  return endpoint;
}

const asInputError = (error: unknown): never => {
  if (error instanceof WebhookInputError) throw badInput(error.message, error.field);
  throw error;
};

/** Webhooks out, managed by admins (any organisation) and operators (their own). */
@Resolver(() => WebhookType)
export class WebhookResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => WebhookType, { description: 'Registers a webhook; its deliveries are signed with the secret (docs/webhooks.md)' })
  async createWebhook(@Ctx() context: ApiContext, @Arg('input', () => CreateWebhookInput) input: CreateWebhookInput): Promise<WebhookType> {
    const organisationId = await organisationFor(context, input.organisationId);
    const created = await context.deps.webhooks.endpoints
      .create({ ...input, organisationId, createdBy: (context.principal as Principal).id })
      .catch(asInputError);
    return WebhookType.from(created);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => WebhookType, { description: 'Changes a webhook: URL, secret, events, description, enabled' })
  async updateWebhook(
    @Ctx() context: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookInput) input: UpdateWebhookInput,
  ): Promise<WebhookType> {
    await ownWebhook(context, id);
    return WebhookType.from(await context.deps.webhooks.endpoints.update(id, input).catch(asInputError));
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => Boolean, { description: 'Removes a webhook and its delivery log' })
  async deleteWebhook(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    await ownWebhook(context, id);
    return context.deps.webhooks.endpoints.remove(id);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => ID, { description: 'Sends a webhook.ping to the webhook now; returns the delivery id (see webhookDeliveries)' })
  async testWebhook(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<string> {
    await ownWebhook(context, id);
    const deliveryId = await context.deps.webhooks.deliveries.recordPing(id, new Date());
    // The webhook worker's sweep sends it if this attempt does not.
    await context.deps.webhooks.deliveries.attempt(deliveryId, { last: false }).catch(() => {});
    return deliveryId;
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [WebhookType], { description: "Webhooks: an operator's organisation's, or any (admins, optionally one organisation's)" })
  async webhooks(
    @Ctx() context: ApiContext,
    @Arg('organisationId', () => ID, { nullable: true }) organisationId?: string,
  ): Promise<WebhookType[]> {
    const scope = organisationScope(context.principal as Principal);
    if (scope === null || (scope !== undefined && organisationId && organisationId !== scope)) return [];
    const organisation = scope ?? organisationId;
    if (organisation && !isUuid(organisation)) return [];
    return (await context.deps.webhooks.endpoints.list(organisation)).map(WebhookType.from);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => [WebhookDeliveryType], { description: "A webhook's deliveries, newest first" })
  async webhookDeliveries(
    @Ctx() context: ApiContext,
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
  ): Promise<WebhookDeliveryType[]> {
    if (first < 1 || first > 500) throw badInput('first: expected 1 to 500', 'first');
    await ownWebhook(context, webhookId);
    return (await context.deps.webhooks.deliveries.list(webhookId, first)).map(WebhookDeliveryType.from);
  }
}
