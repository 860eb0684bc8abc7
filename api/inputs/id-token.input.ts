import { Field, ID, InputType, Int } from 'type-graphql';
import { IdTokenKind, IdTokenStatusValue } from '../types/id-token.type.js';

@InputType({ description: 'A new credential' })
export class CreateIdTokenInput {
  @Field(() => String, {
    description:
      'The idTag: 1 to 20 printable characters. An RFID UID in hex (whole bytes, separators allowed) is stored upper-case without separators (04:a1:b2:c3 is stored 04A1B2C3)',
  })
  value!: string;

  @Field(() => IdTokenKind)
  type!: IdTokenKind;

  @Field(() => ID, { nullable: true, description: 'The driver who carries it (drivers: themselves, the default)' })
  ownerId?: string;

  @Field(() => IdTokenStatusValue, { nullable: true, description: 'Accepted by default' })
  status?: IdTokenStatusValue;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date;

  @Field(() => String, { nullable: true, description: 'The value of the group credential it belongs to (same organisation)' })
  parentValue?: string;

  @Field(() => Int, { nullable: true, description: 'Open sessions it may have at once; 0 = unlimited; 1 by default' })
  maxConcurrent?: number;

  @Field(() => ID, { nullable: true, description: "Admins only; others' credentials belong to their organisation" })
  organisationId?: string;
}

@InputType({ description: 'Changes to a credential; fields left out stay as they are' })
export class UpdateIdTokenInput {
  @Field(() => IdTokenStatusValue, { nullable: true, description: 'Drivers may only set Blocked (a lost card)' })
  status?: IdTokenStatusValue;

  @Field(() => Date, { nullable: true, description: 'null removes the expiry' })
  expiresAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'null or "" takes it out of its group' })
  parentValue?: string | null;

  @Field(() => Int, { nullable: true })
  maxConcurrent?: number;
}

@InputType({ description: 'Which credentials; every field narrows the list' })
export class IdTokenFilter {
  @Field(() => ID, { nullable: true })
  ownerId?: string;

  @Field(() => IdTokenStatusValue, { nullable: true })
  status?: IdTokenStatusValue;

  @Field(() => IdTokenKind, { nullable: true })
  type?: IdTokenKind;

  @Field(() => String, { nullable: true, description: 'Text in the value (case-insensitive)' })
  search?: string;
}

@InputType({ description: 'One entry of a local list: no idTagInfo status removes the idTag (Differential)' })
export class LocalListEntryInput {
  @Field(() => String)
  idTag!: string;

  @Field(() => IdTokenStatusValue, { nullable: true })
  status?: IdTokenStatusValue;

  @Field(() => Date, { nullable: true })
  expiryDate?: Date;

  @Field(() => String, { nullable: true })
  parentIdTag?: string;
}
