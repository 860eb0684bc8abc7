import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { maxUserSearch, userListWhere } from '../../auth/user-list.js';
import { User } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput } from '../errors.js';
import { isUuid } from '../ids.js';
import { CreateUserInput, UserFilter } from '../inputs/account.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { UserRoleValue, UserType } from '../types/account.type.js';

const UserConnection = ConnectionType('User', UserType);

/** Accounts as staff see them: admins all, operators their organisation's. */
@Resolver(() => UserType)
export class UserResolver {
  @Authorized('ADMIN', 'OPERATOR')
  @Mutation(() => UserType, {
    description: 'Creates an account. Admins: any role; operators: operators and drivers of their own organisation',
  })
  async createUser(@Ctx() context: ApiContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<UserType> {
    const principal = context.principal as Principal;
    let organisationId = input.organisationId ?? null;
    if (organisationId && !isUuid(organisationId)) throw new ApiError('NOT_FOUND', `organisation ${organisationId} not found`);
    if (principal.role === 'OPERATOR') {
      if (input.role === UserRoleValue.ADMIN) throw new ApiError('FORBIDDEN', 'role: operators may create operators and drivers only');
      if (!principal.organisationId) throw new ApiError('FORBIDDEN', 'this operator belongs to no organisation');
      if (organisationId && organisationId !== principal.organisationId)
        throw new ApiError('NOT_FOUND', `organisation ${organisationId} not found`);
      organisationId = principal.organisationId;
    }
    const user = await context.deps.accounts.createUser({ ...input, role: input.role, organisationId });
    return UserType.from(user);
  }

  @Authorized('ADMIN', 'OPERATOR')
  @Query(() => UserConnection, { description: 'Accounts, oldest first, paged' })
  async users(
    @Ctx() context: ApiContext,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter,
  ) {
    const window = pageWindow(page);
    if (filter?.search && filter.search.length > maxUserSearch)
      throw badInput(`search: at most ${maxUserSearch} characters`, 'filter.search');
    const where = userListWhere(context.principal as Principal, filter);
    if (!where) return toConnection([], 0, window);
    const [rows, total] = await context.em.findAndCount(User, where, {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit: window.limit,
      offset: window.offset,
    });
    return toConnection(rows.map(UserType.from), total, window);
  }
}
