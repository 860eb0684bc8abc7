import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Organisation, Site } from '../../schema/entities/index.js';

export enum RegistrationPolicyValue {
  reject = 'reject',
  pending = 'pending',
}
registerEnumType(RegistrationPolicyValue, {
  name: 'RegistrationPolicy',
  description: 'What happens to a station that connects with an identity nobody created',
});

@ObjectType('Organisation', { description: 'An operator organisation: owns sites, stations, tariffs and its staff' })
export class OrganisationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Unique, URL-safe short name' })
  slug!: string;

  @Field(() => RegistrationPolicyValue)
  registrationPolicy!: RegistrationPolicyValue;

  @Field(() => Date)
  createdAt!: Date;

  static from(row: Organisation): OrganisationType {
    return Object.assign(new OrganisationType(), {
      id: row.id,
      name: row.name,
      slug: row.slug,
      registrationPolicy: row.registrationPolicy as RegistrationPolicyValue,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType('Site', { description: 'A place with stations: an address, coordinates and a grid connection limit' })
export class SiteType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => String, { nullable: true })
  city!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 code' })
  country!: string | null;

  @Field(() => Float, { nullable: true, description: 'WGS 84 degrees, -90 to 90' })
  latitude!: number | null;

  @Field(() => Float, { nullable: true, description: 'WGS 84 degrees, -180 to 180' })
  longitude!: number | null;

  @Field(() => Int, { nullable: true, description: 'What the grid connection allows, in kW' })
  gridLimitKw!: number | null;

  @Field(() => String, { description: 'IANA time zone, e.g. Africa/Kigali' })
  timeZone!: string;

  @Field(() => Date)
  createdAt!: Date;

  organisationId!: string;

  static from(row: Site): SiteType {
    return Object.assign(new SiteType(), {
      id: row.id,
      name: row.name,
      address: row.address ?? null,
      city: row.city ?? null,
      country: row.country ?? null,
      latitude: row.latitude ?? null,
      longitude: row.longitude ?? null,
      gridLimitKw: row.gridLimitKw ?? null,
      timeZone: row.timeZone,
      createdAt: row.createdAt,
      organisationId: row.organisation.id,
    });
  }
}
