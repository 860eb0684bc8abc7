import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum UptimeRuleValue {
  NEVI = 'NEVI',
  CALIFORNIA = 'CALIFORNIA',
}
registerEnumType(UptimeRuleValue, {
  name: 'UptimeRule',
  description:
    "NEVI: 23 CFR 680.116(b), every exclusion in full; CALIFORNIA: the California Energy Commission's reliability standards (grid power loss, vandalism up to 10 days an incident, planned maintenance up to 72 hours a year)",
});

@ObjectType('FaultGroup', { description: 'Faults of one error code, vendor error code and station vendor and model' })
export class FaultGroupType {
  @Field(() => String, { description: 'The OCPP ChargePointErrorCode' })
  errorCode!: string;

  @Field(() => String, { description: "The station's vendorErrorCode ('' when none)" })
  vendorErrorCode!: string;

  @Field(() => String, { description: "The station's chargePointVendor (BootNotification)" })
  vendor!: string;

  @Field(() => String)
  model!: string;

  @Field(() => Int, { description: 'Faulted intervals that began in the window' })
  faults!: number;

  @Field(() => Int)
  stations!: number;

  @Field(() => Int)
  ports!: number;

  @Field(() => Float, { description: 'Their time Faulted within the window' })
  faultedMinutes!: number;
}

@ObjectType('HistogramBucket', { description: 'Sessions whose value lies in [from, to); to null: the last bucket, open above' })
export class HistogramBucketType {
  @Field(() => Float)
  from!: number;

  @Field(() => Float, { nullable: true })
  to!: number | null;

  @Field(() => Int)
  sessions!: number;
}

@ObjectType('SessionDistribution', { description: 'Histograms of the sessions started in the window, counted in the warehouse' })
export class SessionDistributionType {
  @Field(() => [HistogramBucketType], { description: 'Energy delivered, Wh' })
  energy!: HistogramBucketType[];

  @Field(() => [HistogramBucketType], { description: 'Plugged-in time, start to stop, minutes' })
  duration!: HistogramBucketType[];
}
