import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { DeliveryView } from '../../webhooks/deliveries.js';
import type { WebhookEndpointView } from '../../webhooks/endpoints.js';

@ObjectType('Webhook', { description: 'Where an organisation has events sent, signed with its secret (never shown again)' })
export class WebhookType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [String], { description: 'Event types: session.started, session.ended, invoice.issued, station.offline, ...' })
  events!: string[];

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Boolean, { description: 'False when disabled by hand or after repeated failed deliveries' })
  enabled!: boolean;

  @Field(() => Int, { description: 'Deliveries given up on in a row' })
  failuresInRow!: number;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  static from(view: WebhookEndpointView): WebhookType {
    return Object.assign(new WebhookType(), view);
  }
}

@ObjectType('WebhookDelivery', { description: 'One event sent to one webhook: its attempts and the last answer' })
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  webhookId!: string;

  @Field(() => ID, { description: 'The event id, the same in every delivery of that event (receivers dedupe on it)' })
  eventId!: string;

  @Field(() => String)
  eventType!: string;

  @Field(() => String, { description: 'pending, delivered or failed (given up after the last attempt)' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last answer' })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  static from(view: DeliveryView): WebhookDeliveryType {
    return Object.assign(new WebhookDeliveryType(), { ...view, webhookId: view.endpointId });
  }
}

@InputType({ description: 'A new webhook of an organisation' })
export class CreateWebhookInput {
  @Field(() => String, { description: 'https URL of a public host (http and private hosts only where WEBHOOK_ALLOW_PRIVATE)' })
  url!: string;

  @Field(() => String, { description: 'The signing secret, 24 to 256 characters, kept sealed and never shown again' })
  secret!: string;

  @Field(() => [String], { description: 'Event types to send' })
  events!: string[];

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => ID, { nullable: true, description: "Required for administrators; an operator's own organisation otherwise" })
  organisationId?: string;
}

@InputType({ description: 'What to change of a webhook; absent fields stay as they are' })
export class UpdateWebhookInput {
  @Field(() => String, { nullable: true })
  url?: string;

  @Field(() => String, { nullable: true, description: 'A new signing secret' })
  secret?: string;

  @Field(() => [String], { nullable: true })
  events?: string[];

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Boolean, { nullable: true, description: 'true enables it again and clears its failure count' })
  enabled?: boolean;
}
