import type { IncomingMessage, ServerResponse } from 'node:http';
import { BillingError } from '../billing/errors.js';
import { ProviderError } from '../billing/payments/errors.js';
import type { ProviderName } from '../billing/payments/provider.js';
import type { PaymentService } from '../billing/payments/service.js';
import type { Logger } from '../platform/logger.js';
import { sendJson } from '../platform/http.js';
import { readBodyWithin } from './request-body.js';

/** Providers that call evcms back, by the path segment after /payments/. */
const callers: Record<string, ProviderName> = { momo: 'momo', airtel: 'airtel', stripe: 'stripe' };

/** A callback is small: anything larger is refused before it is read. */
const maxCallbackBytes = 64 * 1024;

const status: Record<string, number> = { BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409, FORBIDDEN: 403 };

/**
 * Provider callbacks at /payments/{provider}/...: the provider checks and parses it, evcms reads the payment's
 * status back from the provider and applies that (a callback's claim alone moves no money). Bad input gets a 4xx
 * saying what was wrong and changes nothing; a provider that cannot be reached for the read-back, a 503.
 * Resolves false for a path that is not a callback's.
 */
export async function servePaymentCallback(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  deps: { payments: PaymentService; log: Logger },
): Promise<boolean> {
  const [, , name, ...rest] = url.pathname.split('/');
  const provider = name ? callers[name] : undefined;
  if (!provider || !deps.payments.configured().includes(provider)) return false;
  const body = await readBodyWithin(req, maxCallbackBytes);
  if (body === null) {
    sendJson(res, 413, { error: `the body is larger than ${maxCallbackBytes} bytes` });
    return true;
  }
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(', ') : value]),
  );
  try {
    const attempt = await deps.payments.callback(provider, { method: req.method ?? 'GET', path: rest.join('/'), headers, body });
    // A verified event about no payment (a card saved) is received and changes nothing.
    sendJson(res, 200, attempt ? { paymentId: attempt.id, state: attempt.state } : { received: true });
  } catch (error) {
    if (error instanceof BillingError) {
      sendJson(res, status[error.code] ?? 400, { error: error.message, ...error.details });
    } else if (error instanceof ProviderError) {
      deps.log.warn({ err: error, provider }, 'payments: callback received, but the status could not be read back; the poller will');
      sendJson(res, 503, { error: 'the payment status could not be confirmed with the provider now' });
    } else {
      throw error;
    }
  }
  return true;
}
