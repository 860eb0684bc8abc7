import type { EntityManager } from '@mikro-orm/postgresql';
import { generateSecret, type MachineSecrets } from '../auth/machine-secrets.js';
import type { Orm } from '../database/orm.js';
import type { EventBus } from '../events/bus.js';
import { BootEvent, Organisation, Site, Station, type RegistrationStatus } from '../schema/entities/index.js';
import type { Logger } from '../system/logger.js';

/** What the gateway keeps about a connected station. */
export interface StationIdentity {
  id: string;
  identity: string;
  organisationId: string | null;
  registrationStatus: RegistrationStatus;
  securityProfile: number;
}

export type Admission = { ok: true; station: StationIdentity; created: boolean } | { ok: false; status: 401 | 404; reason: string };

export interface CreateStationInput {
  identity: string;
  name?: string | undefined;
  siteId?: string | undefined;
  organisationId?: string | undefined;
  /** Given, or generated: 16 to 40 characters. */
  ocppPassword?: string | undefined;
  /** 0 only when asked for explicitly: the station then connects without a password. */
  securityProfile?: 0 | 1 | 2 | undefined;
  registrationStatus?: RegistrationStatus | undefined;
}

export interface BootInput {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string | undefined;
  chargeBoxSerialNumber?: string | undefined;
  firmwareVersion?: string | undefined;
  iccid?: string | undefined;
  imsi?: string | undefined;
  meterType?: string | undefined;
  meterSerialNumber?: string | undefined;
  ocppVersion: string;
}

export interface StatusInput {
  connectorId: number;
  status: string;
  errorCode: string;
  info?: string | undefined;
  timestamp?: string | undefined;
  vendorId?: string | undefined;
  vendorErrorCode?: string | undefined;
}

export class StationInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
}

export interface StationServiceDeps {
  orm: Orm;
  secrets: MachineSecrets;
  events: EventBus;
  log: Logger;
  /** The network's policy for identities nobody created: refuse, or let them in as Pending. */
  registration: 'reject' | 'pending';
}

export const identityPattern = /^[\x21-\x7e]{1,48}$/;

const toIdentity = (s: Station): StationIdentity => ({
  id: s.id,
  identity: s.identity,
  organisationId: s.organisation?.id ?? null,
  registrationStatus: s.registrationStatus,
  securityProfile: s.securityProfile,
});

/** Stations: creation, credentials, admission at the WebSocket upgrade, presence. */
export class StationService {
  private readonly lastSeen = new Map<string, Date>();

  constructor(private readonly deps: StationServiceDeps) {}

  private em(): EntityManager {
    return this.deps.orm.em.fork();
  }

  async create(input: CreateStationInput): Promise<{ station: Station; ocppPassword: string | null }> {
    if (!identityPattern.test(input.identity) || input.identity.includes(':')) {
      throw new StationInputError('identity: expected 1 to 48 printable characters without ":" or spaces');
    }
    const profile = input.securityProfile ?? 1;
    if (input.ocppPassword !== undefined && (input.ocppPassword.length < 16 || input.ocppPassword.length > 40)) {
      throw new StationInputError('ocppPassword: expected 16 to 40 characters');
    }
    const em = this.em();
    if (await em.count(Station, { identity: input.identity })) {
      throw new StationInputError(`identity: a station "${input.identity}" exists already`);
    }
    const site = input.siteId ? await em.findOne(Site, { id: input.siteId }) : null;
    if (input.siteId && !site) throw new StationInputError('siteId: no such site');
    const organisationId = site?.organisation.id ?? input.organisationId ?? null;
    const password = profile === 0 ? null : (input.ocppPassword ?? generateSecret(20));
    const hashed = password ? this.deps.secrets.hash(password) : null;
    const station = em.create(Station, {
      identity: input.identity,
      name: input.name ?? null,
      site,
      organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
      securityProfile: profile,
      passwordSalt: hashed?.salt ?? null,
      passwordHash: hashed?.hash ?? null,
      registrationStatus: input.registrationStatus ?? 'Accepted',
    });
    await em.flush();
    return { station, ocppPassword: password };
  }

  /** Replaces a station's password; returns the new one (shown once). */
  async rotatePassword(stationId: string, password = generateSecret(20)): Promise<string> {
    const hashed = this.deps.secrets.hash(password);
    const em = this.em();
    const station = await em.findOneOrFail(Station, { id: stationId });
    station.passwordSalt = hashed.salt;
    station.passwordHash = hashed.hash;
    if (station.securityProfile === 0) station.securityProfile = 1;
    await em.flush();
    return password;
  }

  /**
   * Decides a WebSocket upgrade: 404 for an unknown identity (unless the network lets newcomers in as
   * Pending), 401 for a wrong or missing password. A pending newcomer's password is kept (trust on first use).
   */
  async admit(identity: string, password: string | undefined, overTls: boolean): Promise<Admission> {
    const em = this.em();
    const station = await em.findOne(Station, { identity });
    if (!station || station.retiredAt) {
      if (station || this.deps.registration !== 'pending' || !identityPattern.test(identity) || identity.includes(':')) {
        return { ok: false, status: 404, reason: 'unknown station identity' };
      }
      const created = await this.create({
        identity,
        registrationStatus: 'Pending',
        securityProfile: password ? 1 : 0,
        ocppPassword: password && password.length >= 16 && password.length <= 40 ? password : undefined,
      }).catch(() => null);
      if (!created) return { ok: false, status: 404, reason: 'unknown station identity' };
      this.deps.log.warn({ identity }, 'ocpp: unknown station let in as Pending');
      return { ok: true, station: toIdentity(created.station), created: true };
    }
    if (station.securityProfile === 0) return { ok: true, station: toIdentity(station), created: false };
    if (station.securityProfile >= 2 && !overTls) return { ok: false, status: 401, reason: 'this station must connect over TLS' };
    if (!password || !station.passwordHash || !station.passwordSalt) return { ok: false, status: 401, reason: 'password required' };
    if (!this.deps.secrets.verify(password, station.passwordSalt, station.passwordHash)) {
      return { ok: false, status: 401, reason: 'wrong password' };
    }
    return { ok: true, station: toIdentity(station), created: false };
  }

  /** Records a BootNotification and decides the answer from the station's registration status. */
  async recordBoot(station: StationIdentity, boot: BootInput, receivedAt: Date): Promise<RegistrationStatus> {
    const em = this.em();
    const row = await em.findOneOrFail(Station, { id: station.id });
    Object.assign(row, {
      vendor: boot.chargePointVendor,
      model: boot.chargePointModel,
      chargePointSerial: boot.chargePointSerialNumber ?? null,
      chargeBoxSerial: boot.chargeBoxSerialNumber ?? null,
      firmwareVersion: boot.firmwareVersion ?? null,
      iccid: boot.iccid ?? null,
      imsi: boot.imsi ?? null,
      meterType: boot.meterType ?? null,
      meterSerial: boot.meterSerialNumber ?? null,
      ocppVersion: boot.ocppVersion,
      lastBootAt: receivedAt,
      lastSeenAt: receivedAt,
    });
    em.create(BootEvent, {
      station: row,
      vendor: boot.chargePointVendor,
      model: boot.chargePointModel,
      chargePointSerial: boot.chargePointSerialNumber ?? null,
      chargeBoxSerial: boot.chargeBoxSerialNumber ?? null,
      firmwareVersion: boot.firmwareVersion ?? null,
      answered: row.registrationStatus,
      receivedAt,
    });
    await em.flush();
    await this.deps.events.publish('station.boot', {
      stationId: station.id,
      identity: station.identity,
      vendor: boot.chargePointVendor,
      model: boot.chargePointModel,
      status: row.registrationStatus,
      at: receivedAt.toISOString(),
    });
    return row.registrationStatus;
  }

  /** Records a StatusNotification: the connector's current status (upserted) and its history. */
  async recordStatus(station: StationIdentity, status: StatusInput, receivedAt: Date): Promise<void> {
    const stationTimestamp = status.timestamp ? new Date(status.timestamp) : null;
    const since = stationTimestamp && !Number.isNaN(stationTimestamp.getTime()) ? stationTimestamp : receivedAt;
    const sql = this.em().getConnection();
    const values = [
      station.id,
      status.connectorId,
      status.status,
      status.errorCode,
      status.info ?? null,
      status.vendorId ?? null,
      status.vendorErrorCode ?? null,
    ];
    await sql.execute(
      `insert into connector (id, station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, status_since, updated_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (station_id, connector_id) do update set status = excluded.status, error_code = excluded.error_code,
         info = excluded.info, vendor_id = excluded.vendor_id, vendor_error_code = excluded.vendor_error_code,
         status_since = excluded.status_since, updated_at = now()`,
      [...values, since.toISOString()],
    );
    await sql.execute(
      `insert into status_event (station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, station_timestamp, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        ...values,
        stationTimestamp && !Number.isNaN(stationTimestamp.getTime()) ? stationTimestamp.toISOString() : null,
        receivedAt.toISOString(),
      ],
    );
    const at = since.toISOString();
    await this.deps.events.publish('connector.status', {
      stationId: station.id,
      identity: station.identity,
      connectorId: status.connectorId,
      status: status.status,
      errorCode: status.errorCode,
      info: status.info ?? null,
      vendorErrorCode: status.vendorErrorCode ?? null,
      at,
    });
    if (status.connectorId === 0) {
      await this.deps.events.publish('station.status', {
        stationId: station.id,
        identity: station.identity,
        status: status.status,
        errorCode: status.errorCode,
        at,
      });
    }
  }

  /** Records the progress a station reports of a diagnostics upload or a firmware update. */
  async recordProgress(stationId: string, kind: 'diagnostics' | 'firmware', status: string, receivedAt: Date): Promise<void> {
    await this.em().nativeUpdate(
      Station,
      { id: stationId },
      kind === 'diagnostics'
        ? { diagnosticsStatus: status, diagnosticsStatusAt: receivedAt }
        : { firmwareStatus: status, firmwareStatusAt: receivedAt },
    );
  }

  async setRegistration(stationId: string, status: RegistrationStatus): Promise<void> {
    await this.em().nativeUpdate(Station, { id: stationId }, { registrationStatus: status });
  }

  async setOnline(station: StationIdentity, online: boolean, gatewayNode: string | null): Promise<void> {
    const now = new Date();
    const em = this.em();
    await em.nativeUpdate(
      Station,
      { id: station.id },
      online ? { online, gatewayNode, lastSeenAt: now } : { online, gatewayNode: null, lastSeenAt: now },
    );
    this.lastSeen.delete(station.id);
    await this.deps.events.publish('station.online', { stationId: station.id, identity: station.identity, online, at: now.toISOString() });
  }

  /** Notes that a station spoke; written behind, in one statement per flush. */
  touch(stationId: string, at = new Date()): void {
    this.lastSeen.set(stationId, at);
  }

  async flushPresence(): Promise<number> {
    if (this.lastSeen.size === 0) return 0;
    const rows = [...this.lastSeen];
    this.lastSeen.clear();
    const values = rows.map(() => `(?::uuid, ?::timestamptz)`).join(',');
    const params = rows.flatMap(([id, at]) => [id, at.toISOString()]);
    await this.deps.orm.em
      .fork()
      .getConnection()
      .execute(
        `update station set last_seen_at = greatest(station.last_seen_at, v.at) from (values ${values}) as v(id, at) where station.id = v.id`,
        params,
      );
    return rows.length;
  }
}
