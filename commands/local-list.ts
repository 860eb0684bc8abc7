import type { Orm } from '../database/orm.js';
import { Station } from '../schema/entities/index.js';
import { inTurn } from '../platform/in-turn.js';
import type { Request, Response, SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; orm: Orm };
export type LocalListEntry = NonNullable<Request<'SendLocalList'>['localAuthorizationList']>[number];

/** Each station's SendLocalList calls from this process, one after the other (see sendLocalList). */
const oneStationAtATime = inTurn();

/**
 * SendLocalList with the next list version; the station's version is kept once it accepts. Calls for one
 * station run one at a time: two differential updates sent at once (two credentials blocked in quick
 * succession) would otherwise both carry version N+1, and the station would refuse the second
 * (VersionMismatch), leaving a blocked idTag accepted in its list. `listVersion` chooses the version (a
 * certification run); once accepted it is the station's version, and the automatic ones count on from it.
 */
export function sendLocalList(
  deps: Deps,
  identity: string,
  updateType: 'Full' | 'Differential',
  entries: LocalListEntry[],
  options?: SendOptions & { listVersion?: number },
): Promise<Response<'SendLocalList'> & { listVersion: number }> {
  return oneStationAtATime(identity, async () => {
    const em = deps.orm.em.fork();
    const station = await em.findOneOrFail(Station, { identity });
    const chosen = options?.listVersion;
    const listVersion = chosen ?? station.localListVersion + 1;
    const response = await deps.commands.send(
      identity,
      'SendLocalList',
      { listVersion, updateType, localAuthorizationList: entries },
      options,
    );
    if (response.status === 'Accepted') {
      // Never backwards unless chosen: a GetLocalListVersion may have read a higher one meanwhile.
      const set = chosen === undefined ? 'greatest(local_list_version, ?)' : '?';
      await em.getConnection().execute(`update station set local_list_version = ${set} where id = ?`, [listVersion, station.id]);
    }
    return { ...response, listVersion };
  });
}

/** GetLocalListVersion; the answer is kept as the station's version. */
export async function getLocalListVersion(deps: Deps, identity: string, options?: SendOptions): Promise<number> {
  const response = await deps.commands.send(identity, 'GetLocalListVersion', {}, options);
  await deps.orm.em.fork().nativeUpdate(Station, { identity }, { localListVersion: Math.max(0, response.listVersion) });
  return response.listVersion;
}
