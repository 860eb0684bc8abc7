import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from './json.scalar.js';

@ObjectType('Money', { description: 'An amount in integer minor units of an ISO 4217 currency (RWF has none: 1500 is 1500 RWF)' })
export class MoneyType {
  @Field(() => Int)
  amountMinor!: number;

  @Field(() => String, { description: 'ISO 4217 code' })
  currency!: string;
}

@ObjectType('MeterValuePoint', { description: 'One bucket of a measurand: the last register reading, or the mean of other values' })
export class MeterValuePointType {
  @Field(() => Date, { description: 'Start of the bucket' })
  at!: Date;

  @Field(() => Float)
  value!: number;

  @Field(() => String, { description: 'Base unit: Wh, W, A, V, Percent, Celsius, ...' })
  unit!: string;
}

@ObjectType('Anomaly', { description: 'Something a station sent that evcms answered but could not take at face value' })
export class AnomalyType {
  @Field(() => String)
  id!: string;

  @Field(() => String, { description: 'unknown-transaction, negative-energy, meter-not-a-number, stop-lost, ...' })
  kind!: string;

  @Field(() => ID, { nullable: true, description: 'The session it concerns, when evcms knows it' })
  sessionId!: string | null;

  @Field(() => String, { nullable: true, description: "The protocol's transaction key the station sent, known to evcms or not" })
  ocppTransactionId!: string | null;

  @Field(() => JSONScalar)
  detail!: unknown;

  @Field(() => Date)
  receivedAt!: Date;

  static fromRow(row: Record<string, unknown>): AnomalyType {
    return Object.assign(new AnomalyType(), {
      id: String(row.id),
      kind: String(row.kind),
      sessionId: (row.session_id as string | null | undefined) ?? null,
      ocppTransactionId: (row.transaction_id as string | null | undefined) ?? null,
      detail: row.detail ?? {},
      receivedAt: new Date(row.received_at as string | Date),
    });
  }
}
