import { BillingError } from '../errors.js';
import { AirtelClient, type AirtelSettings, type AirtelTransactionStatus } from './airtel-client.js';
import { majorText } from './amounts.js';
import { answerOf, callbackReference, parseCallbackBody, withRetry } from './mobile-money.js';
import {
  type CallbackClaim,
  type InboundRequest,
  type PaymentProvider,
  type ProviderStatus,
  noSavedMethods,
  unsupported,
} from './provider.js';
import type { PaymentState } from './states.js';

/** The calling codes of the countries Airtel Money serves: Airtel wants the number without it. */
const callingCodes: Record<string, string> = {
  CD: '243',
  CG: '242',
  GA: '241',
  KE: '254',
  MG: '261',
  MW: '265',
  NE: '227',
  NG: '234',
  RW: '250',
  SC: '248',
  TD: '235',
  TZ: '255',
  UG: '256',
  ZM: '260',
};

export const airtelCountries = Object.keys(callingCodes);

/** "250731234567" in RW -> "731234567"; refused when the number is not of that country. */
export function airtelMsisdn(msisdn: string, country: string): string {
  const code = callingCodes[country];
  if (!code || !msisdn.startsWith(code) || msisdn.length - code.length < 7) {
    throw new BillingError(
      'BAD_USER_INPUT',
      `msisdn: expected a number of ${country} (+${code ?? '?'}...), the country of the Airtel account`,
      'msisdn',
    );
  }
  return msisdn.slice(code.length);
}

/** TS is money taken; TF failed and TE expired take none; TIP (in progress) and TA (ambiguous) are asked again. */
const states: Record<string, PaymentState> = { TS: 'captured', TF: 'failed', TE: 'failed', TIP: 'pending', TA: 'pending' };

export const airtelState = (status: AirtelTransactionStatus): PaymentState => states[status] ?? 'pending';

/**
 * Airtel Money collections behind the PaymentProvider interface: a USSD push asking the subscriber for their PIN;
 * the money is taken when they enter it. Airtel sends its callback to the URL registered for the application in
 * its portal (not per request); its claim is read back with the enquiry before anything is credited.
 */
export function airtelProvider(settings: AirtelSettings, client = new AirtelClient(settings)): PaymentProvider {
  return {
    name: 'airtel',
    fundsFrom: 'provider_clearing',
    currency: settings.currency,
    createPayer: unsupported('Airtel Money has no customers: each payment names the subscriber by their number'),
    ...noSavedMethods('Airtel Money has no saved methods: each payment names the subscriber by their number'),
    capture: unsupported('Airtel Money takes the money when the subscriber enters their PIN: nothing is held to capture'),
    cancel: unsupported('a USSD push cannot be withdrawn: Airtel ends it when the subscriber does not answer'),
    refund: unsupported('not done by evcms yet (Airtel has POST /standard/v1/payments/refund)'),

    async authorise(request): Promise<ProviderStatus> {
      if (request.capture === 'manual')
        throw new BillingError('BAD_USER_INPUT', 'Airtel Money holds no money: it is taken on the PIN', 'method');
      if (!request.payer.msisdn) throw new BillingError('BAD_USER_INPUT', 'msisdn: Airtel Money needs the number that pays', 'msisdn');
      const msisdn = airtelMsisdn(request.payer.msisdn, settings.country);
      const sent = await withRetry(() =>
        client.pay({
          reference: request.description.slice(0, 64),
          subscriber: { country: settings.country, currency: settings.currency, msisdn },
          // Airtel takes the amount as a JSON number of major units; the text is exact, and so is the number for it.
          transaction: {
            amount: Number(majorText(request.amountMinor, request.currency)),
            country: settings.country,
            currency: request.currency,
            id: request.reference,
          },
        }),
      );
      return answerOf(sent);
    },

    async status(reference: string): Promise<ProviderStatus> {
      const transaction = await client.enquiry(reference);
      if (!transaction) return { state: 'pending', notFound: true, reason: 'NOT_FOUND' };
      return {
        state: airtelState(transaction.status ?? ''),
        reason: transaction.status ?? null,
        transactionId: transaction.airtel_money_id ?? null,
      };
    },

    verifyCallback(request: InboundRequest): CallbackClaim {
      const body = parseCallbackBody(request, ['POST']) as { transaction?: { id?: unknown; status_code?: unknown } };
      const id = typeof body.transaction?.id === 'string' ? body.transaction.id : null;
      const reference = callbackReference(request.path, id);
      const claimed = typeof body.transaction?.status_code === 'string' ? airtelState(body.transaction.status_code) : null;
      return { reference, claimed, verified: false };
    },
  };
}
