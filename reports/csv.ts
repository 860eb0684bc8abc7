import type { Cell, ReportDocument, ReportTable } from './document.js';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces, quotes doubled.
 * Text that a spreadsheet would run as a formula (=, +, -, @, a tab) is prefixed with a quote; numbers are not.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const line = (cells: Cell[]) => cells.map(csvField).join(',');

function wide(table: ReportTable): string[] {
  return [line(table.columns.map((c) => c.key)), ...table.rows.map(line)];
}

/**
 * The long listing of a document: `section,item,metric,value`, the summary's figures (section `summary`), then
 * every table cell after the first of its row (section: the table, item: the row's first cell, metric: the column).
 */
function long(doc: ReportDocument): string[] {
  const lines = [line(['section', 'item', 'metric', 'value'])];
  for (const s of doc.summary) lines.push(line(['summary', '', s.key, s.value]));
  for (const table of doc.tables)
    for (const row of table.rows)
      for (const [i, c] of table.columns.entries()) if (i > 0) lines.push(line([table.key, row[0] ?? '', c.key, row[i] ?? null]));
  return lines;
}

/** The CSV of a document, header row first, CRLF line ends (RFC 4180), UTF-8. */
export function reportCsv(doc: ReportDocument): Buffer {
  const lines = doc.export ? wide(doc.export) : long(doc);
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}
