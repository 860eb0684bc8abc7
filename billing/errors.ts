/** A billing request that cannot be carried out as asked; `code` maps to the API's (api/errors.ts), `details.field` names the input. */
export class BillingError extends Error {
  readonly details: Record<string, unknown>;
  constructor(
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'PAYMENT_DECLINED',
    message: string,
    field?: string,
  ) {
    super(message);
    this.details = field ? { field } : {};
  }
}

export const badTariff = (message: string, field?: string) => new BillingError('BAD_USER_INPUT', message, field);
