import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FactWriter } from '../analytics/fact-writer.js';
import { aStationAt } from '../test/api-data.js';
import { aUser, anOrganisation, errorCode, gql } from '../test/api.js';
import { liveClient, subscribe } from '../test/live.js';
import { pdfText } from '../test/pdf-text.js';
import { eventually, startTestSystem, type TestSystem } from '../test/system.js';
import { reportJobId } from './queue.js';
import { scheduleReports } from './schedule.js';

// Reports built by the workers from facts written here into chDB, their figures worked out by hand beside them.

const day = (h = 0, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m));
const nextDay = new Date(Date.UTC(2026, 5, 2));
const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const tag = randomBytes(3).toString('hex').toUpperCase();
const S1 = `RPT-${tag}-1`;
const S2 = `RPT-${tag}-2`;

let seq = 0;
const uuid = () => `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;

interface Report {
  id: string;
  state: string;
  stage: string;
  percent: number;
  error: string | null;
  downloadUrl: string | null;
}
const fields = 'id state stage percent error downloadUrl';

describe('reports', () => {
  let system: TestSystem;
  let orgA: string;
  let orgB: string;
  let operatorA: string;
  let operatorB: string;
  let live: Client;

  const facts = async (organisationId: string) => {
    const writer = new FactWriter({ warehouse: system.deps.warehouse, sql: system.deps.sql, log: system.deps.log });
    const common = { station_id: uuid(), site_id: null, organisation_id: organisationId, version: 1 };
    const interval = (station: string, connectorId: number, status: string, from: Date, to: Date) => ({
      ...common,
      station,
      connector_id: connectorId,
      kind: 'status',
      status,
      ocpp_status: status,
      error_code: status === 'Faulted' ? 'GroundFailure' : 'NoError',
      vendor_error_code: '',
      operator_set: 0,
      started_at: ch(from),
      ended_at: ch(to),
    });
    const session = (station: string, from: Date, energyWh: number, extra: Record<string, unknown> = {}) => ({
      ...common,
      session_id: uuid(),
      station,
      connector_id: 1,
      time_zone: 'UTC',
      driver: `driver-${seq}`,
      credential_type: 'ISO14443',
      started_at: ch(from),
      ended_at: ch(new Date(from.getTime() + 3_600_000)),
      energy_wh: energyWh,
      charging_seconds: 3600,
      idle_seconds: 0,
      stop_reason: 'Local',
      success: 1,
      revenue_minor: 0,
      currency: '',
      ...extra,
    });
    // S1 port 1: Faulted 06:00 to 12:00 (360 min), 06:00 to 08:00 excluded (120 min); S1 port 2 and S2 port 1: up all day.
    await writer.insert('status_intervals', [
      interval(S1, 1, 'Available', day(0), day(6)),
      interval(S1, 1, 'Faulted', day(6), day(12)),
      interval(S1, 1, 'Available', day(12), nextDay),
      interval(S1, 2, 'Available', day(0), nextDay),
      interval(S2, 1, 'Available', day(0), nextDay),
    ]);
    await writer.insert('outage_exclusions', [
      {
        exclusion_id: uuid(),
        station: S1,
        connector_id: 0,
        organisation_id: organisationId,
        cause: 'vandalism',
        started_at: ch(day(6)),
        ended_at: ch(day(8)),
        deleted: 0,
        version: 1,
      },
    ]);
    // S1: 10 kWh (ended normally) and 5 kWh (emergency stop: no success); S2: 20 kWh, invoiced 1,500 RWF.
    await writer.insert('sessions', [
      session(S1, day(1), 10_000),
      session(S1, day(13), 5_000, { success: 0, stop_reason: 'EmergencyStop' }),
      session(S2, day(3), 20_000, { revenue_minor: 1500, currency: 'RWF' }),
    ]);
  };

  const request = async (kind: string, format: string, organisationId: string, token: string, from = day(0), to = nextDay) => {
    const answer = await gql<{ requestReport: Report }>(
      system,
      `mutation($kind: ReportKind!, $format: ReportFormat!, $org: String, $from: DateTimeISO!, $to: DateTimeISO!) {
         requestReport(kind: $kind, format: $format, organisationId: $org, from: $from, to: $to, timeZone: "UTC") { ${fields} } }`,
      { kind, format, org: organisationId, from: from.toISOString(), to: to.toISOString() },
      token,
    );
    if (!answer.data) throw new Error(JSON.stringify(answer.errors));
    return answer.data.requestReport;
  };
  const finished = (id: string, token: string) =>
    eventually(async () => {
      const answer = await gql<{ reports: Report[] }>(system, `query($id: ID) { reports(id: $id) { ${fields} } }`, { id }, token);
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
      const report = answer.data?.reports[0];
      return report && (report.state === 'DONE' || report.state === 'FAILED') ? report : undefined;
    }, 20_000);
  const download = async (url: string, token?: string) => {
    const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
  };
  const csvLines = (body: Buffer) => body.toString('utf8').split('\r\n').filter(Boolean);

  beforeAll(async () => {
    system = await startTestSystem({ roles: ['api', 'workers'] });
    const a = await anOrganisation(system);
    orgA = a.organisationId;
    orgB = (await anOrganisation(system)).organisationId;
    // A station in PostgreSQL with an alert still open (the warehouse's stations are S1 and S2 alone), of a kind
    // the alert sweep does not evaluate, so that it stays open.
    const alerted = await aStationAt(system, a.siteId, `RPT-${tag}-PG`);
    await system.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into alert (id, organisation_id, station_id, kind, cause_key, severity, message, raised_at)
         values (gen_random_uuid(), ?, ?, 'inspection-due', '', 'major', 'inspect the cable', now())`,
        [orgA, alerted.id],
      );
    // S1 in PostgreSQL too, with a minor alert open: its health now is 90 (100 less 10), as Station.health says.
    const s1 = await aStationAt(system, a.siteId, S1);
    await system.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into alert (id, organisation_id, station_id, kind, cause_key, severity, message, raised_at)
         values (gen_random_uuid(), ?, ?, 'inspection-due', '', 'minor', 'inspect the sign', now())`,
        [orgA, s1.id],
      );
    operatorA = (await aUser(system, 'OPERATOR', orgA)).token;
    operatorB = (await aUser(system, 'OPERATOR', orgB)).token;
    await facts(orgA);
    live = liveClient(system.apiUrl, operatorA);
  });
  afterAll(async () => {
    await live?.dispose();
    await system?.close();
  });

  it('exports a row per port for NEVI: sessions, faults and their codes, outage and excluded minutes, uptime', async () => {
    const report = await finished((await request('NEVI_QUARTERLY', 'CSV', orgA, operatorA)).id, operatorA);
    expect(report).toMatchObject({ state: 'DONE', percent: 100, error: null });
    const { status, body } = await download(report.downloadUrl as string);
    expect(status).toBe(200);
    const period = '2026-06-01T00:00:00.000Z,2026-06-02T00:00:00.000Z';
    expect(csvLines(body)).toEqual([
      'station_id,port_id,period_start,period_end,sessions,successful_sessions,energy_kwh,faults,error_codes,outage_minutes,excluded_minutes,period_minutes,uptime_percent',
      // Out 360 minutes, 120 of them excluded: (1440 − (360 − 120)) / 1440 × 100.
      `${S1},1,${period},2,1,15,1,GroundFailure,360,120,1440,${((1440 - (360 - 120)) / 1440) * 100}`,
      `${S1},2,${period},0,0,0,0,,0,0,1440,100`,
      `${S2},1,${period},1,1,20,0,,0,0,1440,100`,
    ]);
  });

  it('reports the month: energy, sessions, revenue per currency, success, uptime, the days and the top and bottom stations', async () => {
    const report = await finished((await request('MONTHLY_OPERATOR', 'CSV', orgA, operatorA)).id, operatorA);
    const lines = csvLines((await download(report.downloadUrl as string)).body);
    expect(lines[0]).toBe('section,item,metric,value');
    const value = (section: string, item: string, metric: string) =>
      lines.find((l) => l.startsWith(`${section},${item},${metric},`))?.split(',')[3];
    expect(value('summary', '', 'energy_wh')).toBe('35000');
    expect(value('summary', '', 'sessions')).toBe('3');
    expect(value('summary', '', 'unique_drivers')).toBe('3');
    expect(Number(value('summary', '', 'success_rate'))).toBeCloseTo(2 / 3, 12);
    // The mean of the ports' uptime: 83.33, 100 and 100; two ports at 97 % or more.
    expect(Number(value('summary', '', 'uptime_percent'))).toBeCloseTo((1200 / 1440 + 2) * (100 / 3), 9);
    expect(value('summary', '', 'ports_meeting_97')).toBe('2');
    expect(value('revenue', 'RWF', 'amount_minor')).toBe('1500');
    expect(value('daily', '2026-06-01', 'energy_wh')).toBe('35000');
    expect(value('daily', '2026-06-01', 'sessions')).toBe('3');
    expect(lines.filter((l) => l.startsWith('top,'))).toEqual([`top,${S2},energy_wh,20000`, `top,${S1},energy_wh,15000`]);
    expect(lines.filter((l) => l.startsWith('bottom,'))).toEqual([`bottom,${S1},energy_wh,15000`, `bottom,${S2},energy_wh,20000`]);
  });

  it('draws the week’s station health as a PDF: scores, the least healthy stations, open alerts', async () => {
    const report = await finished((await request('WEEKLY_STATION_HEALTH', 'PDF', orgA, operatorA)).id, operatorA);
    const { status, body } = await download(report.downloadUrl as string);
    expect(status).toBe(200);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(body);
    expect(text).toContain('Weekly station health');
    // S1: ports at 83.33 % and 100 % (mean 91.67), 1 of 2 sessions successful: 0.7 × 91.67 + 30 × 0.5 = 79.2, listed first.
    // The chart's labels come first (the first and last stations), then the table's rows.
    expect(text.indexOf(S1)).toBeLessThan(text.indexOf(S2));
    // The table's row of S1: its week score, then the health evcms shows for it now (S2 is not in PostgreSQL).
    const s1 = text.findIndex((cell, i) => cell === S1 && text[i + 1] === '79.2');
    expect(s1).toBeGreaterThan(0);
    expect(text[s1 + 2]).toBe('90');
    const s2 = text.findIndex((cell, i) => i > s1 && cell === S2);
    expect(text.slice(s2 + 1, s2 + 3)).toEqual(['100.0', '–']);
    expect(text).toContain(`RPT-${tag}-PG`);
    expect(text).toContain('inspection-due');
  });

  it('tells its progress while it runs, stage by stage, to the end', async () => {
    const feed = await subscribe<{ reportProgress: { reportId: string; state: string; stage: string; percent: number } }>(
      live,
      'subscription { reportProgress { reportId state stage percent } }',
    );
    const { id } = await request('MONTHLY_OPERATOR', 'PDF', orgA, operatorA);
    await feed.next((e) => e.reportProgress.reportId === id && e.reportProgress.state === 'DONE', 20_000);
    feed.stop();
    const events = feed.received.map((e) => e.reportProgress).filter((e) => e.reportId === id);
    expect(events.map((e) => e.stage)).toEqual([
      'starting',
      'energy and sessions',
      'uptime',
      'station ranking',
      'rendering',
      'storing',
      'done',
    ]);
    const percents = events.map((e) => e.percent);
    expect(percents).toEqual([...percents].sort((x, y) => x - y));
    expect(events.at(-1)).toMatchObject({ state: 'DONE', percent: 100 });
  });

  it('opens a report through its link, and refuses an expired link, a forged one and another organisation', async () => {
    const report = await finished((await request('NEVI_QUARTERLY', 'CSV', orgA, operatorA)).id, operatorA);
    const url = new URL(report.downloadUrl as string);
    expect((await download(url.href)).status).toBe(200);
    expect((await download(url.href, operatorA)).status).toBe(200);
    const view = await system.deps.reports.find(report.id);
    const expired = await download(system.deps.reports.downloadUrl(view as never, new Date(Date.now() - 1000)) as string);
    expect(expired.status).toBe(401);
    expect(expired.body.toString()).toContain('expired');
    const forged = new URL(url);
    forged.searchParams.set('signature', `${url.searchParams.get('signature')?.slice(0, -2)}AA`);
    expect((await download(forged.href)).status).toBe(401);
    // The link of one report does not open another.
    const other = await request('NEVI_QUARTERLY', 'CSV', orgB, operatorB);
    await finished(other.id, operatorB);
    expect((await download(`${system.apiUrl}/reports/${other.id}/download${url.search}`)).status).toBe(401);
    // Another organisation's operator, with the link or without: refused.
    expect((await download(url.href, operatorB)).status).toBe(403);
    expect((await download(`${system.apiUrl}/reports/${report.id}/download`, operatorB)).status).toBe(403);
    expect((await download(`${system.apiUrl}/reports/${report.id}/download`)).status).toBe(401);
    // And B's operator does not see A's reports.
    const listed = await gql<{ reports: Report[] }>(system, `query($id: ID) { reports(id: $id) { id } }`, { id: report.id }, operatorB);
    expect(listed.data?.reports).toEqual([]);
  });

  it('schedules one report per organisation, kind and period, even when the schedule runs twice at once, and mails subscribers', async () => {
    const subscribed = await gql(
      system,
      'mutation { setReportSubscription(kind: MONTHLY_OPERATOR, emails: ["Ops@Example.test"]) { emails } }',
      {},
      operatorA,
    );
    expect(subscribed.data).toEqual({ setReportSubscription: { emails: ['ops@example.test'] } });
    const now = new Date('2026-07-03T10:00:00Z');
    const deps = { orm: system.deps.orm, queue: system.deps.reports.queue };
    const [first, second] = await Promise.all([scheduleReports(deps, now), scheduleReports(deps, now)]);
    expect(await scheduleReports(deps, now)).toEqual([]);
    const made = [...(first ?? []), ...(second ?? [])];
    const rows = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ id: string; kind: string; period_from: Date; period_to: Date }[]>(
        // The workers' own schedule runs too, at today's date: its periods are not June's.
        `select id, kind, period_from, period_to from report
         where schedule_key is not null and organisation_id = ? and period_to <= '2026-07-01' order by kind`,
        [orgA],
      );
    // Organisation A alone has a station: its June and its week from Monday 22 June.
    expect(made.sort()).toEqual(rows.map((r) => r.id).sort());
    expect(rows.map((r) => [r.kind, new Date(r.period_from).toISOString(), new Date(r.period_to).toISOString()])).toEqual([
      ['MONTHLY_OPERATOR', '2026-06-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
      ['WEEKLY_STATION_HEALTH', '2026-06-22T00:00:00.000Z', '2026-06-29T00:00:00.000Z'],
    ]);
    const queue = system.workers?.reports.queue;
    for (const row of rows) expect(await queue?.getJob(reportJobId(row.id))).toBeTruthy();
    const monthly = rows.find((r) => r.kind === 'MONTHLY_OPERATOR')?.id as string;
    await finished(monthly, operatorA);
    const [mail] = await system.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ to: string; data: Record<string, string> }[]>(
        `select "to", data from email_outbox where template = 'report-ready' and data ->> 'reportId' = ?`,
        [monthly],
      );
    expect(mail?.to).toBe('ops@example.test');
    const link = await eventually(async () => {
      const sent = (system.deps.mail.transport as unknown as { sent: Array<{ to: string; text: string }> }).sent;
      return sent.find((m) => m.to === 'ops@example.test')?.text.match(/http\S+/)?.[0];
    }, 10_000);
    const opened = await download(link);
    expect(opened.status).toBe(200);
    expect(pdfText(opened.body)).toContain('Monthly operator report');
  });

  it('marks a report that cannot be built failed, with the stage and the cause', async () => {
    const c = (await anOrganisation(system)).organisationId;
    const operatorC = (await aUser(system, 'OPERATOR', c)).token;
    // Where C's report files go is a file: the store cannot make the folder.
    mkdirSync(join(system.config.DATA_DIR, 'files', 'reports'), { recursive: true });
    writeFileSync(join(system.config.DATA_DIR, 'files', 'reports', c), 'not a folder');
    const report = await finished((await request('MONTHLY_OPERATOR', 'CSV', c, operatorC)).id, operatorC);
    expect(report.state).toBe('FAILED');
    expect(report.error).toMatch(/^storing: (EEXIST|ENOTDIR)/);
    expect(report.downloadUrl).toBeNull();
  });

  it('refuses a NEVI export as PDF, a period longer than a year and an address that is none, naming the argument', async () => {
    const pdf = await gql(
      system,
      'mutation { requestReport(kind: NEVI_QUARTERLY, format: PDF, from: "2026-04-01T00:00:00Z", to: "2026-07-01T00:00:00Z") { id } }',
      {},
      operatorA,
    );
    expect(errorCode(pdf)).toBe('BAD_USER_INPUT');
    expect(pdf.errors?.[0]?.message).toContain('format: NEVI_QUARTERLY is a CSV export');
    const long = await gql(
      system,
      'mutation { requestReport(kind: MONTHLY_OPERATOR, format: CSV, from: "2024-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { id } }',
      {},
      operatorA,
    );
    expect(errorCode(long)).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0]?.message).toContain('to: at most 366 days');
    const address = await gql(
      system,
      'mutation { setReportSubscription(kind: MONTHLY_OPERATOR, emails: ["ops"]) { kind } }',
      {},
      operatorA,
    );
    expect(errorCode(address)).toBe('BAD_USER_INPUT');
    expect(address.errors?.[0]?.message).toContain('emails: expected email addresses, not "ops"');
  });
});
