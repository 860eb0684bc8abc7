import type { PricedSession } from '../tariff-model.js';
import type { ReceiptData } from './load.js';

/** Builders for receipt tests: a paid receipt of a Kigali session (RWF, VAT 18% included), with overrides. */

export function aPricedSession(overrides: Partial<PricedSession> = {}): PricedSession {
  return {
    currency: 'RWF',
    chargingPeriods: [],
    lines: [
      {
        component: 'FLAT',
        elementIndex: 0,
        quantity: 1,
        billedQuantity: 1,
        unitPrice: '200',
        exclTaxMinor: 169,
        taxes: [{ type: 'VAT', ratePercent: '18', amountMinor: 31 }],
        inclTaxMinor: 200,
      },
      {
        component: 'ENERGY',
        elementIndex: 1,
        quantity: 12_345,
        billedQuantity: 12_345,
        unitPrice: '300',
        exclTaxMinor: 3139,
        taxes: [{ type: 'VAT', ratePercent: '18', amountMinor: 565 }],
        inclTaxMinor: 3704,
      },
    ],
    totals: {
      exclTaxMinor: 3308,
      taxMinor: 596,
      inclTaxMinor: 3904,
      energyWh: 12_345,
      timeSeconds: 3930,
      parkingSeconds: 0,
      idleSeconds: 0,
    },
    adjustments: [],
    ...overrides,
  };
}

interface Overrides {
  invoice?: Partial<ReceiptData['invoice']>;
  issuer?: Partial<ReceiptData['issuer']>;
  payer?: Partial<ReceiptData['payer']>;
  /** null: a document of no session. */
  session?: Partial<NonNullable<ReceiptData['session']>> | null;
}

export function aReceiptData(overrides: Overrides = {}): ReceiptData {
  const issuedAt = new Date('2026-12-03T11:06:00Z');
  return {
    invoice: {
      id: '0b4f6f2e-6a55-4d5c-9a43-2f2d3c1f0a01',
      number: 'KGL-2026-000042',
      kind: 'invoice',
      status: 'paid',
      organisationId: '6c1f1c8e-1d1b-4f60-8f3e-7d9a0e5b2c10',
      payerUserId: '9e0d7a44-3f2c-4d1e-b6a5-1c2b3d4e5f60',
      currency: 'RWF',
      exclTaxMinor: 3308,
      taxMinor: 596,
      inclTaxMinor: 3904,
      priced: aPricedSession(),
      issuedAt,
      dueAt: new Date('2026-12-17T11:06:00Z'),
      paidAt: issuedAt,
      reason: null,
      creditOfNumber: null,
      ...overrides.invoice,
    },
    issuer: {
      name: 'Kigali Charge',
      legalName: 'Kigali Charge Ltd',
      taxId: '101234567',
      registrationNumber: 'RDB 2024/0042',
      address: 'KG 7 Ave 12\nKigali, Rwanda',
      email: 'billing@kigalicharge.rw',
      phone: '+250 788 000 000',
      ...overrides.issuer,
    },
    payer: { name: 'Aline Uwase', email: 'aline@example.rw', emailVerified: true, language: 'rw', ...overrides.payer },
    session:
      overrides.session === null
        ? null
        : {
            stationIdentity: 'KGL-CP-001',
            stationName: 'Kigali Heights 1',
            connectorId: 2,
            siteName: 'Kigali Heights',
            siteAddress: 'KG 7 Ave',
            city: 'Kigali',
            country: 'RW',
            timeZone: 'Africa/Kigali',
            startedAt: new Date('2026-12-03T10:00:00Z'),
            stoppedAt: new Date('2026-12-03T11:05:30Z'),
            energyWh: 12_345,
            ...overrides.session,
          },
  };
}
