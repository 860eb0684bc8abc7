import { Field, InputType } from 'type-graphql';

@InputType({ description: "An operator's legal details, as its receipts print them (all of them: a field left out is cleared)" })
export class OperatorLegalDetailsInput {
  @Field(() => String, { description: 'The registered name, 1 to 200 characters' })
  legalName!: string;

  @Field(() => String, { description: 'Postal address, at most 6 lines and 500 characters' })
  address!: string;

  @Field(() => String, { nullable: true, description: 'Tax identification (VAT) number' })
  taxId?: string | null;

  @Field(() => String, { nullable: true, description: 'Company registration number' })
  registrationNumber?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. +250 788 123 456' })
  phone?: string | null;
}
