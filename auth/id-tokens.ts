import type { EntityManager } from '@mikro-orm/postgresql';
import type { StationCommands } from '../commands/station-commands.js';
import type { Orm } from '../database/orm.js';
import { IdToken, type IdTokenStatus, type IdTokenType, Organisation, User } from '../schema/entities/index.js';
import type { Logger } from '../platform/logger.js';
import type { AuthorizationService } from './authorization.js';
import { IdTokenError, newAppTokenValue, normaliseTokenValue } from './id-token-values.js';
import { type LocalListUpdate, updateLocalLists } from './local-lists.js';

export interface CreateIdTokenInput {
  value: string;
  type: IdTokenType;
  status?: IdTokenStatus | undefined;
  expiresAt?: Date | null | undefined;
  /** The group credential this one belongs to (OCPP parentIdTag), by its value. */
  parentValue?: string | null | undefined;
  /** The driver (user id) who carries it. */
  ownerId?: string | null | undefined;
  organisationId?: string | null | undefined;
  /** Open sessions it may have at once; 0 = unlimited. */
  maxConcurrent?: number | undefined;
}

export type UpdateIdTokenInput = Pick<CreateIdTokenInput, 'status' | 'expiresAt' | 'parentValue' | 'maxConcurrent'>;

export interface IdTokenFilter {
  /** Only this organisation's credentials; undefined = every organisation. */
  organisationId?: string | null | undefined;
  ownerId?: string | undefined;
  status?: IdTokenStatus | undefined;
  type?: IdTokenType | undefined;
  /** Text in the value (case-insensitive). */
  search?: string | undefined;
}

export interface IdTokenChange {
  token: IdToken;
  /** The stations told of a new status through their local list, when the status changed. */
  localLists: LocalListUpdate[];
}

/** Nesting deeper than this is refused (OCPP knows one level; evcms checks one). */
const maxGroupDepth = 5;

/**
 * Credentials (OCPP idTags): issued, changed and listed here, so that every change also reaches the
 * authorization cache (the credential's and its group members', whose cached answers embed the group's
 * status) and, for a change of status, the local lists of the stations that hold it.
 */
export class IdTokenService {
  constructor(private readonly deps: { orm: Orm; authorization: AuthorizationService; stationCommands: StationCommands; log: Logger }) {}

  async get(id: string): Promise<IdToken | null> {
    return this.deps.orm.em.fork().findOne(IdToken, { id }, { populate: ['parent'] });
  }

  async create(input: CreateIdTokenInput): Promise<IdTokenChange> {
    const value = normaliseTokenValue(input.type, input.value);
    const em = this.deps.orm.em.fork();
    if (await em.count(IdToken, { value })) throw new IdTokenError('CONFLICT', `value: a credential "${value}" exists already`);
    const organisationId = input.organisationId ?? null;
    if (organisationId && !(await em.count(Organisation, { id: organisationId }))) {
      throw new IdTokenError('BAD_USER_INPUT', 'organisationId: no such organisation');
    }
    if (input.ownerId && !(await em.count(User, { id: input.ownerId, deletedAt: null }))) {
      throw new IdTokenError('BAD_USER_INPUT', 'ownerId: no such user');
    }
    const token = em.create(IdToken, {
      value,
      type: input.type,
      status: input.status ?? 'Accepted',
      expiresAt: checkedDate(input.expiresAt) ?? null,
      parent: input.parentValue ? await this.group(em, input.parentValue, organisationId, null) : null,
      owner: input.ownerId ? em.getReference(User, input.ownerId) : null,
      organisation: organisationId ? em.getReference(Organisation, organisationId) : null,
      maxConcurrent: checkedMaxConcurrent(input.maxConcurrent) ?? 1,
    });
    await flushUnique(em, value);
    // The value may have been asked about (and "unknown" cached) before it was issued.
    await this.deps.authorization.invalidate(value);
    return { token, localLists: [] };
  }

  async update(id: string, changes: UpdateIdTokenInput): Promise<IdTokenChange> {
    const em = this.deps.orm.em.fork();
    const token = await em.findOne(IdToken, { id }, { populate: ['parent'] });
    if (!token) throw new IdTokenError('NOT_FOUND', `credential ${id} not found`);
    const before = token.status;
    if (changes.status) token.status = changes.status;
    if (changes.expiresAt !== undefined) token.expiresAt = checkedDate(changes.expiresAt) ?? null;
    if (changes.maxConcurrent !== undefined) token.maxConcurrent = checkedMaxConcurrent(changes.maxConcurrent) ?? token.maxConcurrent;
    if (changes.parentValue !== undefined) {
      token.parent = changes.parentValue ? await this.group(em, changes.parentValue, token.organisation?.id ?? null, token.id) : null;
    }
    await em.flush();
    await this.forget(em, token);
    const localLists = token.status !== before ? await updateLocalLists(this.deps, token.id) : [];
    return { token, localLists };
  }

  async list(filter: IdTokenFilter, window: { offset: number; limit: number }): Promise<{ rows: IdToken[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (filter.organisationId !== undefined) where.organisation = filter.organisationId;
    if (filter.ownerId) where.owner = filter.ownerId;
    if (filter.status) where.status = filter.status;
    if (filter.type) where.type = filter.type;
    if (filter.search) {
      if (filter.search.length > 100) throw new IdTokenError('BAD_USER_INPUT', 'search: at most 100 characters');
      where.value = { $ilike: `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
    }
    const [rows, total] = await this.deps.orm.em.fork().findAndCount(IdToken, where, {
      populate: ['parent'],
      orderBy: { createdAt: 'desc', id: 'asc' },
      limit: window.limit,
      offset: window.offset,
    });
    return { rows, total };
  }

  /**
   * The driver's app credential, issued on first use: the idTag evcms starts the driver's remote sessions with.
   * Issued once, even when two requests ask at the same moment (a lock per driver).
   */
  async appTokenOf(userId: string): Promise<IdToken> {
    return this.deps.orm.em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`app-token:${userId}`]);
      const found = await em.findOne(IdToken, { owner: userId, type: 'APP' }, { orderBy: { createdAt: 'asc' } });
      if (found) return found;
      const user = await em.findOneOrFail(User, { id: userId });
      return em.create(IdToken, {
        value: newAppTokenValue(),
        type: 'APP',
        status: 'Accepted',
        owner: user,
        organisation: user.organisation ?? null,
        maxConcurrent: 1,
      });
    });
  }

  /** Drops the cached answers about a credential and about its group's members. */
  private async forget(em: EntityManager, token: IdToken): Promise<void> {
    const members = await em.find(IdToken, { parent: token.id }, { fields: ['value'] });
    await this.deps.authorization.invalidateAll([token.value, ...members.map((m) => m.value)]);
  }

  /** The group a credential joins: same organisation, and no loop back to the credential itself. */
  private async group(em: EntityManager, parentValue: string, organisationId: string | null, selfId: string | null): Promise<IdToken> {
    const raw = parentValue.trim();
    const parent = await em.findOne(IdToken, { value: { $in: [raw, raw.replace(/[\s:.-]/g, '').toUpperCase()] } });
    if (!parent || (parent.organisation?.id ?? null) !== organisationId) {
      throw new IdTokenError('BAD_USER_INPUT', `parentValue: no credential "${raw}" in this organisation`);
    }
    let ancestor: IdToken | null = parent;
    for (let depth = 0; ancestor; depth++) {
      if (ancestor.id === selfId) throw new IdTokenError('BAD_USER_INPUT', 'parentValue: a credential cannot be in its own group');
      if (depth >= maxGroupDepth) throw new IdTokenError('BAD_USER_INPUT', `parentValue: groups nest at most ${maxGroupDepth} deep`);
      ancestor = ancestor.parent ? await em.findOne(IdToken, { id: ancestor.parent.id }) : null;
    }
    return parent;
  }
}

function checkedDate(date: Date | null | undefined): Date | null | undefined {
  if (date && Number.isNaN(date.getTime())) throw new IdTokenError('BAD_USER_INPUT', 'expiresAt: not a date');
  return date;
}

function checkedMaxConcurrent(n: number | undefined): number | undefined {
  if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 1000)) {
    throw new IdTokenError('BAD_USER_INPUT', 'maxConcurrent: expected a whole number from 0 (unlimited) to 1000');
  }
  return n;
}

/** Flushes a new credential; losing a race for its value is a conflict, not an internal error. */
async function flushUnique(em: EntityManager, value: string): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if ((error as Error).name === 'UniqueConstraintViolationException') {
      throw new IdTokenError('CONFLICT', `value: a credential "${value}" exists already`);
    }
    throw error;
  }
}
