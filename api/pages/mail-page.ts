import type { ServerResponse } from 'node:http';
import type { SentMail } from '../../auth/mail-transport.js';
import { escapeHtml, page, pageHeaders } from './html.js';

/** Escaped text with its http(s) links made clickable. */
const linked = (text: string) => escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (href) => `<a href="${href}">${href}</a>`);

/** The development outbox at /dev/mail: the mails this process sent, newest first, their links clickable. */
export function serveMailPage(res: ServerResponse, mails: readonly SentMail[]): void {
  const items = [...mails]
    .reverse()
    .map(
      (m) => `<article><h2>${escapeHtml(m.subject)}</h2><p>to ${escapeHtml(m.to)}, ${escapeHtml(m.at.toISOString())}</p>
<pre>${linked(m.text)}</pre></article>`,
    )
    .join('\n');
  res.writeHead(200, { ...pageHeaders, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(page('en', 'Mail outbox (development)', items || '<p>No mail yet.</p>'));
}
