import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { SortDirection } from './station.input.js';

export enum SessionStateValue {
  Active = 'Active',
  Completed = 'Completed',
}
registerEnumType(SessionStateValue, { name: 'SessionState' });

@InputType({ description: 'Which sessions; every field narrows the list' })
export class SessionFilter {
  @Field(() => String, { nullable: true })
  stationIdentity?: string;

  @Field(() => ID, { nullable: true })
  siteId?: string;

  @Field(() => ID, { nullable: true, description: 'Sessions with credentials this driver owns' })
  driverId?: string;

  @Field(() => String, { nullable: true, description: 'The credential value the session started with' })
  idTag?: string;

  @Field(() => String, { nullable: true, description: "The protocol's transaction key, as in the charger's logs" })
  ocppTransactionId?: string;

  @Field(() => Date, { nullable: true, description: 'Started at or after' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Started before' })
  to?: Date;

  @Field(() => SessionStateValue, { nullable: true })
  state?: SessionStateValue;
}

export enum SessionOrderField {
  STARTED_AT = 'startedAt',
  STOPPED_AT = 'stoppedAt',
  ENERGY = 'energyWh',
}
registerEnumType(SessionOrderField, { name: 'SessionOrderField' });

@InputType()
export class SessionOrder {
  @Field(() => SessionOrderField)
  field!: SessionOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction!: SortDirection;
}
