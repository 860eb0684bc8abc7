import { Readable } from 'node:stream';
import { queueMail } from '../auth/mail-outbox.js';
import type { Orm } from '../database/orm.js';
import type { Sql } from '../database/sql.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import type { Warehouse } from '../warehouse/client.js';
import { contentOf } from './content.js';
import { reportCsv } from './csv.js';
import { reportPdf } from './pdf.js';
import { type ReportRow, type ReportService, type ReportView, reportView } from './service.js';
import type { FileStore } from '../maintenance/storage.js';

export interface BuildDeps {
  orm: Orm;
  sql: Sql;
  warehouse: Warehouse;
  events: EventBus;
  log: Logger;
  store: FileStore;
  reports: ReportService;
  /** How long the link in the mail works. */
  mailLinkHours: number;
}

/** The largest report file kept. */
const maxBytes = 200 * 1024 * 1024;

const extension = { CSV: 'csv', PDF: 'pdf' } as const;

/** A name for the scope a reader knows: the organisation's or site's name, the station's identity. */
async function labelOf(sql: Sql, report: ReportView): Promise<string> {
  const s = report.scope;
  if (s.kind === 'network') return 'the whole network';
  if (s.kind === 'station') return `station ${s.station}`;
  const table = s.kind === 'site' ? 'site' : 'organisation';
  const id = s.kind === 'site' ? s.siteId : s.organisationId;
  const { rows } = await sql.query<{ name: string }>(`select name from ${table} where id = $1`, [id]);
  return `${table} ${rows[0]?.name ?? id}`;
}

/**
 * Builds a report: marks it running, asks the warehouse (reporting each stage as `report.progress`), renders the
 * CSV or PDF, stores the file, marks it done and, for a scheduled report, mails the organisation's subscribers a
 * signed link through the outbox (in the same transaction). Any failure marks it failed with the stage it failed
 * in and why. A report already done or failed is left as it is, so a job run twice builds it once.
 */
export async function buildReport(deps: BuildDeps, reportId: string): Promise<ReportView> {
  const db = () => deps.orm.em.fork().getConnection();
  const [claimed] = await db().execute<ReportRow[]>(
    `update report set state = 'running', stage = 'starting', percent = 5, started_at = now(), error = null
     where id = ? and state in ('queued', 'running') returning *`,
    [reportId],
  );
  if (!claimed) {
    const existing = await deps.reports.find(reportId);
    if (!existing) throw new Error(`report ${reportId} not found`);
    return existing;
  }
  const report = reportView(claimed);
  const publish = (state: string, stage: string, percent: number, error: string | null = null) =>
    deps.events.publish('report.progress', {
      reportId,
      organisationId: report.organisationId,
      kind: report.kind,
      state,
      stage,
      percent,
      error,
      at: new Date().toISOString(),
    });
  let stage = 'starting';
  const progress = async (next: string, percent: number) => {
    stage = next;
    await db().execute('update report set stage = ?, percent = ? where id = ?', [next, percent, reportId]);
    await publish('running', next, percent);
  };
  try {
    await publish('running', stage, 5);
    const content = await contentOf[report.kind]({
      warehouse: deps.warehouse,
      sql: deps.sql,
      scope: report.scope,
      period: { from: report.from, to: report.to },
      timeZone: report.timeZone,
      label: await labelOf(deps.sql, report),
      progress,
    });
    await progress('rendering', 80);
    const body = report.format === 'CSV' ? reportCsv(content) : await reportPdf(content, report.createdAt);
    await progress('storing', 90);
    const key = `reports/${report.organisationId ?? 'network'}/${report.id}.${extension[report.format]}`;
    const stored = await deps.store.write(key, Readable.from([body]), { maxBytes });
    const done = await finish(deps, report, key, stored.size);
    await publish('done', 'done', 100);
    deps.log.info({ report: reportId, kind: report.kind, bytes: stored.size }, 'reports: built');
    return done;
  } catch (error) {
    const message = `${stage}: ${(error as Error).message || String(error)}`.slice(0, 1000);
    await db().execute(`update report set state = 'failed', error = ?, finished_at = now() where id = ?`, [message, reportId]);
    await publish('failed', stage, 100, message);
    deps.log.warn({ report: reportId, kind: report.kind, err: error }, 'reports: failed');
    return reportView({ ...claimed, state: 'failed', error: message });
  }
}

/** Marks the report done and, if the schedule made it, mails its subscribers the link: one transaction. */
async function finish(deps: BuildDeps, report: ReportView, key: string, size: number): Promise<ReportView> {
  const recipients = report.scheduled && report.organisationId ? await deps.reports.subscribers(report.organisationId, report.kind) : [];
  return deps.orm.em.fork().transactional(async (em) => {
    const [row] = await em.execute<ReportRow[]>(
      `update report set state = 'done', stage = 'done', percent = 100, file_key = ?, file_size = ?, finished_at = now()
       where id = ? returning *`,
      [key, size, report.id],
    );
    const done = reportView(row as ReportRow);
    const until = new Date(Date.now() + deps.mailLinkHours * 3_600_000);
    const link = deps.reports.downloadUrl(done, until) ?? '';
    for (const to of recipients)
      queueMail(em, to, 'report-ready', {
        kind: done.kind,
        format: done.format,
        from: done.from.toISOString(),
        to: done.to.toISOString(),
        link,
        until: until.toISOString(),
        reportId: done.id,
      });
    return done;
  });
}
