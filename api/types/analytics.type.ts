import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Exclusion } from '../../analytics/exclusions.js';
import type { Analytics, Bucket, Figures } from '../../analytics/metrics.js';

export enum GranularityValue {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(GranularityValue, { name: 'Granularity', description: 'The width of a bucket, in the time zone of the answer' });

export enum RankMetricValue {
  ENERGY = 'ENERGY',
  SESSIONS = 'SESSIONS',
  UNIQUE_DRIVERS = 'UNIQUE_DRIVERS',
  SUCCESS_RATE = 'SUCCESS_RATE',
  OCCUPIED_SHARE = 'OCCUPIED_SHARE',
  UPTIME = 'UPTIME',
}
registerEnumType(RankMetricValue, { name: 'RankMetric', description: 'What stations are ranked on' });

export enum RankOrderValue {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(RankOrderValue, { name: 'RankOrder', description: 'DESC: the top stations; ASC: the bottom ones' });

export enum ExclusionCauseValue {
  UTILITY_OUTAGE = 'utility-outage',
  VANDALISM = 'vandalism',
  PLANNED_MAINTENANCE = 'planned-maintenance',
  OUTSIDE_OPERATING_HOURS = 'outside-operating-hours',
}
registerEnumType(ExclusionCauseValue, { name: 'OutageExclusionCause', description: 'Why an outage does not count against uptime' });

@ObjectType('MoneyAmount', { description: 'An amount in integer minor units of an ISO 4217 currency' })
export class MoneyAmountType {
  @Field(() => String)
  currency!: string;

  @Field(() => Float, { description: 'Minor units (cents): an integer' })
  amountMinor!: number;
}

@ObjectType('AnalyticsFigures', { description: 'What a scope did over a bucket or the whole window, computed in the warehouse' })
export class AnalyticsFiguresType {
  @Field(() => Float)
  energyWh!: number;

  @Field(() => Int, { description: 'Sessions started' })
  sessions!: number;

  @Field(() => Int, { description: 'Distinct credentials of the sessions started' })
  uniqueDrivers!: number;

  @Field(() => [MoneyAmountType], { description: 'Revenue before tax of the sessions invoiced, per currency' })
  revenue!: MoneyAmountType[];

  @Field(() => Float, { nullable: true, description: "Share of the connectors' reported time they were occupied (0 to 1)" })
  occupiedShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of their reported time they were charging (0 to 1)' })
  chargingShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Sessions that delivered energy and ended normally, over those started' })
  successRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'The highest power a station reported (Power.Active.Import)' })
  peakPowerW!: number | null;

  @Field(() => Float, { nullable: true, description: 'Energy over the time spent charging' })
  averagePowerW!: number | null;

  static of<T extends AnalyticsFiguresType>(target: T, figures: Figures): T {
    return Object.assign(target, { ...figures, revenue: figures.revenue.map((m) => Object.assign(new MoneyAmountType(), m)) });
  }
}

@ObjectType('AnalyticsBucket')
export class AnalyticsBucketType extends AnalyticsFiguresType {
  @Field(() => Date, { description: 'Start of the bucket (in the time zone of the answer)' })
  start!: Date;

  static from(bucket: Bucket): AnalyticsBucketType {
    return AnalyticsFiguresType.of(Object.assign(new AnalyticsBucketType(), { start: bucket.start }), bucket);
  }
}

@ObjectType('Analytics', { description: 'Per-bucket figures and totals of a station, site, organisation or the network' })
export class AnalyticsType {
  @Field(() => GranularityValue)
  granularity!: GranularityValue;

  @Field(() => String, { description: "The IANA time zone the buckets are counted in: the site's" })
  timeZone!: string;

  @Field(() => [AnalyticsBucketType], { description: 'The buckets with anything in them, oldest first' })
  buckets!: AnalyticsBucketType[];

  @Field(() => AnalyticsFiguresType)
  totals!: AnalyticsFiguresType;

  static from(a: Analytics): AnalyticsType {
    return Object.assign(new AnalyticsType(), {
      granularity: a.granularity as GranularityValue,
      timeZone: a.timeZone,
      buckets: a.buckets.map(AnalyticsBucketType.from),
      totals: AnalyticsFiguresType.of(new AnalyticsFiguresType(), a.totals),
    });
  }
}

@ObjectType('HeatmapCell', { description: 'One weekday × hour of day of a heat map' })
export class HeatmapCellType {
  @Field(() => Int, { description: '1 Monday to 7 Sunday' })
  weekday!: number;

  @Field(() => Int, { description: '0 to 23' })
  hour!: number;

  @Field(() => Int, { description: 'Sessions under way in that hour (a session counts in every hour it overlaps)' })
  sessions!: number;

  @Field(() => Float)
  energyWh!: number;

  @Field(() => Float, { nullable: true })
  occupiedShare!: number | null;
}

@ObjectType('PortUptime', { description: "A port's uptime per 23 CFR 680.116(b): ((period − (outage − excluded)) / period) × 100" })
export class PortUptimeType {
  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Int)
  connectorId!: number;

  @Field(() => Float, { description: 'Minutes Faulted, Unavailable without the operator asking, or offline' })
  outageMinutes!: number;

  @Field(() => Float, { description: 'Of those, minutes the operator excluded (recordOutageExclusion)' })
  excludedMinutes!: number;

  @Field(() => Float, { description: '525,600 for the previous 12 months' })
  periodMinutes!: number;

  @Field(() => Float)
  uptimePercent!: number;
}

@ObjectType('RankedStation')
export class RankedStationType {
  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType('OutageExclusion', { description: "A period excluded from a port's uptime, with its cause" })
export class OutageExclusionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => Int, { description: '0: every port of the station' })
  connectorId!: number;

  @Field(() => ExclusionCauseValue)
  cause!: ExclusionCauseValue;

  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => String)
  recordedBy!: string;

  static from(x: Exclusion, stationIdentity: string): OutageExclusionType {
    return Object.assign(new OutageExclusionType(), {
      id: x.id,
      stationIdentity,
      connectorId: x.connectorId,
      cause: x.cause as ExclusionCauseValue,
      from: x.from,
      to: x.to,
      note: x.note ?? null,
      recordedBy: x.recordedBy,
    });
  }
}
