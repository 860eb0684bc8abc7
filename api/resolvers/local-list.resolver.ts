import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { pushFullLocalList } from '../../auth/local-lists.js';
import type { Principal } from '../../auth/principal.js';
import { type LocalListEntry, sendLocalList } from '../../commands/local-list.js';
import type { ApiContext } from '../context.js';
import { badInput } from '../errors.js';
import { commanding } from '../remote.js';
import { LocalListEntryInput } from '../inputs/id-token.input.js';
import { LocalListResultType, LocalListUpdateType } from '../types/id-token.type.js';
import { visibleStation } from '../visible.js';

const actor = (context: ApiContext) => (context.principal as Principal).id;

function toEntry(input: LocalListEntryInput, index: number): LocalListEntry {
  const idTag = input.idTag.trim();
  if (!/^[\x21-\x7e]{1,20}$/.test(idTag)) throw badInput(`entries[${index}].idTag: expected 1 to 20 printable characters`, 'entries');
  if (!input.status) return { idTag };
  return {
    idTag,
    idTagInfo: {
      status: input.status,
      ...(input.expiryDate ? { expiryDate: input.expiryDate.toISOString() } : {}),
      ...(input.parentIdTag ? { parentIdTag: input.parentIdTag.trim() } : {}),
    },
  };
}

/** A station's local authorization list and authorization cache, by hand. */
@Resolver()
export class LocalListResolver {
  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => LocalListResultType, {
    description: 'SendLocalList with these entries: Full replaces the list (no entries empties it), Differential changes them',
  })
  async sendLocalList(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
    @Arg('updateType', () => LocalListUpdateType) updateType: LocalListUpdateType,
    @Arg('entries', () => [LocalListEntryInput], { defaultValue: [] }) entries: LocalListEntryInput[],
    @Arg('listVersion', () => Int, {
      nullable: true,
      description: "The list version to send (a certification run); by default the station's version plus one",
    })
    listVersion?: number | null,
  ): Promise<LocalListResultType> {
    if (listVersion !== undefined && listVersion !== null && !(Number.isInteger(listVersion) && listVersion > 0)) {
      throw badInput(`listVersion: expected a positive 32-bit integer; got ${listVersion}`, 'listVersion');
    }
    const station = await visibleStation(context, { identity: stationIdentity });
    const list = entries.map(toEntry);
    const { deps } = context;
    const options = { actor: actor(context), ...(listVersion ? { listVersion } : {}) };
    const result = await commanding(station.identity, 'SendLocalList', () =>
      sendLocalList({ commands: deps.stationCommands, orm: deps.orm }, station.identity, updateType, list, options),
    );
    return { status: result.status, listVersion: result.listVersion, entries: list.length };
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => LocalListResultType, {
    description: "Replaces the station's local list with its organisation's accepted credentials (and drivers' own), at most 1,000",
  })
  async pushLocalList(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
  ): Promise<LocalListResultType> {
    const station = await visibleStation(context, { identity: stationIdentity });
    const result = await commanding(station.identity, 'SendLocalList', () =>
      pushFullLocalList(context.deps, station.identity, { actor: actor(context) }),
    );
    return { status: result.status, listVersion: result.listVersion, entries: result.entries };
  }

  @Authorized('ADMIN', 'OPERATOR', 'scope:commands:write')
  @Mutation(() => String, { description: 'ClearCache: the station forgets the credentials it cached; its answer (Accepted or Rejected)' })
  async clearAuthorizationCache(
    @Ctx() context: ApiContext,
    @Arg('stationIdentity', () => String) stationIdentity: string,
  ): Promise<string> {
    const station = await visibleStation(context, { identity: stationIdentity });
    const response = await commanding(station.identity, 'ClearCache', () =>
      context.deps.stationCommands.send(station.identity, 'ClearCache', {}, { actor: actor(context) }),
    );
    return response.status;
  }
}
