import { type Cell, formatCell, type ReportDocument, type ReportTable } from './document.js';

/**
 * A report as a PDF (A4, the standard Helvetica fonts, nothing embedded) through pdfkit, its chart drawn with
 * pdfkit's vector calls: no chart library, no browser. pdfkit is loaded with the first PDF, as receipts do.
 */
const margin = 50;
const width = 595.28 - 2 * margin;

type Doc = PDFKit.PDFDocument;

function room(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - margin) doc.addPage();
}

function row(doc: Doc, cells: string[], widths: number[], bold = false): void {
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8.5);
  const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell || ' ', { width: (widths[i] ?? 60) - 4 })));
  room(doc, height + 3);
  const top = doc.y;
  let x = margin;
  cells.forEach((cell, i) => {
    const w = widths[i] ?? 60;
    doc.text(cell, x + 2, top, { width: w - 4, align: i === 0 ? 'left' : 'right' });
    x += w;
  });
  doc.y = top + height + 3;
  doc.x = margin;
}

function heading(doc: Doc, text: string): void {
  room(doc, 40);
  doc.moveDown(0.8);
  doc.font('Helvetica-Bold').fontSize(11).text(text, margin, doc.y, { width });
  doc.moveDown(0.3);
}

function table(doc: Doc, t: ReportTable): void {
  heading(doc, t.title);
  const first = Math.min(170, width / 2);
  const rest = (width - first) / Math.max(1, t.columns.length - 1);
  const widths = t.columns.map((_, i) => (i === 0 ? first : rest));
  row(
    doc,
    t.columns.map((c) => c.label),
    widths,
    true,
  );
  if (!t.rows.length) row(doc, ['none'], [width]);
  for (const cells of t.rows)
    row(
      doc,
      cells.map((value, i) => formatCell(value, t.columns[i]?.format ?? 'text', cells)),
      widths,
    );
}

/** A bar per row of the table's column, with the axis, the largest value and the first and last labels. */
function barChart(doc: Doc, title: string, labels: string[], values: number[], format: (v: number) => string): void {
  heading(doc, title);
  const height = 140;
  room(doc, height + 30);
  const top = doc.y;
  const left = margin + 40;
  const plot = width - 40;
  const max = Math.max(0, ...values);
  doc.lineWidth(0.5).strokeColor('#888888');
  doc
    .moveTo(left, top)
    .lineTo(left, top + height)
    .lineTo(left + plot, top + height)
    .stroke();
  const step = plot / Math.max(1, values.length);
  values.forEach((value, i) => {
    const h = max > 0 ? (value / max) * (height - 4) : 0;
    if (h > 0) doc.rect(left + i * step + step * 0.15, top + height - h, step * 0.7, h).fill('#2f6fb0');
  });
  doc.fillColor('#000000').font('Helvetica').fontSize(7);
  doc.text(format(max), margin, top - 3, { width: 38, align: 'right' });
  doc.text(format(0), margin, top + height - 6, { width: 38, align: 'right' });
  if (labels.length) {
    doc.text(labels[0] as string, left, top + height + 4, { width: plot / 2, align: 'left' });
    doc.text(labels[labels.length - 1] as string, left + plot / 2, top + height + 4, { width: plot / 2, align: 'right' });
  }
  doc.strokeColor('#000000');
  doc.y = top + height + 18;
  doc.x = margin;
}

function chartOf(doc: Doc, report: ReportDocument): void {
  const chart = report.chart;
  const source = chart && report.tables.find((t) => t.key === chart.table);
  const index = source?.columns.findIndex((c) => c.key === chart?.column) ?? -1;
  if (!chart || !source || index < 0) return;
  const column = source.columns[index];
  const values = source.rows.map((r) => Number(r[index] ?? 0));
  barChart(
    doc,
    chart.title,
    source.rows.map((r) => String(r[0] ?? '')),
    values,
    (v) => formatCell(v as Cell, column?.format ?? 'count'),
  );
}

/** The PDF of a report document. */
export async function reportPdf(report: ReportDocument, createdAt: Date): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin, info: { Title: report.title, CreationDate: createdAt } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(report.title, margin, margin, { width });
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  for (const text of report.lines) doc.text(text, { width });
  doc.fillColor('#000000');
  if (report.summary.length) {
    heading(doc, 'Summary');
    for (const s of report.summary) row(doc, [s.label, formatCell(s.value, s.format)], [width - 160, 160]);
  }
  chartOf(doc, report);
  for (const t of report.tables) table(doc, t);
  doc.end();
  return done;
}
