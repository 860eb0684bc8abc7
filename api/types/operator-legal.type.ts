import { Field, ObjectType } from 'type-graphql';
import type { Organisation } from '../../schema/entities/index.js';

@ObjectType('OperatorLegalDetails', { description: "What an operator's receipts print of it" })
export class OperatorLegalDetailsType {
  @Field(() => String)
  legalName!: string;

  @Field(() => String, { description: 'Postal address, one line per line' })
  address!: string;

  @Field(() => String, { nullable: true, description: 'Tax identification (VAT) number' })
  taxId!: string | null;

  @Field(() => String, { nullable: true, description: 'Company registration number' })
  registrationNumber!: string | null;

  @Field(() => String, { nullable: true, description: 'For questions about a receipt' })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  /** Null until an operator set them (a legal name and an address at least). */
  static from(row: Organisation): OperatorLegalDetailsType | null {
    if (!row.legalName || !row.address) return null;
    return Object.assign(new OperatorLegalDetailsType(), {
      legalName: row.legalName,
      address: row.address,
      taxId: row.taxId ?? null,
      registrationNumber: row.registrationNumber ?? null,
      email: row.email ?? null,
      phone: row.phone ?? null,
    });
  }
}
