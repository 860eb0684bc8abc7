import { Field, ID, InputType } from 'type-graphql';
import { UserRoleValue } from '../types/account.type.js';

@InputType({ description: 'A new driver account' })
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { description: '10 to 128 characters; not a common password, not containing the address' })
  password!: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true, description: 'International format, e.g. +250788123456' })
  phone?: string;

  @Field(() => String, { nullable: true, description: 'BCP 47 language tag (default en)' })
  language?: string;
}

@InputType({ description: 'Changes to your profile: a field left out stays as it is, null clears it' })
export class UpdateMeInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'null goes back to en' })
  language?: string | null;
}

@InputType({ description: 'An account made by an administrator or operator' })
export class CreateUserInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true, description: 'Left out: the user is mailed an invitation to choose one' })
  password?: string;

  @Field(() => UserRoleValue)
  role!: UserRoleValue;

  @Field(() => ID, { nullable: true, description: "Required for operators; an operator's own organisation when it creates" })
  organisationId?: string;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  language?: string;
}

@InputType({ description: 'Which accounts; every field narrows the list' })
export class UserFilter {
  @Field(() => UserRoleValue, { nullable: true })
  role?: UserRoleValue;

  @Field(() => ID, { nullable: true })
  organisationId?: string;

  @Field(() => String, { nullable: true, description: 'Text in the address or the name (case-insensitive)' })
  search?: string;

  @Field(() => Boolean, { nullable: true, description: 'Include closed accounts (default false)' })
  includeDeleted?: boolean;
}

@InputType({ description: 'A new partner API key for an organisation' })
export class CreateApiKeyInput {
  @Field(() => String, { description: 'What it is for, 1 to 100 characters' })
  name!: string;

  @Field(() => [String], { description: 'e.g. stations:read, sessions:read, commands:write' })
  scopes!: string[];

  @Field(() => ID, { nullable: true, description: "Required for administrators; an operator's own organisation otherwise" })
  organisationId?: string;
}
