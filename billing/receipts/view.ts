import type { PricedLine, PricedSession } from '../tariff-model.js';
import { formatDate, formatDateTime, formatDecimal, formatDuration, formatEnergy, formatMoney } from './format.js';
import type { ReceiptData } from './load.js';
import { type ReceiptLanguage, type ReceiptWords, receiptWords } from './words.js';

/**
 * A receipt in words, ready to print: what the HTML page and the PDF both show, cell by cell, so the two
 * never disagree. Pure: the same invoice (in the same state) and language give the same view.
 */
export interface ReceiptView {
  language: ReceiptLanguage;
  title: string;
  number: string;
  /** The issuer's legal identity, one line each. */
  issuer: string[];
  /** Label and value: dates, status, customer, station, times, energy. */
  facts: [string, string][];
  columns: string[];
  /** One row per line of the bill (and per adjustment), cells in `columns` order. */
  lines: string[][];
  /** Tax per type and rate. */
  taxes: [string, string][];
  totals: [string, string][];
  thanks: string;
  /** The words of the link to the PDF, on the HTML page. */
  pdf: string;
  /** When the document was issued: the PDF's creation date, so that its bytes depend on the invoice alone. */
  issuedAt: Date;
}

type Money = (minor: number) => string;

const perUnit: Record<PricedLine['component'], string> = { ENERGY: '/kWh', TIME: '/h', PARKING_TIME: '/h', IDLE: '/h', FLAT: '' };

function quantityOf(line: PricedLine, language: ReceiptLanguage): string {
  if (line.component === 'ENERGY') return formatEnergy(line.billedQuantity, language);
  if (line.component === 'FLAT') return String(line.billedQuantity);
  return formatDuration(line.billedQuantity);
}

function pricedRows(priced: PricedSession, words: ReceiptWords, language: ReceiptLanguage, money: Money): string[][] {
  const lines = priced.lines.map((line) => {
    const tax = line.taxes.reduce((sum, t) => sum + t.amountMinor, 0);
    return [
      words.components[line.component],
      quantityOf(line, language),
      `${formatDecimal(line.unitPrice, language)}\u00a0${priced.currency}${perUnit[line.component]}`,
      money(line.exclTaxMinor),
      money(tax),
      money(line.inclTaxMinor),
    ];
  });
  const adjustments = priced.adjustments.map((a) => [
    words.adjustments[a.reason] ?? a.reason,
    '',
    '',
    money(a.exclTaxMinor),
    money(a.taxMinor),
    money(a.exclTaxMinor + a.taxMinor),
  ]);
  return [...lines, ...adjustments];
}

function taxRows(priced: PricedSession | null, language: ReceiptLanguage, money: Money): [string, string][] {
  const byRate = new Map<string, number>();
  for (const line of priced?.lines ?? [])
    for (const tax of line.taxes) {
      const label = `${tax.type} ${formatDecimal(tax.ratePercent, language)}\u00a0%`;
      byRate.set(label, (byRate.get(label) ?? 0) + tax.amountMinor);
    }
  return [...byRate].map(([label, minor]) => [label, money(minor)]);
}

function issuerLines(issuer: ReceiptData['issuer'], words: ReceiptWords): string[] {
  const labelled = (label: string, value: string | null) => (value ? [`${label}: ${value}`] : []);
  return [
    issuer.legalName ?? issuer.name,
    ...(issuer.address ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...labelled(words.taxId, issuer.taxId),
    ...labelled(words.registrationNumber, issuer.registrationNumber),
    ...labelled(words.email, issuer.email),
    ...labelled(words.phone, issuer.phone),
  ];
}

function statusFact(invoice: ReceiptData['invoice'], words: ReceiptWords, timeZone: string): [string, string] {
  if (invoice.status === 'paid') return [words.paid, formatDateTime(invoice.paidAt ?? invoice.issuedAt, timeZone)];
  if (invoice.status === 'open') return [words.due, formatDate(invoice.dueAt, timeZone)];
  return [words.status, words.void];
}

function sessionFacts(data: ReceiptData, words: ReceiptWords, language: ReceiptLanguage): [string, string][] {
  const session = data.session;
  if (!session) return [];
  const place = [session.siteName, session.siteAddress, session.city, session.country].filter(Boolean).join(', ');
  const energyWh = data.invoice.priced?.totals.energyWh ?? session.energyWh;
  const stopped = session.stoppedAt;
  return [
    [words.station, session.stationName ? `${session.stationIdentity} (${session.stationName})` : session.stationIdentity],
    [words.connector, String(session.connectorId)],
    ...(place ? [[words.location, place] as [string, string]] : []),
    [words.started, formatDateTime(session.startedAt, session.timeZone)],
    ...(stopped
      ? [
          [words.stopped, formatDateTime(stopped, session.timeZone)] as [string, string],
          [words.duration, formatDuration((stopped.getTime() - session.startedAt.getTime()) / 1000)] as [string, string],
        ]
      : []),
    ...(energyWh === null ? [] : [[words.energy, formatEnergy(energyWh, language)] as [string, string]]),
  ];
}

/** The view of a receipt in a language. */
export function receiptView(data: ReceiptData, language: ReceiptLanguage): ReceiptView {
  const words = receiptWords[language];
  const { invoice } = data;
  const money: Money = (minor) => formatMoney(minor, invoice.currency, language);
  const timeZone = data.session?.timeZone ?? 'UTC';
  const credit = invoice.kind === 'credit_note';
  const title = credit ? words.creditNote : invoice.status === 'paid' ? words.receipt : words.invoice;
  const customer = data.payer.name ?? data.payer.email;
  const facts: [string, string][] = [
    [words.number, invoice.number],
    [words.issued, formatDateTime(invoice.issuedAt, timeZone)],
    credit ? [words.corrects, invoice.creditOfNumber ?? ''] : statusFact(invoice, words, timeZone),
    ...(credit && invoice.reason ? [[words.reason, invoice.reason] as [string, string]] : []),
    ...(customer ? [[words.customer, customer] as [string, string]] : []),
    ...sessionFacts(data, words, language),
  ];
  const lines = invoice.priced
    ? pricedRows(invoice.priced, words, language, money)
    : [[words.credit, '1', '', money(invoice.exclTaxMinor), money(invoice.taxMinor), money(invoice.inclTaxMinor)]];
  return {
    language,
    title,
    number: invoice.number,
    issuer: issuerLines(data.issuer, words),
    facts,
    columns: [words.item, words.quantity, words.unitPrice, words.exclTax, words.tax, words.inclTax],
    lines,
    taxes: taxRows(invoice.priced, language, money),
    totals: [
      [words.exclTax, money(invoice.exclTaxMinor)],
      [words.tax, money(invoice.taxMinor)],
      [credit ? words.totalCredited : words.inclTax, money(invoice.inclTaxMinor)],
    ],
    thanks: words.thanks,
    pdf: words.pdf,
    issuedAt: invoice.issuedAt,
  };
}
