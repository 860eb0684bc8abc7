import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { organisationScope, type Principal } from '../../auth/principal.js';
import { rotateStationPassword } from '../../commands/rotate-password.js';
import { failureKind } from '../../commands/station-commands.js';
import { type RegistrationStatus, Site } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput, notFound } from '../errors.js';
import { UpdateStationInput } from '../inputs/station-admin.input.js';
import { commandTarget, commanding } from '../remote.js';
import { RegistrationChangeType, RotatedPasswordType } from '../types/station-admin.type.js';
import { StationType } from '../types/station.type.js';

/** A pending station accepted or rejected; a connected one is asked to boot again so it hears at once. */
async function decideRegistration(context: ApiContext, identity: string, status: RegistrationStatus): Promise<RegistrationChangeType> {
  const { station, options } = await commandTarget(context, identity);
  if (station.registrationStatus !== 'Pending') {
    throw new ApiError('CONFLICT', `station ${identity} is ${station.registrationStatus}, not Pending`);
  }
  await context.deps.stations.setRegistration(station.id, status);
  station.registrationStatus = status;
  let bootTrigger: string | null = null;
  if (station.online) {
    try {
      const answer = await context.deps.stationCommands.send(identity, 'TriggerMessage', { requestedMessage: 'BootNotification' }, options);
      bootTrigger = answer.status;
    } catch (error) {
      // The decision stands either way; the station hears it at its next BootNotification.
      const kind = failureKind(error);
      if (kind === 'error') throw error;
      bootTrigger = kind === 'offline' ? null : kind;
    }
  }
  return Object.assign(new RegistrationChangeType(), { station: StationType.from(station), bootTrigger });
}

/** Station lifecycle: moving, renaming, retiring, registration decisions and password rotation. */
@Resolver()
export class StationAdminResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => StationType, { description: "Renames a station or moves it to another site (and that site's organisation)" })
  async updateStation(
    @Ctx() context: ApiContext,
    @Arg('identity', () => String) identity: string,
    @Arg('input', () => UpdateStationInput) input: UpdateStationInput,
  ): Promise<StationType> {
    const { station } = await commandTarget(context, identity);
    if (input.name !== undefined) {
      if (input.name !== null && (input.name.trim().length === 0 || input.name.length > 200)) {
        throw badInput('name: expected 1 to 200 characters, or null', 'name');
      }
      station.name = input.name?.trim() ?? null;
    }
    if (input.siteId !== undefined && input.siteId !== null) {
      const scope = organisationScope(context.principal as Principal);
      const site = await context.em.findOne(Site, { id: input.siteId });
      if (!site || (scope !== undefined && site.organisation.id !== scope)) throw notFound(`site ${input.siteId}`);
      station.site = site;
      station.organisation = site.organisation;
    }
    await context.em.flush();
    return StationType.from(station);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => StationType, { description: 'Retires a station: it may no longer connect (HTTP 404) and leaves the lists' })
  async retireStation(@Ctx() context: ApiContext, @Arg('identity', () => String) identity: string): Promise<StationType> {
    const { station } = await commandTarget(context, identity);
    station.retiredAt ??= new Date();
    await context.em.flush();
    return StationType.from(station);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => RegistrationChangeType, { description: 'Accepts a Pending station' })
  acceptStation(@Ctx() context: ApiContext, @Arg('identity', () => String) identity: string): Promise<RegistrationChangeType> {
    return decideRegistration(context, identity, 'Accepted');
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => RegistrationChangeType, { description: 'Rejects a Pending station' })
  rejectStation(@Ctx() context: ApiContext, @Arg('identity', () => String) identity: string): Promise<RegistrationChangeType> {
    return decideRegistration(context, identity, 'Rejected');
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:stations:write')
  @Mutation(() => RotatedPasswordType, {
    description:
      'A new OCPP password, shown once; a connected station gets it first (AuthorizationKey) and the old one holds until it accepts',
  })
  async rotateStationPassword(@Ctx() context: ApiContext, @Arg('identity', () => String) identity: string): Promise<RotatedPasswordType> {
    const { station, options } = await commandTarget(context, identity);
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm, stations: context.deps.stations };
    const rotation = await commanding(identity, 'ChangeConfiguration', () => rotateStationPassword(deps, station, options));
    if (rotation.outcome === 'refused') {
      throw new ApiError(
        'STATION_REJECTED',
        `station ${identity} refused the new AuthorizationKey (${rotation.status}); its password is unchanged`,
      );
    }
    await context.em.refresh(station);
    return Object.assign(new RotatedPasswordType(), {
      station: StationType.from(station),
      ocppPassword: rotation.password,
      pushed: rotation.outcome === 'pushed',
      confirmed: rotation.outcome !== 'unconfirmed',
    });
  }
}
