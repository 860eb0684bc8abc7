import { generateSecret } from '../auth/machine-secrets.js';
import type { Orm } from '../database/orm.js';
import { OcppTimeoutError, StationOfflineError } from './errors.js';
import type { StationService } from '../stations/service.js';
import { changeConfiguration } from './configuration.js';
import type { SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; orm: Orm; stations: StationService };

export type Rotation =
  /** The station took the new password as its AuthorizationKey; the stored hash switched after. */
  | { outcome: 'pushed'; password: string; status: 'Accepted' | 'RebootRequired' }
  /** The station is not connected: the stored hash switched; give the station the password yourself. */
  | { outcome: 'stored'; password: string }
  /** The station refused the new key: nothing changed, the old password still holds. */
  | { outcome: 'refused'; status: string }
  /**
   * The station did not answer in time: it may or may not have taken the key. Both passwords are accepted
   * until it logs in with one of them, which then holds.
   */
  | { outcome: 'unconfirmed'; password: string };

/** The AuthorizationKey value of a password: its hexadecimal encoding (OCPP 1.6 security whitepaper). */
export const authorizationKeyOf = (password: string) => Buffer.from(password, 'utf8').toString('hex');

/**
 * A new OCPP password for a station. A connected station gets it first, as ChangeConfiguration
 * AuthorizationKey, and the stored hash switches only once it accepted, so that it can reconnect
 * whatever happens; a station that is not connected gets its new hash at once. The new password is
 * accepted beside the old one while the station is asked, so one that takes the key and reconnects at
 * once (RebootRequired), or whose answer is lost, is never locked out.
 */
export async function rotateStationPassword(
  deps: Deps,
  station: { id: string; identity: string },
  options: SendOptions = {},
): Promise<Rotation> {
  const password = generateSecret(20);
  await deps.stations.offerPassword(station.id, password);
  let status: string;
  try {
    const answer = await changeConfiguration(deps, station.identity, 'AuthorizationKey', authorizationKeyOf(password), options);
    status = answer.status;
  } catch (error) {
    if (error instanceof OcppTimeoutError) return { outcome: 'unconfirmed', password };
    if (!(error instanceof StationOfflineError)) {
      await deps.stations.offerPassword(station.id, null);
      throw error;
    }
    await deps.stations.rotatePassword(station.id, password);
    return { outcome: 'stored', password };
  }
  if (status !== 'Accepted' && status !== 'RebootRequired') {
    await deps.stations.offerPassword(station.id, null);
    return { outcome: 'refused', status };
  }
  await deps.stations.rotatePassword(station.id, password);
  return { outcome: 'pushed', password, status };
}
