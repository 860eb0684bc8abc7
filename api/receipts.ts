import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { mayReadReceipt } from '../billing/receipts/access.js';
import type { ReceiptFormat } from '../billing/receipts/service.js';
import { sendJson } from '../platform/http.js';
import { type ApiDeps, authenticate } from './context.js';
import { ApiError } from './errors.js';
import { isUuid } from './ids.js';

const receiptPath = /^\/receipts\/([^/]+)\.(html|pdf)$/;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Personal data, and maybe a signed link in the URL: never cached, never sent on as a referrer, never framed. */
const privateHeaders = {
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
};

const refuse = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
};

/** A signed link's verdict, when the URL carries one; else who the credential says is asking. */
async function caller(
  req: IncomingMessage,
  url: URL,
  deps: ApiDeps,
  invoiceId: string,
): Promise<{ link: true } | { principal: Principal } | { refused: string }> {
  const expires = url.searchParams.get('expires');
  const signature = url.searchParams.get('signature');
  if (expires !== null || signature !== null) {
    const check = deps.receipts.checkLink(invoiceId, expires ?? '', signature ?? '');
    if (check === 'valid') return { link: true };
    return { refused: check === 'expired' ? 'the link has expired: sign in to download the receipt' : 'the link is not valid' };
  }
  try {
    const principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
    return principal ? { principal } : { refused: 'sign in (Authorization: Bearer <token or API key>) or use the link from the mail' };
  } catch (error) {
    if (error instanceof ApiError) return { refused: error.message };
    throw error;
  }
}

/**
 * GET (or HEAD) /receipts/<invoiceId>.html and .pdf: a receipt for the driver who pays it and the issuing
 * organisation's staff (Bearer token or API key with billing:read), or for whoever holds a signed link from the
 * receipt mail. 401 without a valid credential or link, 403 for another's, 404 for no such invoice, 405 for
 * another method. `?lang=en|fr|rw` overrides the payer's language. Returns false for any other path.
 */
export async function serveReceipt(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): Promise<boolean> {
  const match = receiptPath.exec(url.pathname);
  if (!match) return false;
  const [, invoiceId, format] = match as unknown as [string, string, ReceiptFormat];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    refuse(res, 405, 'METHOD_NOT_ALLOWED', 'receipts are read with GET or HEAD', { allow: 'GET, HEAD' });
    return true;
  }
  const who = await caller(req, url, deps, invoiceId);
  if ('refused' in who) {
    refuse(res, 401, 'UNAUTHENTICATED', who.refused, { 'www-authenticate': 'Bearer' });
    return true;
  }
  const data = isUuid(invoiceId) ? await deps.receipts.find(invoiceId) : null;
  if (!data) {
    refuse(res, 404, 'NOT_FOUND', `invoice ${invoiceId} not found`);
    return true;
  }
  if ('principal' in who && !mayReadReceipt(who.principal, data.invoice)) {
    refuse(res, 403, 'FORBIDDEN', `invoice ${invoiceId} is neither yours nor your organisation's`);
    return true;
  }
  // The PDF link of the HTML page carries the same signed query, so it opens as the page did.
  const pdfHref = `${invoiceId}.pdf${url.search}`;
  const receipt = await deps.receipts.render(data, format, { language: url.searchParams.get('lang'), pdfHref });
  res.writeHead(200, {
    ...privateHeaders,
    'content-type': receipt.contentType,
    'content-length': receipt.body.length,
    'content-disposition': `inline; filename="${receipt.fileName}"`,
  });
  res.end(req.method === 'HEAD' ? undefined : receipt.body);
  return true;
}
