import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { RegistrationPolicyValue } from '../types/organisation.type.js';

@InputType({ description: 'A new operator organisation' })
export class CreateOrganisationInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Lower-case letters, digits and dashes; derived from the name when left out' })
  slug?: string;

  @Field(() => RegistrationPolicyValue, { nullable: true, description: 'reject (default) or pending' })
  registrationPolicy?: RegistrationPolicyValue;
}

@InputType({ description: 'Which sites; every field narrows the list' })
export class SiteFilter {
  @Field(() => ID, { nullable: true })
  organisationId?: string;

  @Field(() => String, { nullable: true, description: 'Text in the name, address or city (case-insensitive)' })
  search?: string;
}

@InputType({ description: 'A new site' })
export class CreateSiteInput {
  @Field(() => ID, { nullable: true, description: "Required for admins; operators' sites belong to their organisation" })
  organisationId?: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address?: string;

  @Field(() => String, { nullable: true })
  city?: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code, e.g. RW' })
  country?: string;

  @Field(() => Float, { nullable: true })
  latitude?: number;

  @Field(() => Float, { nullable: true })
  longitude?: number;

  @Field(() => Int, { nullable: true })
  gridLimitKw?: number;

  @Field(() => String, { nullable: true, description: 'IANA time zone (default UTC)' })
  timeZone?: string;
}

@InputType({ description: 'Changes to a site: fields left out stay as they are, null clears an optional one' })
export class UpdateSiteInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true })
  city?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Field(() => Int, { nullable: true })
  gridLimitKw?: number | null;

  @Field(() => String, { nullable: true })
  timeZone?: string;
}
