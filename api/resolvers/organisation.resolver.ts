import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '../../auth/principal.js';
import { Organisation } from '../../schema/entities/index.js';
import type { ApiContext } from '../context.js';
import { ApiError, badInput } from '../errors.js';
import { CreateOrganisationInput } from '../inputs/site.input.js';
import { ConnectionType, PageArgs, pageWindow, toConnection } from '../pagination.js';
import { OrganisationType, RegistrationPolicyValue } from '../types/organisation.type.js';
import { visibleOrganisation } from '../visible.js';

const OrganisationConnection = ConnectionType('Organisation', OrganisationType);

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slugOf = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

@Resolver(() => OrganisationType)
export class OrganisationResolver {
  @Authorized()
  @Query(() => OrganisationConnection, { description: 'Organisations: all for admins, ones own for everyone else' })
  async organisations(@Ctx() context: ApiContext, @Args(() => PageArgs) page: PageArgs) {
    const window = pageWindow(page);
    const principal = context.principal as Principal;
    if (principal.role !== 'ADMIN' && !principal.organisationId) return toConnection([], 0, window);
    const where = principal.role === 'ADMIN' ? {} : { id: principal.organisationId as string };
    const [rows, total] = await context.em.findAndCount(Organisation, where, {
      orderBy: { name: 'asc', id: 'asc' },
      limit: window.limit,
      offset: window.offset,
    });
    return toConnection(rows.map(OrganisationType.from), total, window);
  }

  @Authorized()
  @Query(() => OrganisationType, { description: 'One organisation (admins: any; others: their own)' })
  async organisation(@Ctx() context: ApiContext, @Arg('id', () => ID) id: string): Promise<OrganisationType> {
    return OrganisationType.from(await visibleOrganisation(context, id));
  }

  @Authorized('ADMIN')
  @Mutation(() => OrganisationType, { description: 'Creates an operator organisation (admins only)' })
  async createOrganisation(
    @Ctx() context: ApiContext,
    @Arg('input', () => CreateOrganisationInput) input: CreateOrganisationInput,
  ): Promise<OrganisationType> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw badInput('name: expected 1 to 200 characters', 'name');
    const slug = input.slug ?? slugOf(name);
    if (!slugPattern.test(slug) || slug.length > 60) {
      throw badInput('slug: expected lower-case letters, digits and single dashes, at most 60 characters', 'slug');
    }
    const organisation = context.em.create(Organisation, {
      name,
      slug,
      registrationPolicy: input.registrationPolicy ?? RegistrationPolicyValue.reject,
    });
    try {
      await context.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new ApiError('CONFLICT', `slug: "${slug}" is taken`, { field: 'slug' });
      throw error;
    }
    return OrganisationType.from(organisation);
  }
}
