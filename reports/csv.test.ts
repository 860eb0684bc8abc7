import { describe, expect, it } from 'vitest';
import { csvField, reportCsv } from './csv.js';
import type { ReportDocument } from './document.js';
import { formatCell } from './document.js';

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded', '" padded"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['-1+2', "'-1+2"],
    [-1.5, '-1.5'],
    [null, ''],
    [Number.NaN, ''],
  ] as const)('writes %j as %s', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  const doc: ReportDocument = {
    title: 't',
    lines: [],
    summary: [{ key: 'sessions', label: 'Sessions', value: 3, format: 'count' }],
    tables: [
      {
        key: 'top',
        title: 'Top',
        columns: [
          { key: 'station', label: 'Station', format: 'text' },
          { key: 'energy_wh', label: 'Energy', format: 'kwh' },
          { key: 'sessions', label: 'Sessions', format: 'count' },
        ],
        rows: [['CP,1', 1500, null]],
      },
    ],
  };

  it('lists a document as section, item, metric and value, header first, CRLF line ends', () => {
    expect(reportCsv(doc).toString()).toBe(
      'section,item,metric,value\r\nsummary,,sessions,3\r\ntop,"CP,1",energy_wh,1500\r\ntop,"CP,1",sessions,\r\n',
    );
  });

  it('writes an export table as it is, one row per item', () => {
    const table = doc.tables[0] as ReportDocument['tables'][number];
    expect(reportCsv({ ...doc, export: table }).toString()).toBe('station,energy_wh,sessions\r\n"CP,1",1500,\r\n');
  });
});

describe('PDF cells', () => {
  it.each([
    [35000, 'kwh', [], '35.0 kWh'],
    [0.6667, 'share', [], '66.7 %'],
    [83.33333, 'percent', [], '83.33 %'],
    [123456, 'money', ['EUR'], '1,234.56 EUR'],
    [1500, 'money', ['RWF'], '1,500 RWF'],
    [null, 'count', [], '–'],
  ] as const)('shows %j (%s) as %s', (value, format, row, shown) => {
    expect(formatCell(value, format, [...row])).toBe(shown);
  });
});
