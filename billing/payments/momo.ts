import { isCurrency } from '../currency.js';
import { BillingError } from '../errors.js';
import { majorText, minorFromText } from './amounts.js';
import { answerOf, callbackReference, parseCallbackBody, withRetry } from './mobile-money.js';
import { MomoClient, type MomoRequestToPayResult, type MomoSettings, momoReason } from './momo-client.js';
import { momoRefund } from './momo-refund.js';
import {
  type CallbackClaim,
  type InboundRequest,
  type PaymentProvider,
  type PaymentRequest,
  type ProviderStatus,
  noSavedMethods,
  unsupported,
} from './provider.js';
import type { PaymentState } from './states.js';

const states: Record<string, PaymentState> = { PENDING: 'pending', SUCCESSFUL: 'captured', FAILED: 'failed' };

/** MTN's answer in evcms's words: SUCCESSFUL is money taken, FAILED none, PENDING not yet. */
export function momoStatus(result: MomoRequestToPayResult): ProviderStatus {
  const amountMinor = isCurrency(result.currency) ? minorFromText(String(result.amount), result.currency) : null;
  return {
    state: states[result.status] ?? 'pending',
    reason: momoReason(result),
    transactionId: result.financialTransactionId ?? null,
    amountMinor,
    currency: result.currency,
  };
}

/** The callback URL of one attempt: MOMO_CALLBACK_URL with the attempt's id as its last path segment. */
export function momoCallbackUrl(base: string | null, reference: string): string | null {
  if (!base) return null;
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${reference}`;
  return url.toString();
}

/**
 * MTN MoMo Collection behind the PaymentProvider interface: a request-to-pay for `amountMinor`, approved (or not)
 * by the payer on their phone; the money is taken on approval, so nothing is held, captured or cancelled.
 */
export function momoProvider(settings: MomoSettings, client = new MomoClient(settings)): PaymentProvider {
  return {
    name: 'momo',
    fundsFrom: 'provider_clearing',
    currency: settings.currency,
    createPayer: unsupported('MoMo has no customers: each request names the payer by their number'),
    ...noSavedMethods('MoMo has no saved methods: each request names the payer by their number'),
    capture: unsupported('MoMo takes the money when the payer approves: nothing is held to capture'),
    cancel: unsupported('a request-to-pay cannot be withdrawn: MTN ends it when the payer does not answer'),
    refund: momoRefund(settings),

    async authorise(request: PaymentRequest): Promise<ProviderStatus> {
      if (request.capture === 'manual') throw new BillingError('BAD_USER_INPUT', 'MoMo holds no money: it is taken on approval', 'method');
      const msisdn = request.payer.msisdn;
      if (!msisdn) throw new BillingError('BAD_USER_INPUT', 'msisdn: MoMo needs the number that pays', 'msisdn');
      const note = request.description.slice(0, 160);
      const sent = await withRetry(() =>
        client.requestToPay(
          request.reference,
          {
            amount: majorText(request.amountMinor, request.currency),
            currency: request.currency,
            externalId: request.reference,
            payer: { partyIdType: 'MSISDN', partyId: msisdn },
            payerMessage: note,
            payeeNote: note,
          },
          momoCallbackUrl(settings.callbackUrl, request.reference),
        ),
      );
      return answerOf(sent);
    },

    async status(reference: string): Promise<ProviderStatus> {
      const result = await client.requestToPayStatus(reference);
      return result ? momoStatus(result) : { state: 'pending', notFound: true, reason: 'NOT_FOUND' };
    },

    verifyCallback(request: InboundRequest): CallbackClaim {
      const body = parseCallbackBody(request, ['PUT', 'POST']) as Partial<MomoRequestToPayResult>;
      const reference = callbackReference(request.path, typeof body.externalId === 'string' ? body.externalId : null);
      return { reference, claimed: typeof body.status === 'string' ? (states[body.status] ?? null) : null, verified: false };
    },
  };
}
