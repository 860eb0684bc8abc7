import { Field, Int, ObjectType } from 'type-graphql';

const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string | Date));
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

@ObjectType('ConfigurationKey', { description: 'A configuration key as last read from the station (or last changed by evcms)' })
export class ConfigurationKeyType {
  @Field(() => String)
  key!: string;

  @Field(() => String, { nullable: true, description: 'Secrets (AuthorizationKey) read as "(set)"' })
  value!: string | null;

  @Field(() => Boolean)
  readonly!: boolean;

  @Field(() => Date)
  readAt!: Date;

  static fromRow(row: Record<string, unknown>): ConfigurationKeyType {
    return Object.assign(new ConfigurationKeyType(), {
      key: String(row.key),
      value: text(row.value),
      readonly: Boolean(row.readonly),
      readAt: date(row.read_at),
    });
  }
}

@ObjectType('SecurityEvent', { description: 'A security event the station reported (OCPP 1.6 security extension)' })
export class SecurityEventType {
  @Field(() => String, { description: 'As the station named it: TamperDetectionActivated, InvalidFirmwareSignature, ...' })
  type!: string;

  @Field(() => String, { nullable: true, description: "The station's technical detail, when it gave one" })
  techInfo!: string | null;

  @Field(() => Date, { nullable: true, description: "When it happened, by the station's clock (null when unreadable)" })
  stationTimestamp!: Date | null;

  @Field(() => Date)
  receivedAt!: Date;

  static fromRow(row: Record<string, unknown>): SecurityEventType {
    return Object.assign(new SecurityEventType(), {
      type: String(row.type),
      techInfo: text(row.tech_info),
      stationTimestamp: date(row.station_timestamp),
      receivedAt: date(row.received_at),
    });
  }
}

@ObjectType('BootEvent', { description: 'A BootNotification the station sent, and what evcms answered' })
export class BootEventType {
  @Field(() => String)
  vendor!: string;

  @Field(() => String)
  model!: string;

  @Field(() => String, { nullable: true })
  chargePointSerial!: string | null;

  @Field(() => String, { nullable: true })
  chargeBoxSerial!: string | null;

  @Field(() => String, { nullable: true })
  firmwareVersion!: string | null;

  @Field(() => String, { description: 'Accepted, Pending or Rejected' })
  answered!: string;

  @Field(() => Date)
  receivedAt!: Date;

  static fromRow(row: Record<string, unknown>): BootEventType {
    return Object.assign(new BootEventType(), {
      vendor: String(row.vendor),
      model: String(row.model),
      chargePointSerial: text(row.charge_point_serial),
      chargeBoxSerial: text(row.charge_box_serial),
      firmwareVersion: text(row.firmware_version),
      answered: String(row.answered),
      receivedAt: date(row.received_at),
    });
  }
}

@ObjectType('StatusEvent', { description: 'A StatusNotification the station sent' })
export class StatusEventType {
  @Field(() => Int)
  connectorId!: number;

  @Field(() => String)
  status!: string;

  @Field(() => String)
  errorCode!: string;

  @Field(() => String, { nullable: true })
  info!: string | null;

  @Field(() => String, { nullable: true })
  vendorErrorCode!: string | null;

  @Field(() => Date, { nullable: true, description: "The station's timestamp, when it sent a valid one" })
  stationTimestamp!: Date | null;

  @Field(() => Date)
  receivedAt!: Date;

  static fromRow(row: Record<string, unknown>): StatusEventType {
    return Object.assign(new StatusEventType(), {
      connectorId: Number(row.connector_id),
      status: String(row.status),
      errorCode: String(row.error_code),
      info: text(row.info),
      vendorErrorCode: text(row.vendor_error_code),
      stationTimestamp: date(row.station_timestamp),
      receivedAt: date(row.received_at),
    });
  }
}
