import { createHash } from 'node:crypto';
import { isCurrency } from '../currency.js';
import { majorText, minorFromText } from './amounts.js';
import { withRetry } from './mobile-money.js';
import { MomoClient, type MomoRefundResult, type MomoSettings, momoReason } from './momo-client.js';
import { type PaymentProvider, type ProviderStatus, unsupported } from './provider.js';

/**
 * A refund's X-Reference-Id: a UUID (in the version 4 form MTN asks for) made from evcms's idempotency key, so a
 * retry of the same refund (or a second operator's same click) names the same refund at MTN.
 */
export function momoRefundReference(key: string): string {
  const bytes = createHash('sha256').update(`momo-refund:${key}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A refund's result in evcms's words: SUCCESSFUL is money given back; FAILED leaves the payment captured. */
export function momoRefundStatus(result: MomoRefundResult): ProviderStatus {
  if (result.status === 'PENDING') return { state: 'pending', reason: 'PENDING: MTN has not settled the refund yet; ask again' };
  if (result.status === 'FAILED') return { state: 'captured', reason: momoReason(result) ?? 'REFUND_FAILED' };
  return {
    state: 'refunded',
    amountMinor: isCurrency(result.currency) ? minorFromText(String(result.amount), result.currency) : null,
    currency: result.currency,
    transactionId: result.financialTransactionId ?? null,
  };
}

/**
 * MoMo refunds through the account's Disbursement product (POST /disbursement/v1_0/refund naming the
 * request-to-pay), then its status read back a few times: MTN settles a refund in its own time, and one still
 * pending is left to a retry of the same refund (the same key, so the same X-Reference-Id: MTN answers 409 and
 * evcms reads the status again), which the ledger posts once.
 */
export function momoRefund(settings: MomoSettings, options: { polls?: number; pollMs?: number } = {}): PaymentProvider['refund'] {
  if (!settings.disbursement) {
    return unsupported('MoMo gives money back through the Disbursement product: set MOMO_DISBURSEMENT_* (docs/configuration.md)');
  }
  const client = new MomoClient(settings, 'disbursement');
  const polls = options.polls ?? 8;
  const pollMs = options.pollMs ?? 250;
  return async (reference, amountMinor, key) => {
    const referenceId = momoRefundReference(key);
    const note = `refund ${key}`.slice(0, 160);
    const sent = await withRetry(() =>
      client.refund(referenceId, {
        amount: majorText(amountMinor, settings.currency),
        currency: settings.currency,
        externalId: referenceId,
        payerMessage: note,
        payeeNote: note,
        referenceIdToRefund: reference,
      }),
    );
    if (sent.kind === 'refused') return { state: 'captured', reason: sent.code };
    for (let poll = 0; poll < polls; poll++) {
      const result = await client.refundStatus(referenceId).catch(() => null);
      if (result && result.status !== 'PENDING') return momoRefundStatus(result);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return { state: 'pending', reason: 'PENDING: MTN has not settled the refund yet; ask again' };
  };
}
