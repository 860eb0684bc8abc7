import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { PricedLine, PricedSession } from '../../billing/tariff-model.js';
import type { Invoice, Tariff, TariffAssignment, TariffVersion } from '../../schema/entities/index.js';
import { JSONScalar } from './json.scalar.js';

@ObjectType('TariffVersion', { description: 'One version of a tariff: never changed once made; a change is a new version' })
export class TariffVersionType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => JSONScalar, { description: 'The tariff (OCPI 2.2.1 shaped; docs/billing.md)' })
  definition!: unknown;

  @Field(() => Date, { description: 'In force from' })
  validFrom!: Date;

  @Field(() => Date, { nullable: true })
  validTo!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  static from(row: TariffVersion): TariffVersionType {
    return Object.assign(new TariffVersionType(), {
      id: row.id,
      version: row.version,
      definition: row.definition,
      validFrom: row.validFrom,
      validTo: row.validTo ?? null,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType('TariffAssignment', { description: 'Where a tariff applies: the most specific assignment wins, a driver group first' })
export class TariffAssignmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  tariffId!: string;

  @Field(() => ID, { nullable: true })
  siteId!: string | null;

  @Field(() => ID, { nullable: true })
  stationId!: string | null;

  @Field(() => Int, { nullable: true })
  connectorId!: number | null;

  @Field(() => ID, { nullable: true, description: 'Only for the members of this group (a parent credential)' })
  groupId!: string | null;

  static from(row: TariffAssignment): TariffAssignmentType {
    return Object.assign(new TariffAssignmentType(), {
      id: row.id,
      tariffId: row.tariff.id,
      siteId: row.site?.id ?? null,
      stationId: row.station?.id ?? null,
      connectorId: row.connectorId ?? null,
      groupId: row.group?.id ?? null,
    });
  }
}

@ObjectType('Tariff', { description: "A price list of an operator's, in one currency" })
export class TariffType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => Date)
  createdAt!: Date;

  static from(row: Tariff): TariffType {
    return Object.assign(new TariffType(), {
      id: row.id,
      name: row.name,
      currency: row.currency,
      organisationId: row.organisation.id,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType('PriceTax', { description: 'A tax on a line' })
export class PriceTaxType {
  @Field(() => String)
  type!: string;

  @Field(() => String, { description: 'Percent, as a decimal' })
  ratePercent!: string;

  @Field(() => Int, { description: 'Minor units' })
  amountMinor!: number;
}

@ObjectType('PriceLine', { description: 'One line of a price: what was measured, what was billed, at what price' })
export class PriceLineType {
  @Field(() => String, { description: 'ENERGY, TIME, PARKING_TIME, FLAT or IDLE' })
  component!: string;

  @Field(() => Int, { nullable: true, description: 'The tariff element that priced it' })
  elementIndex!: number | null;

  @Field(() => Int, { description: 'Wh, seconds or 1, as measured' })
  quantity!: number;

  @Field(() => Int, { description: "After the tariff's step size" })
  billedQuantity!: number;

  @Field(() => String, { description: 'As in the tariff: major units per kWh, per hour or per session' })
  unitPrice!: string;

  @Field(() => Int)
  exclTaxMinor!: number;

  @Field(() => [PriceTaxType])
  taxes!: PriceTaxType[];

  @Field(() => Int)
  inclTaxMinor!: number;

  static from(line: PricedLine): PriceLineType {
    return Object.assign(new PriceLineType(), line, {
      taxes: line.taxes.map((t) => Object.assign(new PriceTaxType(), t)),
    });
  }
}

@ObjectType('Price', { description: 'What a session costs (so far, while open), line by line; money in minor units' })
export class PriceType {
  @Field(() => String)
  currency!: string;

  @Field(() => [PriceLineType])
  lines!: PriceLineType[];

  @Field(() => Int)
  exclTaxMinor!: number;

  @Field(() => Int)
  taxMinor!: number;

  @Field(() => Int)
  inclTaxMinor!: number;

  @Field(() => Int, { description: 'Energy, Wh' })
  energyWh!: number;

  @Field(() => Int, { description: 'Charging time, seconds' })
  timeSeconds!: number;

  @Field(() => Int, { description: 'Connected but not charging, seconds' })
  parkingSeconds!: number;

  @Field(() => JSONScalar, {
    description: "Charging periods and adjustments (free threshold, min/max price, a plan's), OCPI CDR shaped; plan: what a plan covered",
  })
  detail!: unknown;

  static from(priced: PricedSession): PriceType {
    return Object.assign(new PriceType(), {
      currency: priced.currency,
      lines: priced.lines.map(PriceLineType.from),
      exclTaxMinor: priced.totals.exclTaxMinor,
      taxMinor: priced.totals.taxMinor,
      inclTaxMinor: priced.totals.inclTaxMinor,
      energyWh: Math.round(priced.totals.energyWh),
      timeSeconds: Math.round(priced.totals.timeSeconds),
      parkingSeconds: Math.round(priced.totals.parkingSeconds),
      detail: { chargingPeriods: priced.chargingPeriods, adjustments: priced.adjustments, plan: priced.plan ?? null },
    });
  }
}

@ObjectType('Invoice', { description: 'A bill (or a credit note): issued once, never edited; money in minor units' })
export class InvoiceType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Gap-free per issuing organisation' })
  number!: string;

  @Field(() => String, { description: 'invoice or credit_note' })
  kind!: string;

  @Field(() => String, { description: 'open, paid or void' })
  status!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => ID, { nullable: true })
  sessionId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The driver who pays' })
  payerUserId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The fleet that pays' })
  payerOrganisationId!: string | null;

  @Field(() => String)
  currency!: string;

  @Field(() => Int)
  exclTaxMinor!: number;

  @Field(() => Int)
  taxMinor!: number;

  @Field(() => Int)
  inclTaxMinor!: number;

  @Field(() => ID, { nullable: true, description: 'For a credit note: the invoice it corrects' })
  creditOfId!: string | null;

  @Field(() => String, { nullable: true, description: 'For a credit note: why' })
  reason!: string | null;

  @Field(() => PriceType, { nullable: true, description: 'The lines, as priced when issued' })
  price!: PriceType | null;

  @Field(() => Date)
  issuedAt!: Date;

  @Field(() => Date)
  dueAt!: Date;

  @Field(() => Date, { nullable: true })
  paidAt!: Date | null;

  static from(row: Invoice): InvoiceType {
    return Object.assign(new InvoiceType(), {
      id: row.id,
      number: row.number,
      kind: row.kind,
      status: row.status,
      organisationId: row.organisation.id,
      sessionId: row.session?.id ?? null,
      creditOfId: row.creditOf?.id ?? null,
      reason: row.reason ?? null,
      payerUserId: row.payerUser?.id ?? null,
      payerOrganisationId: row.payerOrganisation?.id ?? null,
      currency: row.currency,
      exclTaxMinor: row.exclTaxMinor,
      taxMinor: row.taxMinor,
      inclTaxMinor: row.inclTaxMinor,
      price: row.priced ? PriceType.from(row.priced) : null,
      issuedAt: row.issuedAt,
      dueAt: row.dueAt,
      paidAt: row.paidAt ?? null,
    });
  }
}
