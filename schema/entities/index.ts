export * from './alert.js';
export * from './analytics.js';
export * from './baseline.js';
export * from './billing.js';
export * from './charging-session.js';
export * from './command-log.js';
export * from './connector.js';
export * from './credentials.js';
export * from './history.js';
export * from './id-token.js';
export * from './ledger.js';
export * from './maintenance.js';
export * from './firmware.js';
export * from './organisation.js';
export * from './plan.js';
export * from './report.js';
export * from './payment.js';
export * from './reservation.js';
export * from './site.js';
export * from './station.js';
export * from './user.js';
export * from './webhook.js';

import { AlertSchema, AlertSettingsSchema } from './alert.js';
import { OutageExclusionSchema } from './analytics.js';
import { ReportSchema, ReportSubscriptionSchema } from './report.js';
import { AlertActionSchema, ConfigurationBaselineSchema } from './baseline.js';
import { CommandLogSchema } from './command-log.js';
import { ConnectorSchema } from './connector.js';
import { ApiKeySchema, AuthDecisionSchema, EmailOutboxSchema, OneTimeTokenSchema, RefreshTokenSchema } from './credentials.js';
import { AnomalySchema, BootEventSchema, ConfigurationKeySchema, SecurityEventSchema, StatusEventSchema } from './history.js';
import { IdTokenSchema } from './id-token.js';
import { DiagnosticsRequestSchema } from './maintenance.js';
import { FirmwareCampaignSchema, FirmwareCampaignStationSchema, FirmwareImageSchema } from './firmware.js';
import { LedgerAccountSchema, LedgerEntrySchema, LedgerTransactionSchema } from './ledger.js';
import { OrganisationSchema } from './organisation.js';
import { PlanSchema, PlanSubscriptionSchema, PlanUsageSchema } from './plan.js';
import { PaymentAttemptSchema, PaymentCustomerSchema } from './payment.js';
import { ReservationSchema } from './reservation.js';
import { SiteSchema } from './site.js';
import { StationSchema } from './station.js';
import { InvoiceCounterSchema, InvoiceSchema, TariffAssignmentSchema, TariffSchema, TariffVersionSchema } from './billing.js';
import { ChargingSessionSchema } from './charging-session.js';
import { UserSchema } from './user.js';
import { WebhookDeliverySchema, WebhookEndpointSchema } from './webhook.js';

/** Every PostgreSQL entity, for MikroORM's discovery. */
export const entities = [
  OrganisationSchema,
  SiteSchema,
  StationSchema,
  ConnectorSchema,
  StatusEventSchema,
  SecurityEventSchema,
  BootEventSchema,
  AnomalySchema,
  ConfigurationKeySchema,
  ChargingSessionSchema,
  ReservationSchema,
  UserSchema,
  IdTokenSchema,
  TariffSchema,
  TariffVersionSchema,
  TariffAssignmentSchema,
  InvoiceSchema,
  InvoiceCounterSchema,
  CommandLogSchema,
  RefreshTokenSchema,
  ApiKeySchema,
  OneTimeTokenSchema,
  EmailOutboxSchema,
  AuthDecisionSchema,
  LedgerAccountSchema,
  LedgerTransactionSchema,
  LedgerEntrySchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  AlertSchema,
  AlertSettingsSchema,
  PlanSchema,
  PlanSubscriptionSchema,
  PlanUsageSchema,
  PaymentAttemptSchema,
  PaymentCustomerSchema,
  DiagnosticsRequestSchema,
  FirmwareImageSchema,
  FirmwareCampaignSchema,
  FirmwareCampaignStationSchema,
  OutageExclusionSchema,
  ReportSchema,
  ReportSubscriptionSchema,
  ConfigurationBaselineSchema,
  AlertActionSchema,
];
