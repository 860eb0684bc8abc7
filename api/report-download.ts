import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';
import { seesOrganisation } from '../auth/principal.js';
import { sendJson } from '../platform/http.js';
import { type ApiDeps, authenticate } from './context.js';
import { ApiError } from './errors.js';
import { serveStored } from './file-download.js';
import { isUuid } from './ids.js';

const downloadPath = /^\/reports\/([^/]+)\/download$/;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });

/** Staff who may read a report: administrators (any), operators (their organisation's); never drivers or API keys. */
const mayRead = (p: Principal, organisationId: string | null) => p.kind !== 'apiKey' && seesOrganisation(p, organisationId);

/**
 * GET (or HEAD) /reports/<id>/download: a report's file, for whoever holds a signed link to it (`Report.downloadUrl`,
 * the report mail) or for staff who may read it (Bearer token). A link opens one report until it expires; a caller
 * who also sends a credential must be one who may read the report. 401 without a valid link or credential, 403 for
 * another organisation's report, 404 for no such report, 409 while it is not built.
 */
export async function serveReportDownload(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): Promise<boolean> {
  const match = downloadPath.exec(url.pathname);
  if (!match) return false;
  const id = match[1] as string;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    refuse(res, 405, 'METHOD_NOT_ALLOWED', 'reports are downloaded with GET or HEAD');
    return true;
  }
  const linked = url.searchParams.has('signature') || url.searchParams.has('expires');
  if (linked) {
    const check = isUuid(id) ? deps.reports.checkLink(id, url.searchParams) : 'forged';
    if (check !== 'valid') {
      refuse(
        res,
        401,
        'UNAUTHENTICATED',
        check === 'expired' ? 'the link has expired: ask for a new one (reports)' : 'the link is not valid',
      );
      return true;
    }
  }
  let principal: Principal | null = null;
  try {
    principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    refuse(res, 401, 'UNAUTHENTICATED', error.message);
    return true;
  }
  if (!linked && !principal) {
    res.setHeader('www-authenticate', 'Bearer');
    refuse(res, 401, 'UNAUTHENTICATED', 'sign in (Authorization: Bearer <token>) or use the link of Report.downloadUrl');
    return true;
  }
  const report = isUuid(id) ? await deps.reports.find(id) : null;
  if (!report) {
    refuse(res, 404, 'NOT_FOUND', `report ${id} not found`);
    return true;
  }
  if (principal && !mayRead(principal, report.organisationId)) {
    refuse(res, 403, 'FORBIDDEN', `report ${id} is not your organisation's`);
    return true;
  }
  if (report.state !== 'done' || !report.fileKey) {
    refuse(res, 409, 'NOT_READY', `report ${id} is ${report.state}`);
    return true;
  }
  const extension = report.format === 'CSV' ? 'csv' : 'pdf';
  await serveStored(req, res, {
    store: deps.maintenance.store,
    key: report.fileKey,
    fileName: `${report.kind.toLowerCase()}-${report.from.toISOString().slice(0, 10)}.${extension}`,
    headers: { 'content-type': report.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/pdf', 'referrer-policy': 'no-referrer' },
  });
  return true;
}
