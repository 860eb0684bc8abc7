import type { Orm } from '../database/orm.js';
import type { Response, SendOptions, StationCommands } from './station-commands.js';

type Deps = { commands: StationCommands; orm: Orm };

async function store(
  orm: Orm,
  identity: string,
  keys: Array<{ key: string; value?: string | undefined; readonly: boolean }>,
): Promise<void> {
  if (keys.length === 0) return;
  const values = keys.map(() => '(?, ?, ?)').join(',');
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into configuration_key (station_id, key, value, readonly, read_at)
       select s.id, v.key, v.value, v.readonly::boolean, now() from station s, (values ${values}) as v(key, value, readonly)
       where s.identity = ?
       on conflict (station_id, key) do update set value = excluded.value, readonly = excluded.readonly, read_at = now()`,
      [...keys.flatMap((k) => [k.key, k.value ?? null, k.readonly]), identity],
    );
}

/** GetConfiguration; the keys read are kept as the station's last known configuration. */
export async function getConfiguration(
  deps: Deps,
  identity: string,
  keys?: string[],
  options?: SendOptions,
): Promise<Response<'GetConfiguration'>> {
  const response = await deps.commands.send(identity, 'GetConfiguration', keys?.length ? { key: keys } : {}, options);
  await store(deps.orm, identity, response.configurationKey ?? []);
  return response;
}

/** ChangeConfiguration; an accepted value (or one that needs a reboot) is kept as known. */
export async function changeConfiguration(
  deps: Deps,
  identity: string,
  key: string,
  value: string,
  options?: SendOptions,
): Promise<Response<'ChangeConfiguration'>> {
  const response = await deps.commands.send(identity, 'ChangeConfiguration', { key, value }, options);
  if (response.status === 'Accepted' || response.status === 'RebootRequired') {
    // A secret sent to the station is not kept in the clear.
    await store(deps.orm, identity, [{ key, value: key === 'AuthorizationKey' ? '(set)' : value, readonly: false }]);
  }
  return response;
}
