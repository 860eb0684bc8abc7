import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { AppliedKey, BaselineView, DriftEntry } from '../../maintenance/baselines.js';

@ObjectType('ConfigurationSetting', { description: 'A configuration key and the value wanted for it' })
export class ConfigurationSettingType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType('ConfigurationBaseline', {
  description: "What an organisation's stations of one model should be configured to, and the model's rated power",
})
export class ConfigurationBaselineType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String, { description: 'As the stations give it in BootNotification (chargePointModel), matched without regard to case' })
  model!: string;

  @Field(() => [ConfigurationSettingType])
  keys!: ConfigurationSettingType[];

  @Field(() => Int, {
    nullable: true,
    description: 'Rated power in W: a session drawing more (by the alert margin) raises power-out-of-range',
  })
  maxPowerW!: number | null;

  @Field(() => String, { nullable: true })
  updatedBy!: string | null;

  @Field(() => Date)
  updatedAt!: Date;

  static from(view: BaselineView): ConfigurationBaselineType {
    return Object.assign(new ConfigurationBaselineType(), view);
  }
}

@InputType()
export class ConfigurationSettingInput {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@InputType({ description: "A model's baseline: its keys replace those set before" })
export class ConfigurationBaselineInput {
  @Field(() => String)
  model!: string;

  @Field(() => [ConfigurationSettingInput])
  keys!: ConfigurationSettingInput[];

  @Field(() => Int, { nullable: true, description: 'Rated power in W (100 to 2000000); null: unknown' })
  maxPowerW?: number | null;
}

@ObjectType('ConfigurationDrift', { description: 'A baseline key the station does not hold as wanted' })
export class ConfigurationDriftType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  wanted!: string;

  @Field(() => String, { nullable: true, description: 'What the station last reported; null when it never reported the key' })
  reported!: string | null;

  @Field(() => Boolean, { nullable: true })
  readonly!: boolean | null;

  @Field(() => Date, { nullable: true })
  readAt!: Date | null;

  @Field(() => String, { description: 'differs, or missing (never reported: not read yet, or unknown to the station)' })
  state!: string;

  static from(entry: DriftEntry): ConfigurationDriftType {
    return Object.assign(new ConfigurationDriftType(), entry);
  }
}

@ObjectType('AppliedConfigurationKey', { description: "A station's answer to the ChangeConfiguration of one drifting key" })
export class AppliedConfigurationKeyType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;

  @Field(() => String, {
    description:
      'Accepted, RebootRequired, Rejected, NotSupported (the station answered); Failed (an error); NotSent (the station was lost before it)',
  })
  status!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  static from(applied: AppliedKey): AppliedConfigurationKeyType {
    return Object.assign(new AppliedConfigurationKeyType(), applied);
  }
}

@ObjectType('ApplyConfigurationBaselineResult')
export class ApplyBaselineResultType {
  @Field(() => String)
  stationIdentity!: string;

  @Field(() => [AppliedConfigurationKeyType], { description: 'One per key that drifted; empty when none did' })
  keys!: AppliedConfigurationKeyType[];

  @Field(() => Boolean, { description: 'Whether a key takes effect only after a reset (resetStation)' })
  rebootRequired!: boolean;
}
