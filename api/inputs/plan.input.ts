import { Field, ID, InputType, Int } from 'type-graphql';

@InputType({ description: 'A tax included in a plan fee' })
export class PlanTaxInput {
  @Field(() => String, { description: 'e.g. VAT' })
  type!: string;

  @Field(() => String, { description: 'Percent, a decimal string: "18"' })
  ratePercent!: string;
}

@InputType({ description: 'A new subscription plan (docs/billing.md, Subscription plans)' })
export class CreatePlanInput {
  @Field(() => ID, { nullable: true, description: 'Admins: whose; others: their own' })
  organisationId?: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'month or year' })
  interval!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => Int, { description: 'Per period, tax included, minor units' })
  feeMinor!: number;

  @Field(() => [PlanTaxInput], { nullable: true, description: 'The taxes included in the fee' })
  taxes?: PlanTaxInput[];

  @Field(() => Int, { nullable: true, description: 'Energy included per period, Wh (default 0)' })
  includedEnergyWh?: number;

  @Field(() => String, { nullable: true, description: 'Percent off after the included energy ("10"); or a tariffId' })
  discountPercent?: string;

  @Field(() => ID, { nullable: true, description: "A tariff of the operator's the plan's sessions are priced with" })
  tariffId?: string;

  @Field(() => Int, { nullable: true })
  maxSessionsPerDay?: number;

  @Field(() => Int, { nullable: true, description: 'W' })
  maxPowerW?: number;

  @Field(() => [ID], { nullable: true, description: "Sites covered; none: all the operator's" })
  siteIds?: string[];
}
