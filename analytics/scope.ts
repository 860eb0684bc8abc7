/** What a question is about: one station, one site, one organisation, or the whole network. */
export type Scope =
  | { kind: 'station'; station: string }
  | { kind: 'site'; siteId: string }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'network' };

export const granularities = ['HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type Granularity = (typeof granularities)[number];

/** A question's window, in the time zone its buckets are counted in. */
export interface Window {
  from: Date;
  to: Date;
  timeZone: string;
}

export class AnalyticsError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const dayMs = 86_400_000;
/** The longest window per granularity: at most about 750 buckets an answer. */
const longest: Record<Granularity, number> = { HOUR: 31 * dayMs, DAY: 732 * dayMs, WEEK: 5 * 366 * dayMs, MONTH: 10 * 366 * dayMs };

/** Refuses a window the warehouse should not be asked: reversed, empty, too long for its granularity, a zone unknown. */
export function checkWindow(window: Window, granularity?: Granularity, maxMs = 10 * 366 * dayMs): void {
  const { from, to, timeZone } = window;
  if (Number.isNaN(from.getTime())) throw new AnalyticsError('from: not a date', 'from');
  if (Number.isNaN(to.getTime())) throw new AnalyticsError('to: not a date', 'to');
  if (!(to > from)) throw new AnalyticsError('to: must be after from', 'to');
  if (granularity !== undefined && !granularities.includes(granularity))
    throw new AnalyticsError(`granularity: expected one of ${granularities.join(', ')}`, 'granularity');
  const limit = granularity ? longest[granularity] : maxMs;
  if (to.getTime() - from.getTime() > limit)
    throw new AnalyticsError(
      `to: at most ${Math.round(limit / dayMs)} days after from${granularity ? ` with granularity ${granularity}` : ''}`,
      'to',
    );
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new AnalyticsError(`timeZone: "${timeZone}" is not an IANA time zone`, 'timeZone');
  }
}

/** The WHERE condition selecting a scope's rows in a fact table (columns station, site_id, organisation_id), and its parameters. */
export function scopeCondition(scope: Scope, alias = ''): { sql: string; params: Record<string, string> } {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  switch (scope.kind) {
    case 'station':
      return { sql: `${column('station')} = {scopeStation:String}`, params: { scopeStation: scope.station } };
    case 'site':
      return { sql: `${column('site_id')} = {scopeSite:UUID}`, params: { scopeSite: scope.siteId } };
    case 'organisation':
      return { sql: `${column('organisation_id')} = {scopeOrganisation:UUID}`, params: { scopeOrganisation: scope.organisationId } };
    case 'network':
      return { sql: '1', params: {} };
  }
}

export const clickHouseTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** The start of the bucket holding `column` (a UTC DateTime), in the window's zone, as a UTC instant. */
export function bucketOf(column: string, granularity: Granularity): string {
  switch (granularity) {
    case 'HOUR':
      return `toStartOfHour(${column}, {tz:String})`;
    case 'DAY':
      return `toStartOfDay(${column}, {tz:String})`;
    case 'WEEK':
      return `toDateTime(toMonday(${column}, {tz:String}), {tz:String})`;
    case 'MONTH':
      return `toDateTime(toStartOfMonth(${column}, {tz:String}), {tz:String})`;
  }
}
