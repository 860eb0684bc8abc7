import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Station } from '../../schema/entities/index.js';

export enum RegistrationStatusValue {
  Accepted = 'Accepted',
  Pending = 'Pending',
  Rejected = 'Rejected',
}
registerEnumType(RegistrationStatusValue, {
  name: 'RegistrationStatus',
  description: 'Whether the station may operate (its BootNotification answer)',
});

/** What a connector's GraphQL type is made of: a Connector entity, or a row the loaders read without one. */
export interface ConnectorFields {
  evseId: number;
  connectorId: number;
  status: string;
  ocppStatus: string;
  errorCode: string;
  info?: string | null;
  vendorErrorCode?: string | null;
  statusSince?: Date | null;
}

/**
 * The `station` columns StationType.fromRow reads (the password hash and salt left out), for lists
 * read in one query without hydrating entities (MikroORM costs about 0.15 ms of CPU per hydrated station).
 */
export const stationColumns = [
  'id',
  'identity',
  'name',
  'organisation_id',
  'site_id',
  'security_profile',
  'registration_status',
  'vendor',
  'model',
  'charge_point_serial',
  'charge_box_serial',
  'firmware_version',
  'iccid',
  'imsi',
  'meter_type',
  'meter_serial',
  'ocpp_version',
  'last_boot_at',
  'last_seen_at',
  'online',
  'diagnostics_status',
  'firmware_status',
  'local_list_version',
  'retired_at',
  'created_at',
] as const;

// Column readers of StationType.fromRow (module-level: tsx names each closure it creates, which costs in a hot loop).
const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
const date = (value: unknown, parseDate: (value: string) => Date) =>
  value === null || value === undefined ? null : value instanceof Date ? value : parseDate(String(value));

export enum ConnectorStatusValue {
  Available = 'Available',
  Occupied = 'Occupied',
  Reserved = 'Reserved',
  Unavailable = 'Unavailable',
  Faulted = 'Faulted',
  Unknown = 'Unknown',
}
registerEnumType(ConnectorStatusValue, {
  name: 'ConnectorStatus',
  description: 'A connector status whatever the protocol version; the station sent `ocppStatus`',
});

@ObjectType('Connector', { description: 'A connector of a station (connectorId 0 is the station itself)', simpleResolvers: true })
export class ConnectorType {
  @Field(() => Int, { description: 'The EVSE it belongs to (OCPP 1.6: one EVSE per connector, numbered alike)' })
  evseId!: number;

  @Field(() => Int)
  connectorId!: number;

  @Field(() => ConnectorStatusValue, { description: 'Available, Occupied (Preparing to Finishing in 1.6), Reserved, ...' })
  status!: ConnectorStatusValue;

  @Field(() => String, { description: 'The status as the station sent it (OCPP 1.6 ChargePointStatus: Preparing, Charging, ...)' })
  ocppStatus!: string;

  @Field(() => String)
  errorCode!: string;

  @Field(() => String, { nullable: true })
  info!: string | null;

  @Field(() => String, { nullable: true })
  vendorErrorCode!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the status began, as the station reported it' })
  statusSince!: Date | null;

  static from(row: ConnectorFields): ConnectorType {
    return Object.assign(new ConnectorType(), {
      evseId: row.evseId,
      connectorId: row.connectorId,
      status: row.status as ConnectorStatusValue,
      ocppStatus: row.ocppStatus,
      errorCode: row.errorCode,
      info: row.info ?? null,
      vendorErrorCode: row.vendorErrorCode ?? null,
      statusSince: row.statusSince ?? null,
    });
  }
}

@ObjectType('Evse', { description: 'An EVSE of a station: what charges one vehicle at a time, with its connectors' })
export class EvseType {
  @Field(() => Int, { description: 'OCPP 1.6: the connectorId of its one connector' })
  evseId!: number;

  @Field(() => [ConnectorType])
  connectors!: ConnectorType[];

  /** The EVSEs of a station's connectors, in order; connector 0 (the station itself) is none. */
  static group(connectors: ConnectorFields[]): EvseType[] {
    const byEvse = new Map<number, EvseType>();
    for (const connector of connectors) {
      if (connector.evseId === 0) continue;
      let evse = byEvse.get(connector.evseId);
      if (!evse) {
        evse = Object.assign(new EvseType(), { evseId: connector.evseId, connectors: [] });
        byEvse.set(connector.evseId, evse);
      }
      evse.connectors.push(ConnectorType.from(connector));
    }
    return [...byEvse.values()].sort((a, b) => a.evseId - b.evseId);
  }
}

@ObjectType('Station', { description: 'A charging station, known by its OCPP identity', simpleResolvers: true })
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

  @Field(() => Date, {
    nullable: true,
    description:
      'When the station last sent anything: exact as it connects and disconnects; while connected, at most 30 s plus WRITE_BEHIND_INTERVAL behind',
  })
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

  /** From a row of `stationColumns` as PostgreSQL returns it (timestamps as text, parsed with `parseDate`). */
  static fromRow(row: Record<(typeof stationColumns)[number], unknown>, parseDate: (value: string) => Date): StationType {
    return Object.assign(new StationType(), {
      id: String(row.id),
      identity: String(row.identity),
      name: text(row.name),
      registrationStatus: row.registration_status as RegistrationStatusValue,
      securityProfile: Number(row.security_profile),
      online: Boolean(row.online),
      lastSeenAt: date(row.last_seen_at, parseDate),
      lastBootAt: date(row.last_boot_at, parseDate),
      vendor: text(row.vendor),
      model: text(row.model),
      chargePointSerial: text(row.charge_point_serial),
      chargeBoxSerial: text(row.charge_box_serial),
      firmwareVersion: text(row.firmware_version),
      iccid: text(row.iccid),
      imsi: text(row.imsi),
      meterType: text(row.meter_type),
      meterSerial: text(row.meter_serial),
      ocppVersion: text(row.ocpp_version),
      diagnosticsStatus: text(row.diagnostics_status),
      firmwareStatus: text(row.firmware_status),
      localListVersion: Number(row.local_list_version),
      createdAt: date(row.created_at, parseDate),
      retiredAt: date(row.retired_at, parseDate),
      siteId: text(row.site_id),
      organisationId: text(row.organisation_id),
    });
  }
}
