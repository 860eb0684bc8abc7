import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AlertActionRecord } from '../../alerts/actions.js';
import { AlertType } from './alert.type.js';
import { CommandResultType } from './command.type.js';
import { JSONScalar } from './json.scalar.js';

export enum AlertActionValue {
  TRIGGER_STATUS = 'TRIGGER_STATUS',
  SOFT_RESET = 'SOFT_RESET',
  HARD_RESET = 'HARD_RESET',
  SET_INOPERATIVE = 'SET_INOPERATIVE',
  SET_OPERATIVE = 'SET_OPERATIVE',
  UNLOCK_CONNECTOR = 'UNLOCK_CONNECTOR',
}
registerEnumType(AlertActionValue, {
  name: 'AlertAction',
  description:
    "A command from an alert to its station: TRIGGER_STATUS (TriggerMessage StatusNotification), SOFT_RESET and HARD_RESET (Reset), SET_INOPERATIVE and SET_OPERATIVE (ChangeAvailability), UNLOCK_CONNECTOR (UnlockConnector); on the alert's connector, or the station's when it names none",
});

@ObjectType('AlertActionEntry', { description: 'A command sent from an alert: who, when, what, and what came back' })
export class AlertActionEntryType {
  @Field(() => AlertActionValue)
  action!: AlertActionValue;

  @Field(() => Int, { nullable: true })
  connectorId!: number | null;

  @Field(() => JSONScalar, { description: 'The OCPP action and payload sent' })
  request!: unknown;

  @Field(() => JSONScalar, { nullable: true })
  response!: unknown;

  @Field(() => String, { description: 'ok, or why not: offline, timeout, an OCPP error code' })
  outcome!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String)
  actor!: string;

  @Field(() => Date)
  actedAt!: Date;

  static from(record: AlertActionRecord): AlertActionEntryType {
    return Object.assign(new AlertActionEntryType(), record, { action: record.action as AlertActionValue });
  }
}

@ObjectType('AlertActionResult', { description: "The station's answer to a command sent from an alert, and the alert after it" })
export class AlertActionResultType {
  @Field(() => AlertType)
  alert!: AlertType;

  @Field(() => CommandResultType)
  command!: CommandResultType;
}
