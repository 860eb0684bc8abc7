import { ProviderError } from './errors.js';

export interface ProviderResponse {
  status: number;
  /** The body parsed as JSON, or null when it is empty or not JSON. */
  json: unknown;
  text: string;
}

/**
 * One HTTP call to a provider over fetch, within `timeoutMs`. A timeout or a connection failure is a retryable
 * ProviderError; any HTTP answer is returned for the client to judge. Nothing of the request (its headers carry
 * credentials) goes into an error.
 */
export async function callProvider(
  provider: string,
  request: { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<ProviderResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const name = (error as Error).name;
    const what = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${request.timeoutMs} ms` : 'unreachable';
    throw new ProviderError(provider, `${request.method} ${new URL(request.url).pathname}: ${what}`, { retryable: true });
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ProviderError(provider, `${request.method} ${new URL(request.url).pathname}: the answer was cut off`, { retryable: true });
  }
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, json, text };
}

/** A provider's answer it did not mean as success: 5xx retryable, 4xx a refusal with the provider's code and message. */
export function refusal(provider: string, what: string, response: ProviderResponse, code?: string, message?: string): ProviderError {
  const said = [code, message].filter(Boolean).join(': ') || response.text.slice(0, 200) || 'no body';
  return new ProviderError(provider, `${what}: HTTP ${response.status} (${said})`, {
    status: response.status,
    ...(code ? { code } : {}),
    retryable: response.status >= 500 || response.status === 429,
  });
}

/** A bearer token, fetched when missing or about to expire, one fetch at a time however many callers wait for it. */
export class TokenCache {
  private token: { value: string; until: number } | null = null;
  private fetching: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    this.fetching ??= this.fetchToken()
      .then(({ token, expiresInSeconds }) => {
        // Renewed a minute early (or at half its life, for a short one), so a call never carries an expiring token.
        const margin = Math.min(60, expiresInSeconds / 2) * 1000;
        this.token = { value: token, until: this.now() + expiresInSeconds * 1000 - margin };
        return token;
      })
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }

  /** Forgets the token (the provider said 401): the next call fetches a new one. */
  drop(): void {
    this.token = null;
  }
}

/** A call with the cache's bearer token; a 401 drops the token and makes the call once more with a new one. */
export async function withBearer(tokens: TokenCache, call: (token: string) => Promise<ProviderResponse>): Promise<ProviderResponse> {
  const first = await call(await tokens.get());
  if (first.status !== 401) return first;
  tokens.drop();
  return call(await tokens.get());
}

/** An OAuth-style token answer ({ access_token, expires_in }, expires_in as a number or as text). */
export function tokenOf(provider: string, response: ProviderResponse): { token: string; expiresInSeconds: number } {
  const body = response.json as { access_token?: unknown; expires_in?: unknown } | null;
  const expires = Number(body?.expires_in);
  if (typeof body?.access_token !== 'string' || !Number.isFinite(expires) || expires <= 0) {
    throw new ProviderError(provider, 'token: the answer has no access_token and expires_in', { retryable: true });
  }
  return { token: body.access_token, expiresInSeconds: expires };
}
