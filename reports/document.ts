import { minorUnits } from '../billing/currency.js';

/** A cell: a number as the warehouse answered it, text, or nothing. */
export type Cell = string | number | null;

/**
 * How a number reads in the PDF (the CSV keeps it raw): a count, watt-hours as kWh, a percentage (0 to 100), a
 * share (0 to 1) as a percentage, minor units of the currency in the row's first cell, or text as it is.
 */
export type CellFormat = 'count' | 'kwh' | 'percent' | 'share' | 'money' | 'decimal' | 'text';

export interface Column {
  key: string;
  label: string;
  format: CellFormat;
}

export interface ReportTable {
  key: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
}

export interface SummaryItem {
  key: string;
  label: string;
  value: Cell;
  format: CellFormat;
}

/**
 * What a report says, before it is a file: a title, lines about it (scope, period), key figures, tables, and a
 * bar chart of one table's column. The CSV and the PDF are two renderings of it (reports/csv.ts, reports/pdf.ts).
 */
export interface ReportDocument {
  title: string;
  lines: string[];
  summary: SummaryItem[];
  tables: ReportTable[];
  chart?: { title: string; table: string; column: string };
  /** The CSV is this table alone, one row per item (a regulator's export), instead of the long listing. */
  export?: ReportTable;
}

const grouped = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A cell as the PDF shows it; `row` gives the currency of a money cell (its first cell). */
export function formatCell(value: Cell, format: CellFormat, row: Cell[] = []): string {
  if (value === null || value === '') return '–';
  if (typeof value === 'string' || format === 'text') return String(value);
  switch (format) {
    case 'count':
      return grouped(value);
    case 'kwh':
      return `${grouped(value / 1000, 1)} kWh`;
    case 'percent':
      return `${value.toFixed(2)} %`;
    case 'share':
      return `${(value * 100).toFixed(1)} %`;
    case 'decimal':
      return grouped(value, 1);
    case 'money': {
      const currency = String(row[0] ?? '');
      const digits = minorUnits(currency);
      return `${grouped(value / 10 ** digits, digits)} ${currency}`;
    }
  }
}
