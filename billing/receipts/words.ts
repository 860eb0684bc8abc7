import type { PricedLine } from '../tariff-model.js';

/**
 * The words of receipts and their mail, in the languages evcms writes them in. The Kinyarwanda is ours, not a
 * native speaker's: it waits for a review (docs/billing.md, Receipts).
 */
export type ReceiptLanguage = 'en' | 'fr' | 'rw';

export const receiptLanguages: readonly ReceiptLanguage[] = ['en', 'fr', 'rw'];

export interface ReceiptWords {
  /** Document titles: a paid invoice is a receipt; an open or void one an invoice; a credit note. */
  receipt: string;
  invoice: string;
  creditNote: string;
  number: string;
  issued: string;
  paid: string;
  due: string;
  void: string;
  status: string;
  customer: string;
  issuer: string;
  station: string;
  connector: string;
  location: string;
  started: string;
  stopped: string;
  duration: string;
  energy: string;
  corrects: string;
  reason: string;
  item: string;
  quantity: string;
  unitPrice: string;
  exclTax: string;
  tax: string;
  inclTax: string;
  totalCredited: string;
  taxId: string;
  registrationNumber: string;
  email: string;
  phone: string;
  components: Record<PricedLine['component'], string>;
  adjustments: Record<string, string>;
  credit: string;
  thanks: string;
  pdf: string;
  /** What the mail calls the document: a receipt, a credit note. */
  mailDocument: { invoice: string; credit_note: string };
  mailSubject: (document: string, number: string) => string;
  mailBody: (d: { name: string; document: string; number: string; total: string; link: string; until: string }) => string;
}

export const receiptWords: Record<ReceiptLanguage, ReceiptWords> = {
  en: {
    receipt: 'Receipt',
    invoice: 'Invoice',
    creditNote: 'Credit note',
    number: 'Number',
    issued: 'Issued',
    paid: 'Paid',
    due: 'Due by',
    void: 'Cancelled',
    status: 'Status',
    customer: 'Customer',
    issuer: 'Issued by',
    station: 'Station',
    connector: 'Connector',
    location: 'Location',
    started: 'Started',
    stopped: 'Ended',
    duration: 'Duration',
    energy: 'Energy',
    corrects: 'Corrects invoice',
    reason: 'Reason',
    item: 'Item',
    quantity: 'Quantity',
    unitPrice: 'Unit price',
    exclTax: 'Excl. tax',
    tax: 'Tax',
    inclTax: 'Incl. tax',
    totalCredited: 'Total credited',
    taxId: 'Tax ID',
    registrationNumber: 'Registration number',
    email: 'Email',
    phone: 'Phone',
    components: {
      ENERGY: 'Energy',
      TIME: 'Charging time',
      PARKING_TIME: 'Parking time',
      FLAT: 'Session fee',
      IDLE: 'Idle fee',
    },
    adjustments: {
      'free-below-threshold': 'Free: below the threshold',
      'min-price': 'Minimum price',
      'max-price': 'Maximum price',
    },
    credit: 'Credit',
    thanks: 'Thank you for charging with us.',
    pdf: 'Download the PDF',
    mailDocument: { invoice: 'receipt', credit_note: 'credit note' },
    mailSubject: (document, number) => `Your ${document} ${number}`,
    mailBody: (d) =>
      `${d.name ? `Hello ${d.name},` : 'Hello,'}\n\nThank you for charging with us. Your ${d.document} ${d.number} (${d.total}) is here:\n\n${d.link}\n\nThis link works until ${d.until}; after that, sign in to download it.\n`,
  },
  fr: {
    receipt: 'Reçu',
    invoice: 'Facture',
    creditNote: 'Avoir',
    number: 'Numéro',
    issued: 'Émis le',
    paid: 'Payé le',
    due: 'À payer avant le',
    void: 'Annulée',
    status: 'Statut',
    customer: 'Client',
    issuer: 'Émis par',
    station: 'Borne',
    connector: 'Prise',
    location: 'Lieu',
    started: 'Début',
    stopped: 'Fin',
    duration: 'Durée',
    energy: 'Énergie',
    corrects: 'Rectifie la facture',
    reason: 'Motif',
    item: 'Désignation',
    quantity: 'Quantité',
    unitPrice: 'Prix unitaire',
    exclTax: 'HT',
    tax: 'Taxe',
    inclTax: 'TTC',
    totalCredited: 'Total remboursé',
    taxId: 'N° d’identification fiscale',
    registrationNumber: 'N° d’immatriculation',
    email: 'E-mail',
    phone: 'Téléphone',
    components: {
      ENERGY: 'Énergie',
      TIME: 'Temps de charge',
      PARKING_TIME: 'Temps de stationnement',
      FLAT: 'Frais de session',
      IDLE: 'Frais d’occupation',
    },
    adjustments: {
      'free-below-threshold': 'Gratuit : sous le seuil',
      'min-price': 'Prix minimum',
      'max-price': 'Prix maximum',
    },
    credit: 'Avoir',
    thanks: 'Merci d’avoir rechargé chez nous.',
    pdf: 'Télécharger le PDF',
    mailDocument: { invoice: 'reçu', credit_note: 'avoir' },
    mailSubject: (document, number) => `Votre ${document} ${number}`,
    mailBody: (d) =>
      `${d.name ? `Bonjour ${d.name},` : 'Bonjour,'}\n\nMerci d’avoir rechargé chez nous. Votre ${d.document} ${d.number} (${d.total}) est ici :\n\n${d.link}\n\nCe lien est valable jusqu’au ${d.until} ; ensuite, connectez-vous pour le télécharger.\n`,
  },
  rw: {
    receipt: 'Inyemezabwishyu',
    invoice: 'Inyemezabuguzi',
    creditNote: 'Inyemezabuguzi yo gusubizwa',
    number: 'Nimero',
    issued: 'Yatanzwe ku wa',
    paid: 'Yishyuwe ku wa',
    due: 'Igomba kwishyurwa mbere ya',
    void: 'Yahagaritswe',
    status: 'Uko ihagaze',
    customer: 'Umukiriya',
    issuer: 'Yatanzwe na',
    station: 'Sitasiyo',
    connector: 'Icomeka',
    location: 'Aho biherereye',
    started: 'Byatangiye',
    stopped: 'Byarangiye',
    duration: 'Igihe byamaze',
    energy: 'Ingufu',
    corrects: 'Ikosora inyemezabuguzi',
    reason: 'Impamvu',
    item: 'Icyishyurwa',
    quantity: 'Ingano',
    unitPrice: 'Igiciro kimwe',
    exclTax: 'Nta musoro',
    tax: 'Umusoro',
    inclTax: 'Harimo umusoro',
    totalCredited: 'Igiteranyo cyasubijwe',
    taxId: 'Nomero iranga umusoreshwa (TIN)',
    registrationNumber: 'Nomero y’iyandikwa',
    email: 'Imeri',
    phone: 'Telefoni',
    components: {
      ENERGY: 'Ingufu z’amashanyarazi',
      TIME: 'Igihe cyo gushyira umuriro',
      PARKING_TIME: 'Igihe cyo guparika',
      FLAT: 'Amafaranga y’igikorwa',
      IDLE: 'Amafaranga yo gutinda ku cyuma',
    },
    adjustments: {
      'free-below-threshold': 'Ubuntu: munsi y’urugero',
      'min-price': 'Igiciro gito ntarengwa',
      'max-price': 'Igiciro kinini ntarengwa',
    },
    credit: 'Gusubizwa',
    thanks: 'Murakoze gushyira umuriro iwacu.',
    pdf: 'Kuramo PDF',
    mailDocument: { invoice: 'Inyemezabwishyu', credit_note: 'Inyemezabuguzi yo gusubizwa' },
    mailSubject: (document, number) => `${document} yawe ${number}`,
    mailBody: (d) =>
      `${d.name ? `Muraho ${d.name},` : 'Muraho,'}\n\nMurakoze gushyira umuriro iwacu. ${d.document} yawe ${d.number} (${d.total}) iri hano:\n\n${d.link}\n\nIyi link ikora kugeza ${d.until}; nyuma yaho, injira kugira ngo uyikuremo.\n`,
  },
};

/** The receipt language of a BCP 47 tag (fr-RW: fr); one evcms does not write in is English. */
export function receiptLanguage(tag: string | null | undefined): ReceiptLanguage {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (receiptLanguages as readonly string[]).includes(base) ? (base as ReceiptLanguage) : 'en';
}
