import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What a fake provider received: for tests that check the request's shape. */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: unknown;
}

/** A fault the next matching requests meet: an HTTP status with a body, or no answer for `hangMs`. */
export interface Fault {
  /** The method and path it applies to, e.g. `POST /collection/v1_0/requesttopay`; a prefix matches. */
  route: string;
  times: number;
  status?: number;
  body?: unknown;
  /** Answer only after this long (longer than the client's timeout: a timeout). */
  hangMs?: number;
}

export type Handler = (request: Received) => Promise<{ status: number; body?: unknown }> | { status: number; body?: unknown };

/**
 * The HTTP part of a fake provider: a server on port 0 that logs each request, applies the faults set for it,
 * then answers with the handler's JSON. For tests and the demo, never a payment method of evcms.
 */
export class FakeHttp {
  readonly received: Received[] = [];
  private readonly faults: Fault[] = [];
  private server: Server | null = null;
  private readonly hanging = new Set<NodeJS.Timeout>();
  url = '';

  constructor(private readonly handler: Handler) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  /** The next `times` requests on `route` meet this fault. */
  fault(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** No more faults: the next requests are answered as they come. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.hanging) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
    const request: Received = { method: req.method ?? 'GET', path: new URL(req.url ?? '/', 'http://x').pathname, headers, body };
    this.received.push(request);
    const fault = this.faults.find((f) => f.times > 0 && `${request.method} ${request.path}`.startsWith(f.route));
    if (fault) {
      fault.times -= 1;
      if (fault.hangMs) await new Promise<void>((resolve) => this.hanging.add(setTimeout(resolve, fault.hangMs)));
      if (fault.status) return send(res, fault.status, fault.body);
    }
    try {
      const answer = await this.handler(request);
      send(res, answer.status, answer.body);
    } catch (error) {
      send(res, 500, { code: 'INTERNAL_PROCESSING_ERROR', message: (error as Error).message });
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, text ? { 'content-type': 'application/json' } : {});
  res.end(text);
}

/** POSTs or PUTs a callback as a provider would: once, whatever the answer (MoMo does not retry). */
export async function sendCallback(url: string, method: 'PUT' | 'POST', body: unknown): Promise<number | null> {
  try {
    const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.text();
    return response.status;
  } catch {
    return null;
  }
}

export const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A port free now, for a server whose URL must be known before it starts (a callback URL in its config). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** What the fake providers share: the HTTP server, the bearer tokens they issued, the faults to meet. */
export abstract class FakeProvider {
  tokensIssued = 0;
  private readonly tokens = new Set<string>();
  private readonly http = new FakeHttp((request) => this.handle(request));

  protected abstract handle(request: Received): { status: number; body?: unknown };

  /** Listens on a port of its own (port 0). */
  async listen(): Promise<this> {
    await this.http.start();
    return this;
  }

  get url(): string {
    return this.http.url;
  }

  get received(): Received[] {
    return this.http.received;
  }

  fault(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.http.fault(fault);
  }

  clearFaults(): void {
    this.http.clearFaults();
  }

  /** Every token issued so far stops working (as after expiry): the next call gets 401. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  protected issueToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.add(token);
    this.tokensIssued += 1;
    return token;
  }

  /** Whether an Authorization header carries a bearer token this fake issued and has not revoked. */
  protected bearerOk(authorization: string | undefined): boolean {
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    return bearer !== undefined && this.tokens.has(bearer);
  }
}
