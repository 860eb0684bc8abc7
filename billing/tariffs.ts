import type { Orm } from '../database/orm.js';
import { Organisation, Site, Station, Tariff, TariffAssignment, TariffVersion, IdToken } from '../schema/entities/index.js';
import { BillingError, badTariff } from './errors.js';
import { validateTariff } from './pricing/index.js';
import type { TariffDefinition } from './tariff-model.js';

export interface TariffInput {
  definition: unknown;
  /** When this version takes over (default: now). */
  validFrom?: Date | undefined;
  validTo?: Date | null | undefined;
  actor?: string | null | undefined;
}

export interface AssignmentInput {
  tariffId: string;
  siteId?: string | null | undefined;
  stationId?: string | null | undefined;
  connectorId?: number | null | undefined;
  /** Only for the members of this group (a parent credential). */
  groupId?: string | null | undefined;
}

/** What a session's tariff is chosen by. */
export interface TariffQuestion {
  stationId: string;
  connectorId: number;
  idTokenId: string | null;
  at: Date;
}

/** A tariff definition that passed validation, or a BillingError naming the first field that did not. */
export function checkedDefinition(definition: unknown): TariffDefinition {
  const checked = validateTariff(definition);
  if (checked.ok) return checked.tariff;
  const [first] = checked.errors;
  throw badTariff(`definition.${first?.path}: ${first?.message}`, `definition.${first?.path}`);
}

/**
 * Tariffs and where they apply. A version is never edited: a change is a new version, in force from its
 * `validFrom`; a session keeps the version that was in force when it started.
 */
export class TariffService {
  constructor(
    private readonly deps: {
      orm: Orm;
      /** plans: the tariff of the driver's plan covering a session, which wins over assignments (billing/plans/hooks.ts). */
      plans?: { tariffFor(question: TariffQuestion): Promise<string | null> };
    },
  ) {}

  async create(organisationId: string, name: string, input: TariffInput): Promise<{ tariff: Tariff; version: TariffVersion }> {
    const definition = checkedDefinition(input.definition);
    if (!name.trim() || name.length > 200) throw badTariff('name: expected 1 to 200 characters', 'name');
    const em = this.deps.orm.em.fork();
    const organisation = await em.findOne(Organisation, { id: organisationId });
    if (!organisation) throw new BillingError('NOT_FOUND', `organisation ${organisationId} not found`);
    const tariff = em.create(Tariff, { organisation, name: name.trim(), currency: definition.currency });
    const version = em.create(TariffVersion, {
      tariff,
      version: 1,
      definition,
      validFrom: input.validFrom ?? new Date(),
      validTo: input.validTo ?? null,
      createdBy: input.actor ?? null,
    });
    await em.flush();
    return { tariff, version };
  }

  /** A new version of a tariff; the currency cannot change (bills in flight would mix them). */
  async addVersion(tariffId: string, input: TariffInput): Promise<TariffVersion> {
    const definition = checkedDefinition(input.definition);
    // Two changes at once both want the next number: the unique (tariff, version) refuses one, which tries the next.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.insertVersion(tariffId, definition, input);
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 8) throw error;
      }
    }
  }

  private async insertVersion(tariffId: string, definition: TariffDefinition, input: TariffInput): Promise<TariffVersion> {
    const em = this.deps.orm.em.fork();
    const tariff = await em.findOne(Tariff, { id: tariffId });
    if (!tariff) throw new BillingError('NOT_FOUND', `tariff ${tariffId} not found`);
    if (definition.currency !== tariff.currency) {
      throw badTariff(
        `definition.currency: this tariff is in ${tariff.currency}; a tariff in another currency is a new tariff`,
        'definition.currency',
      );
    }
    const [last] = await em.find(TariffVersion, { tariff }, { orderBy: { version: 'desc' }, limit: 1 });
    const version = em.create(TariffVersion, {
      tariff,
      version: (last?.version ?? 0) + 1,
      definition,
      validFrom: input.validFrom ?? new Date(),
      validTo: input.validTo ?? null,
      createdBy: input.actor ?? null,
    });
    await em.flush();
    return version;
  }

  /** The version in force at `at`: the newest whose window holds it. */
  async inForce(tariffId: string, at: Date): Promise<TariffVersion | null> {
    const [version] = await this.deps.orm.em
      .fork()
      .find(
        TariffVersion,
        { tariff: tariffId, validFrom: { $lte: at }, $or: [{ validTo: null }, { validTo: { $gt: at } }] },
        { orderBy: { version: 'desc' }, limit: 1 },
      );
    return version ?? null;
  }

  async assign(input: AssignmentInput): Promise<TariffAssignment> {
    const em = this.deps.orm.em.fork();
    const tariff = await em.findOne(Tariff, { id: input.tariffId });
    if (!tariff) throw new BillingError('NOT_FOUND', `tariff ${input.tariffId} not found`);
    const organisationId = tariff.organisation.id;
    const site = input.siteId ? await em.findOne(Site, { id: input.siteId, organisation: organisationId }) : null;
    if (input.siteId && !site) throw badTariff(`siteId: no site ${input.siteId} of the tariff's organisation`, 'siteId');
    const station = input.stationId ? await em.findOne(Station, { id: input.stationId, organisation: organisationId }) : null;
    if (input.stationId && !station) throw badTariff(`stationId: no station ${input.stationId} of the tariff's organisation`, 'stationId');
    if (input.connectorId !== undefined && input.connectorId !== null && !station) {
      throw badTariff('connectorId: a connector is assigned with its station (stationId)', 'connectorId');
    }
    const group = input.groupId ? await em.findOne(IdToken, { id: input.groupId }) : null;
    if (input.groupId && !group) throw badTariff(`groupId: no credential ${input.groupId}`, 'groupId');
    const assignment = em.create(TariffAssignment, {
      tariff,
      organisation: organisationId,
      site,
      station,
      connectorId: input.connectorId ?? null,
      group,
    });
    await em.flush();
    return assignment;
  }

  async unassign(assignmentId: string): Promise<boolean> {
    return (await this.deps.orm.em.fork().nativeDelete(TariffAssignment, { id: assignmentId })) > 0;
  }

  /**
   * The tariff version a session is priced with: of the assignments that cover its connector (the connector,
   * its station, the station's site, the station's organisation), those of the credential's group first, then
   * the most specific; the version of that tariff in force at `at`. Null when none applies. A driver's plan with a
   * tariff of its own that covers the station comes before all of them.
   */
  async resolve(question: TariffQuestion): Promise<TariffVersion | null> {
    const planTariff = await this.deps.plans?.tariffFor(question); // plans:
    const planVersion = planTariff ? await this.inForce(planTariff, question.at) : null;
    if (planVersion) return planVersion;
    const rows = await this.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ tariff_id: string }[]>(
        `select a.tariff_id from tariff_assignment a
           join station s on s.id = ?
           left join id_token k on k.id = ?
         where a.organisation_id = s.organisation_id
           and (a.site_id is null or a.site_id = s.site_id)
           and (a.station_id is null or a.station_id = s.id)
           and (a.connector_id is null or a.connector_id = ?)
           and (a.group_id is null or a.group_id = k.parent_id or a.group_id = k.id)
         order by (a.group_id is not null) desc, (a.connector_id is not null) desc, (a.station_id is not null) desc,
           (a.site_id is not null) desc, a.created_at desc`,
        [question.stationId, question.idTokenId, question.connectorId],
      );
    for (const row of rows) {
      const version = await this.inForce(row.tariff_id, question.at);
      if (version) return version;
    }
    return null;
  }

  /** Records on a session the version it will be priced with (once: a session's tariff never changes). */
  async snapshot(sessionId: string, question: TariffQuestion): Promise<TariffVersion | null> {
    const version = await this.resolve(question);
    if (version) {
      await this.deps.orm.em
        .fork()
        .getConnection()
        .execute('update charging_session set tariff_version_id = ? where id = ? and tariff_version_id is null', [version.id, sessionId]);
    }
    return version;
  }
}
