import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { changeConfiguration, getConfiguration } from '../../commands/configuration.js';
import { getLocalListVersion } from '../../commands/local-list.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { checkCommand, commandTarget, commanding, sendAs } from '../remote.js';
import { CommandResultType, ConfigurationResultType } from '../types/command.type.js';

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === undefined || value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;

/** Remote operations on a station's configuration, local list, diagnostics and firmware. */
@Resolver()
export class RemoteConfigResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => ConfigurationResultType, {
    description: 'Reads configuration keys (all when none are named); kept as the last known values',
  })
  async getConfiguration(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('keys', () => [String], { nullable: true }) keys?: string[],
  ): Promise<ConfigurationResultType> {
    const { options } = await commandTarget(context, stationIdentity);
    checkCommand('GetConfiguration', keys?.length ? { key: keys } : {});
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm };
    const answer = await commanding(stationIdentity, 'GetConfiguration', () => getConfiguration(deps, stationIdentity, keys, options));
    return {
      keys: (answer.configurationKey ?? []).map((k) => ({ key: k.key, value: k.value ?? null, readonly: k.readonly })),
      unknownKeys: answer.unknownKey ?? [],
    };
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Changes one configuration key; an accepted value is kept as known' })
  async changeConfiguration(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('key', () => String) key: string,
    @Arg('value', () => String) value: string,
  ): Promise<CommandResultType> {
    // The station's password must change together with its stored hash, or it could not reconnect.
    if (key === 'AuthorizationKey') throw badInput('key: change AuthorizationKey with rotateStationPassword', 'key');
    const { options } = await commandTarget(context, stationIdentity);
    checkCommand('ChangeConfiguration', { key, value });
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm };
    const answer = await commanding(stationIdentity, 'ChangeConfiguration', () =>
      changeConfiguration(deps, stationIdentity, key, value, options),
    );
    return CommandResultType.of('ChangeConfiguration', answer);
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: "Reads the version of the station's local authorization list" })
  async getLocalListVersion(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
  ): Promise<CommandResultType> {
    const { options } = await commandTarget(context, stationIdentity);
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm };
    const listVersion = await commanding(stationIdentity, 'GetLocalListVersion', () => getLocalListVersion(deps, stationIdentity, options));
    return CommandResultType.of('GetLocalListVersion', { listVersion }, { listVersion });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Asks the station to upload its diagnostics to a location (ftp:// or https://)' })
  async getDiagnostics(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('location', () => String) location: string,
    @Arg('retries', () => Int, { nullable: true }) retries?: number,
    @Arg('retryInterval', () => Int, { nullable: true }) retryInterval?: number,
    @Arg('startTime', () => Date, { nullable: true }) startTime?: Date,
    @Arg('stopTime', () => Date, { nullable: true }) stopTime?: Date,
  ): Promise<CommandResultType> {
    const request = {
      location,
      ...optional('retries', retries),
      ...optional('retryInterval', retryInterval),
      ...optional('startTime', startTime?.toISOString()),
      ...optional('stopTime', stopTime?.toISOString()),
    };
    return CommandResultType.of('GetDiagnostics', await sendAs(context, stationIdentity, 'GetDiagnostics', request));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Asks the station to download and install firmware from a location' })
  async updateFirmware(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('location', () => String) location: string,
    @Arg('retrieveDate', () => Date, { nullable: true, description: 'Not before (default: now)' }) retrieveDate?: Date,
    @Arg('retries', () => Int, { nullable: true }) retries?: number,
    @Arg('retryInterval', () => Int, { nullable: true }) retryInterval?: number,
  ): Promise<CommandResultType> {
    const request = {
      location,
      retrieveDate: (retrieveDate ?? new Date()).toISOString(),
      ...optional('retries', retries),
      ...optional('retryInterval', retryInterval),
    };
    return CommandResultType.of('UpdateFirmware', await sendAs(context, stationIdentity, 'UpdateFirmware', request));
  }
}
