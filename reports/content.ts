import { healthSql } from '../alerts/health.js';
import { analytics } from '../analytics/metrics.js';
import { rankStations } from '../analytics/rank.js';
import type { Scope } from '../analytics/scope.js';
import type { Sql } from '../database/sql.js';
import type { ReportKind } from '../schema/entities/report.js';
import type { Warehouse } from '../warehouse/client.js';
import type { Cell, ReportDocument, ReportTable } from './document.js';
import { neviPorts, type Period, stationHealth, uptimeSummary } from './queries.js';

/** What a report's content is built from; `progress` tells how far it got (percent of the whole report). */
export interface ContentContext {
  warehouse: Warehouse;
  sql: Sql;
  scope: Scope;
  period: Period;
  timeZone: string;
  /** The scope as a reader names it: "organisation Kigali Charge", "station CP-1". */
  label: string;
  progress(stage: string, percent: number): Promise<void>;
}

const localDay = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(d);
const periodLine = (c: ContentContext) =>
  `Period: ${c.period.from.toISOString()} to ${c.period.to.toISOString()} (days counted in ${c.timeZone})`;

/** Stations and their energy, as rankStations answers. */
const energyTable = (key: string, title: string, ranked: Array<{ station: string; value: number }> | undefined): ReportTable => ({
  key,
  title,
  columns: [
    { key: 'station', label: 'Station', format: 'text' },
    { key: 'energy_wh', label: 'Energy', format: 'kwh' },
  ],
  rows: (ranked ?? []).map((r) => [r.station, r.value]),
});

/** Energy, sessions, revenue per currency, utilisation, success rate and uptime of the period, daily energy, top and bottom stations. */
async function monthlyOperator(c: ContentContext): Promise<ReportDocument> {
  await c.progress('energy and sessions', 15);
  const figures = await analytics(c.warehouse, c.scope, { ...c.period, timeZone: c.timeZone }, 'DAY');
  await c.progress('uptime', 40);
  const up = await uptimeSummary(c.warehouse, c.scope, c.period);
  await c.progress('station ranking', 60);
  const [top, bottom] = await Promise.all(
    (['DESC', 'ASC'] as const).map((order) => rankStations(c.warehouse, c.scope, c.period, 'ENERGY', order, 5)),
  );
  const t = figures.totals;
  return {
    title: 'Monthly operator report',
    lines: [`Scope: ${c.label}`, periodLine(c)],
    summary: [
      { key: 'energy_wh', label: 'Energy delivered', value: t.energyWh, format: 'kwh' },
      { key: 'sessions', label: 'Sessions', value: t.sessions, format: 'count' },
      { key: 'unique_drivers', label: 'Drivers', value: t.uniqueDrivers, format: 'count' },
      { key: 'occupied_share', label: 'Utilisation (occupied)', value: t.occupiedShare, format: 'share' },
      { key: 'charging_share', label: 'Utilisation (charging)', value: t.chargingShare, format: 'share' },
      { key: 'success_rate', label: 'Session success rate', value: t.successRate, format: 'share' },
      { key: 'uptime_percent', label: 'Uptime, mean of the ports (23 CFR 680.116)', value: up.meanUptime, format: 'percent' },
      { key: 'ports_meeting_97', label: `Ports at or above 97 % (of ${up.ports})`, value: up.portsMeetingTarget, format: 'count' },
    ],
    tables: [
      {
        key: 'revenue',
        title: 'Revenue before tax, per currency',
        columns: [
          { key: 'currency', label: 'Currency', format: 'text' },
          { key: 'amount_minor', label: 'Amount', format: 'money' },
        ],
        rows: t.revenue.map((m) => [m.currency, m.amountMinor]),
      },
      {
        key: 'daily',
        title: 'Per day',
        columns: [
          { key: 'day', label: 'Day', format: 'text' },
          { key: 'energy_wh', label: 'Energy', format: 'kwh' },
          { key: 'sessions', label: 'Sessions', format: 'count' },
          { key: 'occupied_share', label: 'Occupied', format: 'share' },
          { key: 'success_rate', label: 'Success', format: 'share' },
        ],
        rows: figures.buckets.map((b) => [localDay(b.start, c.timeZone), b.energyWh, b.sessions, b.occupiedShare, b.successRate]),
      },
      energyTable('top', 'Top stations by energy', top),
      energyTable('bottom', 'Bottom stations by energy', bottom),
    ],
    chart: { title: 'Energy delivered per day', table: 'daily', column: 'energy_wh' },
  };
}

const severityOrder = `case a.severity when 'critical' then 0 when 'major' then 1 when 'minor' then 2 else 3 end`;

/** The alerts not resolved at the stations of the scope, most severe first (PostgreSQL keeps them). */
async function openAlerts(c: ContentContext): Promise<Cell[][]> {
  const s = c.scope;
  const [condition, value] =
    s.kind === 'organisation'
      ? ['a.organisation_id = $1::uuid', s.organisationId]
      : s.kind === 'site'
        ? ['st.site_id = $1::uuid', s.siteId]
        : s.kind === 'station'
          ? ['lower(st.identity) = lower($1)', s.station]
          : ['$1::text is null', null];
  const { rows } = await c.sql.query<{ identity: string; kind: string; severity: string; state: string; raised_at: Date }>(
    `select st.identity, a.kind, a.severity, a.state, a.raised_at from alert a join station st on st.id = a.station_id
     where a.state <> 'resolved' and ${condition} order by ${severityOrder}, a.raised_at limit 50`,
    [value],
  );
  return rows.map((r) => [r.identity, r.kind, r.severity, r.state, new Date(r.raised_at).toISOString()]);
}

/** Each station's health now, as the API's Station.health gives it (PostgreSQL: open alerts, failed sessions). */
async function healthNow(c: ContentContext, stations: string[]): Promise<Map<string, number>> {
  const { rows } = await c.sql.query<{ identity: string; health: number }>(
    `select s.identity, ${healthSql('s')} as health from station s where s.identity = any($1::text[])`,
    [stations],
  );
  return new Map(rows.map((r) => [r.identity, Number(r.health)]));
}

/** Health scores and the worst stations of the week, their uptime and the alerts still open. */
async function weeklyStationHealth(c: ContentContext): Promise<ReportDocument> {
  await c.progress('health scores', 20);
  const health = await stationHealth(c.warehouse, c.scope, c.period, 20);
  const now = await healthNow(
    c,
    health.map((h) => h.station),
  );
  await c.progress('uptime', 45);
  const up = await uptimeSummary(c.warehouse, c.scope, c.period);
  await c.progress('open alerts', 60);
  const alerts = await openAlerts(c);
  return {
    title: 'Weekly station health',
    lines: [
      `Scope: ${c.label}`,
      periodLine(c),
      'Week score: 0.7 × mean port uptime (%) + 0.3 × session success rate (%, 100 without sessions) over the week;',
      'health now: the station health evcms shows (100 less open alerts by severity and recent failed sessions)',
    ],
    summary: [
      { key: 'ports', label: 'Ports', value: up.ports, format: 'count' },
      { key: 'uptime_percent', label: 'Uptime, mean of the ports', value: up.meanUptime, format: 'percent' },
      { key: 'worst_uptime_percent', label: 'Uptime, worst port', value: up.worstUptime, format: 'percent' },
      { key: 'outage_minutes', label: 'Outage minutes', value: up.outageMinutes, format: 'decimal' },
      { key: 'excluded_minutes', label: 'Excluded minutes', value: up.excludedMinutes, format: 'decimal' },
      { key: 'open_alerts', label: 'Open alerts (at most 50 listed)', value: alerts.length, format: 'count' },
    ],
    tables: [
      {
        key: 'worst_stations',
        title: 'Least healthy stations',
        columns: [
          { key: 'station', label: 'Station', format: 'text' },
          { key: 'health_score', label: 'Week score', format: 'decimal' },
          { key: 'health_now', label: 'Health now', format: 'count' },
          { key: 'uptime_percent', label: 'Uptime', format: 'percent' },
          { key: 'sessions', label: 'Sessions', format: 'count' },
          { key: 'success_rate', label: 'Success', format: 'share' },
          { key: 'faults', label: 'Faults', format: 'count' },
        ],
        rows: health.map((h) => [h.station, h.score, now.get(h.station) ?? null, h.uptime, h.sessions, h.successRate, h.faults]),
      },
      {
        key: 'open_alerts',
        title: 'Open alerts',
        columns: [
          { key: 'station', label: 'Station', format: 'text' },
          { key: 'kind', label: 'Kind', format: 'text' },
          { key: 'severity', label: 'Severity', format: 'text' },
          { key: 'state', label: 'State', format: 'text' },
          { key: 'raised_at', label: 'Raised', format: 'text' },
        ],
        rows: alerts,
      },
    ],
    chart: { title: 'Week score of the least healthy stations', table: 'worst_stations', column: 'health_score' },
  };
}

/**
 * One row per port (23 CFR 680.112 data, 680.116 uptime): sessions, successful sessions, energy, faults and their
 * error codes, outage, excluded and period minutes, uptime.
 */
async function neviQuarterly(c: ContentContext): Promise<ReportDocument> {
  await c.progress('ports', 30);
  const ports = await neviPorts(c.warehouse, c.scope, c.period);
  const from = c.period.from.toISOString();
  const to = c.period.to.toISOString();
  const table: ReportTable = {
    key: 'ports',
    title: 'Ports',
    columns: [
      ['station_id', 'Station'],
      ['port_id', 'Port'],
      ['period_start', 'From'],
      ['period_end', 'To'],
      ['sessions', 'Sessions'],
      ['successful_sessions', 'Successful'],
      ['energy_kwh', 'Energy (kWh)'],
      ['faults', 'Faults'],
      ['error_codes', 'Error codes'],
      ['outage_minutes', 'Outage min'],
      ['excluded_minutes', 'Excluded min'],
      ['period_minutes', 'Period min'],
      ['uptime_percent', 'Uptime %'],
    ].map(([key, label]) => ({ key: key as string, label: label as string, format: 'text' as const })),
    rows: ports.map((p) => [
      p.station,
      p.connectorId,
      from,
      to,
      p.sessions,
      p.successfulSessions,
      p.energyWh / 1000,
      p.faults,
      p.errorCodes,
      p.outageMinutes,
      p.excludedMinutes,
      p.periodMinutes,
      p.uptimePercent,
    ]),
  };
  return {
    title: 'NEVI quarterly data per port',
    lines: [`Scope: ${c.label}`, periodLine(c)],
    summary: [],
    tables: [table],
    export: table,
  };
}

export const contentOf: Record<ReportKind, (c: ContentContext) => Promise<ReportDocument>> = {
  MONTHLY_OPERATOR: monthlyOperator,
  WEEKLY_STATION_HEALTH: weeklyStationHealth,
  NEVI_QUARTERLY: neviQuarterly,
};
