import type { Orm } from '../database/orm.js';
import { Station } from '../schema/entities/index.js';
import type { Request, Response, SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; orm: Orm };
export type LocalListEntry = NonNullable<Request<'SendLocalList'>['localAuthorizationList']>[number];

/** SendLocalList with the next list version; the station's version is kept once it accepts. */
export async function sendLocalList(
  deps: Deps,
  identity: string,
  updateType: 'Full' | 'Differential',
  entries: LocalListEntry[],
  options?: SendOptions,
): Promise<Response<'SendLocalList'> & { listVersion: number }> {
  const em = deps.orm.em.fork();
  const station = await em.findOneOrFail(Station, { identity });
  const listVersion = station.localListVersion + 1;
  const response = await deps.commands.send(
    identity,
    'SendLocalList',
    { listVersion, updateType, localAuthorizationList: entries },
    options,
  );
  if (response.status === 'Accepted') await em.nativeUpdate(Station, { id: station.id }, { localListVersion: listVersion });
  return { ...response, listVersion };
}

/** GetLocalListVersion; the answer is kept as the station's version. */
export async function getLocalListVersion(deps: Deps, identity: string, options?: SendOptions): Promise<number> {
  const response = await deps.commands.send(identity, 'GetLocalListVersion', {}, options);
  await deps.orm.em.fork().nativeUpdate(Station, { identity }, { localListVersion: Math.max(0, response.listVersion) });
  return response.listVersion;
}
