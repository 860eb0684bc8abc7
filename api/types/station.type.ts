import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Connector, Station } from '../../schema/entities/index.js';

export enum RegistrationStatusValue {
  Accepted = 'Accepted',
  Pending = 'Pending',
  Rejected = 'Rejected',
}
registerEnumType(RegistrationStatusValue, {
  name: 'RegistrationStatus',
  description: 'Whether the station may operate (its BootNotification answer)',
});

@ObjectType('Connector', { description: 'A connector of a station (connectorId 0 is the station itself)' })
export class ConnectorType {
  @Field(() => Int)
  connectorId!: number;

  @Field(() => String, { description: 'OCPP 1.6 ChargePointStatus: Available, Preparing, Charging, Faulted, ...' })
  status!: string;

  @Field(() => String)
  errorCode!: string;

  @Field(() => String, { nullable: true })
  info!: string | null;

  @Field(() => String, { nullable: true })
  vendorErrorCode!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the status began, as the station reported it' })
  statusSince!: Date | null;

  static from(row: Connector): ConnectorType {
    return Object.assign(new ConnectorType(), {
      connectorId: row.connectorId,
      status: row.status,
      errorCode: row.errorCode,
      info: row.info ?? null,
      vendorErrorCode: row.vendorErrorCode ?? null,
      statusSince: row.statusSince ?? null,
    });
  }
}

@ObjectType('Station', { description: 'A charging station, known by its OCPP identity' })
export class StationType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The OCPP identity: the last part of its WebSocket URL' })
  identity!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => RegistrationStatusValue)
  registrationStatus!: RegistrationStatusValue;

  @Field(() => Int, { description: '0 none, 1 Basic auth, 2 Basic auth over TLS' })
  securityProfile!: number;

  @Field(() => Boolean)
  online!: boolean;

  @Field(() => Date, { nullable: true })
  lastSeenAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastBootAt!: Date | null;

  @Field(() => String, { nullable: true })
  vendor!: string | null;

  @Field(() => String, { nullable: true })
  model!: string | null;

  @Field(() => String, { nullable: true })
  chargePointSerial!: string | null;

  @Field(() => String, { nullable: true })
  chargeBoxSerial!: string | null;

  @Field(() => String, { nullable: true })
  firmwareVersion!: string | null;

  @Field(() => String, { nullable: true })
  iccid!: string | null;

  @Field(() => String, { nullable: true })
  imsi!: string | null;

  @Field(() => String, { nullable: true })
  meterType!: string | null;

  @Field(() => String, { nullable: true })
  meterSerial!: string | null;

  @Field(() => String, { nullable: true })
  ocppVersion!: string | null;

  @Field(() => String, { nullable: true, description: 'Last diagnostics upload status the station reported' })
  diagnosticsStatus!: string | null;

  @Field(() => String, { nullable: true, description: 'Last firmware update status the station reported' })
  firmwareStatus!: string | null;

  @Field(() => Int)
  localListVersion!: number;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  retiredAt!: Date | null;

  siteId!: string | null;
  organisationId!: string | null;

  static from(row: Station): StationType {
    return Object.assign(new StationType(), {
      id: row.id,
      identity: row.identity,
      name: row.name ?? null,
      registrationStatus: row.registrationStatus as RegistrationStatusValue,
      securityProfile: row.securityProfile,
      online: row.online,
      lastSeenAt: row.lastSeenAt ?? null,
      lastBootAt: row.lastBootAt ?? null,
      vendor: row.vendor ?? null,
      model: row.model ?? null,
      chargePointSerial: row.chargePointSerial ?? null,
      chargeBoxSerial: row.chargeBoxSerial ?? null,
      firmwareVersion: row.firmwareVersion ?? null,
      iccid: row.iccid ?? null,
      imsi: row.imsi ?? null,
      meterType: row.meterType ?? null,
      meterSerial: row.meterSerial ?? null,
      ocppVersion: row.ocppVersion ?? null,
      diagnosticsStatus: row.diagnosticsStatus ?? null,
      firmwareStatus: row.firmwareStatus ?? null,
      localListVersion: row.localListVersion,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt ?? null,
      siteId: row.site?.id ?? null,
      organisationId: row.organisation?.id ?? null,
    });
  }
}
