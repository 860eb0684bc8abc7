import { escapeHtml } from '../../platform/escape-html.js';
import type { ReceiptView } from './view.js';

const style = `body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{padding:.3rem .4rem;text-align:left;vertical-align:top}
.lines th,.lines td{border-bottom:1px solid #ddd}.lines td:nth-child(n+2),.lines th:nth-child(n+2),.sums td:last-child{text-align:right}
.sums tr:last-child td{font-weight:bold;border-top:2px solid #1b1b1b}.issuer{color:#444}`;

const rows = (pairs: [string, string][]) =>
  pairs.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n');

/**
 * A receipt as one HTML page: no script, no external resource, every value escaped. `pdfHref`, when given, is a
 * link to the same receipt as a PDF (already a URL: it is escaped as an attribute).
 */
export function receiptHtml(view: ReceiptView, pdfHref?: string): string {
  const head = view.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const lines = view.lines.map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const sums = [...view.taxes, ...view.totals]
    .map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(view.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${view.title} ${view.number}`)}</title>
<style>${style}</style>
</head><body>
<h1>${escapeHtml(view.title)} ${escapeHtml(view.number)}</h1>
<address class="issuer">${view.issuer.map(escapeHtml).join('<br>\n')}</address>
<table class="facts">
${rows(view.facts)}
</table>
<table class="lines"><thead><tr>${head}</tr></thead>
<tbody>
${lines}
</tbody></table>
<table class="sums">
${sums}
</table>
<p>${escapeHtml(view.thanks)}</p>
${pdfHref ? `<p><a href="${escapeHtml(pdfHref)}">${escapeHtml(view.pdf)}</a></p>\n` : ''}</body></html>
`;
}
