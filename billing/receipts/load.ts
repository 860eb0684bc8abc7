import type { Orm } from '../../database/orm.js';
import type { PricedSession } from '../tariff-model.js';

/** Everything a receipt prints, read once from the invoice, its issuer, its payer and its session. */
export interface ReceiptData {
  invoice: {
    id: string;
    number: string;
    kind: 'invoice' | 'credit_note';
    status: 'open' | 'paid' | 'void';
    organisationId: string;
    payerUserId: string | null;
    currency: string;
    exclTaxMinor: number;
    taxMinor: number;
    inclTaxMinor: number;
    /** The lines as priced when issued; null for a credit note. */
    priced: PricedSession | null;
    issuedAt: Date;
    dueAt: Date;
    paidAt: Date | null;
    /** A credit note's reason and the number of the invoice it corrects. */
    reason: string | null;
    creditOfNumber: string | null;
  };
  /** The operator that issued it, as the law wants it named (the legal fields may still be empty). */
  issuer: {
    name: string;
    legalName: string | null;
    taxId: string | null;
    registrationNumber: string | null;
    address: string | null;
    email: string | null;
    phone: string | null;
  };
  /** The driver (their name, verified address and language) or the fleet who pays. */
  payer: { name: string | null; email: string | null; emailVerified: boolean; language: string | null };
  session: {
    stationIdentity: string;
    stationName: string | null;
    connectorId: number;
    siteName: string | null;
    siteAddress: string | null;
    city: string | null;
    country: string | null;
    timeZone: string;
    startedAt: Date;
    stoppedAt: Date | null;
    energyWh: number | null;
  } | null;
}

interface Row {
  id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  status: 'open' | 'paid' | 'void';
  organisation_id: string;
  payer_user_id: string | null;
  currency: string;
  excl_tax_minor: string;
  tax_minor: string;
  incl_tax_minor: string;
  priced: PricedSession | null;
  issued_at: Date | string;
  due_at: Date | string;
  paid_at: Date | string | null;
  reason: string | null;
  credit_of_number: string | null;
  org_name: string;
  legal_name: string | null;
  tax_id: string | null;
  registration_number: string | null;
  org_address: string | null;
  org_email: string | null;
  org_phone: string | null;
  user_name: string | null;
  user_email: string | null;
  user_verified: boolean | null;
  user_language: string | null;
  fleet_name: string | null;
  identity: string | null;
  station_name: string | null;
  connector_id: number | null;
  site_name: string | null;
  site_address: string | null;
  city: string | null;
  country: string | null;
  time_zone: string | null;
  started_at: Date | string | null;
  stopped_at: Date | string | null;
  energy_wh: string | null;
}

const query = `
  select i.id, i.number, i.kind, i.status, i.organisation_id, i.payer_user_id, i.currency, i.excl_tax_minor, i.tax_minor,
    i.incl_tax_minor, i.priced, i.issued_at, i.due_at, i.paid_at, i.reason, c.number as credit_of_number,
    o.name as org_name, o.legal_name, o.tax_id, o.registration_number, o.address as org_address, o.email as org_email,
    o.phone as org_phone, u.name as user_name, u.email as user_email, (u.email_verified_at is not null) as user_verified,
    u.language as user_language, f.name as fleet_name, st.identity, st.name as station_name, t.connector_id,
    site.name as site_name, site.address as site_address, site.city, site.country, site.time_zone, t.started_at,
    t.stopped_at, t.energy_wh
  from invoice i join organisation o on o.id = i.organisation_id
    left join invoice c on c.id = i.credit_of_id
    left join app_user u on u.id = i.payer_user_id and u.deleted_at is null
    left join organisation f on f.id = i.payer_organisation_id
    left join charging_session t on t.id = i.session_id
    left join station st on st.id = t.station_id
    left join site on site.id = st.site_id
  where i.id = ?`;

const date = (value: Date | string) => new Date(value);

/** The receipt of an invoice or credit note, or null when there is none with that id. */
export async function loadReceipt(orm: Orm, invoiceId: string): Promise<ReceiptData | null> {
  const [row] = await orm.em.fork().getConnection().execute<Row[]>(query, [invoiceId]);
  if (!row) return null;
  return {
    invoice: {
      id: row.id,
      number: row.number,
      kind: row.kind,
      status: row.status,
      organisationId: row.organisation_id,
      payerUserId: row.payer_user_id,
      currency: row.currency,
      exclTaxMinor: Number(row.excl_tax_minor),
      taxMinor: Number(row.tax_minor),
      inclTaxMinor: Number(row.incl_tax_minor),
      priced: row.priced,
      issuedAt: date(row.issued_at),
      dueAt: date(row.due_at),
      paidAt: row.paid_at === null ? null : date(row.paid_at),
      reason: row.reason,
      creditOfNumber: row.credit_of_number,
    },
    issuer: {
      name: row.org_name,
      legalName: row.legal_name,
      taxId: row.tax_id,
      registrationNumber: row.registration_number,
      address: row.org_address,
      email: row.org_email,
      phone: row.org_phone,
    },
    payer: {
      name: row.user_name ?? row.fleet_name,
      email: row.user_email,
      emailVerified: row.user_verified === true,
      language: row.user_language,
    },
    session:
      row.identity === null || row.started_at === null
        ? null
        : {
            stationIdentity: row.identity,
            stationName: row.station_name,
            connectorId: row.connector_id ?? 0,
            siteName: row.site_name,
            siteAddress: row.site_address,
            city: row.city,
            country: row.country,
            timeZone: row.time_zone ?? 'UTC',
            startedAt: date(row.started_at),
            stoppedAt: row.stopped_at === null ? null : date(row.stopped_at),
            energyWh: row.energy_wh === null ? null : Number(row.energy_wh),
          },
  };
}
