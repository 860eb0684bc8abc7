import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import type { LogTransport } from '../auth/mail-transport.js';
import { sendJson } from '../platform/http.js';
import { serveProbe } from '../platform/probes.js';
import { checkDocument } from './apollo.js';
import { type ApiContext, type ApiDeps, authenticate, createContext } from './context.js';
import { ApiError, type FormatOptions, formatError } from './errors.js';
import { serveIdeAsset, serveIdePage } from './ide/page.js';
import type { QueryLimits } from './limits.js';
import type { LiveAccess } from './live-access.js';
import { serveAccountPage } from './pages/account-pages.js';
import { serveMailPage } from './pages/mail-page.js';
import { serveReceipt } from './receipts.js';
import { serveReportDownload } from './report-download.js';
import { serveFiles } from './files.js';
import { servePaymentCallback } from './payment-callbacks.js';
import { serveSql } from './sql-endpoint.js';
import { readBodyWithin, refuseLargeBody } from './request-body.js';

const clientIp = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface HttpParts {
  deps: ApiDeps;
  apollo: ApolloServer<ApiContext>;
  limits: QueryLimits;
  formatting: FormatOptions;
  live: LiveAccess;
}

/**
 * The API's HTTP requests: the probes, the IDE page, analysts' SQL (/sql), payment providers' callbacks, and GraphQL at /graphql (the caller authenticated,
 * the body read within its cap, the document checked against the limits, then Apollo).
 */
export function httpHandler(parts: HttpParts): (req: IncomingMessage, res: ServerResponse) => void {
  const { deps, apollo, limits, formatting, live } = parts;
  return (req, res) => {
    handle().catch((error: { status?: number; message?: string }) => {
      if (!res.headersSent) sendJson(res, error.status ?? 500, { errors: [{ message: error.status ? error.message : 'internal error' }] });
      else res.destroy();
    });
    async function handle() {
      if (await serveProbe(req, res, deps)) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/account/') && (await serveAccountPage(req, res, url, deps.accounts))) return;
      if (url.pathname.startsWith('/receipts/') && (await serveReceipt(req, res, url, deps))) return;
      if (url.pathname.startsWith('/reports/') && (await serveReportDownload(req, res, url, deps))) return;
      if (url.pathname.startsWith('/files/') && (await serveFiles(req, res, url, deps))) return;
      if (url.pathname.startsWith('/payments/') && (await servePaymentCallback(req, res, url, deps))) return;
      if (url.pathname === '/sql') return serveSql(req, res, url, deps);
      const transport = deps.mail.transport;
      if (url.pathname === '/dev/mail' && deps.config.NODE_ENV !== 'production' && 'sent' in transport)
        return serveMailPage(res, transport.sent as LogTransport['sent']);
      if (url.pathname.startsWith('/graphql/ide/') && req.method === 'GET' && (await serveIdeAsset(res, url.pathname.slice(13)))) return;
      if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'not found: the API is at /graphql' }] });
      if (req.method === 'GET' && !url.search && (req.headers.accept ?? '').includes('text/html')) {
        return serveIdePage(res);
      }
      let principal: ApiContext['principal'];
      try {
        principal = await authenticate(deps, header(req.headers.authorization), header(req.headers['x-api-key']));
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return sendJson(res, 401, { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers))
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const text = req.method === 'POST' ? await readBodyWithin(req) : '';
      if (text === null) return refuseLargeBody(req, res);
      let body: unknown = text;
      if (text && (headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = JSON.parse(text);
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      const refused = checkDocument(body, url, limits);
      if (refused) return sendJson(res, 400, { errors: [formatError(refused.toJSON(), refused, formatting)] });
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => createContext(deps, principal, clientIp(req), live),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') return void res.end(result.body.string);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };
}
