import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { AccountService } from '../auth/accounts.js';
import { AlertService } from '../alerts/service.js';
import { ApiKeyService } from '../auth/api-keys.js';
import { AuthorizationService } from '../auth/authorization.js';
import { updateLocalLists } from '../auth/local-lists.js';
import { AuthDecisionLog } from '../auth/decision-log.js';
import { IdTokenService } from '../auth/id-tokens.js';
import { createMachineSecrets, type MachineSecrets } from '../auth/machine-secrets.js';
import { MailService } from '../auth/mail-outbox.js';
import { logTransport, outboxOnlyTransport, smtpTransport } from '../auth/mail-transport.js';
import { createTokenSigner, type TokenSigner } from '../auth/tokens.js';
import { CommandRouter } from '../commands/router.js';
import { StationCommands } from '../commands/station-commands.js';
import { type Orm, openDatabase } from '../database/orm.js';
import { createSql, type Sql } from '../database/sql.js';
import { type EventBus, createEventBus } from '../events/bus.js';
import { BillingService } from '../billing/service.js';
import { CreditNotes } from '../billing/credit-notes.js';
import { Ledger } from '../billing/ledger/ledger.js';
import { MoneyGate } from '../billing/money-gate.js';
import { ReceiptService } from '../billing/receipts/service.js';
import { receiptLinkKey } from '../billing/receipts/signed-link.js';
import { createPlans, type Plans } from '../billing/plans/index.js';
import { CardHolds, cardHoldSettlement } from '../billing/payments/card-holds/service.js';
import { paymentProviders } from '../billing/payments/providers.js';
import { PaymentService } from '../billing/payments/service.js';
import { TariffService } from '../billing/tariffs.js';
import { walletSettlement } from '../billing/wallet-settlement.js';
import { SessionService } from '../sessions/service.js';
import { AnomalyLog } from '../stations/anomalies.js';
import { StationPresence } from '../stations/presence.js';
import { StationService } from '../stations/service.js';
import { TelemetryBuffer } from '../telemetry/buffer.js';
import { type MessageLog, messageLogOf } from '../telemetry/message-log.js';
import { openWarehouse, unusedWarehouse, type Warehouse } from '../warehouse/client.js';
import { migrateWarehouse } from '../warehouse/migrate.js';
import { type Config, paymentSettings } from './config.js';
import type { Logger } from '../platform/logger.js';
import { type Metrics, createMetrics } from '../platform/metrics.js';
import { connectRedis, createRedis } from '../platform/redis.js';
import { checkRedisDurability } from '../platform/redis-durability.js';
import { WriteWindow } from '../platform/write-window.js';
import { resolveSecretKey } from '../platform/secret-key.js';
import { createSecretBox } from '../platform/secret-box.js';
import { createMaintenance, type Maintenance } from '../maintenance/index.js';
import { bullReportQueue } from '../reports/queue.js';
import { ReportService } from '../reports/service.js';
import { WebhookDeliveries } from '../webhooks/deliveries.js';
import { WebhookEndpoints } from '../webhooks/endpoints.js';

/** Everything the roles need, built once in the composition root and passed down as one object. */
export interface Deps {
  config: Config;
  log: Logger;
  /** This process, as other nodes address it through Redis. */
  nodeId: string;
  orm: Orm;
  /** A plain pool for the hot paths. */
  sql: Sql;
  redis: Redis;
  /** A second connection, in subscriber mode, for the event bus and command routing. */
  subscriber: Redis;
  warehouse: Warehouse;
  events: EventBus;
  metrics: Metrics;
  secrets: MachineSecrets;
  tokens: TokenSigner;
  apiKeys: ApiKeyService;
  /** People's accounts: registration, sign-in, tokens, password reset, deletion. */
  accounts: AccountService;
  /** The mail outbox and its transport (the mail worker sends). */
  mail: MailService;
  stations: StationService;
  /** Where stations are connected, and when each last spoke (written behind). */
  presence: StationPresence;
  sessions: SessionService;
  anomalies: AnomalyLog;
  authorization: AuthorizationService;
  /** The audit of authorization decisions, written behind. */
  authDecisions: AuthDecisionLog;
  /** Credentials (idTags): every change reaches the authorization cache and the stations' local lists. */
  idTokens: IdTokenService;
  telemetry: TelemetryBuffer;
  /** The OCPP message log's buffer (unset with OCPP_LOG=0). */
  messageLog?: MessageLog | undefined;
  /** Routes a raw command to the gateway holding the station's socket. */
  commands: CommandRouter;
  /** Typed, audited commands to stations: what the API and the workers use. */
  stationCommands: StationCommands;
  /** Tariffs, their versions and where they apply. */
  tariffs: TariffService;
  /** Sessions priced (running cost and bill) and invoiced. */
  billing: BillingService;
  /** Alerts: the sweep of conditions, their lifecycle and the organisations' settings. */
  alerts: AlertService;
  /** Webhooks out: endpoints (API) and their deliveries (the webhook worker). */
  webhooks: { endpoints: WebhookEndpoints; deliveries: WebhookDeliveries };
  /** The double-entry ledger: wallets, revenue, tax. */
  ledger: Ledger;
  /** Corrections of invoices. */
  creditNotes: CreditNotes;
  /** Receipts of invoices and credit notes: rendered, addressed, mailed. */
  receipts: ReceiptService;
  /** Subscription plans and drivers' subscriptions to them. */
  plans: Plans;
  /** Payments through MoMo, Airtel Money and the wallet: attempts, provider status, settlement into the ledger. */
  payments: PaymentService;
  /** Ad hoc card sessions: the card held before the start, stopped near the hold, captured for the bill. */
  cardHolds: CardHolds;
  /** Diagnostics and log uploads, firmware images and campaigns (maintenance/). */
  maintenance: Maintenance;
  /** Reports asked for and scheduled, their files and links (reports/); the workers build them. */
  reports: ReportService;
  /** Set when shutdown began: /readyz turns 503, new work is refused. */
  stopping: boolean;
  /** Set while this process runs the telemetry sink (workers role): /readyz fails while it cannot work. */
  telemetrySink?: { ready(): boolean };
}

/**
 * Opens PostgreSQL (migrated), Redis and the warehouse (migrated), in that order, and builds the
 * domain services. On any failure, what was opened is closed again and the error names what failed.
 */
export async function createDeps(config: Config, log: Logger): Promise<Deps> {
  const opened: Array<() => Promise<unknown>> = [];
  try {
    const orm = await openDatabase(config.DATABASE_URL, { migrate: true });
    opened.push(() => orm.close());
    const sql = createSql(config.DATABASE_URL);
    opened.push(() => sql.end());
    const redis = createRedis(config.REDIS_URL, 'evcms');
    const subscriber = createRedis(config.REDIS_URL, 'evcms-subscriber');
    opened.push(
      async () => redis.disconnect(),
      async () => subscriber.disconnect(),
    );
    await connectRedis(redis, config.REDIS_URL);
    await connectRedis(subscriber, config.REDIS_URL);
    await checkRedisDurability(redis, config, log);
    // The gateway alone hands samples to Redis; only the API and the workers read or write the warehouse.
    const usesWarehouse = config.ROLES.some((role) => role !== 'ocpp');
    const warehouse = usesWarehouse
      ? await openWarehouse({ url: config.CLICKHOUSE_URL, database: config.CLICKHOUSE_DATABASE, dataDir: config.DATA_DIR })
      : unusedWarehouse(config.CLICKHOUSE_DATABASE);
    opened.push(() => warehouse.close());
    if (usesWarehouse) {
      const applied = await migrateWarehouse(warehouse);
      if (applied.length) log.info({ applied }, 'warehouse migrations applied');
    }

    const prefix = config.REDIS_PREFIX;
    const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const metrics = createMetrics();
    const secretKey = resolveSecretKey(config.SECRET_KEY, config.DATA_DIR);
    const secrets = createMachineSecrets(secretKey);
    // Telemetry entries and events share 1 ms windows: one pipelined write to Redis per window, not per turn.
    const writeWindow = new WriteWindow(1);
    const events = createEventBus({ publisher: redis, subscriber, prefix, log, window: writeWindow });
    const commands = new CommandRouter({ redis, subscriber, prefix, nodeId, log, defaultTimeoutMs: config.OCPP_CALL_TIMEOUT * 1000 });
    await commands.start();
    const stationCommands = new StationCommands({ router: commands, orm, events, log });
    const authDecisions = new AuthDecisionLog({ orm, log });
    const ledger = new Ledger({ orm });
    const plans = createPlans({ orm, ledger });
    const money = new MoneyGate({ orm, plans: plans.gate });
    const authorization = new AuthorizationService({ orm, redis, prefix, decisions: authDecisions, money });
    const tokens = createTokenSigner(secretKey);
    // Production leaves mail in the outbox for a relay; elsewhere mail is logged and kept in memory (all of it
    // in tests, which read tokens from it; the newest 100 in development, shown at /dev/mail).
    const transport = config.MAIL_SMTP_URL
      ? smtpTransport(config.MAIL_SMTP_URL, config.MAIL_FROM)
      : config.NODE_ENV === 'production'
        ? outboxOnlyTransport()
        : logTransport(log, { record: true, keep: config.NODE_ENV === 'test' ? Number.POSITIVE_INFINITY : 100 });
    const tariffs = new TariffService({ orm, plans: plans.coverage });
    const webhookBox = createSecretBox(secretKey, 'webhook secrets');
    const allowPrivate = config.WEBHOOK_ALLOW_PRIVATE ?? config.NODE_ENV !== 'production';
    const receipts = new ReceiptService({
      orm,
      log,
      baseUrl: config.API_URL?.replace(/\/+$/, '') ?? `http://${config.PUBLIC_HOST}:${config.API_PORT}`,
      linkKey: receiptLinkKey(secretKey),
      linkDays: config.RECEIPT_LINK_DAYS,
    });
    const maintenance = createMaintenance({ orm, commands: stationCommands, events, log }, maintenanceSettings(config, secretKey));
    const { store, links, settings } = maintenance;
    const reports = new ReportService({ orm, store, links, queue: bullReportQueue(redis, prefix), httpBase: () => settings.httpBase });
    const payments = new PaymentService({
      orm,
      ledger,
      events,
      log,
      providers: paymentProviders(paymentSettings(config), { orm, ledger }),
    });
    const cardHolds = new CardHolds({
      orm,
      log,
      payments,
      tariffs,
      runningCost: async (sessionId) => (await billing.priceOf(sessionId))?.priced.totals.inclTaxMinor ?? null,
      stop: async ({ identity, transactionId }) =>
        (await stationCommands.send(identity, 'RemoteStopTransaction', { transactionId: Number(transactionId) }, { actor: 'card-hold' }))
          .status,
      startWaitMs: config.REMOTE_SESSION_TIMEOUT * 1000,
    });
    const billing: BillingService = new BillingService({
      orm,
      warehouse,
      tariffs,
      events,
      log,
      settlement: cardHoldSettlement(cardHolds, walletSettlement(ledger)),
      receipts,
      plans: plans.coverage,
    });
    return {
      config,
      log,
      nodeId,
      orm,
      sql,
      redis,
      subscriber,
      warehouse,
      events,
      metrics,
      secrets,
      tokens,
      apiKeys: new ApiKeyService({ orm, secrets }),
      accounts: new AccountService({
        orm,
        redis,
        prefix,
        tokens,
        secretKey,
        log,
        authorization,
        linkBase: config.APP_URL?.replace(/\/+$/, '') ?? `http://${config.PUBLIC_HOST}:${config.API_PORT}`,
        credentialsBlocked: async (tokenIds) => {
          for (const id of tokenIds)
            await updateLocalLists({ orm, stationCommands, log }, id).catch((error: unknown) =>
              log.warn({ err: error, id }, 'local list update failed'),
            );
        },
      }),
      mail: new MailService({ orm, transport, log }),
      stations: new StationService({ orm, sql, secrets, events, log, registration: config.OCPP_REGISTRATION }),
      presence: new StationPresence({ sql, events }),
      sessions: new SessionService({ orm, sql, events, log, redis, prefix, metrics }),
      anomalies: new AnomalyLog({ orm, metrics, log }),
      authorization,
      authDecisions,
      idTokens: new IdTokenService({ orm, authorization, stationCommands, log }),
      telemetry: new TelemetryBuffer(redis, prefix, { window: writeWindow }),
      messageLog: config.OCPP_LOG ? messageLogOf({ redis, prefix, nodeId, metrics, log }) : undefined,
      commands,
      stationCommands,
      tariffs,
      ledger,
      alerts: new AlertService({ orm, events, log }),
      webhooks: {
        endpoints: new WebhookEndpoints({ orm, box: webhookBox, allowPrivate }),
        deliveries: new WebhookDeliveries({ orm, box: webhookBox, log, allowPrivate }),
      },
      creditNotes: new CreditNotes({ orm, ledger, receipts }),
      receipts,
      plans,
      payments,
      cardHolds,
      billing,
      maintenance,
      reports,
      stopping: false,
    };
  } catch (error) {
    for (const close of opened.reverse()) await close().catch(() => {});
    throw error;
  }
}

const apiBase = (config: Config) => config.API_URL?.replace(/\/+$/, '') ?? `http://${config.PUBLIC_HOST}:${config.API_PORT}`;

function maintenanceSettings(config: Config, secretKey: string) {
  return {
    dataDir: config.DATA_DIR,
    secretKey,
    httpBase: apiBase(config),
    ftpBase: config.FTP_PORT === undefined ? null : `ftp://${config.PUBLIC_HOST}:${config.FTP_PORT}`,
    diagnosticsMaxBytes: config.DIAGNOSTICS_MAX_BYTES,
    diagnosticsRetentionDays: config.DIAGNOSTICS_RETENTION_DAYS,
    diagnosticsUploadMinutes: config.DIAGNOSTICS_UPLOAD_MINUTES,
    firmwareMaxBytes: config.FIRMWARE_MAX_BYTES,
    s3: config.S3_ENDPOINT
      ? {
          endpoint: config.S3_ENDPOINT,
          bucket: config.S3_BUCKET as string,
          region: config.S3_REGION,
          accessKeyId: config.S3_ACCESS_KEY_ID as string,
          secretAccessKey: config.S3_SECRET_ACCESS_KEY as string,
          prefix: config.S3_PREFIX,
        }
      : null,
  };
}

/** Closes connections, last opened first. Roles must have stopped before. */
export async function closeDeps(deps: Deps): Promise<void> {
  deps.commands.close();
  await deps.reports.close().catch(() => {});
  await deps.messageLog?.close();
  await deps.events.close();
  await deps.presence.flush().catch((error: unknown) => deps.log.error({ err: error }, 'presence flush failed'));
  await deps.sessions.flushLive().catch((error: unknown) => deps.log.error({ err: error }, 'live session flush failed'));
  await deps.authDecisions.flush().catch((error: unknown) => deps.log.error({ err: error }, 'authorization audit flush failed'));
  await deps.apiKeys.flushLastUsed().catch((error: unknown) => deps.log.error({ err: error }, 'API key last-use flush failed'));
  await deps.warehouse.close().catch(() => {});
  deps.subscriber.disconnect();
  await deps.redis.quit().catch(() => deps.redis.disconnect());
  await deps.sql.end();
  await deps.orm.close();
}
