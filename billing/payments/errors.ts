/**
 * A provider's API did not do what was asked: refused it (`status` 4xx, with the provider's `code`) or could not
 * be reached or failed (`retryable`: a timeout, a connection error, a 5xx). The message never holds a credential.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly options: { status?: number; code?: string; retryable: boolean },
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }

  get status(): number | undefined {
    return this.options.status;
  }

  get retryable(): boolean {
    return this.options.retryable;
  }

  get providerCode(): string | undefined {
    return this.options.code;
  }
}
