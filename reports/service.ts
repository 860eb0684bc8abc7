import { AlertSettingsError, checkEmails } from '../alerts/settings.js';
import { AnalyticsError, checkWindow, type Scope } from '../analytics/scope.js';
import type { Orm } from '../database/orm.js';
import type { LinkSigner } from '../maintenance/signed-link.js';
import type { FileStore } from '../maintenance/storage.js';
import { type ReportFormat, type ReportKind, type ReportState, reportFormats, reportKinds } from '../schema/entities/report.js';
import type { ReportQueue } from './queue.js';

export interface ReportView {
  id: string;
  organisationId: string | null;
  kind: ReportKind;
  format: ReportFormat;
  scope: Scope;
  timeZone: string;
  from: Date;
  to: Date;
  state: ReportState;
  stage: string;
  percent: number;
  error: string | null;
  fileKey: string | null;
  fileSize: number | null;
  /** Made by the schedule (the monthly and weekly reports), not asked for. */
  scheduled: boolean;
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A request refused, naming the argument. */
export class ReportError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface ReportRow {
  id: string;
  organisation_id: string | null;
  kind: ReportKind;
  format: ReportFormat;
  scope_kind: Scope['kind'];
  scope_id: string | null;
  time_zone: string;
  period_from: Date;
  period_to: Date;
  state: ReportState;
  stage: string;
  percent: number;
  error: string | null;
  file_key: string | null;
  file_size: number | null;
  schedule_key: string | null;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function scopeOf(kind: Scope['kind'], id: string | null): Scope {
  switch (kind) {
    case 'station':
      return { kind, station: id as string };
    case 'site':
      return { kind, siteId: id as string };
    case 'organisation':
      return { kind, organisationId: id as string };
    case 'network':
      return { kind };
  }
}

/** The station's identity, the site's or organisation's id, or null for the network. */
export const scopeId = (scope: Scope) =>
  scope.kind === 'station'
    ? scope.station
    : scope.kind === 'site'
      ? scope.siteId
      : scope.kind === 'organisation'
        ? scope.organisationId
        : null;

const date = (d: Date | null) => (d === null ? null : new Date(d));

export const reportView = (r: ReportRow): ReportView => ({
  id: r.id,
  organisationId: r.organisation_id,
  kind: r.kind,
  format: r.format,
  scope: scopeOf(r.scope_kind, r.scope_id),
  timeZone: r.time_zone,
  from: new Date(r.period_from),
  to: new Date(r.period_to),
  state: r.state,
  stage: r.stage,
  percent: r.percent,
  error: r.error,
  fileKey: r.file_key,
  fileSize: r.file_size,
  scheduled: r.schedule_key !== null,
  requestedBy: r.requested_by,
  createdAt: new Date(r.created_at),
  startedAt: date(r.started_at),
  finishedAt: date(r.finished_at),
});

export type ReportRequest = Pick<ReportView, 'organisationId' | 'kind' | 'format' | 'scope' | 'timeZone' | 'from' | 'to' | 'requestedBy'>;

export interface ReportFilter {
  /** undefined: every organisation's and the network's (administrators); null: the network's alone. */
  organisationId?: string | null | undefined;
  id?: string | undefined;
  kinds?: ReportKind[] | undefined;
  states?: ReportState[] | undefined;
  first: number;
}

export interface ReportServiceDeps {
  orm: Orm;
  store: FileStore;
  links: LinkSigner;
  queue: ReportQueue;
  /** The API's public address, as it is now (tests learn the port once the API listens). */
  httpBase: () => string;
}

/** The longest period a report covers: the uptime questions' limit. */
const longestDays = 366;
/** How long the link of the API's `downloadUrl` works. */
export const apiLinkMinutes = 15;

/** Reports asked for and their files, subscriptions to them, and links to download them (docs/analytics.md#reports). */
export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  get queue(): ReportQueue {
    return this.deps.queue;
  }

  private db() {
    return this.deps.orm.em.fork().getConnection();
  }

  /** Records a report as queued and hands it to the workers. */
  async request(input: ReportRequest): Promise<ReportView> {
    if (!reportKinds.includes(input.kind)) throw new ReportError(`kind: expected one of ${reportKinds.join(', ')}`, 'kind');
    if (!reportFormats.includes(input.format)) throw new ReportError(`format: expected one of ${reportFormats.join(', ')}`, 'format');
    if (input.kind === 'NEVI_QUARTERLY' && input.format !== 'CSV')
      throw new ReportError('format: NEVI_QUARTERLY is a CSV export', 'format');
    try {
      checkWindow({ from: input.from, to: input.to, timeZone: input.timeZone }, undefined, longestDays * 86_400_000);
    } catch (error) {
      if (error instanceof AnalyticsError) throw new ReportError(error.message, error.field);
      throw error;
    }
    const [row] = await this.db().execute<ReportRow[]>(
      `insert into report (id, organisation_id, kind, format, scope_kind, scope_id, time_zone, period_from, period_to, requested_by, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) returning *`,
      [
        input.organisationId,
        input.kind,
        input.format,
        input.scope.kind,
        scopeId(input.scope),
        input.timeZone,
        input.from,
        input.to,
        input.requestedBy,
      ],
    );
    const view = reportView(row as ReportRow);
    await this.deps.queue.add(view.id);
    return view;
  }

  async find(id: string): Promise<ReportView | null> {
    const [row] = await this.db().execute<ReportRow[]>('select * from report where id = ?', [id]);
    return row ? reportView(row) : null;
  }

  /** Reports newest first, filtered. */
  async list(filter: ReportFilter): Promise<ReportView[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const where_ = (condition: string, ...values: unknown[]) => {
      conditions.push(condition);
      params.push(...values);
    };
    if (filter.organisationId === null) where_('organisation_id is null');
    else if (filter.organisationId !== undefined) where_('organisation_id = ?', filter.organisationId);
    if (filter.id !== undefined) where_('id = ?', filter.id);
    if (filter.kinds?.length) where_('kind = any(?::text[])', `{${filter.kinds.join(',')}}`);
    if (filter.states?.length) where_('state = any(?::text[])', `{${filter.states.join(',')}}`);
    const where = conditions.length ? `where ${conditions.join(' and ')}` : '';
    const rows = await this.db().execute<ReportRow[]>(`select * from report ${where} order by created_at desc, id limit ?`, [
      ...params,
      filter.first,
    ]);
    return rows.map(reportView);
  }

  /** The addresses an organisation's reports of a kind are mailed to. */
  async subscribers(organisationId: string, kind: ReportKind): Promise<string[]> {
    const [row] = await this.db().execute<{ emails: string[] }[]>(
      'select emails from report_subscription where organisation_id = ? and kind = ?',
      [organisationId, kind],
    );
    return row?.emails ?? [];
  }

  async subscriptions(organisationId: string): Promise<Array<{ kind: ReportKind; emails: string[] }>> {
    const rows = await this.db().execute<{ kind: ReportKind; emails: string[] }[]>(
      'select kind, emails from report_subscription where organisation_id = ? order by kind',
      [organisationId],
    );
    return rows;
  }

  /** Sets who gets the organisation's reports of a kind (an empty list: nobody); addresses checked as alert addresses are. */
  async subscribe(organisationId: string, kind: ReportKind, emails: string[]): Promise<{ kind: ReportKind; emails: string[] }> {
    if (!reportKinds.includes(kind)) throw new ReportError(`kind: expected one of ${reportKinds.join(', ')}`, 'kind');
    try {
      emails = checkEmails(emails);
    } catch (error) {
      if (error instanceof AlertSettingsError) throw new ReportError(error.message, 'emails');
      throw error;
    }
    await this.db().execute(
      `insert into report_subscription (organisation_id, kind, emails, updated_at) values (?, ?, ?::jsonb, now())
       on conflict (organisation_id, kind) do update set emails = excluded.emails, updated_at = now()`,
      [organisationId, kind, JSON.stringify(emails)],
    );
    return { kind, emails };
  }

  /** A link to a done report's file that works without signing in until `expires`; null while there is no file. */
  downloadUrl(report: ReportView, expires = new Date(Date.now() + apiLinkMinutes * 60_000)): string | null {
    if (report.state !== 'done' || !report.fileKey) return null;
    return `${this.deps.httpBase()}/reports/${report.id}/download?${this.deps.links.sign('report', report.id, expires)}`;
  }

  checkLink(reportId: string, query: URLSearchParams, now = new Date()): 'valid' | 'expired' | 'forged' {
    return this.deps.links.check('report', reportId, query, now);
  }

  close(): Promise<void> {
    return this.deps.queue.close();
  }
}
