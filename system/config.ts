import { z } from 'zod';
import { isCurrency } from '../billing/currency.js';
import { airtelCountries } from '../billing/payments/airtel.js';
import type { PaymentSettings } from '../billing/payments/providers.js';

/** Every setting evcms reads from the environment, with the defaults that serve local use. */
const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a port number (0 to 65535)' })
    .int('expected a whole port number')
    .min(0, 'expected a port number (0 to 65535)')
    .max(65535, 'expected a port number (0 to 65535)')
    .default(fallback);

const seconds = (fallback: number) =>
  z.coerce.number({ error: 'expected a number of seconds' }).positive('expected a positive number of seconds').default(fallback);

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const flag = (fallback: boolean) =>
  z
    .enum(['0', '1', 'true', 'false'], { error: 'expected 0, 1, true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === '1' || v === 'true');

const currency = () => z.string().refine(isCurrency, { message: 'expected an ISO 4217 currency code evcms knows (RWF, UGX, EUR, ...)' });

const bytes = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a number of bytes' })
    .int('expected a whole number of bytes')
    .min(1024, 'expected at least 1024 bytes')
    .default(fallback);

const days = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'expected a number of days' })
    .int('expected a whole number of days')
    .min(min, `expected ${min} to ${max} days`)
    .max(max, `expected ${min} to ${max} days`)
    .default(fallback);

const roles = ['ocpp', 'api', 'workers'] as const;
export type Role = (typeof roles)[number];

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the links in account mails point (`${APP_URL}/account/...`): a partner's app; unset, the API's own pages. */
  APP_URL: url(['http:', 'https:']).optional(),
  /**
   * The API's public address, behind any proxy (`https://api.example.com`): receipt URLs (`Invoice.receiptUrl`) and
   * the links in receipt mails start with it; unset, http://PUBLIC_HOST:API_PORT.
   */
  API_URL: url(['http:', 'https:'])
    .refine((value) => !/[?#]/.test(value), { message: 'expected a URL without a query or fragment' })
    .optional(),
  /** How many days the signed link in a receipt mail works; after that the driver signs in to download it. */
  RECEIPT_LINK_DAYS: z.coerce
    .number({ error: 'expected a number of days' })
    .int('expected a whole number of days')
    .min(1, 'expected 1 to 366 days')
    .max(366, 'expected 1 to 366 days')
    .default(30),
  OCPP_PORT: port(8180),
  /**
   * Binds OCPP_PORT with SO_REUSEPORT, so that several gateway processes (ROLES=ocpp, each with this set)
   * share the port on one machine and the kernel spreads the chargers' connections over them.
   */
  OCPP_REUSE_PORT: flag(false),
  API_PORT: port(4000),
  /** The largest GraphQL document the API parses, in UTF-8 bytes (refused before parsing: QUERY_TOO_LARGE). */
  API_MAX_QUERY_BYTES: z.coerce
    .number({ error: 'expected a number of bytes' })
    .int('expected a whole number of bytes')
    .min(1024, 'expected at least 1024 bytes')
    .max(1_000_000, 'expected at most 1000000 bytes (the request body limit)')
    .default(65_536),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/evcms'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /**
   * What to do at start when Redis keeps no append-only file (the telemetry buffer would lose answered samples
   * on a Redis restart): refuse to start, warn, or not check. Its default depends on NODE_ENV (see loadConfig).
   */
  REDIS_DURABILITY: z.enum(['require', 'warn', 'off'], { error: 'expected require, warn or off' }).default('warn'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, dot, dash or underscore')
    .default('evcms'),
  CLICKHOUSE_URL: url(['http:', 'https:']).optional(),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a ClickHouse identifier (letters, digits, underscore)')
    .default('evcms'),
  DATA_DIR: z.string().min(1).default('./data'),
  ROLES: z
    .string()
    .default(roles.join(','))
    .transform((value, ctx) => {
      const list = value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
      for (const r of list) {
        if (!roles.includes(r as Role)) {
          ctx.addIssue({ code: 'custom', message: `expected a comma-separated list of ${roles.join(', ')}; got "${r}"` });
          return z.NEVER;
        }
      }
      return [...new Set(list)] as Role[];
    }),
  ADMIN_EMAIL: z.email('expected an email address').default('admin@evcms.local'),
  ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').optional(),
  SECRET_KEY: z.string().min(32, 'expected at least 32 characters of random secret').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OCPP_PING_INTERVAL: seconds(30),
  OCPP_CALL_TIMEOUT: seconds(30),
  REMOTE_SESSION_TIMEOUT: seconds(60),
  /** How often the card holds of ad hoc sessions are swept (the guard at the hold; a crash mended), in seconds. */
  CARD_HOLD_SWEEP_INTERVAL: seconds(10),
  /** How often the API checks again the credential of each live (subscription) connection. */
  SUBSCRIPTION_RECHECK_INTERVAL: seconds(15),
  TELEMETRY_FLUSH_INTERVAL: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0, 'expected 0 or more seconds')
    .max(60, 'expected at most 60 seconds')
    .default(2),
  /** How often the gateway writes stations' last-seen times and open sessions' live figures to PostgreSQL. */
  WRITE_BEHIND_INTERVAL: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0.1, 'expected at least 0.1 seconds')
    .max(300, 'expected at most 300 seconds')
    .default(2),
  OCPP_REGISTRATION: z.enum(['reject', 'pending']).default('reject'),
  OCPP_HEARTBEAT_INTERVAL: seconds(300),
  OCPP_TLS_CERT: z.string().min(1).optional(),
  OCPP_TLS_KEY: z.string().min(1).optional(),
  MAIL_SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('evcms <no-reply@evcms.local>'),
  /** Webhooks may go to http:// URLs and private or loopback addresses: on outside production (see docs/webhooks.md). */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['0', '1', 'true', 'false'], { error: 'expected 0, 1, true or false' })
    .transform((v) => v === '1' || v === 'true')
    .optional(),
  /** Whether the workers role evaluates alert conditions at all (off: no alert is raised nor resolved). */
  ALERTS: flag(true),
  /** How often alert conditions are evaluated, in seconds. */
  ALERT_SWEEP_INTERVAL: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0.5, 'expected at least 0.5 seconds')
    .max(300, 'expected at most 300 seconds')
    .default(2),
  /** Diagnostics uploads over FTP (passive mode, the upload token as the user): off unless set. */
  FTP_PORT: z.coerce
    .number({ error: 'expected a port number (0 to 65535)' })
    .int('expected a whole port number')
    .min(0, 'expected a port number (0 to 65535)')
    .max(65535, 'expected a port number (0 to 65535)')
    .optional(),
  /** Maintenance files (diagnostics, logs, firmware, reports) in an S3-compatible bucket instead of DATA_DIR/files: all of endpoint, bucket and keys, or none. */
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected a bucket name (3 to 63 lower-case letters, digits, dots, hyphens)')
    .optional(),
  S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'expected a region such as eu-west-1')
    .default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(3, 'expected the access key id').optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(8, 'expected the secret access key of S3_ACCESS_KEY_ID').optional(),
  S3_PREFIX: z
    .string()
    .regex(/^([A-Za-z0-9._-]+\/)*$/, 'expected folders ending in / (evcms/), or nothing')
    .default(''),
  /** The largest diagnostics or log file a station may upload, in bytes (maintenance/). */
  DIAGNOSTICS_MAX_BYTES: bytes(50 * 1024 * 1024),
  /** How long a diagnostics file is kept after its upload. */
  DIAGNOSTICS_RETENTION_DAYS: z.coerce
    .number({ error: 'expected a number of days' })
    .int('expected a whole number of days')
    .min(1, 'expected 1 to 3650 days')
    .max(3650, 'expected 1 to 3650 days')
    .default(30),
  /** How long a station has to upload a requested diagnostics file before the request is marked failed. */
  DIAGNOSTICS_UPLOAD_MINUTES: z.coerce
    .number({ error: 'expected a number of minutes' })
    .min(1, 'expected 1 to 10080 minutes')
    .max(10080, 'expected 1 to 10080 minutes')
    .default(60),
  /** How often running firmware campaigns are stepped on (stations sent UpdateFirmware, thresholds checked), in seconds. */
  FIRMWARE_CAMPAIGN_TICK: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0.2, 'expected at least 0.2 seconds')
    .max(600, 'expected at most 600 seconds')
    .default(10),
  /** Seconds after an accepted BootNotification before evcms reads the configuration of a station with a baseline. */
  CONFIGURATION_READ_DELAY: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(0, 'expected 0 to 600 seconds')
    .max(600, 'expected 0 to 600 seconds')
    .default(5),
  /** The largest firmware image an operator may upload, in bytes. */
  FIRMWARE_MAX_BYTES: bytes(1024 * 1024 * 1024),
  /** How often the analytics facts are reconciled with PostgreSQL, in seconds (analytics/sweep.ts). */
  ANALYTICS_SWEEP_INTERVAL: z.coerce
    .number({ error: 'expected a number of seconds' })
    .min(5, 'expected at least 5 seconds')
    .max(86_400, 'expected at most 86400 seconds')
    .default(300),
  /** How long the warehouse keeps analytics facts and their hourly splits, in days (a TTL on each table). */
  ANALYTICS_RETENTION_DAYS: z.coerce
    .number({ error: 'expected a number of days' })
    .int('expected a whole number of days')
    .min(400, 'expected at least 400 days (uptime looks back 12 months)')
    .max(36_600, 'expected at most 36600 days')
    .default(3650),
  /** The OCPP message log (docs/analytics.md): every exchange in the warehouse's ocpp_messages, written off the OCPP path. */
  OCPP_LOG: flag(true),
  /** How long the log keeps the raw frames, in days (a column TTL); 0 keeps none. */
  OCPP_LOG_PAYLOAD_DAYS: days(0, 3650, 7),
  /** How long the log keeps its rows, in days (a table TTL). */
  OCPP_LOG_RETENTION_DAYS: days(1, 36_600, 180),
  /** MTN MoMo Collection: on when any MOMO_ variable is set, then all but MOMO_CALLBACK_URL are required (checkPayments). */
  MOMO_BASE_URL: url(['http:', 'https:']).optional(),
  MOMO_SUBSCRIPTION_KEY: z.string().min(8, 'expected the Collection subscription key').optional(),
  MOMO_API_USER: z.uuid('expected the API user, a UUID').optional(),
  MOMO_API_KEY: z.string().min(8, 'expected the API key of MOMO_API_USER').optional(),
  MOMO_TARGET_ENVIRONMENT: z
    .string()
    .regex(/^[a-z0-9]+$/, 'expected sandbox or the environment MTN names (mtnrwanda, mtnuganda, ...)')
    .optional(),
  MOMO_CALLBACK_URL: url(['http:', 'https:']).optional(),
  MOMO_CURRENCY: currency().optional(),
  /** The same account's Disbursement product, for refunds: all three or none (without them MoMo refunds are refused). */
  MOMO_DISBURSEMENT_SUBSCRIPTION_KEY: z.string().min(8, 'expected the Disbursement subscription key').optional(),
  MOMO_DISBURSEMENT_API_USER: z.uuid('expected the Disbursement API user, a UUID').optional(),
  MOMO_DISBURSEMENT_API_KEY: z.string().min(8, 'expected the API key of MOMO_DISBURSEMENT_API_USER').optional(),
  /** Airtel Money collections: on when any AIRTEL_ variable is set, then all are required. */
  AIRTEL_BASE_URL: url(['http:', 'https:']).optional(),
  AIRTEL_CLIENT_ID: z.string().min(1).optional(),
  AIRTEL_CLIENT_SECRET: z.string().min(8, 'expected the client secret of AIRTEL_CLIENT_ID').optional(),
  AIRTEL_COUNTRY: z.enum(airtelCountries as [string, ...string[]], { error: `expected one of ${airtelCountries.join(', ')}` }).optional(),
  AIRTEL_CURRENCY: currency().optional(),
  /** Stripe cards: on when any STRIPE_ variable is set, then the secret key and the webhook secret are required. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w{8,}$/, 'expected a secret or restricted key (sk_live_..., sk_test_...)')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w{8,}$/, "expected the webhook endpoint's signing secret (whsec_...)")
    .optional(),
  /** Another base URL for Stripe's API (a local stand-in for tests and the demo); absent, https://api.stripe.com. */
  STRIPE_API_URL: url(['http:', 'https:']).optional(),
  DEMO: flag(false),
  /** With DEMO: simulated chargers play the demo stations. */
  DEMO_CHARGERS: flag(true),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Reads and checks the environment; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Production refuses a Redis that would lose answered samples; elsewhere a warning is enough.
  if (cleaned.NODE_ENV === 'production') cleaned.REDIS_DURABILITY ??= 'require';
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const shown = name in cleaned && !secret.test(name) ? ` (got "${cleaned[name]}")` : '';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}${shown}`);
  }
  const config = parsed.data;
  if (Boolean(config.OCPP_TLS_CERT) !== Boolean(config.OCPP_TLS_KEY)) {
    throw new ConfigError('OCPP_TLS_CERT: expected OCPP_TLS_CERT and OCPP_TLS_KEY to be set together');
  }
  if (config.NODE_ENV === 'production' && !config.SECRET_KEY) {
    throw new ConfigError('SECRET_KEY: expected a secret of at least 32 characters in production');
  }
  checkPayments(config);
  checkTogether(config, s3Required, 'S3_* stores maintenance files in a bucket');
  return config;
}

/** Names whose values are never echoed in an error. */
const secret = /SECRET|PASSWORD|_KEY$/;

const momoRequired = [
  'MOMO_BASE_URL',
  'MOMO_SUBSCRIPTION_KEY',
  'MOMO_API_USER',
  'MOMO_API_KEY',
  'MOMO_TARGET_ENVIRONMENT',
  'MOMO_CURRENCY',
] as const;
const momoDisbursement = ['MOMO_DISBURSEMENT_SUBSCRIPTION_KEY', 'MOMO_DISBURSEMENT_API_USER', 'MOMO_DISBURSEMENT_API_KEY'] as const;
const airtelRequired = ['AIRTEL_BASE_URL', 'AIRTEL_CLIENT_ID', 'AIRTEL_CLIENT_SECRET', 'AIRTEL_COUNTRY', 'AIRTEL_CURRENCY'] as const;

const stripeRequired = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;
const s3Required = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;

/** Variables that mean something only together: one set asks for the others, naming the first missing. */
function checkTogether(config: Config, names: readonly (keyof Config)[], why: string): void {
  const set = names.filter((name) => config[name] !== undefined);
  const missing = names.find((name) => config[name] === undefined);
  if (set.length > 0 && missing) throw new ConfigError(`${missing}: expected with ${set[0]} (${why})`);
}

/** A payment provider is off until one of its variables is set; then each it needs must be, or the start stops naming it. */
function checkPayments(config: Config): void {
  for (const [prefix, required] of [
    ['MOMO_', momoRequired],
    ['AIRTEL_', airtelRequired],
    ['STRIPE_', stripeRequired],
  ] as const) {
    const set = Object.entries(config).filter(([name, value]) => name.startsWith(prefix) && value !== undefined);
    if (set.length === 0) continue;
    const missing = required.find((name) => config[name] === undefined);
    if (missing)
      throw new ConfigError(`${missing}: expected with ${set[0]?.[0]} (${prefix}* turns the provider on; see docs/configuration.md)`);
  }
  checkTogether(config, momoDisbursement, 'MoMo refunds need all of MOMO_DISBURSEMENT_*');
  if (config.MOMO_TARGET_ENVIRONMENT === 'sandbox' && config.NODE_ENV === 'production') {
    throw new ConfigError('MOMO_TARGET_ENVIRONMENT: sandbox takes no real money; expected the production environment MTN names');
  }
}

/** The providers' settings from a checked config: each null when its variables are unset. */
export function paymentSettings(config: Config): PaymentSettings {
  return {
    momo: config.MOMO_BASE_URL
      ? {
          baseUrl: config.MOMO_BASE_URL,
          subscriptionKey: config.MOMO_SUBSCRIPTION_KEY as string,
          apiUser: config.MOMO_API_USER as string,
          apiKey: config.MOMO_API_KEY as string,
          targetEnvironment: config.MOMO_TARGET_ENVIRONMENT as string,
          callbackUrl: config.MOMO_CALLBACK_URL ?? null,
          currency: config.MOMO_CURRENCY as string,
          disbursement: config.MOMO_DISBURSEMENT_API_USER
            ? {
                subscriptionKey: config.MOMO_DISBURSEMENT_SUBSCRIPTION_KEY as string,
                apiUser: config.MOMO_DISBURSEMENT_API_USER,
                apiKey: config.MOMO_DISBURSEMENT_API_KEY as string,
              }
            : null,
        }
      : null,
    airtel: config.AIRTEL_BASE_URL
      ? {
          baseUrl: config.AIRTEL_BASE_URL,
          clientId: config.AIRTEL_CLIENT_ID as string,
          clientSecret: config.AIRTEL_CLIENT_SECRET as string,
          country: config.AIRTEL_COUNTRY as string,
          currency: config.AIRTEL_CURRENCY as string,
        }
      : null,
    stripe: config.STRIPE_SECRET_KEY
      ? {
          secretKey: config.STRIPE_SECRET_KEY,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET as string,
          apiUrl: config.STRIPE_API_URL ?? null,
        }
      : null,
  };
}
