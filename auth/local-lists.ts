import { type LocalListEntry, sendLocalList } from '../commands/local-list.js';
import type { SendOptions, StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import type { Logger } from '../platform/logger.js';

/** At most this many credentials go into a station's local list (most stations hold far fewer). */
export const maxLocalListEntries = 1000;

type Deps = { orm: Orm; stationCommands: StationCommands; log: Logger };

/**
 * Whether a station `s` holds credential `t` in its local list: evcms does not record what each list holds,
 * so the rule is the one `pushFullLocalList` builds lists by: the credentials of the station's organisation,
 * and drivers' own credentials that belong to no organisation (they may charge anywhere on the network).
 */
const heldBy = '(t.organisation_id = s.organisation_id or (t.organisation_id is null and t.owner_id is not null))';

interface EntryRow {
  value: string;
  status: string;
  expires_at: Date | string | null;
  parent_value: string | null;
  parent_status: string | null;
}

/** The local list entry of a credential: its own status unless Accepted, then its group's. */
function toEntry(row: EntryRow): LocalListEntry {
  const status = row.status !== 'Accepted' ? row.status : (row.parent_status ?? 'Accepted');
  return {
    idTag: row.value,
    idTagInfo: {
      status: status as 'Accepted' | 'Blocked' | 'Expired',
      ...(row.expires_at ? { expiryDate: new Date(row.expires_at).toISOString() } : {}),
      ...(row.parent_value ? { parentIdTag: row.parent_value } : {}),
    },
  };
}

/** The full local list of a station: its credentials that are Accepted now (and whose group is), oldest first, capped. */
export async function fullLocalList(orm: Orm, identity: string): Promise<LocalListEntry[]> {
  const rows = await orm.em.fork().execute<EntryRow[]>(
    `select t.value, t.status, t.expires_at, p.value as parent_value, p.status as parent_status
     from station s
     join id_token t on ${heldBy}
     left join id_token p on p.id = t.parent_id
     where s.identity = ? and t.status = 'Accepted' and (t.expires_at is null or t.expires_at > now())
       and (p.id is null or (p.status = 'Accepted' and (p.expires_at is null or p.expires_at > now())))
     order by t.organisation_id is null, t.created_at, t.id
     limit ?`,
    [identity, maxLocalListEntries],
  );
  return rows.map(toEntry);
}

/** Replaces a station's local list with the full list built from the credentials evcms holds. */
export async function pushFullLocalList(deps: Deps, identity: string, options?: SendOptions) {
  const entries = await fullLocalList(deps.orm, identity);
  const result = await sendLocalList({ commands: deps.stationCommands, orm: deps.orm }, identity, 'Full', entries, options);
  return { ...result, entries: entries.length };
}

export interface LocalListUpdate {
  identity: string;
  status: string;
}

/**
 * Tells the stations that hold a credential (see `heldBy`) its new status, with its group's members when it
 * is a group: a differential SendLocalList to each such station that has a list (version > 0) and is online
 * now. Best effort: a station that fails or does not answer is logged and skipped (its next full list, or
 * the Authorize it still sends online, sets it right); the outcome per station is returned.
 */
export async function updateLocalLists(deps: Deps, tokenId: string, options: SendOptions = {}): Promise<LocalListUpdate[]> {
  const em = deps.orm.em.fork();
  const [entries, stations] = await Promise.all([
    em.execute<EntryRow[]>(
      `select t.value, t.status, t.expires_at, p.value as parent_value, p.status as parent_status
       from id_token t left join id_token p on p.id = t.parent_id
       where t.id = ? or t.parent_id = ?
       order by t.id = ? desc, t.created_at limit ?`,
      [tokenId, tokenId, tokenId, maxLocalListEntries],
    ),
    em.execute<{ identity: string }[]>(
      `select s.identity from id_token t join station s on ${heldBy}
       where t.id = ? and s.local_list_version > 0 and s.online and s.retired_at is null order by s.identity`,
      [tokenId],
    ),
  ]);
  if (entries.length === 0 || stations.length === 0) return [];
  const list = entries.map(toEntry);
  const outcomes = await Promise.allSettled(
    stations.map((s) =>
      sendLocalList({ commands: deps.stationCommands, orm: deps.orm }, s.identity, 'Differential', list, {
        timeoutMs: 10_000,
        ...options,
      }),
    ),
  );
  return stations.map((s, i) => {
    const outcome = outcomes[i];
    if (outcome?.status === 'fulfilled') {
      if (outcome.value.status !== 'Accepted')
        deps.log.warn({ identity: s.identity, status: outcome.value.status }, 'local list: change refused');
      return { identity: s.identity, status: outcome.value.status };
    }
    deps.log.warn({ err: outcome?.reason, identity: s.identity }, 'local list: could not send a credential change');
    return { identity: s.identity, status: 'Failed' };
  });
}
