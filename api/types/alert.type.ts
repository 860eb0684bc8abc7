import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AlertView } from '../../alerts/service.js';
import type { AlertThresholds } from '../../alerts/settings.js';
import type { AlertEvent } from '../../events/topics.js';
import { JSONScalar } from './json.scalar.js';

export enum AlertStateValue {
  open = 'open',
  acknowledged = 'acknowledged',
  resolved = 'resolved',
}
registerEnumType(AlertStateValue, { name: 'AlertState', description: 'open, acknowledged (someone is on it), resolved' });

@ObjectType('Alert', { description: 'A problem at a station, from raised to resolved (docs/alerts.md)' })
export class AlertType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => String, {
    description:
      'station-offline, connector-faulted, boot-loop, session-silent, session-too-long, clock-skew, failed-starts, firmware-failed, diagnostics-failed, power-out-of-range, energy-out-of-range',
  })
  kind!: string;

  @Field(() => String, { description: "What within the station: 'connector:2', a session id, or '' for the station" })
  causeKey!: string;

  @Field(() => String, { description: 'critical, major, minor or warning' })
  severity!: string;

  @Field(() => AlertStateValue)
  state!: AlertStateValue;

  @Field(() => String)
  message!: string;

  @Field(() => JSONScalar)
  details!: Record<string, unknown>;

  @Field(() => Date)
  raisedAt!: Date;

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who resolved it by hand; null when it resolved itself' })
  resolvedBy!: string | null;

  @Field(() => String, { nullable: true })
  resolution!: string | null;

  static from(view: AlertView): AlertType {
    return Object.assign(new AlertType(), view, { state: view.state as AlertStateValue });
  }
}

@ObjectType('AlertChange', { description: 'An alert raised or resolved, as announced', simpleResolvers: true })
export class AlertChange {
  @Field(() => ID)
  alertId!: string;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => String)
  stationIdentity!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  causeKey!: string;

  @Field(() => String)
  severity!: string;

  @Field(() => String)
  message!: string;

  @Field(() => JSONScalar)
  details!: Record<string, unknown>;

  @Field(() => String, { nullable: true })
  resolvedBy!: string | null;

  @Field(() => Date)
  at!: Date;

  static from(event: AlertEvent): AlertChange {
    const { identity, stationId: _, at, ...rest } = event;
    return Object.assign(new AlertChange(), rest, { stationIdentity: identity, at: new Date(at) });
  }
}

@ObjectType('AlertThresholds', { description: 'What makes a condition an alert; defaults where the organisation set none' })
export class AlertThresholdsType implements AlertThresholds {
  @Field(() => Int)
  offlineMinutes!: number;

  @Field(() => Int)
  bootLoopBoots!: number;

  @Field(() => Int)
  bootLoopMinutes!: number;

  @Field(() => Int)
  sessionSilentMinutes!: number;

  @Field(() => Int)
  sessionMaxHours!: number;

  @Field(() => Int)
  clockSkewSeconds!: number;

  @Field(() => Int)
  failedStarts!: number;

  @Field(() => Int)
  failedStartsMinutes!: number;

  @Field(() => Int)
  startTimeoutMinutes!: number;

  @Field(() => Int)
  powerMarginPercent!: number;

  @Field(() => Int)
  meterAnomalyMinutes!: number;
}

@ObjectType('AlertSettings')
export class AlertSettingsType {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => AlertThresholdsType)
  thresholds!: AlertThresholdsType;

  @Field(() => [String], { description: 'On-call addresses mailed when an alert is raised' })
  emails!: string[];
}

@InputType({ description: 'Thresholds to change; absent ones stay as they are' })
export class AlertThresholdsInput {
  @Field(() => Int, { nullable: true })
  offlineMinutes?: number;

  @Field(() => Int, { nullable: true })
  bootLoopBoots?: number;

  @Field(() => Int, { nullable: true })
  bootLoopMinutes?: number;

  @Field(() => Int, { nullable: true })
  sessionSilentMinutes?: number;

  @Field(() => Int, { nullable: true })
  sessionMaxHours?: number;

  @Field(() => Int, { nullable: true })
  clockSkewSeconds?: number;

  @Field(() => Int, { nullable: true })
  failedStarts?: number;

  @Field(() => Int, { nullable: true })
  failedStartsMinutes?: number;

  @Field(() => Int, { nullable: true })
  startTimeoutMinutes?: number;

  @Field(() => Int, { nullable: true })
  powerMarginPercent?: number;

  @Field(() => Int, { nullable: true })
  meterAnomalyMinutes?: number;
}

@InputType()
export class AlertSettingsInput {
  @Field(() => AlertThresholdsInput, { nullable: true })
  thresholds?: AlertThresholdsInput;

  @Field(() => [String], { nullable: true, description: 'Replaces the on-call addresses' })
  emails?: string[];
}
