import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Alert } from './alert.js';
import { Organisation } from './organisation.js';

/**
 * What an organisation wants every station of one model to be set to (configuration key → value), and the
 * model's rated power, which the power-out-of-range alert measures sessions against. One per (organisation,
 * model), the model matched without regard to case as the station's BootNotification gives it.
 */
export const ConfigurationBaselineSchema = defineEntity({
  name: 'ConfigurationBaseline',
  tableName: 'configuration_baseline',
  indexes: [
    {
      name: 'configuration_baseline_organisation_model_unique',
      expression: `create unique index "configuration_baseline_organisation_model_unique" on "configuration_baseline" ("organisation_id", lower("model"))`,
    },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    organisation: () => p.manyToOne(Organisation).deleteRule('cascade'),
    model: p.string(),
    /** Configuration key → the value wanted, as OCPP 1.6 carries it (a string). */
    keys: p.json<Record<string, string>>().default('{}'),
    /** What a station of this model can deliver at most, in W; null: not known. */
    maxPowerW: p.integer().nullable(),
    updatedBy: p.string().nullable(),
    updatedAt: p.datetime(),
  },
});
export class ConfigurationBaseline extends ConfigurationBaselineSchema.class {}
ConfigurationBaselineSchema.setClass(ConfigurationBaseline);

/** A command sent from an alert (actOnAlert): what, by whom, and what the station answered. */
export const AlertActionSchema = defineEntity({
  name: 'AlertAction',
  tableName: 'alert_action',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    alert: () => p.manyToOne(Alert).deleteRule('cascade').index(),
    /** TRIGGER_STATUS, SOFT_RESET, HARD_RESET, SET_INOPERATIVE, SET_OPERATIVE, UNLOCK_CONNECTOR. */
    action: p.string(),
    connectorId: p.integer().nullable(),
    request: p.json<unknown>(),
    response: p.json<unknown>().nullable(),
    /** ok, or why not: offline, timeout, an OCPP error code. */
    outcome: p.string(),
    error: p.text().nullable(),
    actor: p.string(),
    actedAt: p.datetime(),
  },
});
export class AlertAction extends AlertActionSchema.class {}
AlertActionSchema.setClass(AlertAction);
