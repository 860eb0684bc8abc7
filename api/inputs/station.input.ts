import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { RegistrationStatusValue } from '../types/station.type.js';

@InputType({ description: 'Which stations; every field narrows the list' })
export class StationFilter {
  @Field(() => ID, { nullable: true })
  siteId?: string;

  @Field(() => ID, { nullable: true })
  organisationId?: string;

  @Field(() => String, { nullable: true, description: 'Status of connector 0 (the station), e.g. Available, Faulted' })
  status?: string;

  @Field(() => Boolean, { nullable: true })
  online?: boolean;

  @Field(() => String, { nullable: true })
  vendor?: string;

  @Field(() => String, { nullable: true })
  firmwareVersion?: string;

  @Field(() => RegistrationStatusValue, { nullable: true })
  registrationStatus?: RegistrationStatusValue;

  @Field(() => String, { nullable: true, description: 'Text in the identity or the name (case-insensitive)' })
  search?: string;

  @Field(() => Boolean, { nullable: true, description: 'Include retired stations (default false)' })
  includeRetired?: boolean;
}

export enum StationOrderField {
  IDENTITY = 'identity',
  NAME = 'name',
  LAST_SEEN = 'lastSeenAt',
  CREATED = 'createdAt',
  /** 0 to 100 from open alerts and failed sessions; ascending puts the worst first. */
  HEALTH = 'health',
}
registerEnumType(StationOrderField, { name: 'StationOrderField' });

export enum SortDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(SortDirection, { name: 'SortDirection' });

@InputType()
export class StationOrder {
  @Field(() => StationOrderField)
  field!: StationOrderField;

  @Field(() => SortDirection, { defaultValue: SortDirection.ASC })
  direction!: SortDirection;
}

@InputType({ description: 'A new station' })
export class CreateStationInput {
  @Field(() => String, { description: 'The OCPP identity: 1 to 48 printable characters, no ":"' })
  identity!: string;

  @Field(() => ID, { nullable: true })
  siteId?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true, description: '16 to 40 characters; generated when left out and returned once' })
  ocppPassword?: string;

  @Field(() => Int, { nullable: true, description: '1 (default) or 2; 0 (no password) only when asked for explicitly' })
  securityProfile?: number;
}
