import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { cancelReservation, reserveNow } from '../../commands/reservations.js';
import type { Request } from '../../commands/station-commands.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { ChargingProfilePurposeValue, ChargingRateUnitValue } from '../inputs/command.input.js';
import { checkCommand, commandTarget, commanding, sendAs } from '../remote.js';
import { CommandResultType } from '../types/command.type.js';
import { JSONScalar } from '../types/json.scalar.js';

const present = <V>(value: V | null | undefined): value is V => value !== undefined && value !== null;

/** Remote operations on reservations and charging profiles (smart charging). */
@Resolver()
export class RemoteChargingResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, {
    description: 'Reserves a connector for an idTag until expiresAt; the answer carries the reservationId',
  })
  async reserveNow(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int, { description: '0 reserves any connector, when the station allows it' }) connectorId: number,
    @Arg('idTag', () => String) idTag: string,
    @Arg('expiresAt', () => Date) expiresAt: Date,
    @Arg('parentIdTag', () => String, { nullable: true }) parentIdTag?: string,
  ): Promise<CommandResultType> {
    const { options } = await commandTarget(context, stationIdentity);
    if (expiresAt.getTime() <= Date.now()) throw badInput('expiresAt: expected a time in the future', 'expiresAt');
    const payload = { connectorId, expiryDate: expiresAt.toISOString(), idTag, reservationId: 1, ...(parentIdTag ? { parentIdTag } : {}) };
    checkCommand('ReserveNow', payload);
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm };
    const input = { connectorId, idTag, expiresAt, parentIdTag: parentIdTag ?? undefined };
    const answer = await commanding(stationIdentity, 'ReserveNow', () => reserveNow(deps, stationIdentity, input, options));
    return CommandResultType.of('ReserveNow', { status: answer.status }, { reservationId: answer.reservationId });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, {
    description:
      "CancelReservation for any reservationId at the station: one made with reserveNow is marked Cancelled once the station accepts; for another (a certification run) the station's answer is returned, Rejected as a rule",
  })
  async cancelReservation(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('reservationId', () => Int) reservationId: number,
  ): Promise<CommandResultType> {
    const { options } = await commandTarget(context, stationIdentity);
    const deps = { commands: context.deps.stationCommands, orm: context.deps.orm };
    const answer = await commanding(stationIdentity, 'CancelReservation', () =>
      cancelReservation(deps, stationIdentity, reservationId, options),
    );
    return CommandResultType.of('CancelReservation', answer, { reservationId });
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, { description: 'Sets a charging profile (OCPP 1.6 csChargingProfiles, checked against the schema)' })
  async setChargingProfile(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int, { description: '0 for the whole station (ChargePointMaxProfile, TxDefaultProfile)' })
    connectorId: number,
    @Arg('profile', () => JSONScalar, { description: 'The csChargingProfiles object of SetChargingProfile.req' }) profile: unknown,
  ): Promise<CommandResultType> {
    const request = { connectorId, csChargingProfiles: profile } as Request<'SetChargingProfile'>;
    return CommandResultType.of('SetChargingProfile', await sendAs(context, stationIdentity, 'SetChargingProfile', request));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, {
    description: 'Clears charging profiles: by id, or all matching the other criteria (all when none given)',
  })
  async clearChargingProfile(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('id', () => Int, { nullable: true }) id?: number,
    @Arg('connectorId', () => Int, { nullable: true }) connectorId?: number,
    @Arg('purpose', () => ChargingProfilePurposeValue, { nullable: true }) purpose?: ChargingProfilePurposeValue,
    @Arg('stackLevel', () => Int, { nullable: true }) stackLevel?: number,
  ): Promise<CommandResultType> {
    const request: Request<'ClearChargingProfile'> = {
      ...(present(id) ? { id } : {}),
      ...(present(connectorId) ? { connectorId } : {}),
      ...(present(purpose) ? { chargingProfilePurpose: purpose } : {}),
      ...(present(stackLevel) ? { stackLevel } : {}),
    };
    return CommandResultType.of('ClearChargingProfile', await sendAs(context, stationIdentity, 'ClearChargingProfile', request));
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => CommandResultType, {
    description: 'The schedule a connector will follow for the next `duration` seconds (in the response)',
  })
  async getCompositeSchedule(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('connectorId', () => Int) connectorId: number,
    @Arg('duration', () => Int, { description: 'Seconds' }) duration: number,
    @Arg('chargingRateUnit', () => ChargingRateUnitValue, { nullable: true }) chargingRateUnit?: ChargingRateUnitValue,
  ): Promise<CommandResultType> {
    const request = { connectorId, duration, ...(present(chargingRateUnit) ? { chargingRateUnit } : {}) };
    return CommandResultType.of('GetCompositeSchedule', await sendAs(context, stationIdentity, 'GetCompositeSchedule', request));
  }
}
