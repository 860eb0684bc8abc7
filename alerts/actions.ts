import { failureKind, type StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import type { V16CsmsAction } from '../ocpp/generated/v16.js';
import type { AlertService, AlertView } from './service.js';

/** What an operator may do from an alert, in one call. */
export const alertActions = ['TRIGGER_STATUS', 'SOFT_RESET', 'HARD_RESET', 'SET_INOPERATIVE', 'SET_OPERATIVE', 'UNLOCK_CONNECTOR'] as const;
export type AlertActionKind = (typeof alertActions)[number];

export class AlertActionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The connector an alert is about: its cause (`connector:2`) or its details; null for the station. */
export function connectorOf(alert: Pick<AlertView, 'causeKey' | 'details'>): number | null {
  const cause = /^connector:(\d+)$/.exec(alert.causeKey);
  if (cause) return Number(cause[1]);
  const inDetails = alert.details.connectorId;
  return typeof inDetails === 'number' && Number.isInteger(inDetails) ? inDetails : null;
}

/** The OCPP 1.6 command an action is, on a connector (null: the station). Pure. */
export function commandFor(action: AlertActionKind, connectorId: number | null): { ocppAction: V16CsmsAction; payload: object } {
  const on = connectorId === null ? {} : { connectorId };
  switch (action) {
    case 'TRIGGER_STATUS':
      return { ocppAction: 'TriggerMessage', payload: { requestedMessage: 'StatusNotification', ...on } };
    case 'SOFT_RESET':
      return { ocppAction: 'Reset', payload: { type: 'Soft' } };
    case 'HARD_RESET':
      return { ocppAction: 'Reset', payload: { type: 'Hard' } };
    case 'SET_INOPERATIVE':
      return { ocppAction: 'ChangeAvailability', payload: { connectorId: connectorId ?? 0, type: 'Inoperative' } };
    case 'SET_OPERATIVE':
      return { ocppAction: 'ChangeAvailability', payload: { connectorId: connectorId ?? 0, type: 'Operative' } };
    case 'UNLOCK_CONNECTOR':
      if (connectorId === null || connectorId < 1)
        throw new AlertActionError('connectorId', 'UNLOCK_CONNECTOR needs a connector (1 or more): the alert names none, give one');
      return { ocppAction: 'UnlockConnector', payload: { connectorId } };
  }
}

export interface AlertActionTaken {
  action: AlertActionKind;
  ocppAction: V16CsmsAction;
  connectorId: number | null;
  request: object;
  response: Record<string, unknown>;
}

/**
 * Sends the command an action is to the alert's station (on its connector, or the one given), through the
 * station commands (audited in command_log with the actor), and records it on the alert (alert_action),
 * whatever the outcome; an open alert acted on is acknowledged by the actor. A failed command is thrown
 * after it is recorded.
 */
export async function actOnAlert(
  deps: { orm: Orm; commands: StationCommands; alerts: Pick<AlertService, 'acknowledge'> },
  alert: AlertView,
  action: AlertActionKind,
  actor: string,
  connectorId?: number | null,
): Promise<AlertActionTaken> {
  const connector = connectorId ?? connectorOf(alert);
  const { ocppAction, payload } = commandFor(action, connector);
  let response: Record<string, unknown> | null = null;
  let failure: unknown = null;
  try {
    response = (await deps.commands.send(alert.stationIdentity, ocppAction, payload as never, { actor })) as Record<string, unknown>;
  } catch (error) {
    failure = error;
  }
  await deps.orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into alert_action (alert_id, action, connector_id, request, response, outcome, error, actor, acted_at)
     values (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, now())`,
      [
        alert.id,
        action,
        connector,
        JSON.stringify({ action: ocppAction, payload }),
        response === null ? null : JSON.stringify(response),
        failure ? failureKind(failure) : 'ok',
        failure ? (failure as Error).message : null,
        actor,
      ],
    );
  await deps.alerts.acknowledge(alert.id, actor);
  if (failure) throw failure;
  return { action, ocppAction, connectorId: connector, request: payload, response: response ?? {} };
}

export interface AlertActionRecord {
  alertId: string;
  action: string;
  connectorId: number | null;
  request: unknown;
  response: unknown;
  outcome: string;
  error: string | null;
  actor: string;
  actedAt: Date;
}

/** The actions taken on each alert, oldest first, by alert id. */
export async function actionsOf(orm: Orm, alertIds: readonly string[]): Promise<Map<string, AlertActionRecord[]>> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<Record<string, unknown>[]>(
      `select alert_id, action, connector_id, request, response, outcome, error, actor, acted_at from alert_action
       where alert_id = any(?::uuid[]) order by acted_at, id`,
      [`{${alertIds.join(',')}}`],
    );
  const byAlert = new Map<string, AlertActionRecord[]>(alertIds.map((id) => [id, []]));
  for (const r of rows)
    byAlert.get(String(r.alert_id))?.push({
      alertId: String(r.alert_id),
      action: String(r.action),
      connectorId: r.connector_id === null ? null : Number(r.connector_id),
      request: r.request,
      response: r.response,
      outcome: String(r.outcome),
      error: r.error === null ? null : String(r.error),
      actor: String(r.actor),
      actedAt: new Date(r.acted_at as string),
    });
  return byAlert;
}
