import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { SavedMethod } from '../../billing/payments/provider.js';

@ObjectType('SavedPaymentMethod', {
  description: 'A card saved at the card provider (Stripe): evcms keeps no card number',
  simpleResolvers: true,
})
export class SavedPaymentMethodType {
  @Field(() => ID, { description: "The provider's id of the card (pm_...)" })
  id!: string;

  @Field(() => String, { description: 'visa, mastercard, ...' })
  brand!: string;

  @Field(() => String, { nullable: true })
  last4!: string | null;

  @Field(() => Int, { nullable: true })
  expMonth!: number | null;

  @Field(() => Int, { nullable: true })
  expYear!: number | null;

  @Field(() => Boolean, { description: 'Charged when no card is named (invoices after a session)' })
  isDefault!: boolean;

  static from(method: SavedMethod): SavedPaymentMethodType {
    return Object.assign(new SavedPaymentMethodType(), method);
  }
}

@ObjectType('CardSetup', {
  description: 'A card being saved: the app confirms the SetupIntent with its client secret (Stripe.js)',
  simpleResolvers: true,
})
export class CardSetupType {
  @Field(() => ID)
  setupIntentId!: string;

  @Field(() => String, { description: "The SetupIntent's client secret, for Stripe.js confirmCardSetup" })
  clientSecret!: string;
}
