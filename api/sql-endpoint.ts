import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnalystSqlError, type AnalystFormat, runAnalystSql } from '../analytics/analyst-sql.js';
import { sendJson } from '../platform/http.js';
import { type ApiDeps, authenticate } from './context.js';
import { ApiError } from './errors.js';
import { readBodyWithin } from './request-body.js';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });

/**
 * `POST /sql`: an administrator's SQL, run read-only against the warehouse (analytics/analyst-sql.ts). The body is
 * the query as text (or JSON `{ "query": ... }`); `?format=` picks TabSeparatedWithNames (default), CSVWithNames
 * or JSONEachRow. Embedded, this is how SQL from outside reaches chDB: one process holds its data directory.
 */
export async function serveSql(req: IncomingMessage, res: ServerResponse, url: URL, deps: ApiDeps): Promise<void> {
  if (req.method !== 'POST') return refuse(res, 405, 'BAD_REQUEST', 'POST the query to /sql');
  let principal: Awaited<ReturnType<typeof authenticate>>;
  try {
    principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return refuse(res, 401, 'UNAUTHENTICATED', error.message);
  }
  if (!principal) return refuse(res, 401, 'UNAUTHENTICATED', 'sign in as an administrator');
  if (principal.kind !== 'user' || principal.role !== 'ADMIN') return refuse(res, 403, 'FORBIDDEN', '/sql is for administrators');
  const text = await readBodyWithin(req, 64 * 1024);
  if (text === null) return refuse(res, 413, 'BAD_REQUEST', 'query: at most 64 KB');
  let query = text;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      query = String((JSON.parse(text) as { query?: unknown }).query ?? '');
    } catch {
      return refuse(res, 400, 'BAD_USER_INPUT', 'the body is not JSON');
    }
  }
  try {
    const answer = await runAnalystSql(deps.warehouse, query, (url.searchParams.get('format') ?? undefined) as AnalystFormat | undefined);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(answer);
  } catch (error) {
    if (error instanceof AnalystSqlError) return refuse(res, 400, 'BAD_USER_INPUT', error.message);
    throw error;
  }
}
