import { BillingError } from '../errors.js';
import { ProviderError } from './errors.js';
import type { InboundRequest, ProviderStatus } from './provider.js';

/** What the mobile money adapters share: numbers, one retry of an unanswered request, and callback parsing. */

/** "+250 788 123 456" -> "250788123456": a mobile number in international form, digits only; null when it is none. */
export function normaliseMsisdn(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '').replace(/^\+/, '');
  return /^[1-9]\d{7,14}$/.test(digits) ? digits : null;
}

export type Sent<T> = { kind: 'sent'; value: T } | { kind: 'refused'; code: string; message: string } | { kind: 'unknown' };

/**
 * Sends a payment request, once more (with the same reference) when the first got no answer or a 5xx. A 4xx to
 * the first is the provider's refusal. After a retry nothing is concluded from a refusal (the first may have got
 * through, and the retry be refused as its duplicate) nor from a second silence: `unknown`, the status decides.
 */
export async function withRetry<T>(send: () => Promise<T>, pauseMs = 250): Promise<Sent<T>> {
  const first = await once(send);
  if (!(first instanceof ProviderError)) return first;
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  const second = await once(send);
  return second instanceof ProviderError || second.kind === 'refused' ? { kind: 'unknown' } : second;
}

/** A request's fate: refused (failed, with the provider's code), sent (pending the payer), or not known (pending, polled). */
export function answerOf(sent: Sent<unknown>): ProviderStatus {
  if (sent.kind === 'refused') return { state: 'failed', reason: sent.code };
  return sent.kind === 'unknown' ? { state: 'pending', reason: 'NO_ANSWER' } : { state: 'pending' };
}

/** One send: what it got, the provider's refusal, or the retryable error. */
async function once<T>(send: () => Promise<T>): Promise<Sent<T> | ProviderError> {
  try {
    return { kind: 'sent', value: await send() };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    if (error.retryable) return error;
    return { kind: 'refused', code: error.providerCode ?? `HTTP_${error.status ?? 'ERROR'}`, message: error.message };
  }
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A callback's JSON body, refused (BAD_USER_INPUT) when the method is not one the provider uses or the body is no JSON object. */
export function parseCallbackBody(request: InboundRequest, methods: string[]): Record<string, unknown> {
  if (!methods.includes(request.method)) {
    throw new BillingError('BAD_USER_INPUT', `method: expected ${methods.join(' or ')}, got ${request.method}`, 'method');
  }
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    throw new BillingError('BAD_USER_INPUT', 'body: not JSON', 'body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BillingError('BAD_USER_INPUT', 'body: not a JSON object', 'body');
  return body as Record<string, unknown>;
}

/**
 * The attempt a callback is about: the id at the end of its path (`callback/<id>`, the URL evcms gave) or, on the
 * bare `callback`, the id the body names. Both given, they must agree.
 */
export function callbackReference(path: string, fromBody: string | null): string {
  const match = /^callback(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) throw new BillingError('BAD_USER_INPUT', `path: no callback at ${JSON.stringify(path)}`, 'path');
  const fromPath = match[1] ?? null;
  if (fromPath && fromBody && fromPath !== fromBody) {
    throw new BillingError('BAD_USER_INPUT', 'externalId: names another payment than the callback URL', 'externalId');
  }
  const reference = fromPath ?? fromBody;
  if (!reference || !uuid.test(reference))
    throw new BillingError('BAD_USER_INPUT', 'reference: no payment id in the callback', 'reference');
  return reference.toLowerCase();
}
