import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { EventMap } from '../../events/topics.js';
import { type ReportView, scopeId } from '../../reports/service.js';

export enum ReportKindValue {
  MONTHLY_OPERATOR = 'MONTHLY_OPERATOR',
  WEEKLY_STATION_HEALTH = 'WEEKLY_STATION_HEALTH',
  NEVI_QUARTERLY = 'NEVI_QUARTERLY',
}
registerEnumType(ReportKindValue, {
  name: 'ReportKind',
  description:
    'MONTHLY_OPERATOR: energy, sessions, revenue, utilisation, success, uptime, top and bottom stations; WEEKLY_STATION_HEALTH: health scores, open alerts, worst stations, uptime; NEVI_QUARTERLY: a CSV row per port (sessions, errors, uptime with outage and excluded minutes)',
});

export enum ReportFormatValue {
  CSV = 'CSV',
  PDF = 'PDF',
}
registerEnumType(ReportFormatValue, { name: 'ReportFormat' });

export enum ReportStateValue {
  QUEUED = 'queued',
  RUNNING = 'running',
  DONE = 'done',
  FAILED = 'failed',
}
registerEnumType(ReportStateValue, { name: 'ReportState' });

@ObjectType('Report', { description: 'A report asked for or scheduled, built by the workers from the warehouse' })
export class ReportType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'null: a report of the whole network' })
  organisationId!: string | null;

  @Field(() => ReportKindValue)
  kind!: ReportKindValue;

  @Field(() => ReportFormatValue)
  format!: ReportFormatValue;

  @Field(() => String, { description: 'station, site, organisation or network' })
  scopeKind!: string;

  @Field(() => String, { nullable: true, description: "The station's identity, or the site's or organisation's id" })
  scopeId!: string | null;

  @Field(() => Date)
  from!: Date;

  @Field(() => Date)
  to!: Date;

  @Field(() => String)
  timeZone!: string;

  @Field(() => ReportStateValue)
  state!: ReportStateValue;

  @Field(() => String)
  stage!: string;

  @Field(() => Int)
  percent!: number;

  @Field(() => String, { nullable: true, description: 'Why it failed: the stage, then the cause' })
  error!: string | null;

  @Field(() => Int, { nullable: true })
  fileSize!: number | null;

  @Field(() => Boolean, { description: 'Made by the monthly or weekly schedule' })
  scheduled!: boolean;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'A signed link to the file that works for 15 minutes without signing in; null until done',
  })
  downloadUrl!: string | null;

  static from(r: ReportView, downloadUrl: string | null): ReportType {
    return Object.assign(new ReportType(), {
      ...r,
      kind: r.kind as ReportKindValue,
      format: r.format as ReportFormatValue,
      state: r.state as ReportStateValue,
      scopeKind: r.scope.kind,
      scopeId: scopeId(r.scope),
      downloadUrl,
    });
  }
}

@ObjectType('ReportProgress', { description: 'A report moving on while it is built' })
export class ReportProgressType {
  @Field(() => ID)
  reportId!: string;

  @Field(() => ReportKindValue)
  kind!: ReportKindValue;

  @Field(() => ReportStateValue)
  state!: ReportStateValue;

  @Field(() => String)
  stage!: string;

  @Field(() => Int)
  percent!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => Date)
  at!: Date;

  static from(e: EventMap['report.progress']): ReportProgressType {
    return Object.assign(new ReportProgressType(), { ...e, at: new Date(e.at) });
  }
}

@ObjectType('ReportSubscription', { description: "Who gets an organisation's scheduled reports of a kind by mail" })
export class ReportSubscriptionType {
  @Field(() => String)
  organisationId!: string;

  @Field(() => ReportKindValue)
  kind!: ReportKindValue;

  @Field(() => [String])
  emails!: string[];
}
