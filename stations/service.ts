import type { EntityManager } from '@mikro-orm/postgresql';
import { connectorStatusOf16 } from './connector-status.js';
import { generateSecret, type MachineSecrets } from '../auth/machine-secrets.js';
import type { Orm } from '../database/orm.js';
import type { Sql } from '../database/sql.js';
import type { EventBus } from '../events/bus.js';
import { Organisation, Site, Station, type RegistrationStatus } from '../schema/entities/index.js';
import type { Logger } from '../platform/logger.js';
import { parseTimestamp } from '../telemetry/normalise.js';

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
  readonly code: 'BAD_USER_INPUT' | 'CONFLICT' = 'BAD_USER_INPUT';
}

/** An identity taken already, in this or another case (OCPP identities are told apart ignoring case). */
class StationConflictError extends StationInputError {
  override readonly code = 'CONFLICT';
}
const identityTaken = (existing: string) =>
  new StationConflictError(`identity: a station "${existing}" exists already (identities are compared ignoring case)`);

export interface StationServiceDeps {
  orm: Orm;
  sql: Sql;
  secrets: MachineSecrets;
  events: EventBus;
  log: Logger;
  /** The network's policy for identities nobody created: refuse, or let them in as Pending. */
  registration: 'reject' | 'pending';
}

/** Printable ASCII (a space included: `/ocpp/CP%20001` is `CP 001`), at most 48 characters; `:` is refused apart. */
export const identityPattern = /^(?! )[\x20-\x7e]{1,48}(?<! )$/;

const toIdentity = (s: Station): StationIdentity => ({
  id: s.id,
  identity: s.identity,
  organisationId: s.organisation?.id ?? null,
  registrationStatus: s.registrationStatus,
  securityProfile: s.securityProfile,
});

/** Seconds within which a status stamped before the current one is taken as a replay, not as news. */
const STALE_STATUS_WINDOW_S = 60;

/** Stations: creation, credentials, admission at the WebSocket upgrade, boots, statuses and their history. */
export class StationService {
  constructor(private readonly deps: StationServiceDeps) {}

  private em(): EntityManager {
    return this.deps.orm.em.fork();
  }

  async create(input: CreateStationInput): Promise<{ station: Station; ocppPassword: string | null }> {
    if (!identityPattern.test(input.identity) || input.identity.includes(':')) {
      throw new StationInputError('identity: expected 1 to 48 printable characters, without ":" or leading and trailing spaces');
    }
    const profile = input.securityProfile ?? 1;
    if (input.ocppPassword !== undefined && (input.ocppPassword.length < 16 || input.ocppPassword.length > 40)) {
      throw new StationInputError('ocppPassword: expected 16 to 40 characters');
    }
    const em = this.em();
    const taken = await this.deps.sql.query<{ identity: string }>('select identity from station where lower(identity) = lower($1)', [
      input.identity,
    ]);
    if (taken.rows[0]) throw identityTaken(taken.rows[0].identity);
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
    await em.flush().catch((error: unknown) => {
      // Two creations racing: the unique index on lower(identity) decides.
      if (/station_lower_identity_unique|station_identity_unique/.test(String((error as Error).message)))
        throw identityTaken(input.identity);
      throw error;
    });
    return { station, ocppPassword: password };
  }

  /** Replaces a station's password; returns the new one (shown once). */
  async rotatePassword(stationId: string, password = generateSecret(20)): Promise<string> {
    const hashed = this.deps.secrets.hash(password);
    const em = this.em();
    const station = await em.findOneOrFail(Station, { id: stationId });
    station.passwordSalt = hashed.salt;
    station.passwordHash = hashed.hash;
    station.offeredPasswordSalt = null;
    station.offeredPasswordHash = null;
    if (station.securityProfile === 0) station.securityProfile = 1;
    await em.flush();
    return password;
  }

  /**
   * Accepts `password` beside the stored one (null: no longer), until the station logs in with one of them:
   * for a new password offered to a station whose answer never came.
   */
  async offerPassword(stationId: string, password: string | null): Promise<void> {
    const hashed = password === null ? null : this.deps.secrets.hash(password);
    await this.deps.sql.query('update station set offered_password_salt = $2, offered_password_hash = $3 where id = $1', [
      stationId,
      hashed?.salt ?? null,
      hashed?.hash ?? null,
    ]);
  }

  /**
   * Decides a WebSocket upgrade, finding the station whatever the case the charger spells its identity in (one
   * index lookup on lower(identity), as fast as the exact one): 404 for an unknown identity (unless the network lets newcomers in as
   * Pending), 401 for a wrong or missing password. A pending newcomer's password (16 to 40 characters) is
   * kept (trust on first use).
   */
  async admit(identity: string, password: string | undefined, overTls: boolean): Promise<Admission> {
    const found = await this.deps.sql.query<AdmissionRow>(
      `select id, identity, organisation_id, registration_status, security_profile, password_salt, password_hash,
         offered_password_salt, offered_password_hash, retired_at
       from station where lower(identity) = lower($1)`,
      [identity],
    );
    const row = found.rows[0];
    if (!row || row.retired_at) {
      if (row || this.deps.registration !== 'pending' || !identityPattern.test(identity) || identity.includes(':')) {
        return { ok: false, status: 404, reason: 'unknown station identity' };
      }
      // A newcomer registers with the password it will use from now on: a station key of 16 to 40 characters.
      // Without one it is refused (security profile 0 is only ever set explicitly), never given a made-up one.
      if (!password || password.length < 16 || password.length > 40) {
        return { ok: false, status: 401, reason: 'an unknown station registers with a password of 16 to 40 characters' };
      }
      const created = await this.create({ identity, registrationStatus: 'Pending', securityProfile: 1, ocppPassword: password }).catch(
        () => null,
      );
      if (!created) return { ok: false, status: 404, reason: 'unknown station identity' };
      this.deps.log.warn({ identity }, 'ocpp: unknown station let in as Pending');
      return { ok: true, station: toIdentity(created.station), created: true };
    }
    const station: StationIdentity = {
      id: row.id,
      identity: row.identity,
      organisationId: row.organisation_id,
      registrationStatus: row.registration_status,
      securityProfile: row.security_profile,
    };
    if (row.security_profile === 0) return { ok: true, station, created: false };
    if (row.security_profile >= 2 && !overTls) return { ok: false, status: 401, reason: 'this station must connect over TLS' };
    if (!password || !row.password_hash || !row.password_salt) return { ok: false, status: 401, reason: 'password required' };
    const offered = row.offered_password_salt !== null && row.offered_password_hash !== null;
    if (this.deps.secrets.verify(password, row.password_salt, row.password_hash)) {
      // The station kept its password: the one offered to it (never confirmed) is not accepted any more.
      if (offered)
        await this.deps.sql.query('update station set offered_password_salt = null, offered_password_hash = null where id = $1', [row.id]);
      return { ok: true, station, created: false };
    }
    if (offered && this.deps.secrets.verify(password, row.offered_password_salt as string, row.offered_password_hash as string)) {
      // The station took the offered password after all: it is the password from now on.
      await this.deps.sql.query(
        `update station set password_salt = offered_password_salt, password_hash = offered_password_hash,
           offered_password_salt = null, offered_password_hash = null where id = $1`,
        [row.id],
      );
      return { ok: true, station, created: false };
    }
    return { ok: false, status: 401, reason: 'wrong password' };
  }

  /** Records a BootNotification and decides the answer from the station's registration status. */
  async recordBoot(station: StationIdentity, boot: BootInput, receivedAt: Date): Promise<RegistrationStatus> {
    // One statement: the station's details updated and the boot added to its history.
    const result = await this.deps.sql.query<{ answered: RegistrationStatus }>(
      `with s as (
         update station set vendor = $2, model = $3, charge_point_serial = $4, charge_box_serial = $5, firmware_version = $6,
           iccid = $7, imsi = $8, meter_type = $9, meter_serial = $10, ocpp_version = $11, last_boot_at = $12, last_seen_at = $12,
           updated_at = now()
         where id = $1 returning id, registration_status)
       insert into boot_event (station_id, vendor, model, charge_point_serial, charge_box_serial, firmware_version, answered, received_at)
       select s.id, $2, $3, $4, $5, $6, s.registration_status, $12 from s
       returning answered`,
      [
        station.id,
        boot.chargePointVendor,
        boot.chargePointModel,
        boot.chargePointSerialNumber ?? null,
        boot.chargeBoxSerialNumber ?? null,
        boot.firmwareVersion ?? null,
        boot.iccid ?? null,
        boot.imsi ?? null,
        boot.meterType ?? null,
        boot.meterSerialNumber ?? null,
        boot.ocppVersion,
        receivedAt,
      ],
    );
    const status = result.rows[0]?.answered;
    if (!status) throw new Error(`station ${station.identity} vanished`);
    await this.deps.events.publish('station.boot', {
      stationId: station.id,
      identity: station.identity,
      vendor: boot.chargePointVendor,
      model: boot.chargePointModel,
      status,
      at: receivedAt.toISOString(),
    });
    return status;
  }

  /** Records a StatusNotification: the connector's current status (upserted) and its history. */
  async recordStatus(station: StationIdentity, status: StatusInput, receivedAt: Date): Promise<void> {
    // A timestamp without a zone is UTC, as everywhere else (new Date would read it in the server's zone).
    const stationTimestamp = parseTimestamp(status.timestamp);
    const since = stationTimestamp ?? receivedAt;
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
    // The current status is the newest by the station's clock: a notification stamped before the current one
    // and arriving soon after it (a queue replayed after a reconnect) goes to the history only. One arriving
    // later than STALE_STATUS_WINDOW_S after it wins whatever its stamp, so a station whose clock was set back
    // (it ran ahead) is not stuck on its old status.
    const neutral = connectorStatusOf16(status.status);
    const current = await sql.execute<{ id: string }[]>(
      `insert into connector (id, station_id, connector_id, ocpp_status, error_code, info, vendor_id, vendor_error_code, status_since,
         evse_id, status, updated_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (station_id, evse_id, connector_id) do update set status = excluded.status, ocpp_status = excluded.ocpp_status,
         error_code = excluded.error_code, info = excluded.info, vendor_id = excluded.vendor_id,
         vendor_error_code = excluded.vendor_error_code, status_since = excluded.status_since, updated_at = now()
       where connector.status_since <= excluded.status_since
         or connector.updated_at < now() - make_interval(secs => ${STALE_STATUS_WINDOW_S})
       returning id`,
      // OCPP 1.6: one EVSE per connector, numbered alike.
      [...values, since.toISOString(), status.connectorId, neutral],
    );
    await sql.execute(
      `insert into status_event (station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, station_timestamp, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [...values, stationTimestamp?.toISOString() ?? null, receivedAt.toISOString()],
    );
    if (current.length === 0) return; // an older status, kept in the history only
    const at = since.toISOString();
    await this.deps.events.publish('connector.status', {
      stationId: station.id,
      identity: station.identity,
      evseId: status.connectorId,
      connectorId: status.connectorId,
      status: neutral,
      ocppStatus: status.status,
      errorCode: status.errorCode,
      info: status.info ?? null,
      vendorErrorCode: status.vendorErrorCode ?? null,
      at,
    });
    if (status.connectorId === 0) {
      await this.deps.events.publish('station.status', {
        stationId: station.id,
        identity: station.identity,
        status: neutral,
        errorCode: status.errorCode,
        at,
      });
    }
  }

  /** Records a security event the station reports (OCPP 1.6 security extension), and announces it. */
  async recordSecurityEvent(
    station: StationIdentity,
    event: { type: string; timestamp: string; techInfo?: string | undefined },
    receivedAt: Date,
  ): Promise<void> {
    const stationTimestamp = parseTimestamp(event.timestamp);
    await this.deps.sql.query(
      'insert into security_event (station_id, type, tech_info, station_timestamp, received_at) values ($1, $2, $3, $4, $5)',
      [station.id, event.type, event.techInfo ?? null, stationTimestamp, receivedAt],
    );
    await this.deps.events.publish('station.security', {
      stationId: station.id,
      identity: station.identity,
      type: event.type,
      techInfo: event.techInfo ?? null,
      at: (stationTimestamp ?? receivedAt).toISOString(),
    });
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
}

interface AdmissionRow {
  id: string;
  identity: string;
  organisation_id: string | null;
  registration_status: RegistrationStatus;
  security_profile: number;
  password_salt: string | null;
  password_hash: string | null;
  offered_password_salt: string | null;
  offered_password_hash: string | null;
  retired_at: Date | null;
}
