import type { Orm } from '../database/orm.js';
import type { SecretBox } from '../platform/secret-box.js';
import { Organisation, WebhookEndpoint } from '../schema/entities/index.js';
import { isWebhookEventType } from './events.js';
import { checkWebhookUrl, WebhookUrlError } from './url-policy.js';

/** A webhook input that cannot be used; `field` names what is wrong. */
export class WebhookInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface WebhookEndpointView {
  id: string;
  organisationId: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  failuresInRow: number;
  disabledReason: string | null;
  createdAt: Date;
}

const view = (e: WebhookEndpoint): WebhookEndpointView => ({
  id: e.id,
  organisationId: e.organisation.id,
  url: e.url,
  events: e.events,
  description: e.description ?? null,
  enabled: e.enabled,
  failuresInRow: e.failuresInRow,
  disabledReason: e.disabledReason ?? null,
  createdAt: e.createdAt,
});

function checkEvents(events: string[]): string[] {
  if (events.length === 0) throw new WebhookInputError('events', 'expected at least one event type');
  const unknown = events.find((e) => !isWebhookEventType(e));
  if (unknown) throw new WebhookInputError('events', `unknown event type "${unknown.slice(0, 64)}"`);
  return [...new Set(events)].sort();
}

function checkSecret(secret: string): string {
  if (secret.length < 24 || secret.length > 256) throw new WebhookInputError('secret', 'expected 24 to 256 characters');
  return secret;
}

function checkUrl(url: string, allowPrivate: boolean): string {
  try {
    return checkWebhookUrl(url, allowPrivate);
  } catch (error) {
    if (error instanceof WebhookUrlError) throw new WebhookInputError('url', error.message);
    throw error;
  }
}

/** An organisation's webhook endpoints: registered, changed, listed and removed; secrets kept sealed, never shown again. */
export class WebhookEndpoints {
  constructor(private readonly deps: { orm: Orm; box: SecretBox; allowPrivate: boolean; maxPerOrganisation?: number }) {}

  async create(input: {
    organisationId: string;
    url: string;
    secret: string;
    events: string[];
    description?: string | null;
    createdBy: string | null;
  }): Promise<WebhookEndpointView> {
    const em = this.deps.orm.em.fork();
    const url = checkUrl(input.url, this.deps.allowPrivate);
    const events = checkEvents(input.events);
    const secret = checkSecret(input.secret);
    if ((input.description?.length ?? 0) > 255) throw new WebhookInputError('description', 'expected at most 255 characters');
    const count = await em.count(WebhookEndpoint, { organisation: input.organisationId });
    const max = this.deps.maxPerOrganisation ?? 20;
    if (count >= max) throw new WebhookInputError('url', `expected at most ${max} webhooks per organisation`);
    const endpoint = em.create(WebhookEndpoint, {
      organisation: em.getReference(Organisation, input.organisationId),
      url,
      events,
      sealedSecret: this.deps.box.seal(secret),
      description: input.description ?? null,
      createdBy: input.createdBy,
    });
    await em.flush();
    return view(endpoint);
  }

  async find(id: string): Promise<WebhookEndpointView | null> {
    const endpoint = await this.deps.orm.em.fork().findOne(WebhookEndpoint, { id });
    return endpoint ? view(endpoint) : null;
  }

  async list(organisationId: string | undefined): Promise<WebhookEndpointView[]> {
    const rows = await this.deps.orm.em.fork().find(WebhookEndpoint, organisationId ? { organisation: organisationId } : {}, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit: 500,
    });
    return rows.map(view);
  }

  /** Changes what is given; enabling again clears the failure count and the reason it was disabled. */
  async update(
    id: string,
    change: { url?: string; secret?: string; events?: string[]; description?: string | null; enabled?: boolean },
  ): Promise<WebhookEndpointView> {
    const em = this.deps.orm.em.fork();
    const endpoint = await em.findOneOrFail(WebhookEndpoint, { id });
    if (change.url !== undefined) endpoint.url = checkUrl(change.url, this.deps.allowPrivate);
    if (change.events !== undefined) endpoint.events = checkEvents(change.events);
    if (change.secret !== undefined) endpoint.sealedSecret = this.deps.box.seal(checkSecret(change.secret));
    if (change.description !== undefined) {
      if ((change.description?.length ?? 0) > 255) throw new WebhookInputError('description', 'expected at most 255 characters');
      endpoint.description = change.description;
    }
    if (change.enabled !== undefined) {
      endpoint.enabled = change.enabled;
      if (change.enabled) {
        endpoint.failuresInRow = 0;
        endpoint.disabledReason = null;
      } else endpoint.disabledReason = 'disabled by hand';
    }
    await em.flush();
    return view(endpoint);
  }

  async remove(id: string): Promise<boolean> {
    const em = this.deps.orm.em.fork();
    return (await em.nativeDelete(WebhookEndpoint, { id })) > 0;
  }
}
