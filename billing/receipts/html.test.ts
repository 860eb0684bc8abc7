import { describe, expect, it } from 'vitest';
import { receiptHtml } from './html.js';
import { aReceiptData } from './test-builders.js';
import { receiptView } from './view.js';

describe('a receipt as an HTML page', () => {
  it('shows every fact, line and total, in the page’s language', () => {
    const html = receiptHtml(receiptView(aReceiptData(), 'fr'));
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Reçu KGL-2026-000042</h1>');
    expect(html).toContain('<th scope="row">Borne</th><td>KGL-CP-001 (Kigali Heights 1)</td>');
    expect(html).toContain('<td>Énergie</td>');
    expect(html).toContain('<td>TTC</td><td>3\u00a0904\u00a0RWF</td>');
    expect(html).toContain('Kigali Charge Ltd<br>');
  });

  it('escapes whatever an operator or a driver typed: names, addresses, reasons', () => {
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const data = aReceiptData({
      invoice: { kind: 'credit_note', priced: null, reason: hostile, creditOfNumber: 'A&B' },
      issuer: { legalName: hostile, address: `"quoted" 'street'\n${hostile}` },
      payer: { name: hostile },
      session: { stationName: hostile, siteName: hostile },
    });
    const html = receiptHtml(receiptView(data, 'en'), `x.pdf?a=1&b="2"`);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &#39;street&#39;');
    expect(html).toContain('A&amp;B');
    expect(html).toContain('<a href="x.pdf?a=1&amp;b=&quot;2&quot;">Download the PDF</a>');
  });

  it('has no script, no external resource and no link to a PDF unless given one', () => {
    const html = receiptHtml(receiptView(aReceiptData(), 'en'));
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(html).not.toContain('<a ');
  });
});
