import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ApiKey, User } from '../../schema/entities/index.js';

export enum UserRoleValue {
  ADMIN = 'ADMIN',
  OPERATOR = 'OPERATOR',
  DRIVER = 'DRIVER',
}
registerEnumType(UserRoleValue, {
  name: 'UserRole',
  description: 'ADMIN runs the platform; OPERATOR works for an organisation; DRIVER charges. Partners use API keys.',
});

@ObjectType('User', { description: 'A person with an account' })
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true, description: 'International format, e.g. +250788123456' })
  phone!: string | null;

  @Field(() => String, { description: 'Preferred language (BCP 47), e.g. en, fr, rw' })
  language!: string;

  @Field(() => UserRoleValue)
  role!: UserRoleValue;

  @Field(() => ID, { nullable: true, description: 'The organisation an operator (or a fleet driver) belongs to' })
  organisationId!: string | null;

  @Field(() => Boolean, { description: 'Whether the address was confirmed' })
  emailVerified!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the account was closed (its personal data erased)' })
  deletedAt!: Date | null;

  static from(row: User): UserType {
    return Object.assign(new UserType(), {
      id: row.id,
      email: row.email,
      name: row.name ?? null,
      phone: row.phone ?? null,
      language: row.language,
      role: row.role as UserRoleValue,
      organisationId: row.organisation?.id ?? null,
      emailVerified: Boolean(row.emailVerifiedAt),
      createdAt: row.createdAt,
      deletedAt: row.deletedAt ?? null,
    });
  }
}

@ObjectType({ description: 'A signed-in session: send `token` as `Authorization: Bearer <token>`; renew it with refreshToken' })
export class AuthPayload {
  @Field(() => String, { description: 'The access token (a JWT, short-lived)' })
  token!: string;

  @Field(() => String, { description: 'Use once with the refreshToken mutation; each use returns a new one' })
  refreshToken!: string;

  @Field(() => Int, { description: 'Seconds until the access token expires' })
  expiresIn!: number;

  @Field(() => String, {
    nullable: true,
    description: "From login only: keep it on this device and send it with its next logins, so others' failures there never slow you",
  })
  deviceToken?: string | null;
}

@ObjectType('ApiKey', { description: "A partner's API key; the key itself is shown only when created" })
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The visible part: the key reads evk_<prefix>_<secret>' })
  prefix!: string;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => ID)
  organisationId!: string;

  @Field(() => Date, { nullable: true, description: 'Written behind: may lag by a few seconds' })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  static from(row: ApiKey): ApiKeyType {
    return Object.assign(new ApiKeyType(), {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: row.scopes,
      organisationId: row.organisation.id,
      lastUsedAt: row.lastUsedAt ?? null,
      revokedAt: row.revokedAt ?? null,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType({ description: 'A new API key: `key` is shown this once and cannot be read again' })
export class CreatedApiKey {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <key>` or `X-API-Key: <key>`' })
  key!: string;

  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;
}
