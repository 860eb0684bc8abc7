import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, paymentSettings } from './config.js';

const momo = {
  MOMO_BASE_URL: 'https://sandbox.momodeveloper.mtn.com',
  MOMO_SUBSCRIPTION_KEY: 'a-subscription-key',
  MOMO_API_USER: '3c4b2f7e-8a5d-4f1e-9b2c-6d7e8f9a0b1c',
  MOMO_API_KEY: 'an-api-key-of-the-user',
  MOMO_TARGET_ENVIRONMENT: 'sandbox',
  MOMO_CURRENCY: 'EUR',
};
const stripe = { STRIPE_SECRET_KEY: 'sk_test_0123456789abcdef', STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdef' };
const airtel = {
  AIRTEL_BASE_URL: 'https://openapiuat.airtel.africa',
  AIRTEL_CLIENT_ID: 'a-client',
  AIRTEL_CLIENT_SECRET: 'a-client-secret',
  AIRTEL_COUNTRY: 'RW',
  AIRTEL_CURRENCY: 'RWF',
};

describe('configuration from the environment', () => {
  it('serves local use with defaults', () => {
    const config = loadConfig({});
    expect(config.OCPP_PORT).toBe(8180);
    expect(config.API_PORT).toBe(4000);
    expect(config.API_MAX_QUERY_BYTES).toBe(65_536);
    expect(config.ROLES).toEqual(['ocpp', 'api', 'workers']);
    expect(config.CLICKHOUSE_URL).toBeUndefined();
  });

  it.each([
    [{ OCPP_PORT: 'eighty' }, /^OCPP_PORT: expected a port number/],
    [{ API_PORT: '70000' }, /^API_PORT: expected a port number/],
    [{ DATABASE_URL: 'mysql://localhost/x' }, /^DATABASE_URL: expected a URL starting with postgres:\/\//],
    [{ REDIS_URL: 'nope' }, /^REDIS_URL: expected a URL/],
    [{ CLICKHOUSE_URL: 'ftp://x' }, /^CLICKHOUSE_URL: expected a URL starting with http:\/\//],
    [{ ROLES: 'api,billing' }, /^ROLES: expected a comma-separated list of ocpp, api, workers; got "billing"/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ TELEMETRY_FLUSH_INTERVAL: 'often' }, /^TELEMETRY_FLUSH_INTERVAL: expected a number of seconds/],
    [{ TELEMETRY_FLUSH_INTERVAL: '600' }, /^TELEMETRY_FLUSH_INTERVAL: expected at most 60 seconds/],
    [{ OCPP_REUSE_PORT: 'yes' }, /^OCPP_REUSE_PORT: expected 0, 1, true or false/],
    [{ API_MAX_QUERY_BYTES: '512' }, /^API_MAX_QUERY_BYTES: expected at least 1024 bytes/],
    [{ API_MAX_QUERY_BYTES: '2000000' }, /^API_MAX_QUERY_BYTES: expected at most 1000000 bytes/],
    [{ WRITE_BEHIND_INTERVAL: '0' }, /^WRITE_BEHIND_INTERVAL: expected at least 0.1 seconds/],
    [{ ADMIN_PASSWORD: 'short' }, /^ADMIN_PASSWORD: expected at least 12 characters$/],
    [{ OCPP_TLS_CERT: '/x.pem' }, /^OCPP_TLS_CERT: expected OCPP_TLS_CERT and OCPP_TLS_KEY to be set together/],
    [{ NODE_ENV: 'production' }, /^SECRET_KEY: expected a secret/],
    [{ REDIS_DURABILITY: 'maybe' }, /^REDIS_DURABILITY: expected require, warn or off \(got "maybe"\)/],
    [{ API_URL: 'api.example.com' }, /^API_URL: expected a URL starting with http:\/\/ or https:\/\//],
    [{ API_URL: 'https://api.example.com/?x=1' }, /^API_URL: expected a URL without a query or fragment/],
    [{ RECEIPT_LINK_DAYS: '0' }, /^RECEIPT_LINK_DAYS: expected 1 to 366 days/],
    [{ RECEIPT_LINK_DAYS: '2.5' }, /^RECEIPT_LINK_DAYS: expected a whole number of days/],
    [{ MOMO_BASE_URL: 'https://sandbox.momodeveloper.mtn.com' }, /^MOMO_SUBSCRIPTION_KEY: expected with MOMO_BASE_URL/],
    [{ ...momo, MOMO_API_USER: 'someone' }, /^MOMO_API_USER: expected the API user, a UUID \(got "someone"\)/],
    [{ ...momo, MOMO_CURRENCY: 'XYZ' }, /^MOMO_CURRENCY: expected an ISO 4217 currency code/],
    [{ ...momo, MOMO_CALLBACK_URL: 'ftp://x' }, /^MOMO_CALLBACK_URL: expected a URL/],
    [
      { ...momo, MOMO_DISBURSEMENT_API_USER: '3c4b2f7e-8a5d-4f1e-9b2c-6d7e8f9a0b1d' },
      /^MOMO_DISBURSEMENT_SUBSCRIPTION_KEY: expected with MOMO_DISBURSEMENT_API_USER \(MoMo refunds need all of MOMO_DISBURSEMENT_\*\)/,
    ],
    [{ MOMO_DISBURSEMENT_API_KEY: 'an-api-key-of-the-user' }, /^MOMO_BASE_URL: expected with MOMO_DISBURSEMENT_API_KEY/],
    [{ FTP_PORT: 'twenty-one' }, /^FTP_PORT: expected a port number/],
    [
      { S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com' },
      /^S3_BUCKET: expected with S3_ENDPOINT \(S3_\* stores maintenance files in a bucket\)/,
    ],
    [{ S3_BUCKET: 'Not_A_Bucket' }, /^S3_BUCKET: expected a bucket name/],
    [{ S3_PREFIX: '/evcms' }, /^S3_PREFIX: expected folders ending in \//],
    [{ DIAGNOSTICS_MAX_BYTES: '100' }, /^DIAGNOSTICS_MAX_BYTES: expected at least 1024 bytes/],
    [{ DIAGNOSTICS_RETENTION_DAYS: '0' }, /^DIAGNOSTICS_RETENTION_DAYS: expected 1 to 3650 days/],
    [{ DIAGNOSTICS_UPLOAD_MINUTES: 'soon' }, /^DIAGNOSTICS_UPLOAD_MINUTES: expected a number of minutes/],
    [{ FIRMWARE_MAX_BYTES: '1.5' }, /^FIRMWARE_MAX_BYTES: expected a whole number of bytes/],
    [{ FIRMWARE_CAMPAIGN_TICK: '0' }, /^FIRMWARE_CAMPAIGN_TICK: expected at least 0.2 seconds/],
    [{ AIRTEL_CLIENT_ID: 'client' }, /^AIRTEL_BASE_URL: expected with AIRTEL_CLIENT_ID/],
    [{ ...airtel, AIRTEL_COUNTRY: 'FR' }, /^AIRTEL_COUNTRY: expected one of /],
    [{ STRIPE_API_URL: 'http://127.0.0.1:12111' }, /^STRIPE_SECRET_KEY: expected with STRIPE_API_URL/],
    [{ STRIPE_SECRET_KEY: stripe.STRIPE_SECRET_KEY }, /^STRIPE_WEBHOOK_SECRET: expected with STRIPE_SECRET_KEY/],
    [{ ...stripe, STRIPE_API_URL: 'ftp://x' }, /^STRIPE_API_URL: expected a URL/],
  ])('stops on %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('requires a durable Redis in production, and only warns elsewhere, unless told otherwise', () => {
    const secret = { SECRET_KEY: 'x'.repeat(32) };
    expect(loadConfig({ NODE_ENV: 'production', ...secret }).REDIS_DURABILITY).toBe('require');
    expect(loadConfig({ NODE_ENV: 'production', REDIS_DURABILITY: 'warn', ...secret }).REDIS_DURABILITY).toBe('warn');
    expect(loadConfig({}).REDIS_DURABILITY).toBe('warn');
    expect(loadConfig({ REDIS_DURABILITY: 'off' }).REDIS_DURABILITY).toBe('off');
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'tiny' })).toThrow(/^ADMIN_PASSWORD: expected at least 12 characters$/);
    expect(() => loadConfig({ ...momo, MOMO_API_KEY: 'short' })).toThrow(/^MOMO_API_KEY: expected the API key of MOMO_API_USER$/);
    expect(() => loadConfig({ ...airtel, AIRTEL_CLIENT_SECRET: 'short' })).toThrow(/^AIRTEL_CLIENT_SECRET: expected the client secret/);
    expect(() => loadConfig({ ...stripe, STRIPE_SECRET_KEY: 'pk_test_publishable1234' })).toThrow(
      /^STRIPE_SECRET_KEY: expected a secret or restricted key[^"]*$/,
    );
    expect(() => loadConfig({ ...stripe, STRIPE_WEBHOOK_SECRET: 'nope' })).toThrow(/^STRIPE_WEBHOOK_SECRET: expected the webhook[^"]*$/);
  });

  it('leaves each payment provider off until configured, and reads it whole once it is', () => {
    expect(paymentSettings(loadConfig({}))).toEqual({ momo: null, airtel: null, stripe: null });
    expect(paymentSettings(loadConfig(stripe)).stripe).toEqual({
      secretKey: stripe.STRIPE_SECRET_KEY,
      webhookSecret: stripe.STRIPE_WEBHOOK_SECRET,
      apiUrl: null,
    });
    const settings = paymentSettings(loadConfig({ ...momo, ...airtel }));
    expect(settings.momo).toMatchObject({ targetEnvironment: 'sandbox', currency: 'EUR', callbackUrl: null });
    expect(settings.airtel).toMatchObject({ country: 'RW', currency: 'RWF' });
    expect(() => loadConfig({ ...momo, NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(32) })).toThrow(
      /^MOMO_TARGET_ENVIRONMENT: sandbox takes no real money/,
    );
  });
});
