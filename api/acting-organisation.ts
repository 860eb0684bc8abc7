import { organisationScope, type Principal } from '../auth/principal.js';
import { Organisation } from '../schema/entities/index.js';
import type { ApiContext } from './context.js';
import { badInput, notFound } from './errors.js';
import { isUuid } from './ids.js';

/** The organisation a staff member acts for: the one named (admins), or their own (operators). */
export async function organisationFor(context: ApiContext, given: string | undefined): Promise<string> {
  const scope = organisationScope(context.principal as Principal);
  if (scope === undefined) {
    if (!given) throw badInput('organisationId: required for administrators', 'organisationId');
    if (!isUuid(given) || !(await context.em.findOne(Organisation, { id: given }))) throw notFound(`organisation ${given}`);
    return given;
  }
  if (!scope || (given && given !== scope)) throw notFound(`organisation ${given ?? '(none)'}`);
  return scope;
}

/**
 * The organisation a staff list is read for: the operator's own, or the one an admin names (undefined: all).
 * null when the caller may read none of it (another organisation's, or an id that is none).
 */
export function listedOrganisation(context: ApiContext, given: string | undefined): string | undefined | null {
  const scope = organisationScope(context.principal as Principal);
  if (scope === null || (scope !== undefined && given && given !== scope)) return null;
  const organisation = scope ?? given;
  return organisation && !isUuid(organisation) ? null : organisation;
}
