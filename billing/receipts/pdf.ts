import type { ReceiptView } from './view.js';

/**
 * A receipt as a PDF (A4, the standard Helvetica fonts, nothing embedded), through pdfkit. Its bytes depend on
 * the view alone: the creation date is the invoice's issue date, and pdfkit derives the file id from the
 * document's info, so the same invoice gives the same file. pdfkit is loaded with the first receipt, as the
 * mail transport loads nodemailer: processes that never render one never load it.
 */
const margin = 50;
const width = 595.28 - 2 * margin;
/** Item, quantity, unit price, excl. tax, tax, incl. tax. */
const columnWidths = [140, 75, 85, 65, 65, 65];

type Doc = PDFKit.PDFDocument;

/** Moves to a new page when `height` more points would not fit on this one. */
function room(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - margin) doc.addPage();
}

/** One table row, cells left to right (the first left-aligned, the others right-aligned), moving below it. */
function row(doc: Doc, cells: string[], widths: number[], bold = false): void {
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
  const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: (widths[i] ?? 60) - 4 })));
  room(doc, height + 4);
  const top = doc.y;
  let x = margin;
  cells.forEach((cell, i) => {
    const w = widths[i] ?? 60;
    doc.text(cell, x + 2, top, { width: w - 4, align: i === 0 ? 'left' : 'right', lineBreak: true });
    x += w;
  });
  doc.y = top + height + 4;
  doc.x = margin;
}

function rule(doc: Doc, weight = 0.5): void {
  doc
    .moveTo(margin, doc.y)
    .lineTo(margin + width, doc.y)
    .lineWidth(weight)
    .stroke();
  doc.y += 3;
}

function header(doc: Doc, view: ReceiptView): void {
  doc.font('Helvetica-Bold').fontSize(18).text(`${view.title} ${view.number}`, margin, margin, { width });
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  for (const line of view.issuer) doc.text(line, { width });
  doc.fillColor('#000000').moveDown(1);
  for (const [label, value] of view.facts) row(doc, [label, value], [140, width - 140]);
  doc.moveDown(1);
}

function body(doc: Doc, view: ReceiptView): void {
  row(doc, view.columns, columnWidths, true);
  rule(doc);
  for (const cells of view.lines) row(doc, cells, columnWidths);
  rule(doc);
  const sums = [width - 130, 130];
  for (const [label, value] of view.taxes) row(doc, [label, value], sums);
  view.totals.forEach(([label, value], i) => {
    if (i === view.totals.length - 1) rule(doc, 1);
    row(doc, [label, value], sums, i === view.totals.length - 1);
  });
  doc.moveDown(2);
  doc.font('Helvetica').fontSize(10).text(view.thanks, margin, doc.y, { width });
}

/** The PDF of a receipt view. */
export async function receiptPdf(view: ReceiptView): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin,
    lang: view.language,
    info: { Title: `${view.title} ${view.number}`, CreationDate: view.issuedAt },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  header(doc, view);
  body(doc, view);
  doc.end();
  return done;
}
