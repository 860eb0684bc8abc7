import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126155430_initial } from './Migration20261126155430_initial.js';
import { Migration20261126201317_idtag_case } from './Migration20261126201317_idtag_case.js';
import { Migration20261127011500_hot_updates } from './Migration20261127011500_hot_updates.js';
import { Migration20261127040000_meter_start_nullable } from './Migration20261127040000_meter_start_nullable.js';
import { Migration20261127043000_security_events } from './Migration20261127043000_security_events.js';
import { Migration20261127050000_offered_password } from './Migration20261127050000_offered_password.js';
import { Migration20261202220000_station_identity_case } from './Migration20261202220000_station_identity_case.js';
import { Migration20261202221000_evse_connector_status } from './Migration20261202221000_evse_connector_status.js';
import { Migration20261203080000_session_uuid } from './Migration20261203080000_session_uuid.js';
import { Migration20261203093000_billing } from './Migration20261203093000_billing.js';
import { Migration20261203100000_ledger } from './Migration20261203100000_ledger.js';
import { Migration20261203110000_plans } from './Migration20261203110000_plans.js';
import { Migration20261203111000_operator_legal } from './Migration20261203111000_operator_legal.js';
import { Migration20261204090000_status_event_time } from './Migration20261204090000_status_event_time.js';
import { Migration20261204100000_payments } from './Migration20261204100000_payments.js';
import { Migration20261204120000_webhooks } from './Migration20261204120000_webhooks.js';
import { Migration20261204130000_alerts } from './Migration20261204130000_alerts.js';
import { Migration20261204140000_stripe } from './Migration20261204140000_stripe.js';
import { Migration20261204150000_diagnostics } from './Migration20261204150000_diagnostics.js';
import { Migration20261204151000_firmware } from './Migration20261204151000_firmware.js';
import { Migration20261204160000_analytics } from './Migration20261204160000_analytics.js';

/** PostgreSQL migrations, oldest first. `npm run migration:create -- <name>` writes a new file; add it here. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261126155430_initial', class: Migration20261126155430_initial },
  { name: 'Migration20261126201317_idtag_case', class: Migration20261126201317_idtag_case },
  { name: 'Migration20261127011500_hot_updates', class: Migration20261127011500_hot_updates },
  { name: 'Migration20261127040000_meter_start_nullable', class: Migration20261127040000_meter_start_nullable },
  { name: 'Migration20261127043000_security_events', class: Migration20261127043000_security_events },
  { name: 'Migration20261127050000_offered_password', class: Migration20261127050000_offered_password },
  { name: 'Migration20261202220000_station_identity_case', class: Migration20261202220000_station_identity_case },
  { name: 'Migration20261202221000_evse_connector_status', class: Migration20261202221000_evse_connector_status },
  { name: 'Migration20261203080000_session_uuid', class: Migration20261203080000_session_uuid },
  { name: 'Migration20261203093000_billing', class: Migration20261203093000_billing },
  { name: 'Migration20261203100000_ledger', class: Migration20261203100000_ledger },
  { name: 'Migration20261203110000_plans', class: Migration20261203110000_plans },
  { name: 'Migration20261203111000_operator_legal', class: Migration20261203111000_operator_legal },
  { name: 'Migration20261204090000_status_event_time', class: Migration20261204090000_status_event_time },
  { name: 'Migration20261204100000_payments', class: Migration20261204100000_payments },
  { name: 'Migration20261204120000_webhooks', class: Migration20261204120000_webhooks },
  { name: 'Migration20261204130000_alerts', class: Migration20261204130000_alerts },
  { name: 'Migration20261204140000_stripe', class: Migration20261204140000_stripe },
  { name: 'Migration20261204150000_diagnostics', class: Migration20261204150000_diagnostics },
  { name: 'Migration20261204151000_firmware', class: Migration20261204151000_firmware },
  { name: 'Migration20261204160000_analytics', class: Migration20261204160000_analytics },
];
