import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import { alertKinds, conditions, thresholdSql } from './conditions.js';
import { type AlertThresholds, checkEmails, checkThresholds, defaultThresholds, thresholdsOf } from './settings.js';

export interface AlertView {
  id: string;
  organisationId: string;
  stationId: string;
  stationIdentity: string;
  kind: string;
  causeKey: string;
  severity: string;
  state: 'open' | 'acknowledged' | 'resolved';
  message: string;
  details: Record<string, unknown>;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
}

interface AlertRow {
  id: string;
  organisation_id: string;
  station_id: string;
  identity: string;
  kind: string;
  cause_key: string;
  severity: string;
  state: AlertView['state'];
  message: string;
  details: Record<string, unknown>;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution: string | null;
}

const date = (d: Date | null) => (d === null ? null : new Date(d));
const view = (r: AlertRow): AlertView => ({
  id: r.id,
  organisationId: r.organisation_id,
  stationId: r.station_id,
  stationIdentity: r.identity,
  kind: r.kind,
  causeKey: r.cause_key,
  severity: r.severity,
  state: r.state,
  message: r.message,
  details: r.details,
  raisedAt: new Date(r.raised_at),
  acknowledgedAt: date(r.acknowledged_at),
  acknowledgedBy: r.acknowledged_by,
  resolvedAt: date(r.resolved_at),
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
});

const columns = `a.id, a.organisation_id, a.station_id, s.identity, a.kind, a.cause_key, a.severity, a.state, a.message, a.details,
  a.raised_at, a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by, a.resolution`;

/** The conditions of `kinds` holding now, as one query: every condition's rows, with its kind and severity. */
const currentSql = (kinds: string[]) => {
  const th = thresholdSql(defaultThresholds as unknown as Record<string, number>);
  return conditions
    .filter((c) => kinds.includes(c.kind))
    .map((c) => `select '${c.kind}'::text as kind, '${c.severity}'::text as severity, q.* from (${c.sql(th)}) q`)
    .join('\nunion all\n');
};

export interface AlertFilter {
  organisationId?: string;
  stationId?: string;
  states?: AlertView['state'][];
  severities?: string[];
  kinds?: string[];
  first: number;
}

/**
 * Alerts: a sweep compares the conditions holding now (alerts/conditions.ts) with the unresolved alerts,
 * raising what is new and resolving what cleared, in one statement (the unique index on an unresolved
 * cause keeps two sweeps from raising it twice); every change is published (`alert.raised`,
 * `alert.resolved`). Operators acknowledge and resolve by hand; thresholds and on-call addresses per organisation.
 */
export class AlertService {
  constructor(private readonly deps: { orm: Orm; events: EventBus; log: Logger }) {}

  private sql() {
    return this.deps.orm.em.fork().getConnection();
  }

  /**
   * Raises what holds and resolves what cleared: for every station, or (`stationIds`) for those only. A scoped
   * sweep is what follows a station's events: PostgreSQL pushes the station filter into every condition, so it
   * costs a few index lookups where a full sweep reads every station (about 0.5 s at 10,000 on a busy machine).
   * `kinds` (all by default) are the conditions looked at; the alerts of other kinds stay as they are.
   */
  async sweep(stationIds?: string[], kinds: string[] = alertKinds): Promise<{ raised: AlertView[]; resolved: AlertView[] }> {
    const scope = stationIds === undefined ? null : `{${stationIds.join(',')}}`;
    const all = currentSql(kinds);
    const current = scope === null ? all : `select * from (${all}) c where c.station_id = any(?::uuid[])`;
    const rows = await this.sql().execute<(AlertRow & { change: 'raised' | 'resolved' })[]>(
      `with current as (${current}),
       raised as (
         insert into alert (id, organisation_id, station_id, kind, cause_key, severity, state, message, details, raised_at)
         select gen_random_uuid(), c.organisation_id, c.station_id, c.kind, c.cause_key, c.severity, 'open', c.message, c.details, now()
         from current c
         on conflict (station_id, kind, cause_key) where state <> 'resolved' do nothing
         returning *),
       resolved as (
         update alert a set state = 'resolved', resolved_at = now(), resolution = 'the condition cleared'
         where a.state <> 'resolved' and a.kind = any(?::text[]) ${scope === null ? '' : 'and a.station_id = any(?::uuid[])'}
           and not exists (select 1 from current c where c.station_id = a.station_id and c.kind = a.kind and c.cause_key = a.cause_key)
         returning a.*)
       select 'raised' as change, ${columns} from raised a join station s on s.id = a.station_id
       union all
       select 'resolved' as change, ${columns} from resolved a join station s on s.id = a.station_id`,
      scope === null ? [`{${kinds.join(',')}}`] : [scope, `{${kinds.join(',')}}`, scope],
    );
    const raised = rows.filter((r) => r.change === 'raised').map(view);
    const resolved = rows.filter((r) => r.change === 'resolved').map(view);
    for (const alert of raised) this.publish('alert.raised', alert);
    for (const alert of resolved) this.publish('alert.resolved', alert);
    return { raised, resolved };
  }

  private publish(topic: 'alert.raised' | 'alert.resolved', alert: AlertView): void {
    void this.deps.events.publish(topic, {
      alertId: alert.id,
      organisationId: alert.organisationId,
      stationId: alert.stationId,
      identity: alert.stationIdentity,
      kind: alert.kind,
      causeKey: alert.causeKey,
      severity: alert.severity,
      message: alert.message,
      details: alert.details,
      resolvedBy: alert.resolvedBy,
      at: (topic === 'alert.raised' ? alert.raisedAt : (alert.resolvedAt ?? new Date())).toISOString(),
    });
  }

  async find(id: string): Promise<AlertView | null> {
    const rows = await this.sql().execute<AlertRow[]>(
      `select ${columns} from alert a join station s on s.id = a.station_id where a.id = ?`,
      [id],
    );
    return rows[0] ? view(rows[0]) : null;
  }

  async list(filter: AlertFilter): Promise<AlertView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.organisationId) add('a.organisation_id = ?', filter.organisationId);
    if (filter.stationId) add('a.station_id = ?', filter.stationId);
    if (filter.states?.length) add('a.state = any(?::text[])', `{${filter.states.join(',')}}`);
    if (filter.severities?.length) add('a.severity = any(?::text[])', `{${filter.severities.join(',')}}`);
    if (filter.kinds?.length) add('a.kind = any(?::text[])', `{${filter.kinds.join(',')}}`);
    const rows = await this.sql().execute<AlertRow[]>(
      `select ${columns} from alert a join station s on s.id = a.station_id
       ${where.length ? `where ${where.join(' and ')}` : ''} order by a.raised_at desc, a.id limit ?`,
      [...params, filter.first],
    );
    return rows.map(view);
  }

  /** Says someone is on it; an alert acknowledged or resolved already stays as it is. */
  async acknowledge(id: string, actor: string): Promise<AlertView | null> {
    await this.sql().execute(
      `update alert set state = 'acknowledged', acknowledged_at = now(), acknowledged_by = ? where id = ? and state = 'open'`,
      [actor, id],
    );
    return this.find(id);
  }

  /** Resolves by hand; a condition that still holds raises a new alert at the next sweep (acknowledge it instead). */
  async resolve(id: string, actor: string, note: string): Promise<AlertView | null> {
    const rows = await this.sql().execute<{ id: string }[]>(
      `update alert set state = 'resolved', resolved_at = now(), resolved_by = ?, resolution = ? where id = ? and state <> 'resolved' returning id`,
      [actor, note.slice(0, 255), id],
    );
    const alert = await this.find(id);
    if (rows[0] && alert) this.publish('alert.resolved', alert);
    return alert;
  }

  async settings(organisationId: string): Promise<{ thresholds: AlertThresholds; emails: string[] }> {
    const rows = await this.sql().execute<{ thresholds: Partial<AlertThresholds>; emails: string[] }[]>(
      'select thresholds, emails from alert_settings where organisation_id = ?',
      [organisationId],
    );
    return { thresholds: thresholdsOf(rows[0]?.thresholds), emails: rows[0]?.emails ?? [] };
  }

  /** Sets thresholds (merged with those set before) and, when given, the on-call addresses. Throws AlertSettingsError. */
  async setSettings(
    organisationId: string,
    change: { thresholds?: Partial<Record<string, unknown>>; emails?: string[] },
    actor: string,
  ): Promise<{ thresholds: AlertThresholds; emails: string[] }> {
    const thresholds = checkThresholds(change.thresholds ?? {});
    const emails = change.emails === undefined ? null : checkEmails(change.emails);
    await this.sql().execute(
      `insert into alert_settings (organisation_id, thresholds, emails, updated_by, updated_at) values (?, ?::jsonb, coalesce(?::jsonb, '[]'), ?, now())
       on conflict (organisation_id) do update set thresholds = alert_settings.thresholds || excluded.thresholds,
         emails = coalesce(?::jsonb, alert_settings.emails), updated_by = excluded.updated_by, updated_at = now()`,
      [organisationId, JSON.stringify(thresholds), emails && JSON.stringify(emails), actor, emails && JSON.stringify(emails)],
    );
    return this.settings(organisationId);
  }

  /** On-call addresses of an organisation (for the alert mail). */
  async emailsOf(organisationId: string): Promise<string[]> {
    return (await this.settings(organisationId)).emails;
  }
}
